# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""SQL of the preview and of the explanation (read-only over the work tables)."""

from odoo.tools import SQL

from . import classify_sql as CQ


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


def pareto_position(universe, metric_id, exclude_zero, partner_id):
    """(value, rank, partners, share before, share with its group, partners
    tied) of a partner in the ranking of the ``universe`` table by a metric,
    as the Pareto classifier ranks: the rank and the share before are those
    of its tie group (the partners with its value)."""
    return SQL(
        """
        SELECT r.v, r.rk, r.n,
               CASE WHEN r.total > 0 THEN 100.0 * r.before / r.total END,
               CASE WHEN r.total > 0 THEN 100.0 * r.upto / r.total END,
               r.tied
          FROM (SELECT s.partner_id, s.v, RANK() OVER w AS rk, COUNT(*) OVER () AS n,
                       COUNT(*) OVER w - RANK() OVER w + 1 AS tied,
                       SUM(s.v) OVER w - s.v * (COUNT(*) OVER w - RANK() OVER w + 1) AS before,
                       SUM(s.v) OVER w AS upto,
                       SUM(s.v) OVER () AS total
                  FROM (%s) s
                WINDOW w AS (ORDER BY s.v DESC)) r
         WHERE r.partner_id = %s
        """,
        CQ.pareto_values(universe, metric_id, exclude_zero),
        partner_id,
    )


def quantile_position(universe, metric_id, value, buckets, descending, partner_id):
    """(value, bucket, partners ranked, rank, partners tied) of a partner, as
    the quantile classifier ranks (``value``: over ``v.v0``, see
    :func:`.classify.quantile_value`)."""
    return SQL(
        """
        SELECT t.v, %s, t.n, t.rk, t.upto - t.rk + 1
          FROM (%s) t
         WHERE t.partner_id = %s
        """,
        CQ.ntile_of(SQL("t.rk")),
        CQ.quantile_ranking(universe, metric_id, value, buckets, descending),
        partner_id,
    )
