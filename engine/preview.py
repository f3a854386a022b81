# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The engine in a sandbox: the real stages (metrics, classify) run against
the work tables inside a savepoint that is rolled back, so that nothing is
written.  Used by the preview of unsaved rules and by the explanation of
why a partner is in its segment.  SQL text: :mod:`.preview_sql`.
"""

import contextlib

from . import classify, common, metrics, run_sql, run_state
from . import preview_sql as Q


@contextlib.contextmanager
def sandbox(env):
    """Work tables in a savepoint rolled back at the end, whatever happens,
    with a state of their own (:mod:`.run_state`); the ORM forgets whatever
    was written inside."""
    env.flush_all()
    savepoint = env.cr.savepoint(flush=False)
    try:
        env.cr.execute(run_sql.CREATE_WORK_TABLES)
        with run_state.attached(env):
            yield
        env.flush_all()
    finally:
        savepoint.close(rollback=True)
        # forget what was cached, dirty or due to be recomputed inside: the
        # database went back to the savepoint (flushed before it was taken)
        env.clear()


def preview(env, scheme):
    """What a full run of ``scheme`` (as it is in this transaction) would
    give, to be called inside :func:`sandbox`: ({segment id: partners},
    [(partner id, from segment id, to segment id)])."""
    today = common.today_of(env)
    metrics.compute_metrics(
        env, classify.scheme_metrics(scheme), None, today, {}, metrics.scheme_companies(scheme)
    )
    classify.classify(env, scheme, None)
    env.cr.execute(Q.result_counts())
    counts = dict(env.cr.fetchall())
    env.cr.execute(Q.movers(scheme.id))
    return counts, env.cr.fetchall()


def explain(env, scheme, partner):
    """What the engine says of ``partner`` in ``scheme`` and why, to be
    called inside :func:`sandbox`.  Returns a dict: ``segment`` (id or
    None) and, by method, ``values`` {metric id: value} (rules) or
    ``position`` (value, rank or bucket, …) (Pareto, quantile)."""
    today = common.today_of(env)
    ranking = scheme.method in scheme._ranking_methods()
    scope = None if ranking else [partner.id]
    metrics.compute_metrics(
        env, classify.scheme_metrics(scheme), scope, today, {}, metrics.scheme_companies(scheme)
    )
    classify.classify(env, scheme, [partner.id])
    env.cr.execute("SELECT segment_id FROM psseg_result WHERE partner_id = %s", [partner.id])
    row = env.cr.fetchone()
    result = {"segment": row and row[0]}
    if scheme.method == "rules":
        env.cr.execute(
            "SELECT metric_id, value FROM psseg_value WHERE partner_id = %s", [partner.id]
        )
        result["values"] = dict(env.cr.fetchall())
        return result
    universe = classify._fill_universe(env, scheme)  # pylint: disable=protected-access
    metric = scheme.metric_id
    if scheme.method == "pareto":
        exclude = classify.excludes_zero(scheme)
        env.cr.execute(Q.pareto_position(universe, metric.id, exclude, partner.id))
    else:
        env.cr.execute(
            Q.quantile_position(
                universe,
                metric.id,
                classify.quantile_value(scheme),
                scheme.quantile_count,
                scheme.quantile_order != "asc",
                partner.id,
            )
        )
    result["position"] = env.cr.fetchone()
    return result
