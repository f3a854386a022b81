# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Composite schemes: rules conditions that test the partner's segment in
another scheme.

A run orders its schemes so that a scheme comes after the schemes it tests,
and adds the schemes that test the ones it recomputes; such an added scheme
is recomputed only for the partners whose tested segment changed in the run.
SQL text: :mod:`.composite_sql`.
"""

from . import composite_sql as Q


def is_segment_condition(condition):
    return condition.condition_type == "segment"


def joins(conditions, scope_ids=None):
    """(LEFT JOINs, {tested scheme id: alias}) for the segment conditions
    among ``conditions``; ``scope_ids``: the chosen partners, if any."""
    tested = conditions.filtered(is_segment_condition).ref_scheme_id
    aliases = {scheme.id: f"s{i}" for i, scheme in enumerate(tested.sorted("id"))}
    return [
        Q.assignment_join(alias, scheme_id, scope_ids=scope_ids)
        for scheme_id, alias in aliases.items()
    ], aliases


def condition_sql(condition, aliases):
    """The SQL test of one segment condition (joins from :func:`joins`)."""
    return Q.segment_in(
        aliases[condition.ref_scheme_id.id],
        condition.ref_segment_ids.ids,
        negate=condition.segment_operator == "not in",
    )


def plan(schemes):
    """(schemes to run in order, the ones added because they test them)."""
    added = schemes._dependents() - schemes
    return (schemes | added)._ordered_by_dependencies(), added


def tested_schemes(scheme):
    return scheme.segment_ids.condition_ids.filtered(is_segment_condition).ref_scheme_id


def changed_scope(env, scheme, run_id, scope_ids):
    """The partners an added scheme must be recomputed for: those whose
    segment changed in one of the schemes it tests in run ``run_id`` (within
    the run's scope), read from the run's history (the run's earlier steps
    may have been committed by other transactions)."""
    env.flush_all()
    env.cr.execute(Q.changed_partners(tested_schemes(scheme).ids, run_id, scope_ids))
    return [row[0] for row in env.cr.fetchall()]
