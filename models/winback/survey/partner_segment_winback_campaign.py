# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError


class PartnerSegmentWinbackCampaign(models.Model):
    """The exit survey step of a campaign."""

    _inherit = "partner.segment.winback.campaign"

    exit_survey = fields.Boolean(
        string="Exit Survey for Decliners",
        help="Customers who decline the offer can be sent a short survey asking why; "
        "their answer becomes the churn reason. Once answered, or unanswered in time, "
        "they are not pursued again.",
    )
    exit_survey_id = fields.Many2one(
        "survey.survey",
        string="Survey",
        domain=[("segment_exit_survey", "=", True)],
        help="A survey marked as a win-back exit survey (Surveys, the survey's options).",
        default=lambda self: self.env.ref(
            "partner_segmentation.survey_winback_exit", raise_if_not_found=False
        ),
    )
    exit_survey_days = fields.Integer(
        string="Answer Within (days)",
        default=14,
        help="Customers who have not answered after this many days are not pursued again.",
    )
    survey_pending_count = fields.Integer(
        string="Surveys to Send", compute="_compute_survey_pending_count"
    )

    @api.depends("exit_survey", "line_ids.outcome", "line_ids.survey_state")
    def _compute_survey_pending_count(self):
        for campaign in self:
            campaign.survey_pending_count = (
                len(
                    campaign.line_ids.filtered(
                        lambda line: line.outcome == "declined" and not line.survey_state
                    )
                )
                if campaign.exit_survey
                else 0
            )

    @api.constrains("exit_survey", "exit_survey_id", "exit_survey_days")
    def _check_exit_survey(self):
        for campaign in self.filtered("exit_survey"):
            if not campaign.exit_survey_id:
                raise ValidationError(
                    self.env._(
                        "Campaign '%(name)s' has an exit survey step: choose its survey.",
                        name=campaign.name,
                    )
                )
            # sudo: salespeople run campaigns without rights on surveys; only
            # the survey's mark is read, to refuse any other survey
            if not campaign.exit_survey_id.sudo().segment_exit_survey:
                raise ValidationError(
                    self.env._(
                        "Campaign '%(name)s': only a survey marked as a win-back exit "
                        "survey can be sent to its customers.",
                        name=campaign.name,
                    )
                )
            if campaign.exit_survey_days < 1:
                raise ValidationError(
                    self.env._(
                        "Campaign '%(name)s': the time to answer the exit survey must be "
                        "at least one day.",
                        name=campaign.name,
                    )
                )

    def action_send_exit_surveys(self):
        self._check_exit_survey()
        self.line_ids.action_send_exit_survey()
        return True

    @api.model
    def _demo_exit_survey(self):
        """Demo data loader (demo/partner_segmentation_demo.xml)."""
        from ....demo import winback_survey

        return winback_survey.generate(self.env)
