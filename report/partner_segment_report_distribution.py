# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL

from . import common


class PartnerSegmentReportDistribution(models.Model):
    """Distribution: one row per classified partner and scheme, with the
    partner's 12-month revenue and its share of the scheme's partners and
    revenue (summed by the pivot per segment), of the partners of the
    viewer's companies and the shared ones."""

    _name = "partner.segment.report.distribution"
    _inherit = ["partner.segment.report.mixin"]
    _description = "Segment Distribution"
    _auto = False
    _order = "scheme_id, segment_id"
    _rec_name = "partner_id"

    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    segment_id = fields.Many2one("partner.segment", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    locked = fields.Boolean(string="Set by Hand", readonly=True)
    date_assigned = fields.Date(string="Since", readonly=True)
    partner_count = fields.Integer(string="Partners", readonly=True, aggregator="sum")
    partner_share = fields.Float(
        string="Share of Partners (%)", readonly=True, aggregator="sum", digits=(16, 1)
    )
    revenue = fields.Monetary(
        string="Revenue (12 months)", readonly=True, currency_field="currency_id"
    )
    revenue_share = fields.Float(
        string="Share of Revenue (%)", readonly=True, aggregator="sum", digits=(16, 1)
    )

    def _select(self):
        return SQL(
            """
            a.id, a.scheme_id, a.segment_id, a.partner_id, a.locked, a.date_assigned,
            %(dimensions)s,
            1 AS partner_count,
            COALESCE(rev.revenue, 0) AS revenue,
            100.0 / t.partners AS partner_share,
            CASE WHEN t.revenue > 0 THEN 100.0 * COALESCE(rev.revenue, 0) / t.revenue
            END AS revenue_share
            """,
            dimensions=self._select_dimensions(),
        )

    def _from(self):
        company = self.env.company.id
        return SQL(
            """
            partner_segment_assignment a
            %(partners)s
            %(revenue)s
            JOIN (SELECT t_a.scheme_id, COUNT(*) AS partners, SUM(t_rev.revenue) AS revenue
                    FROM partner_segment_assignment t_a
                    JOIN res_partner t_p ON t_p.id = t_a.partner_id
                    LEFT JOIN %(revenue_table)s t_rev ON t_rev.partner_id = t_a.partner_id
                         AND t_rev.company_id = %(total_company)s
                   WHERE t_a.segment_id IS NOT NULL
                     AND (t_p.company_id IS NULL OR t_p.company_id = ANY(%(companies)s))
                GROUP BY t_a.scheme_id) t ON t.scheme_id = a.scheme_id
            """,
            partners=common.partner_join(SQL("a.partner_id")),
            revenue=common.revenue_join(
                SQL("a.partner_id"), common.revenue_company(SQL("a.scheme_id"), company)
            ),
            revenue_table=SQL.identifier(common.REVENUE_TABLE),
            total_company=common.revenue_company(SQL("t_a.scheme_id"), company, partner="t_p"),
            # the shares are of the partners the viewer may see (the rows'
            # company rule), not of other companies' partners
            companies=self.env.companies.ids,
        )

    def _where(self):
        return SQL("a.segment_id IS NOT NULL")

    @property
    def _table_query(self):
        return self._query()

    def init(self):
        # the reports group the assignments of a scheme by segment
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS partner_segment_assignment_report_idx "
            "ON partner_segment_assignment (scheme_id, segment_id) INCLUDE (partner_id)"
        )
