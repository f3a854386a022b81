# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

# The lead fields a win-back outcome follows (won: a won stage; lost:
# archived with no probability).
WINBACK_LEAD_FIELDS = {"stage_id", "probability", "active"}


class CrmLead(models.Model):
    """A win-back opportunity: its campaign, and its line's outcome that
    follows its stage."""

    _inherit = "crm.lead"

    winback_campaign_id = fields.Many2one(
        "partner.segment.winback.campaign",
        string="Win-back Campaign",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )

    def write(self, vals):
        result = super().write(vals)
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
