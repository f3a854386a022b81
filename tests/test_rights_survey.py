# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Win-back exit surveys, tried over XML-RPC by a salesperson: only surveys
marked as exit surveys go on a campaign, the line's survey fields are the
addon's to write, an answer is taken only from the campaign's survey and the
line's customer, and Odoo's attempt limit holds."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

from .test_rights_rpc import RpcCase


@tagged("post_install", "-at_install")
class TestExitSurveyRpc(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.exit_survey = cls.env.ref("partner_segmentation.survey_winback_exit")
        cls.seller = new_test_user(
            cls.env,
            "seg_rpc_seller",
            groups="sales_team.group_sale_salesman",
        )
        # an invite-only survey of HR's, with free-text answers of other people
        cls.private = cls.env["survey.survey"].create(
            {
                "title": "Staff appraisal (invite only)",
                "access_mode": "token",
                "is_attempts_limited": True,
                "attempts_limit": 1,
                "question_and_page_ids": [
                    Command.create({"title": "Your manager?", "question_type": "text_box"})
                ],
            }
        )
        cls.colleague = cls.make_partner("Colleague", email="colleague@example.com")
        cls.private_answer = cls.private._create_answer(partner=cls.colleague)
        cls.private_answer._save_lines(cls.private.question_ids, "My manager is unfair")
        cls.private_answer._mark_done()
        cls.customer.email = "rights@example.com"
        cls.campaign = cls.env["partner.segment.winback.campaign"].create(
            {
                "name": "Rights win-back",
                "user_id": cls.seller.id,
                "exit_survey": True,
                "line_ids": [
                    Command.create({"partner_id": cls.customer.id, "user_id": cls.seller.id})
                ],
            }
        )
        cls.line = cls.campaign.line_ids
        cls.line.churn_reason_id = cls.env.ref("partner_segmentation.churn_reason_price")
        cls.line.outcome = "declined"

    def test_only_exit_surveys_go_on_a_campaign(self):
        self.assertTrue(self.exit_survey.segment_exit_survey)
        self.assertEqual(self.campaign.exit_survey_id, self.exit_survey)
        with self.rpc_refused("only a survey marked as a win-back exit survey"):
            self.rpc(
                self.seller,
                "partner.segment.winback.campaign",
                "write",
                self.campaign.ids,
                {"exit_survey_id": self.private.id},
            )
        self.assertEqual(self.campaign.exit_survey_id, self.exit_survey)
        with self.rpc_refused("only a survey marked as a win-back exit survey"):
            self.rpc(
                self.seller,
                "partner.segment.winback.campaign",
                "create",
                {"name": "Mine", "exit_survey": True, "exit_survey_id": self.private.id},
            )
        self.assertFalse(
            self.env["partner.segment.winback.campaign"].search([("name", "=", "Mine")])
        )
        # nothing of the private survey was sent to anybody
        self.assertEqual(self.private.user_input_ids, self.private_answer)

    def test_survey_fields_are_not_written_by_hand(self):
        for values in (
            {"survey_user_input_id": self.private_answer.id},
            {"survey_state": "answered"},
            {"survey_sent_date": "2026-01-01"},
        ):
            with self.subTest(values), self.rpc_refused("set by sending the survey"):
                self.rpc(
                    self.seller, "partner.segment.winback.line", "write", self.line.ids, values
                )
        self.assertFalse(self.line.survey_user_input_id)
        self.assertFalse(self.line.survey_state)
        with self.rpc_refused("set by sending the survey"):
            self.rpc(
                self.seller,
                "partner.segment.winback.line",
                "create",
                {
                    "campaign_id": self.campaign.id,
                    "partner_id": self.prospect.id,
                    "survey_user_input_id": self.private_answer.id,
                },
            )
        self.assertEqual(self.campaign.line_ids, self.line)

    def test_an_answer_is_taken_from_the_campaigns_survey_and_customer_only(self):
        # a line pointed at somebody else's answer (as earlier versions allowed)
        self.line.sudo().write({"survey_user_input_id": self.private_answer.id})
        self.private_answer.sudo()._mark_done()
        self.assertNotIn("unfair", self.line.churn_note or "")
        self.assertFalse(self.line.survey_state)
        # the line's own invitation, answered, is taken
        self.line.sudo().write({"survey_user_input_id": False})
        self.rpc(
            self.seller, "partner.segment.winback.line", "action_send_exit_survey", self.line.ids
        )
        answer = self.line.survey_user_input_id
        self.assertEqual((answer.survey_id, answer.partner_id), (self.exit_survey, self.customer))
        question = self.exit_survey.question_ids[:1]
        answer.sudo()._save_lines(
            question, question.suggested_answer_ids[:1].id, comment="Too dear"
        )
        answer.sudo()._mark_done()
        self.assertEqual(self.line.survey_state, "answered")
        self.assertIn("Too dear", self.line.churn_note)

    def test_attempt_limit_holds(self):
        # the customer already answered the exit survey (one attempt allowed)
        done = self.exit_survey._create_answer(partner=self.customer)
        done._mark_done()
        with self.rpc_refused("has no attempt left at the survey"):
            self.rpc(
                self.seller,
                "partner.segment.winback.line",
                "action_send_exit_survey",
                self.line.ids,
            )
        self.assertFalse(self.line.survey_state)
        self.assertEqual(
            self.exit_survey.user_input_ids.filtered(lambda a: a.partner_id == self.customer), done
        )
        # the same through the ORM as the salesperson: Odoo's check, with our message
        with self.assertRaisesRegex(UserError, "no attempt left"):
            self.line.with_user(self.seller).action_send_exit_survey()
