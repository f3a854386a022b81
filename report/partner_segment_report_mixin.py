# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentReportMixin(models.AbstractModel):
    """The partner dimensions every segmentation report is filtered and
    grouped by (company, salesperson, sales team, sales channel, customer
    type, governance), as of the partner today."""

    _name = "partner.segment.report.mixin"
    _description = "Segmentation Report Dimensions"

    company_id = fields.Many2one("res.company", readonly=True)
    user_id = fields.Many2one("res.users", string="Salesperson", readonly=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", readonly=True)
    sales_channel_id = fields.Many2one("partner.sales.channel", readonly=True)
    customer_type = fields.Selection(
        selection=lambda self: self.env["res.partner"]._fields["customer_type"].selection,
        readonly=True,
    )
    governance_type = fields.Selection(
        selection=lambda self: self.env["res.partner"]._fields["governance_type"].selection,
        string="Governance",
        readonly=True,
    )
    currency_id = fields.Many2one("res.currency", compute="_compute_currency_id")

    def _compute_currency_id(self):
        for record in self:
            record.currency_id = self.env.company.currency_id
