# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models, tools
from odoo.tools import SQL

from . import common

CARD_CHECK_CODE = "card_check"
COMPLETE_SEGMENT_CODE = "OK"


class PartnerSegmentCardCompleteness(models.Model):
    """Customer card completeness per salesperson: one row per partner the
    card check (scheme ``card_check``) classifies, with which card fields are
    filled in and whether the card check flags it.  Grouped by salesperson,
    the averages are the completeness figures."""

    _name = "partner.segment.card.completeness"
    _description = "Customer Card Completeness"
    _auto = False
    _order = "user_id, partner_id"
    _rec_name = "partner_id"

    partner_id = fields.Many2one("res.partner", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    segment_id = fields.Many2one("partner.segment", string="Card Check", readonly=True)
    has_customer_type = fields.Float(
        string="Customer Type Filled (%)", readonly=True, aggregator="avg"
    )
    has_governance = fields.Float(string="Governance Filled (%)", readonly=True, aggregator="avg")
    has_sales_channel = fields.Float(
        string="Sales Channel Filled (%)", readonly=True, aggregator="avg"
    )
    completeness = fields.Float(
        string="Complete Cards (%)",
        readonly=True,
        aggregator="avg",
        help="Share of cards with customer type, governance and sales channel filled in.",
    )
    correct = fields.Float(
        string="Cards Passing the Check (%)",
        readonly=True,
        aggregator="avg",
        help="Share of cards the card check does not flag (complete and consistent).",
    )
    flagged_count = fields.Integer(string="Cards to Correct", readonly=True, aggregator="sum")

    def _select(self):
        return SQL(
            """
            a.id, a.partner_id, p.user_id, p.company_id, a.segment_id,
            CASE WHEN p.customer_type IS NOT NULL THEN 100.0 ELSE 0 END AS has_customer_type,
            CASE WHEN p.governance_type IS NOT NULL THEN 100.0 ELSE 0 END AS has_governance,
            CASE WHEN p.sales_channel_id IS NOT NULL THEN 100.0 ELSE 0 END AS has_sales_channel,
            CASE WHEN p.customer_type IS NOT NULL AND p.governance_type IS NOT NULL
                      AND p.sales_channel_id IS NOT NULL
                 THEN 100.0 ELSE 0 END AS completeness,
            CASE WHEN s.code = %(ok)s THEN 100.0 ELSE 0 END AS correct,
            CASE WHEN s.code = %(ok)s THEN 0 ELSE 1 END AS flagged_count
            """,
            ok=COMPLETE_SEGMENT_CODE,
        )

    def _from(self):
        return SQL(
            """
            partner_segment_assignment a
            JOIN partner_segment_scheme sc ON sc.id = a.scheme_id AND sc.code = %(scheme)s
            JOIN res_partner p ON p.id = a.partner_id
            JOIN partner_segment s ON s.id = a.segment_id
            """,
            scheme=CARD_CHECK_CODE,
        )

    def _where(self):
        return None

    def _group_by(self):
        return None

    def _select_additional_fields(self):
        """Hook: {field name: SQL} of columns an addon adds (as ``sale.report``'s)."""
        return {}

    def init(self):
        tools.drop_view_if_exists(self.env.cr, self._table)
        self.env.cr.execute(
            SQL(
                "CREATE OR REPLACE VIEW %s AS (%s)",
                SQL.identifier(self._table),
                common.report_query(self),
            )
        )
