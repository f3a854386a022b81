# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

# The lead fields a win-back outcome follows (won: a won stage; lost:
# archived with no probability).
WINBACK_LEAD_FIELDS = {"stage_id", "probability", "active"}


class CrmLead(models.Model):
    _inherit = "crm.lead"

    winback_campaign_id = fields.Many2one(
        "partner.segment.winback.campaign",
        string="Win-back Campaign",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

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
        if WINBACK_LEAD_FIELDS & vals.keys():
            # winback_campaign_id is read with the lead's other columns: no
            # query for leads that are not win-back opportunities
            winback = self.filtered("winback_campaign_id")
            if winback:
                lines = (
                    self.env["partner.segment.winback.line"]
                    .sudo()  # the outcome follows the opportunity whoever moves it
                    .search([("lead_id", "in", winback.ids)])
                )
                lines._refresh_outcome()
        return result
