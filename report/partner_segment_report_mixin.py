# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL

from . import common


class PartnerSegmentReportMixin(models.AbstractModel):
    """The partner dimensions every segmentation report is filtered and
    grouped by (company, salesperson, sales team, sales channel, customer
    type, governance), as of the partner today.

    A report's SQL is built from its parts, as ``sale.report``'s is:
    ``_select`` / ``_from`` / ``_where`` / ``_group_by`` (see :meth:`_query`).
    Another addon adds a dimension to every report by inheriting this
    model: its field here and its SQL in :meth:`_dimensions`; a column of
    one report only: its field there and its SQL in that report's
    ``_select_additional_fields``."""

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

    def _dimensions(self):
        """{field name: SQL} of the partner dimensions, over the partner
        ``p`` and its salesperson ``pu`` (see ``common.partner_join``)."""
        return {
            "company_id": SQL("p.company_id"),
            "user_id": SQL("p.user_id"),
            "team_id": SQL("pu.sale_team_id"),  # a partner's team is its salesperson's
            "sales_channel_id": SQL("p.sales_channel_id"),
            "customer_type": SQL("p.customer_type"),
            "governance_type": SQL("p.governance_type"),
        }

    def _select_dimensions(self):
        """The dimensions' columns, for a report's ``_select``."""
        return SQL(", ").join(
            SQL("%s AS %s", sql, SQL.identifier(name)) for name, sql in self._dimensions().items()
        )

    def _select_additional_fields(self):
        """Hook: {field name: SQL} of columns an addon adds to this report's
        SELECT (as ``sale.report``'s)."""
        return {}

    def _select(self):
        raise NotImplementedError

    def _from(self):
        raise NotImplementedError

    def _where(self):
        return None

    def _group_by(self):
        return None

    def _query(self):
        """The report's SQL (see ``common.report_query``)."""
        return common.report_query(self)

    def action_open_partner(self):
        """The partner of a report row (the reports with a partner each)."""
        self.ensure_one()
        return self.partner_id.get_formview_action()
