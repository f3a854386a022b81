# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""SQL of the preview and of the explanation (read-only over the work tables)."""

from odoo.tools import SQL


def result_counts():
    """(segment id, partners) of psseg_result."""
    return SQL("SELECT segment_id, COUNT(*) FROM psseg_result GROUP BY segment_id")


def movers(scheme_id):
    """(partner id, from, to) of the partners whose segment would change:
    psseg_result against the scheme's assignments; locked ones stay."""
    return SQL(
        """
        SELECT COALESCE(r.partner_id, a.partner_id), a.segment_id, r.segment_id
          FROM psseg_result r
          FULL JOIN (SELECT partner_id, segment_id, locked
                       FROM partner_segment_assignment WHERE scheme_id = %(scheme)s) a
            ON a.partner_id = r.partner_id
         WHERE NOT COALESCE(a.locked, FALSE)
           AND a.segment_id IS DISTINCT FROM r.segment_id
        """,
        scheme=scheme_id,
    )


def partner_values(partner_ids):
    """(partner id, metric id, value) of psseg_value for these partners."""
    return SQL(
        "SELECT partner_id, metric_id, value FROM psseg_value WHERE partner_id = ANY(%s)",
        list(partner_ids),
    )
