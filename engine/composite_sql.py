# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""SQL of composite conditions (a partner's segment in another scheme)."""

from odoo.tools import SQL


def assignment_join(alias, scheme_id, universe_alias="u", scope_ids=None):
    """LEFT JOIN bringing the partner's current segment in ``scheme_id``
    (as ``<alias>.segment_id``): a hash join over the scheme's assignments,
    once per tested scheme, whatever the number of conditions; for chosen
    partners (``scope_ids``), their assignments only (through the index,
    not a hash of a million rows)."""
    return SQL(
        "LEFT JOIN (SELECT partner_id, segment_id FROM partner_segment_assignment "
        "WHERE scheme_id = %s %s) %s ON %s = %s",
        scheme_id,
        SQL("AND partner_id = ANY(%s)", list(scope_ids)) if scope_ids is not None else SQL(),
        SQL.identifier(alias),
        SQL.identifier(alias, "partner_id"),
        SQL.identifier(universe_alias, "id"),
    )


def segment_in(alias, segment_ids, negate=False):
    column = SQL.identifier(alias, "segment_id")
    if negate:
        return SQL("(%s IS NULL OR %s <> ALL(%s))", column, column, list(segment_ids))
    return SQL("%s = ANY(%s)", column, list(segment_ids))


def changed_partners(scheme_ids, run_id, scope_ids):
    """The partners whose segment changed in these schemes during the run."""
    return SQL(
        "SELECT DISTINCT partner_id FROM partner_segment_history "
        "WHERE run_id = %s AND scheme_id = ANY(%s) %s ORDER BY partner_id",
        run_id,
        list(scheme_ids),
        SQL("AND partner_id = ANY(%s)", list(scope_ids)) if scope_ids is not None else SQL(),
    )
