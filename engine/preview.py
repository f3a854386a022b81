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


def explain(env, scheme, partner_ids):
    """What the engine says of ``partner_ids`` in rules ``scheme`` and why,
    to be called inside :func:`sandbox`: {partner id: (segment id or None,
    {metric id: value})}.  (Rankings: :func:`.explain.place`, against the
    stored boundaries.)"""
    today = common.today_of(env)
    partner_ids = list(partner_ids)
    if not partner_ids:
        return {}
    metrics.compute_metrics(
        env,
        classify.scheme_metrics(scheme),
        partner_ids,
        today,
        {},
        metrics.scheme_companies(scheme),
    )
    classify.classify(env, scheme, partner_ids)
    env.cr.execute("SELECT partner_id, segment_id FROM psseg_result")
    segments = dict(env.cr.fetchall())
    env.cr.execute(Q.partner_values(partner_ids))
    values = {pid: {} for pid in partner_ids}
    for partner_id, metric_id, value in env.cr.fetchall():
        values[partner_id][metric_id] = value
    return {pid: (segments.get(pid), values[pid]) for pid in partner_ids}
