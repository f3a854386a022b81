# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL


class PartnerSegmentReportPareto(models.Model):
    """The Pareto curve of a Pareto scheme as its last full run ranked the
    partners: cumulative share of the ranking metric against cumulative
    share of partners, one point per percent of partners (``curve``), and
    one row per segment for the partner that ends it (``boundary``): by the
    documented rule the partner that crosses a cut-off stays in the upper
    segment, and so do the partners tied with it (equal values share a
    segment), so a segment's revenue share ends at or above its cut-off.
    The partners without a positive value are not on the curve (a flat
    tail says nothing): ``none`` rows count them per segment."""

    _name = "partner.segment.report.pareto"
    _description = "Pareto Curve"
    _order = "scheme_id, kind, customer_share"
    _rec_name = "segment_id"

    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, readonly=True, ondelete="cascade", index=True
    )
    segment_id = fields.Many2one("partner.segment", readonly=True, ondelete="cascade")
    partner_id = fields.Many2one(
        "res.partner",
        string="Last Partner",
        readonly=True,
        ondelete="cascade",
        help="The partner ranked last at this point of the curve; on a segment boundary, "
        "the partner that ends the segment.",
    )
    company_id = fields.Many2one(related="scheme_id.company_id")
    date = fields.Date(readonly=True)
    kind = fields.Selection(
        [
            ("curve", "Curve"),
            ("boundary", "Segment boundary"),
            ("none", "No value (not on the curve)"),
        ],
        required=True,
        readonly=True,
    )
    customer_percent = fields.Integer(
        string="Partners Ranked (cumulative %)",
        readonly=True,
        aggregator="max",
        help="The share of the partners with a positive value ranked so far, rounded up to "
        "a whole percent.",
    )
    customer_share = fields.Float(
        string="Share of Partners (%)", readonly=True, aggregator="max", digits=(16, 2)
    )
    metric_share = fields.Float(
        string="Metric (cumulative %)",
        readonly=True,
        aggregator="max",
        digits=(16, 2),
        help="Cumulative share of the ranking metric (e.g. revenue) of the partners ranked so far.",
    )
    metric_share_before = fields.Float(
        string="Share before the Last Partner (%)",
        readonly=True,
        aggregator="max",
        digits=(16, 2),
        help="Boundary rows: the cumulative share of the partners ranked before the one "
        "that ends the segment and the partners of its value; it is below the cut-off, so "
        "they all stay in the segment.",
    )
    cutoff = fields.Float(string="Cut-off (%)", readonly=True, aggregator="max")
    partner_count = fields.Integer(
        string="Partners",
        readonly=True,
        aggregator="max",
        help="Partners ranked so far; on a 'No value' row, the partners of the segment "
        "without a positive value, which the curve leaves out.",
    )

    @api.model
    def _refresh(self, schemes, ranked_select, day):
        """Rewrite the curve of each Pareto scheme from ``ranked_select(scheme)``
        (SELECT partner_id, segment_id, value of its partners), one statement
        per scheme.  The curve and the boundaries rank the partners with a
        positive value only: it starts at 0 %, never falls and ends at exactly
        100 % of the metric and of those partners; the partners without a
        positive value are counted per segment in ``none`` rows instead of
        drawing a flat tail."""
        cr = self.env.cr
        for scheme in schemes.filtered(lambda s: s.method == "pareto" and s.metric_id):
            cr.execute(
                SQL("DELETE FROM partner_segment_report_pareto WHERE scheme_id = %s", scheme.id)
            )
            cr.execute(
                SQL(
                    """
                    WITH classified AS (
                        SELECT partner_id, segment_id, GREATEST(COALESCE(value, 0), 0) AS value
                          FROM (%(ranked)s) r0
                         WHERE segment_id IS NOT NULL
                    ),
                    ranked AS (
                        SELECT r.partner_id, r.segment_id, r.value,
                               ROW_NUMBER() OVER w AS rn, COUNT(*) OVER () AS n,
                               SUM(r.value) OVER g
                                   - r.value * (COUNT(*) OVER g - RANK() OVER g + 1)
                                   AS group_before
                          FROM classified r
                         WHERE r.value > 0
                        WINDOW w AS (ORDER BY r.value DESC, r.partner_id),
                               g AS (ORDER BY r.value DESC)
                    ),
                    cum AS (
                        SELECT *, SUM(value) OVER (ORDER BY rn) AS cum_value,
                               SUM(value) OVER () AS total,
                               LEAD(segment_id) OVER (ORDER BY rn) AS next_segment_id
                          FROM ranked
                    ),
                    points AS (
                        SELECT partner_id, segment_id, rn, n, value,
                               CASE WHEN rn = n THEN 100.0 ELSE 100.0 * rn / n END
                                   AS customer_share,
                               CASE WHEN rn = n THEN 100.0
                                    ELSE 100.0 * cum_value / total END AS metric_share,
                               100.0 * group_before / total AS metric_share_before,
                               next_segment_id IS DISTINCT FROM segment_id AS last_of_segment
                          FROM cum
                    ),
                    rows AS (
                        SELECT 'curve' AS kind, NULL::integer AS partner_id,
                               NULL::integer AS segment_id, 0 AS customer_percent,
                               0.0 AS customer_share, 0.0 AS metric_share,
                               0.0 AS metric_share_before, 0 AS partner_count
                         WHERE EXISTS (SELECT FROM points)
                        UNION ALL
                        SELECT 'curve', pt.partner_id, pt.segment_id,
                               CEIL(pt.customer_share)::int, pt.customer_share, pt.metric_share,
                               pt.metric_share_before, pt.rn
                          FROM (SELECT DISTINCT ON (CEIL(customer_share)) *
                                  FROM points ORDER BY CEIL(customer_share), rn DESC) pt
                        UNION ALL
                        SELECT 'boundary', pt.partner_id, pt.segment_id,
                               CEIL(pt.customer_share)::int, pt.customer_share, pt.metric_share,
                               pt.metric_share_before, pt.rn
                          FROM points pt
                         WHERE pt.last_of_segment
                        UNION ALL
                        SELECT 'none', NULL, c.segment_id, NULL, NULL, NULL, NULL, COUNT(*)
                          FROM classified c
                         WHERE c.value = 0
                      GROUP BY c.segment_id
                    )
                    INSERT INTO partner_segment_report_pareto
                           (scheme_id, segment_id, partner_id, date, kind, customer_percent,
                            customer_share, metric_share, metric_share_before, cutoff,
                            partner_count, create_uid, write_uid, create_date, write_date)
                    SELECT %(scheme)s, r.segment_id, r.partner_id, %(day)s, r.kind,
                           r.customer_percent, r.customer_share, r.metric_share,
                           r.metric_share_before, s.pareto_cutoff, r.partner_count,
                           %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                      FROM rows r
                 LEFT JOIN partner_segment s ON s.id = r.segment_id
                    """,
                    ranked=ranked_select(scheme),
                    scheme=scheme.id,
                    day=day,
                    uid=self.env.uid,
                )
            )
        self.invalidate_model()
