# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class ResPartner(models.Model):
    """A customer who declined the offer and then answered the exit survey,
    or let it expire, is not pursued again."""

    _inherit = "res.partner"

    @api.depends("winback_line_ids.survey_state", "winback_line_ids.churn_reason_id")
    def _compute_winback_do_not_pursue(self):
        return super()._compute_winback_do_not_pursue()

    def _winback_do_not_pursue_reason(self, declined):
        surveyed = declined.filtered(lambda wl: wl.survey_state in ("answered", "expired"))
        if not surveyed:
            return super()._winback_do_not_pursue_reason(declined)
        line = surveyed.sorted(lambda wl: (wl.date_start, wl.id))[-1]
        if line.survey_state == "answered":
            return self.env._(
                "Declined the offer of '%(campaign)s'; exit survey answer: %(reason)s",
                campaign=line.campaign_id.name,
                reason=line.churn_reason_id.name or self.env._("none given"),
            )
        return self.env._(
            "Declined the offer of '%(campaign)s' and did not answer the exit "
            "survey within %(days)s days",
            campaign=line.campaign_id.name,
            days=line.campaign_id.exit_survey_days,
        )
