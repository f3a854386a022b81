# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL

from . import common

# an overlap row is a pair of assignments of one partner: its id packs both
# (assignment id × 4096 + the other scheme's id) within JavaScript's safe integers
ID_FACTOR = 4096


class PartnerSegmentReportOverlap(models.Model):
    """Overlap: the segments of one scheme against those of another, per
    partner classified in both (e.g. Value ABC × Lifecycle)."""

    _name = "partner.segment.report.overlap"
    _inherit = ["partner.segment.report.mixin"]
    _description = "Segment Overlap"
    _auto = False
    _order = "scheme_id, segment_id, other_segment_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", readonly=True)
    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    segment_id = fields.Many2one("partner.segment", readonly=True)
    other_scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    other_segment_id = fields.Many2one("partner.segment", readonly=True)
    partner_count = fields.Integer(string="Partners", readonly=True, aggregator="sum")
    revenue = fields.Monetary(
        string="Revenue (12 months)", readonly=True, currency_field="currency_id"
    )

    def _select(self):
        return SQL(
            """
            a.id::bigint * %(factor)s + b.scheme_id AS id,
            a.partner_id, a.scheme_id, a.segment_id,
            b.scheme_id AS other_scheme_id, b.segment_id AS other_segment_id,
            %(dimensions)s, 1 AS partner_count, COALESCE(rev.revenue, 0) AS revenue
            """,
            factor=ID_FACTOR,
            dimensions=self._select_dimensions(),
        )

    def _from(self):
        return SQL(
            """
            partner_segment_assignment a
            JOIN partner_segment_assignment b
              ON b.partner_id = a.partner_id AND b.scheme_id != a.scheme_id
             AND b.segment_id IS NOT NULL
            %(partners)s
            %(revenue)s
            """,
            partners=common.partner_join(SQL("a.partner_id")),
            revenue=common.revenue_join(
                SQL("a.partner_id"),
                common.revenue_company(SQL("a.scheme_id"), self.env.company.id),
            ),
        )

    def _where(self):
        return SQL("a.segment_id IS NOT NULL")

    @property
    def _table_query(self):
        return self._query()
