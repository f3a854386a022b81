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
    segment), so a segment's revenue share ends at or above its cut-off."""

    _name = "partner.segment.report.pareto"
    _description = "Pareto Curve"
    _order = "scheme_id, kind, customer_share"
    _rec_name = "segment_id"

    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, readonly=True, ondelete="cascade", index=True
    )
    segment_id = fields.Many2one("partner.segment", readonly=True, ondelete="cascade")
    company_id = fields.Many2one(related="scheme_id.company_id")
    date = fields.Date(readonly=True)
    kind = fields.Selection(
        [("curve", "Curve"), ("boundary", "Segment boundary")], required=True, readonly=True
    )
    customer_percent = fields.Integer(
        string="Partners (cumulative %)",
        readonly=True,
        aggregator="max",
        help="The share of partners ranked so far, rounded up to a whole percent.",
    )
    customer_share = fields.Float(
        string="Share of Partners (%)", readonly=True, aggregator="max", digits=(16, 2)
    )
    metric_share = fields.Float(
        string="Share of Metric (%)",
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
    partner_count = fields.Integer(string="Partners", readonly=True, aggregator="max")

    @api.model
    def _refresh(self, schemes, ranked_select, day):
        """Rewrite the curve of each Pareto scheme from ``ranked_select(scheme)``
        (SELECT partner_id, segment_id, value of its partners), one statement
        per scheme: one sort of the partners, one pass of windows over it
        (the running sum and the next partner's segment follow the ranking's
        own order, unique with the partner id); a curve point is the last
        partner of its percent, found from the next partner's rank, not by a
        sort."""
        cr = self.env.cr
        for scheme in schemes.filtered(lambda s: s.method == "pareto" and s.metric_id):
            cr.execute(
                SQL("DELETE FROM partner_segment_report_pareto WHERE scheme_id = %s", scheme.id)
            )
            cr.execute(
                SQL(
                    """
                    WITH points AS (
                        SELECT r.segment_id, r.value, r.rn, r.n,
                               100.0 * r.rn / r.n AS customer_share,
                               CASE WHEN total > 0 THEN 100.0 * cum_value / total ELSE 0 END
                                   AS metric_share,
                               CASE WHEN total > 0 THEN 100.0 * group_before / total
                                    ELSE 0 END AS metric_share_before,
                               next_segment_id IS DISTINCT FROM r.segment_id AS last_of_segment,
                               r.rn = r.n OR CEIL(100.0 * r.rn / r.n)
                                   <> CEIL(100.0 * (r.rn + 1) / r.n) AS last_of_percent
                          FROM (
                            SELECT r.segment_id, r.value,
                                   ROW_NUMBER() OVER w AS rn, COUNT(*) OVER () AS n,
                                   SUM(r.value) OVER g
                                       - r.value * (COUNT(*) OVER g - RANK() OVER g + 1)
                                       AS group_before,
                                   SUM(r.value) OVER w AS cum_value,
                                   SUM(r.value) OVER () AS total,
                                   LEAD(r.segment_id) OVER w AS next_segment_id
                              FROM (SELECT partner_id, segment_id,
                                           GREATEST(COALESCE(value, 0), 0) AS value
                                      FROM (%(ranked)s) r0
                                     WHERE segment_id IS NOT NULL) r
                            WINDOW w AS (ORDER BY r.value DESC, r.partner_id),
                                   g AS (ORDER BY r.value DESC)
                          ) r
                    )
                    INSERT INTO partner_segment_report_pareto
                           (scheme_id, segment_id, date, kind, customer_percent, customer_share,
                            metric_share, metric_share_before, cutoff, partner_count,
                            create_uid, write_uid, create_date, write_date)
                    SELECT %(scheme)s, pt.segment_id, %(day)s, 'curve',
                           CEIL(pt.customer_share)::int, pt.customer_share, pt.metric_share,
                           pt.metric_share_before, s.pareto_cutoff, pt.rn,
                           %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                      FROM points pt
                      JOIN partner_segment s ON s.id = pt.segment_id
                     WHERE pt.last_of_percent
                    UNION ALL
                    SELECT %(scheme)s, pt.segment_id, %(day)s, 'boundary',
                           CEIL(pt.customer_share)::int, pt.customer_share, pt.metric_share,
                           pt.metric_share_before, s.pareto_cutoff, pt.rn,
                           %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
                      FROM points pt
                      JOIN partner_segment s ON s.id = pt.segment_id
                     WHERE pt.last_of_segment
                    """,
                    ranked=ranked_select(scheme),
                    scheme=scheme.id,
                    day=day,
                    uid=self.env.uid,
                )
            )
        self.invalidate_model()
