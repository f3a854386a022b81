# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError

# written by the addon only: the invitation, its answer and their dates
SURVEY_FIELDS = ("survey_user_input_id", "survey_state", "survey_sent_date")


class PartnerSegmentWinbackLine(models.Model):
    """Exit survey of a customer who declined (offer, refusal, survey, then drop)."""

    _inherit = "partner.segment.winback.line"

    survey_user_input_id = fields.Many2one(
        "survey.user_input", string="Exit Survey Answer", readonly=True, ondelete="set null"
    )
    survey_state = fields.Selection(
        [("sent", "Sent"), ("answered", "Answered"), ("expired", "No answer in time")],
        string="Exit Survey",
        readonly=True,
        index=True,
        copy=False,
    )
    survey_sent_date = fields.Date(string="Survey Sent On", readonly=True, copy=False)

    @api.model_create_multi
    def create(self, vals_list):
        self._check_survey_fields(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_survey_fields([vals])
        return super().write(vals)

    def _check_survey_fields(self, vals_list):
        """The exit survey's fields follow what the addon sent and what the
        customer answered: nobody sets them by hand (a line pointed at another
        person's answer would copy it into its note)."""
        if self.env.su:
            return
        if any(field in vals for vals in vals_list for field in SURVEY_FIELDS):
            raise AccessError(
                self.env._(
                    "The exit survey of a win-back line is set by sending the survey and by "
                    "the customer's answer, not by hand."
                )
            )

    def _survey_deadline(self):
        self.ensure_one()
        return fields.Date.add(self.survey_sent_date, days=self.campaign_id.exit_survey_days)

    def action_send_exit_survey(self):
        """Send the campaign's exit survey to the declined customers among
        these lines that have not had it yet."""
        lines = self.filtered(lambda line: line.outcome == "declined" and not line.survey_state)
        for campaign, batch in lines.grouped("campaign_id").items():
            if not campaign.exit_survey:
                raise UserError(
                    self.env._(
                        "Campaign '%(name)s' has no exit survey step: switch it on and "
                        "choose a survey first.",
                        name=campaign.name,
                    )
                )
            campaign._check_exit_survey()
            survey = campaign.exit_survey_id
            template = self.env.ref("survey.mail_template_user_input_invite")
            today = fields.Date.context_today(self)
            deadline = fields.Datetime.add(fields.Datetime.now(), days=campaign.exit_survey_days)
            for line in batch:
                # Survey answers belong to the survey app: a salesperson who may
                # run this campaign line invites its own customer to the
                # campaign's exit survey (checked above), and only that; Odoo's
                # own checks apply (attempts left, the survey open)
                if not survey.sudo()._has_attempts_left(line.partner_id, False, False):
                    raise UserError(
                        self.env._(
                            "%(partner)s has no attempt left at the survey '%(survey)s'.",
                            partner=line.partner_id.display_name,
                            survey=survey.sudo().title,
                        )
                    )
                answer = survey.sudo()._create_answer(partner=line.partner_id, deadline=deadline)
                template.sudo().send_mail(
                    answer.id, email_layout_xmlid="mail.mail_notification_light"
                )
                # sudo: the survey fields are the addon's to write (see create)
                line.sudo().write(
                    {
                        "survey_user_input_id": answer.id,
                        "survey_state": "sent",
                        "survey_sent_date": today,
                    }
                )
        return True

    def _record_survey_answer(self):
        """The customer answered: the reason they chose becomes the line's
        churn reason; what they wrote goes to its note."""
        for line in self.filtered("survey_user_input_id"):
            answer = line.survey_user_input_id
            if (
                answer.survey_id != line.campaign_id.exit_survey_id
                or answer.partner_id != line.partner_id
            ):
                continue  # not this line's invitation: nothing of it is taken
            values = {"survey_state": "answered"}
            notes = []
            for answer_line in answer.user_input_line_ids:
                reason = answer_line.suggested_answer_id.segment_churn_reason_id
                if reason and "churn_reason_id" not in values:
                    values["churn_reason_id"] = reason.id
                text = answer_line.value_char_box or answer_line.value_text_box
                if text:
                    notes.append(text)
            if notes:
                values["churn_note"] = "\n".join(filter(None, [line.churn_note, *notes]))
            line.write(values)

    @api.model
    def _cron_exit_survey_expire(self):
        """Daily: exit surveys not answered in time end the survey step."""
        today = fields.Date.context_today(self)
        lines = self.search([("survey_state", "=", "sent")])
        expired = lines.filtered(lambda line: line._survey_deadline() < today)
        # sudo: the survey fields are the addon's to write (see create)
        expired.sudo().write({"survey_state": "expired"})
        return expired
