# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Win-back decliners: offer, refusal, exit survey, then drop."""

import datetime

from odoo import Command, fields
from odoo.exceptions import UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestExitSurvey(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.survey = cls.env.ref("partner_segmentation.survey_winback_exit")
        cls.seller = new_test_user(
            cls.env, "survey_seller", groups="sales_team.group_sale_salesman", name="Seller"
        )
        cls.answered = cls.make_partner("Answers", email="answers@example.com")
        cls.silent = cls.make_partner("Silent", email="silent@example.com")
        cls.campaign = cls.env["partner.segment.winback.campaign"].create(
            {
                "name": "Autumn win-back",
                "exit_survey": True,
                "exit_survey_days": 14,
                "line_ids": [
                    Command.create({"partner_id": p.id, "user_id": cls.seller.id})
                    for p in (cls.answered, cls.silent)
                ],
            }
        )
        cls.line_answered, cls.line_silent = (
            cls.campaign.line_ids.filtered(lambda line, p=p: line.partner_id == p)
            for p in (cls.answered, cls.silent)
        )

    def decline(self, line):
        line.churn_reason_id = self.env.ref("partner_segmentation.churn_reason_unknown")
        if line.outcome != "declined":
            line.outcome = "declined"
        line.churn_reason_id = self.env.ref("partner_segmentation.churn_reason_price")
        self.assertEqual(line.outcome, "declined")

    def test_shipped_survey_choices_are_churn_reasons(self):
        self.assertEqual(self.campaign.exit_survey_id, self.survey)
        choices = self.survey.question_ids.suggested_answer_ids
        self.assertIn(
            self.env.ref("partner_segmentation.churn_reason_competitor"),
            choices.segment_churn_reason_id,
        )

    def test_answer_becomes_churn_reason_and_drop(self):
        self.decline(self.line_answered)
        self.assertEqual(self.campaign.survey_pending_count, 1)
        self.line_answered.with_user(self.seller).action_send_exit_survey()
        answer = self.line_answered.survey_user_input_id
        self.assertEqual(answer.partner_id, self.answered)
        self.assertEqual(self.line_answered.survey_state, "sent")
        self.assertTrue(
            self.env["mail.mail"].search(
                [("model", "=", "survey.user_input"), ("res_id", "=", answer.id)]
            )
        )
        self.assertFalse(self.answered.winback_do_not_pursue, "the survey is not answered yet")
        # the customer answers "Service" and adds a comment
        question = self.survey.question_ids
        service = question.suggested_answer_ids.filtered(
            lambda a: (
                a.segment_churn_reason_id
                == self.env.ref("partner_segmentation.churn_reason_service")
            )
        )
        answer.sudo()._save_lines(question, service.id, comment="Deliveries were always late")
        answer.sudo()._mark_done()
        self.assertEqual(self.line_answered.survey_state, "answered")
        self.assertEqual(
            self.line_answered.churn_reason_id,
            self.env.ref("partner_segmentation.churn_reason_service"),
        )
        self.assertIn("Deliveries were always late", self.line_answered.churn_note)
        self.assertTrue(self.answered.winback_do_not_pursue)
        self.assertIn("Service", self.answered.winback_do_not_pursue_reason)

    def test_no_answer_in_time_drops(self):
        self.decline(self.line_silent)
        self.campaign.action_send_exit_surveys()
        self.assertEqual(self.line_silent.survey_state, "sent")
        Line = self.env["partner.segment.winback.line"]
        Line._cron_exit_survey_expire()
        self.assertEqual(self.line_silent.survey_state, "sent", "still within 14 days")
        # 15 days before the user's today, the day the expiry job counts from
        sent = fields.Date.context_today(self.line_silent) - datetime.timedelta(days=15)
        self.line_silent.survey_sent_date = sent
        Line._cron_exit_survey_expire()
        self.assertEqual(self.line_silent.survey_state, "expired")
        self.assertTrue(self.silent.winback_do_not_pursue)
        self.assertIn("within 14 days", self.silent.winback_do_not_pursue_reason)

    def test_only_decliners_get_it(self):
        self.campaign.action_send_exit_surveys()  # nobody declined yet
        self.assertFalse(self.campaign.line_ids.survey_user_input_id)

    def test_survey_step_without_survey(self):
        with self.refused(ValidationError, "exit survey step: choose its survey"):
            self.env["partner.segment.winback.campaign"].create(
                {"name": "No survey", "exit_survey": True, "exit_survey_id": False}
            )
        self.assertFalse(
            self.env["partner.segment.winback.campaign"].search([("name", "=", "No survey")])
        )
        with self.refused(ValidationError, "choose its survey"):
            self.campaign.exit_survey_id = False
        self.campaign.invalidate_recordset()
        self.assertEqual(self.campaign.exit_survey_id, self.survey)
        with self.refused(ValidationError, "at least one day"):
            self.campaign.exit_survey_days = 0

    def test_no_survey_step(self):
        self.campaign.exit_survey = False
        self.decline(self.line_silent)
        with self.refused(UserError, "no exit survey step"):
            self.line_silent.action_send_exit_survey()
        self.assertFalse(self.line_silent.survey_state)

    def test_partner_merge_keeps_the_exit_survey(self):
        """Merging two customers of a campaign: the line with an answered exit
        survey is kept before the destination's own, and a kept line without
        survey takes the merged line's."""
        Campaign = self.env["partner.segment.winback.campaign"]
        dst, src = self.make_partner("Survey Keep"), self.make_partner("Survey Gone")
        sent_on = datetime.date(2026, 6, 1)
        answered = Campaign.create(
            {
                "name": "Merge answered",
                "line_ids": [
                    Command.create({"partner_id": p.id, "outcome": "declined"}) for p in (dst, src)
                ],
            }
        )
        kept = answered.line_ids.filtered(lambda line: line.partner_id == src)
        # sudo: the survey fields are the addon's to write
        kept.sudo().write({"survey_state": "answered", "survey_sent_date": sent_on})
        sent = Campaign.create(
            {
                "name": "Merge sent",
                "line_ids": [
                    Command.create({"partner_id": dst.id, "outcome": "declined"}),
                    Command.create({"partner_id": src.id}),
                ],
            }
        )
        own = sent.line_ids.filtered(lambda line: line.partner_id == dst)
        (sent.line_ids - own).sudo().write({"survey_state": "sent", "survey_sent_date": sent_on})
        self.env["base.partner.merge.automatic.wizard"].create({})._merge((dst | src).ids, dst)
        self.assertEqual(answered.line_ids, kept, "the answered survey's line is kept")
        self.assertEqual((kept.partner_id, kept.survey_state), (dst, "answered"))
        self.assertEqual(sent.line_ids, own, "a declined outcome comes first")
        self.assertEqual((own.survey_state, own.survey_sent_date), ("sent", sent_on))
