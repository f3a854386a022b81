# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class PartnerSegmentWinbackLine(models.Model):
    """One customer of a win-back campaign: its opportunity, why it left and
    what came of it.  The outcome follows orders, invoices and the
    opportunity on its own."""

    _name = "partner.segment.winback.line"
    _description = "Win-back Customer"
    _order = "campaign_id desc, partner_id"
    _rec_name = "partner_id"

    campaign_id = fields.Many2one(
        "partner.segment.winback.campaign", required=True, ondelete="cascade", index=True
    )
    date_start = fields.Date(related="campaign_id.date_start", store=True)
    company_id = fields.Many2one(related="campaign_id.company_id", store=True)
    currency_id = fields.Many2one(related="campaign_id.currency_id")
    partner_id = fields.Many2one("res.partner", required=True, index=True, ondelete="cascade")
    user_id = fields.Many2one("res.users", string="Salesperson")
    segment_id = fields.Many2one("partner.segment", string="From Segment")
    lead_id = fields.Many2one("crm.lead", string="Opportunity", ondelete="set null")
    churn_reason_id = fields.Many2one("partner.segment.churn.reason", string="Why they left")
    churn_note = fields.Text(string="Note")
    outcome = fields.Selection(
        [("no_answer", "No answer"), ("won_back", "Won back"), ("declined", "Declined")],
        compute="_compute_outcome",
        store=True,
        index=True,
    )
    contacted = fields.Boolean(compute="_compute_contacted")
    revenue_recovered = fields.Monetary(
        compute="_compute_revenue_recovered", currency_field="currency_id"
    )

    _sql_constraints = [
        (
            "campaign_partner_unique",
            "UNIQUE(campaign_id, partner_id)",
            "A customer appears once in a campaign.",
        ),
    ]

    def _orders_since_start(self):
        self.ensure_one()
        family = self.partner_id | self.partner_id.child_ids
        return family.sale_order_ids.filtered(
            lambda o: o.state == "sale" and o.date_order.date() >= self.date_start
        )

    def _invoices_since_start(self):
        self.ensure_one()
        family = self.partner_id | self.partner_id.child_ids
        return family.invoice_ids.filtered(
            lambda m: (
                m.state == "posted"
                and m.move_type in ("out_invoice", "out_refund")
                and m.invoice_date
                and m.invoice_date >= self.date_start
            )
        )

    @api.depends(
        "churn_reason_id.means_declined",
        "lead_id.active",
        "lead_id.probability",
        "date_start",
        "partner_id.sale_order_ids.state",
        "partner_id.sale_order_ids.date_order",
        "partner_id.child_ids.sale_order_ids.state",
        "partner_id.invoice_ids.state",
        "partner_id.child_ids.invoice_ids.state",
    )
    def _compute_outcome(self):
        for line in self:
            if (
                line.partner_id
                and line.date_start
                and (
                    line._orders_since_start()
                    or line._invoices_since_start().filtered(lambda m: m.move_type == "out_invoice")
                )
            ):
                line.outcome = "won_back"
            elif line.churn_reason_id.means_declined or (
                line.lead_id and not line.lead_id.active and not line.lead_id.probability
            ):
                line.outcome = "declined"
            else:
                line.outcome = "no_answer"

    def _compute_contacted(self):
        traces = (
            self.env["mailing.trace"]
            .sudo()
            .search(
                [
                    ("mass_mailing_id", "in", self.campaign_id.sudo().mailing_id.ids),
                    ("trace_status", "in", ("sent", "open", "reply", "pending")),
                ]
            )
        )
        mailed = set(traces.mapped("res_id"))
        for line in self:
            lead = line.lead_id.with_context(active_test=False)
            line.contacted = bool(
                line.outcome != "no_answer"
                or line.partner_id.id in mailed
                or line.churn_reason_id
                or (lead and lead.activity_ids.filtered(lambda a: not a.active))
                or (lead and lead.message_ids.filtered("mail_activity_type_id"))
            )

    def _compute_revenue_recovered(self):
        for line in self:
            line.revenue_recovered = sum(
                line._invoices_since_start().mapped("amount_untaxed_signed")
            )
