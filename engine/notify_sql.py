# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the notify stage: reading the changes of a run
(``psseg_change``, filled by :mod:`.apply_sql`)."""

from odoo.tools import SQL

INDEX_CHANGES = SQL("CREATE INDEX IF NOT EXISTS psseg_change_partner ON psseg_change (partner_id)")


def select_changes(scheme_ids, after_partner_id, limit):
    """A page of the run's changes in these schemes, by partner, after a partner id."""
    return SQL(
        """
        SELECT partner_id, scheme_id, from_id, to_id FROM psseg_change
         WHERE partner_id > %s AND scheme_id = ANY(%s)
      ORDER BY partner_id, scheme_id
         LIMIT %s
        """,
        after_partner_id,
        list(scheme_ids),
        limit,
    )


def select_moved(segment_column, segment_ids):
    """Partners that entered (to_id) or left (from_id) each segment."""
    return SQL(
        """
        SELECT %(col)s, array_agg(DISTINCT partner_id ORDER BY partner_id)
          FROM psseg_change
         WHERE %(col)s = ANY(%(ids)s) AND from_id IS DISTINCT FROM to_id
      GROUP BY %(col)s
        """,
        col=SQL.identifier(segment_column),
        ids=list(segment_ids),
    )
