# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models

from ..res_partner import SEGMENTATION_READERS


class ResPartner(models.Model):
    """A customer's win-back history, and whether it is pursued again."""

    _inherit = "res.partner"

    winback_line_ids = fields.One2many(
        "partner.segment.winback.line",
        "partner_id",
        string="Win-back History",
        groups=SEGMENTATION_READERS,
    )
    winback_do_not_pursue = fields.Boolean(
        string="Do Not Pursue",
        compute="_compute_winback_do_not_pursue",
        store=True,
        help="Declined in two win-back campaigns, or declined the offer and then the exit "
        "survey: left out of later win-back selections unless the user insists.",
        groups=SEGMENTATION_READERS,
    )
    winback_do_not_pursue_reason = fields.Char(
        string="Why Not Pursued",
        compute="_compute_winback_do_not_pursue",
        store=True,
        groups=SEGMENTATION_READERS,
    )

    winback_open = fields.Boolean(
        string="In a Running Win-back",
        compute="_compute_winback_open",
        store=True,
        help="In a running win-back campaign whose outcome still follows the data: "
        "confirming or cancelling one of its orders refreshes that outcome.",
        groups=SEGMENTATION_READERS,
    )

    @api.depends("winback_line_ids.campaign_id.state", "winback_line_ids.outcome_manual")
    def _compute_winback_open(self):
        for partner in self:
            partner.winback_open = any(
                line.campaign_id.state == "running" and not line.outcome_manual
                for line in partner.winback_line_ids
            )

    @api.depends("winback_line_ids.outcome", "winback_line_ids.campaign_id")
    def _compute_winback_do_not_pursue(self):
        for partner in self:
            declined = partner.winback_line_ids.filtered(lambda line: line.outcome == "declined")
            reason = partner._winback_do_not_pursue_reason(declined)
            partner.winback_do_not_pursue = bool(reason)
            partner.winback_do_not_pursue_reason = reason

    def _winback_do_not_pursue_reason(self, declined):
        """Why this partner is not pursued again, given its declined win-back
        lines, or False.  Steps of a campaign (the exit survey) extend it."""
        self.ensure_one()
        if len(declined.campaign_id) >= 2:
            return self.env._(
                "Declined in %(count)s win-back campaigns", count=len(declined.campaign_id)
            )
        return False
