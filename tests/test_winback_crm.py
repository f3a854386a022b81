# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Win-back closes in CRM: an outcome set by hand closes the opportunity
(Declined: lost, with the churn reason as its lost reason; Won back: won),
and a campaign's opportunity expects the customer's last 12 months."""

from odoo import Command, fields
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestWinbackCrm(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        never = "[('id', '=', 0)]"
        cls.scheme = cls.make_scheme(
            "test_wb_crm",
            "rules",
            [
                {"name": "Gone", "winback_target": True, "partner_domain": never},
                {"name": "Fine", "partner_domain": never},
            ],
        )
        cls.gone = cls.scheme.segment_ids.sorted("sequence")[0]
        cls.team = cls.env["crm.team"].create({"name": "Win-back CRM team"})
        cls.lost1 = cls.make_partner("Vilnius Bakery UAB", email="bakery@example.com")
        cls.lost2 = cls.make_partner("Varna Fish OOD", email="fish@example.com")
        # revenue dated from the real day: the opportunity counts 12 months back from it
        days = (cls.today - fields.Date.today()).days
        cls.make_invoice(cls.lost1, 2400, days_ago=days + 30)
        cls.make_invoice(cls.lost1, 400, days_ago=days + 20, refund=True)
        cls.make_invoice(cls.lost1, 9000, days_ago=days + 500)  # older than 12 months
        for partner in (cls.lost1, cls.lost2):
            cls.env["partner.segment.assignment"].set_manual(partner, cls.gone, "test")
        cls.price = cls.env["partner.segment.churn.reason"].create({"name": "Price too high"})
        wizard = cls.env["partner.segment.winback.wizard"].create(
            {
                "name": "Autumn win-back",
                "segment_ids": [Command.set(cls.gone.ids)],
                "team_id": cls.team.id,
                "create_opportunities": True,
                "send_mailing": True,
            }
        )
        cls.campaign = cls.env["partner.segment.winback.campaign"].browse(
            wizard.action_start()["res_id"]
        )
        cls.line1, cls.line2 = (
            cls.campaign.line_ids.filtered(lambda line, p=p: line.partner_id == p)
            for p in (cls.lost1, cls.lost2)
        )

    def test_expected_revenue_is_last_12_months(self):
        self.assertEqual(self.line1.lead_id.expected_revenue, 2000.0)
        self.assertEqual(self.line2.lead_id.expected_revenue, 0.0)

    def test_declined_marks_lost_with_churn_reason(self):
        self.line1.write({"churn_reason_id": self.price.id, "outcome": "declined"})
        lead = self.line1.lead_id.with_context(active_test=False)
        self.assertFalse(lead.active, "lost")
        self.assertEqual(lead.lost_reason_id.name, "Price too high")
        self.assertEqual(lead.probability, 0)
        # a second line with the same reason reuses CRM's reason
        self.line2.write({"churn_reason_id": self.price.id, "outcome": "declined"})
        self.assertEqual(
            self.line2.lead_id.with_context(active_test=False).lost_reason_id, lead.lost_reason_id
        )
        self.assertEqual(self.line1.outcome, "declined", "the outcome set by hand stays")

    def test_won_back_marks_won(self):
        self.line1.outcome = "won_back"
        self.assertTrue(self.line1.lead_id.stage_id.is_won)
        self.assertEqual(self.line1.lead_id.probability, 100)
        self.assertFalse(self.line2.lead_id.stage_id.is_won, "the other stays open")

    def test_contacted_counts_sent_mails_and_done_activities(self):
        self.line1.write({"churn_reason_id": self.price.id, "outcome": "declined"})
        self.assertFalse(self.line1.contacted, "an outcome or a reason alone is no contact")
        self.assertEqual(self.campaign.contacted_count, 0)
        lead = self.line2.lead_id
        activity = lead.activity_schedule(
            activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
            summary="Why did you leave?",
        )
        self.line2.invalidate_recordset(["contacted"])
        self.assertFalse(self.line2.contacted, "a planned call is no contact")
        activity.action_feedback(feedback="Called: prices")
        self.line2.invalidate_recordset(["contacted"])
        self.assertTrue(self.line2.contacted, "a done call is")
        self.campaign.invalidate_recordset(["contacted_count"])
        self.assertEqual(self.campaign.contacted_count, 1)

    def _call_done(self, line):
        activity = line.lead_id.activity_schedule(
            activity_type_id=self.env.ref("mail.mail_activity_data_call").id,
            summary="Why did you leave?",
        )
        activity.action_feedback(feedback="No reply on the phone")
        line.invalidate_recordset(["contacted"])

    def test_pending_until_the_answer_period_is_over(self):
        """A campaign just started calls nobody *No answer*: its lines are
        pending until the customer was contacted and the answer period
        (counted from the start) is over; the daily job turns them."""
        self.assertEqual(self.campaign.answer_days, 14)
        self.assertEqual(self.campaign.line_ids.mapped("outcome"), ["pending", "pending"])
        self._call_done(self.line1)
        self.assertTrue(self.line1.contacted)
        Line = self.env["partner.segment.winback.line"]
        Line._cron_refresh_answer_period()
        self.assertEqual(self.line1.outcome, "pending", "contacted, but the period runs")
        # 30 days later (the start moved back: the period is counted from it)
        self.campaign.date_start = fields.Date.subtract(self.campaign.date_start, days=30)
        self.assertEqual(self.line1.outcome, "no_answer", "contacted, no reply in 14 days")
        self.assertEqual(self.line2.outcome, "pending", "never contacted: still pending")
        # a longer period brings it back; the daily job turns it again once over
        self.campaign.answer_days = 60
        self.assertEqual(self.line1.outcome, "pending")
        # the days pass without a write: only the daily job sees the period end
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE partner_segment_winback_campaign SET answer_days = 20 WHERE id = %s",
            [self.campaign.id],
        )
        self.campaign.invalidate_recordset(["answer_days"])
        self.assertIn(self.line1, Line._cron_refresh_answer_period())
        self.assertEqual(self.line1.outcome, "no_answer")
        # an order still wins the customer back after the period
        self.line1.lead_id.action_set_won()
        self.assertEqual(self.line1.outcome, "won_back")
        # a closed campaign is left as it was by the daily job
        self.campaign.action_close()
        self.assertNotIn(self.line2, Line._cron_refresh_answer_period())

    def test_answer_period_not_negative(self):
        with (
            self.assertRaisesRegex(ValidationError, "answer period of a campaign cannot be"),
            self.env.cr.savepoint(),
        ):
            self.campaign.answer_days = -1
        self.campaign.invalidate_recordset(["answer_days"])
        self.assertEqual(self.campaign.answer_days, 14, "nothing saved")

    def test_card_buttons_close_the_opportunity(self):
        """The phone's card buttons set the outcome by hand and close the
        opportunity, like the list's outcome column."""
        self.line1.churn_reason_id = self.price
        self.line1.action_outcome_declined()
        self.assertEqual((self.line1.outcome, self.line1.outcome_manual), ("declined", True))
        lead = self.line1.lead_id.with_context(active_test=False)
        self.assertFalse(lead.active)
        self.assertEqual(lead.lost_reason_id.name, "Price too high")
        self.line2.action_outcome_won_back()
        self.assertEqual(self.line2.outcome, "won_back")
        self.assertTrue(self.line2.lead_id.stage_id.is_won)
        self.line2.action_outcome_auto()
        self.assertEqual(self.line2.outcome, "won_back", "the opportunity is won now")

    def test_contacted_by_sent_mail_only(self):
        mailing = self.campaign.mailing_id
        self.assertEqual(mailing.state, "draft", "the campaign's e-mail starts as a draft")
        self.assertFalse(self.line1.contacted, "a draft is no contact")
        trace = self.env["mailing.trace"].create(
            {
                "mass_mailing_id": mailing.id,
                "model": "res.partner",
                "res_id": self.lost1.id,
                "email": self.lost1.email,
                "trace_status": "outgoing",
            }
        )
        self.line1.invalidate_recordset(["contacted"])
        self.assertFalse(self.line1.contacted, "queued, not sent")
        trace.trace_status = "sent"
        self.line1.invalidate_recordset(["contacted"])
        self.assertTrue(self.line1.contacted)
        self.assertFalse(self.line2.contacted, "sent to the other customer only")

    def test_preview_shows_a_real_customer(self):
        self.assertIn(self.campaign.line_ids.partner_id[:1].name, self.campaign.mailing_preview)
        self.assertNotIn("object.name", self.campaign.mailing_preview)
        self.assertNotIn("{{", self.campaign.mailing_preview_subject or "")

    def test_sales_manager_sends_without_mailing_rights(self):
        manager = new_test_user(self.env, "wb_crm_manager", groups="sales_team.group_sale_manager")
        salesman = new_test_user(
            self.env, "wb_crm_salesman", groups="sales_team.group_sale_salesman"
        )
        self.assertFalse(manager.has_group("mass_mailing.group_mass_mailing_user"))
        with self.refused(AccessError, "Only sales administrators may send"):
            self.campaign.with_user(salesman).action_send_mailing()
        self.assertEqual(self.campaign.mailing_state, "draft", "nothing sent")
        self.campaign.with_user(manager).action_send_mailing()
        self.assertEqual(self.campaign.mailing_state, "in_queue")
        with self.refused(UserError, "not a draft"):
            self.campaign.with_user(manager).action_send_mailing()
