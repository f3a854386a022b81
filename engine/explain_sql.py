# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""SQL of the explanation of a ranking scheme (reads only)."""

from odoo.tools import SQL

from . import classify_sql as CQ


def placed_partners(values, partner_ids, universe, placed):
    """(partner id, metric value, whether the scheme classifies it, segment)
    of each of ``partner_ids``: ``values`` (SELECT partner_id, value) brought
    as ``v.v0``, as a run's :func:`.classify_sql.values_join` brings them, and
    placed by :func:`.classify_sql.placed_segment` (NULL without a placement
    or outside the scheme's partners, the ``universe`` subquery)."""
    segment = CQ.placed_segment(placed) if placed is not None else SQL("NULL::integer")
    return SQL(
        """
        SELECT p.id, v.v0, m.id IS NOT NULL,
               CASE WHEN m.id IS NOT NULL THEN %(segment)s END
          FROM unnest(%(ids)s::integer[]) AS p(id)
          LEFT JOIN (SELECT DISTINCT id FROM (%(universe)s) u) m ON m.id = p.id
          LEFT JOIN (SELECT partner_id, value AS v0 FROM (%(values)s) x) v
            ON v.partner_id = p.id
        """,
        segment=segment,
        ids=list(partner_ids),
        universe=universe,
        values=values,
    )
