# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Applying a scheme's result: one diff against its assignments decides what
to write; assignments, history and ``res.partner.segment_ids`` are written
with bulk SQL, only where something changed.  Locked assignments keep their
segment; ``computed_segment_id`` still follows the engine.
SQL text: :mod:`.apply_sql`.
"""

from odoo import fields

from . import apply_sql as Q
from . import common, run_state


def ranking_metric(scheme):
    """The metric a ranking (Pareto, quantile) scheme ranks by, whose value
    at the time of a change the history keeps; None for other schemes."""
    return scheme.metric_id.id if scheme.method in scheme._ranking_methods() else None


def release_expired_locks(env, scheme_ids, today, scope_ids):
    """Overrides whose end date has passed go back to the engine; returns
    how many."""
    env.cr.execute(Q.release_expired_locks(scheme_ids or [0], today, scope_ids))
    return env.cr.rowcount


def read_current(env, schemes, partner_ids):
    """Read the assignments of ``partner_ids`` in ``schemes`` at once, for
    their diffs (a run of chosen partners: one statement instead of one per
    scheme).  Valid until the schemes' own diffs: each scheme's assignments
    change only when it is applied, right after.  The run's state says which
    schemes and partners psseg_current holds."""
    env.flush_all()
    env.cr.execute(Q.fill_current(schemes.ids, partner_ids))
    run_state.of(env).current = (frozenset(schemes.ids), tuple(partner_ids))


def _is_current(env, scheme, scope_ids):
    current = run_state.of(env).current
    return bool(
        current
        and isinstance(scope_ids, list)
        and scheme.id in current[0]
        and tuple(scope_ids) == current[1]
    )


def apply_result(env, scheme, scope_ids, today, run_id):
    """Write the difference between ``psseg_result`` and the scheme's
    assignments (of everyone, of ``scope_ids``, or of an :class:`IdRange`);
    returns the number of changes (history rows)."""
    cr = env.cr
    cr.execute(Q.insert_diff(scheme.id, scope_ids, _is_current(env, scheme, scope_ids)))
    if not cr.rowcount:  # the daily case: nothing to write
        return 0
    if cr.rowcount > common.ANALYZE_THRESHOLD:
        cr.execute(Q.ANALYZE_DIFF)
    uid, now = env.uid, fields.Datetime.now()
    metric_id = ranking_metric(scheme)
    cr.execute(Q.apply_changed(scheme.id, today, run_id, uid, now, metric_id))
    cr.execute(Q.apply_removed(scheme.id, run_id, uid, now, metric_id))
    cr.execute(Q.apply_added(scheme.id, today, run_id, uid, now, metric_id))
    cr.execute(Q.count_changes(scheme.id))
    changes = cr.fetchone()[0]
    if changes:
        if changes > common.ANALYZE_THRESHOLD:
            cr.execute(Q.ANALYZE_CHANGES)
        for statement in Q.sync_rel_for_changes(scheme.id):
            cr.execute(statement)
        _analyze_grown_tables(cr, changes)
        # the features acting on partners that entered or left a segment
        scheme._after_apply(run_id)
    return changes


def _analyze_grown_tables(cr, changes):
    """PostgreSQL plans with the statistics of a table's last ANALYZE.  A
    first classification grows the assignments, their history and the
    partners' segments from nothing: to the planner they stay empty until
    autovacuum analyzes them, after a commit and up to a minute later, and
    never within an inline run's one transaction.  The next scheme's
    statements, planned as nested loops over "no row", then read the whole
    table once per row (a first run at 100k: one removal statement ran for
    minutes).  So a table that a scheme's writes have at least doubled, by
    its statistics, is analyzed at once (a few per first run; none when few
    rows change)."""
    cr.execute(Q.WRITTEN_STATISTICS)
    for table, rows in cr.fetchall():
        if changes > common.ANALYZE_THRESHOLD and changes >= rows:
            cr.execute(Q.analyze(table))


def sync_partner_segments(env, partner_ids):
    """Make ``segment_ids`` of these partners their commercial partner's."""
    if not partner_ids:
        return
    env.flush_all()
    for statement in Q.sync_rel_for_partners(partner_ids):
        env.cr.execute(statement)
    env["res.partner"].invalidate_model(["segment_ids"])


def assignment_ids_differing(env):
    """Ids of the assignments whose segment is not the computed one."""
    env.flush_all()
    env.cr.execute(Q.DIFFERING_ASSIGNMENTS)
    return [row[0] for row in env.cr.fetchall()]
