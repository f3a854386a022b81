# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    # -- near-real-time recompute --------------------------------------------
    # an opportunity won, lost, reopened or whose probability changes (a stage
    # change recomputes it) moves its customer's metrics: queue the partner
    _SEGMENT_QUEUE_FIELDS = ("probability", "stage_id", "active", "type", "partner_id")

    @api.model_create_multi
    def create(self, vals_list):
        leads = super().create(vals_list)
        self.env["partner.segment.queue"]._enqueue(
            leads.filtered(lambda lead: lead.type == "opportunity")
        )
        return leads

    def write(self, vals):
        result = super().write(vals)
        if any(field in vals for field in self._SEGMENT_QUEUE_FIELDS):
            self.env["partner.segment.queue"]._enqueue(self)
        return result
