# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A run: the stages in their order, the lock, the run record.

1. takes a transaction-level advisory lock (a second run returns ``None``);
2. releases the manual overrides whose end date has passed;
3. computes the metrics every scheme needs, sharing scans (:mod:`.metrics`);
4. per scheme, inside a savepoint: classifies (:mod:`.classify`) and applies
   the difference (:mod:`.apply`); a failing scheme is rolled back to its
   savepoint and recorded, the others go on;
5. chatter notes and segment actions (:mod:`.notify`), then the schemes'
   ``_after_recompute`` hook, the run's facts, and a clean ORM cache.
"""

import logging
import time

from odoo import fields

from . import apply, classify, composite, metrics, notify
from . import metrics_sql as MQ
from . import run_sql as Q
from .common import today_of

_logger = logging.getLogger(__name__)


def run(env, schemes, partners=None, trigger="manual"):
    """Recompute ``schemes`` for everyone, or for ``partners`` only (their
    commercial partners; Pareto and quantile still rank against everyone).

    Returns the ``partner.segment.run`` record, or ``None`` when another run
    holds the lock.
    """
    if not _try_lock(env):
        _logger.info("Segmentation run skipped: another run is in progress")
        return None
    # Whoever triggers it, a run sees all the data (a salesperson's record
    # rules must not change anybody's segments); who ran it is recorded.
    uid, env = env.uid, env(su=True)
    started, queries_before = time.perf_counter(), env.cr.sql_log_count
    today = today_of(env)
    # a scheme runs after the schemes it tests; the schemes that test these
    # are added, for the partners whose tested segment changes
    schemes, added = composite.plan(schemes.with_env(env).filtered("active"))
    scope_ids = None if partners is None else sorted(set(partners.commercial_partner_id.ids))
    run_rec = _create_run(env, schemes, trigger, uid)
    work_mem = _prepare(env)
    apply.release_expired_locks(env, schemes.ids, today, scope_ids)

    computed = _precompute_metrics(env, schemes, scope_ids, today)
    facts = {}
    for scheme in schemes:
        scheme_scope = scope_ids
        if scheme in added:
            scheme_scope = composite.changed_scope(env, scheme, scope_ids)
            if not scheme_scope:
                continue
        facts[scheme] = _run_scheme_safely(env, scheme, scheme_scope, today, run_rec.id, computed)

    env.cr.execute(Q.restore_work_mem(work_mem))
    env.invalidate_all()
    notify.post_chatter(env, schemes.filtered("post_chatter"))
    notify.run_segment_actions(env, schemes)
    schemes._after_recompute(run_rec)
    _finish(env, run_rec, facts, started, queries_before)
    return run_rec


def _try_lock(env):
    env.cr.execute(Q.TRY_RUN_LOCK)
    return env.cr.fetchone()[0]


def _create_run(env, schemes, trigger, uid):
    return env["partner.segment.run"].create(
        {
            "date_start": fields.Datetime.now(),
            "trigger": trigger,
            "user_id": uid,
            "scheme_ids": [(6, 0, schemes.ids)],
            "status": "running",
        }
    )


def _prepare(env):
    """Empty work tables and a larger ``work_mem``; returns the previous one."""
    env.flush_all()
    env.cr.execute(Q.CREATE_WORK_TABLES)
    env.cr.cache[classify.UNIVERSE_KEY] = None
    env.cr.execute(Q.raise_work_mem())
    return env.cr.fetchone()[0]


def _precompute_metrics(env, schemes, scope_ids, today):
    """Compute the metrics of every scheme up front, so that metrics sharing
    a source share its scan.  Should that fail, the schemes compute what each
    needs again, each in its own savepoint, and only the broken one fails."""
    everyone = schemes.filtered(lambda s: classify.metric_scope(s, scope_ids) is None)
    done = {}
    try:
        with env.cr.savepoint():
            for group, scope in ((everyone, None), (schemes - everyone, scope_ids)):
                needed = env["partner.segment.metric"].union(*map(classify.scheme_metrics, group))
                done.update(metrics.compute_metrics(env, needed, scope, today, done))
    except Exception:
        _logger.info("Shared metric scan failed; each scheme computes its own", exc_info=True)
        return {}
    if done:
        env.cr.execute(MQ.ANALYZE_VALUES)
    return done


def _run_scheme(env, scheme, scope_ids, today, run_id, computed):
    """Classify one scheme and apply the difference; returns (partners, changes)."""
    metric_scope = classify.metric_scope(scheme, scope_ids)
    needed = classify.scheme_metrics(scheme)
    new = metrics.compute_metrics(env, needed, metric_scope, today, computed)
    computed.update(new)
    if new:
        env.cr.execute(MQ.ANALYZE_VALUES)
    partners = classify.classify(env, scheme, scope_ids)
    return partners, apply.apply_result(env, scheme, scope_ids, today, run_id)


def _run_scheme_safely(env, scheme, scope_ids, today, run_id, computed):
    """Run one scheme in a savepoint; returns its facts (``last_run_*``
    values, plus ``partners``).  ``computed`` follows what stays computed."""
    t0 = time.perf_counter()
    try:
        with env.cr.savepoint():
            new_computed = dict(computed)
            partners, changes = _run_scheme(env, scheme, scope_ids, today, run_id, new_computed)
        computed.clear()
        computed.update(new_computed)
        facts = {
            "last_run_status": "done",
            "last_run_error": False,
            "last_run_changes": changes,
            "partners": partners,
        }
    except Exception as exc:
        env.cr.cache[classify.UNIVERSE_KEY] = None  # rolled back with the savepoint
        _logger.exception("Segmentation of scheme %s failed", scheme.code)
        facts = {
            "last_run_status": "failed",
            "last_run_error": str(exc),
            "last_run_changes": 0,
            "partners": 0,
        }
    facts.update(last_run_date=fields.Datetime.now(), last_run_duration=time.perf_counter() - t0)
    return facts


def _finish(env, run_rec, facts, started, queries_before):
    """Record the facts on the schemes and the run."""
    errors = []
    for scheme, values in facts.items():
        values = dict(values)
        values.pop("partners")
        if values["last_run_status"] == "failed":
            errors.append(f"{scheme.name}: {values['last_run_error']}")
        scheme.with_context(tracking_disable=True).write(values)
    status = "done"
    if errors:
        status = "failed" if len(errors) == len(facts) else "partial"
    run_rec.write(
        {
            "duration": time.perf_counter() - started,
            "partner_count": max((f["partners"] for f in facts.values()), default=0),
            "change_count": sum(f["last_run_changes"] for f in facts.values()),
            "query_count": env.cr.sql_log_count - queries_before,
            "status": status,
            "error": "\n".join(errors) or False,
        }
    )
    env.flush_all()
    env.invalidate_all()
    _logger.info(
        "Segmentation run %s: %s partners, %s changes, %.2fs, %s",
        run_rec.id,
        run_rec.partner_count,
        run_rec.change_count,
        run_rec.duration,
        status,
    )
