# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models


class CrmLead(models.Model):
    """The segments' sales warning on the opportunity of their customer."""

    _inherit = "crm.lead"

    segment_sale_warning = fields.Text(compute="_compute_segment_sale_warning")

    @api.depends("partner_id")
    def _compute_segment_sale_warning(self):
        for lead in self:
            lead.segment_sale_warning = (
                lead.partner_id._segment_sale_warning()[1] if lead.partner_id else ""
            )

    @api.onchange("partner_id")
    def _onchange_partner_id_segment_warning(self):
        if not self.partner_id:
            return None
        level, message = self.partner_id._segment_sale_warning()
        if level == "no-message":
            return None
        return {
            "warning": {
                "title": self.env._("Warning for %s", self.partner_id.name),
                "message": message,
            }
        }
