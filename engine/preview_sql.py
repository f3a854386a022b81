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


def pareto_position(universe, metric_id, partner_id):
    """(value, rank, partners, share before, share with it) of a partner in
    the ranking of the ``universe`` table by a metric, as the Pareto
    classifier ranks."""
    return SQL(
        """
        SELECT r.v, r.rn, r.n,
               CASE WHEN r.total > 0 THEN 100.0 * r.before / r.total END,
               CASE WHEN r.total > 0 THEN 100.0 * (r.before + r.v) / r.total END
          FROM (SELECT s.partner_id, s.v,
                       ROW_NUMBER() OVER w AS rn, COUNT(*) OVER () AS n,
                       COALESCE(SUM(s.v) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING
                                               AND 1 PRECEDING), 0) AS before,
                       SUM(s.v) OVER () AS total
                  FROM (SELECT u.id AS partner_id,
                               GREATEST(COALESCE(v.value, 0), 0) AS v
                          FROM %s u
                          LEFT JOIN psseg_value v ON v.partner_id = u.id AND v.metric_id = %s) s
                WINDOW w AS (ORDER BY s.v DESC, s.partner_id)) r
         WHERE r.partner_id = %s
        """,
        universe,
        metric_id,
        partner_id,
    )


def quantile_position(universe, metric_id, zero_default, buckets, descending, partner_id):
    """(value, bucket, partners ranked) of a partner, as the quantile classifier ranks."""
    value = SQL("COALESCE(v.value, 0)") if zero_default else SQL("v.value")
    return SQL(
        """
        SELECT q.v, q.bucket, q.n
          FROM (SELECT s.partner_id, s.v,
                       NTILE(%s) OVER (ORDER BY s.v %s, s.partner_id) AS bucket,
                       COUNT(*) OVER () AS n
                  FROM (SELECT u.id AS partner_id, %s AS v
                          FROM %s u
                          LEFT JOIN psseg_value v ON v.partner_id = u.id AND v.metric_id = %s) s
                 WHERE s.v IS NOT NULL) q
         WHERE q.partner_id = %s
        """,
        buckets,
        SQL("DESC") if descending else SQL("ASC"),
        value,
        universe,
        metric_id,
        partner_id,
    )
