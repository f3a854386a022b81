# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the notify stage: reading the changes of a run from the
history rows it wrote (indexed by run and partner)."""

from odoo.tools import SQL

HISTORY_COLUMNS = {"to_id": "to_segment_id", "from_id": "from_segment_id"}


def any_note(run_id, scheme_ids):
    """A row when some change of the run in these schemes is worth a note."""
    return SQL(
        "SELECT 1 FROM partner_segment_history WHERE run_id = %s AND scheme_id = ANY(%s) "
        "AND from_segment_id IS NOT NULL LIMIT 1",
        run_id,
        list(scheme_ids),
    )


def select_changes(run_id, scheme_ids, after_partner_id, limit):
    """A page of the run's changes in these schemes, by partner, after a
    partner id; a partner's first segment in a scheme is no change to tell
    (its history row says it)."""
    return SQL(
        """
        SELECT partner_id, scheme_id, from_segment_id, to_segment_id
          FROM partner_segment_history
         WHERE run_id = %s AND partner_id > %s AND scheme_id = ANY(%s)
           AND from_segment_id IS NOT NULL
      ORDER BY partner_id, scheme_id
         LIMIT %s
        """,
        run_id,
        after_partner_id,
        list(scheme_ids),
        limit,
    )


def select_moved(run_id, segment_column, segment_ids):
    """Partners that entered (to_id) or left (from_id) each segment in the run."""
    column = SQL.identifier(HISTORY_COLUMNS[segment_column])
    return SQL(
        """
        SELECT %(col)s, array_agg(DISTINCT partner_id ORDER BY partner_id)
          FROM partner_segment_history
         WHERE run_id = %(run)s AND %(col)s = ANY(%(ids)s)
           AND from_segment_id IS DISTINCT FROM to_segment_id
      GROUP BY %(col)s
        """,
        col=column,
        run=run_id,
        ids=list(segment_ids),
    )


def select_moved_in_runs(run_ids, segment_column, segment_ids):
    """Partners that entered (to_id) or left (from_id) each segment in these
    runs, from their history (runs whose segment actions were left for later)."""
    column = {"to_id": "to_segment_id", "from_id": "from_segment_id"}[segment_column]
    return SQL(
        """
        SELECT %(col)s, array_agg(DISTINCT partner_id ORDER BY partner_id)
          FROM partner_segment_history
         WHERE run_id = ANY(%(runs)s) AND %(col)s = ANY(%(ids)s)
           AND from_segment_id IS DISTINCT FROM to_segment_id
      GROUP BY %(col)s
        """,
        col=SQL.identifier(column),
        runs=list(run_ids),
        ids=list(segment_ids),
    )
