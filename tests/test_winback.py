# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Win-back campaigns (seeds 002, 004)."""

from odoo import Command
from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestWinback(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        never = "[('id', '=', 0)]"
        cls.scheme = cls.make_scheme(
            "test_wb",
            "rules",
            [
                {"name": "Gone", "winback_target": True, "partner_domain": never},
                {"name": "Fading", "winback_target": True, "partner_domain": never},
                {"name": "Fine", "partner_domain": never},
            ],
        )
        cls.gone, cls.fading, cls.fine = cls.scheme.segment_ids.sorted("sequence")
        cls.seller = cls.env["res.users"].create({"name": "WB Seller", "login": "wb_seller"})
        cls.leader = cls.env["res.users"].create({"name": "WB Leader", "login": "wb_leader"})
        cls.team = cls.env["crm.team"].create({"name": "Win-back team", "user_id": cls.leader.id})
        Assignment = cls.env["partner.segment.assignment"]
        cls.lost1 = cls.make_partner("Lost One", email="one@lost.example", user_id=cls.seller.id)
        cls.lost2 = cls.make_partner("Lost Two", email="two@lost.example")
        cls.risky = cls.make_partner("Risky", user_id=cls.seller.id)  # no email
        cls.happy = cls.make_partner("Happy", email="happy@example.com")
        for partner, segment in (
            (cls.lost1, cls.gone),
            (cls.lost2, cls.gone),
            (cls.risky, cls.fading),
            (cls.happy, cls.fine),
        ):
            Assignment.set_manual(partner, segment, "test")

    def start(self, **values):
        wizard = self.env["partner.segment.winback.wizard"].create(
            dict(
                {
                    "name": "Spring win-back",
                    "segment_ids": [Command.set((self.gone | self.fading).ids)],
                    "team_id": self.team.id,
                },
                **values,
            )
        )
        action = wizard.action_start()
        return self.env["partner.segment.winback.campaign"].browse(action["res_id"])

    def test_wizard_creates_campaign_mailing_opportunities_calls(self):
        wizard = (
            self.env["partner.segment.winback.wizard"]
            .with_context(active_model="partner.segment", active_ids=self.gone.ids)
            .create({})
        )
        self.assertEqual(wizard.segment_ids, self.gone)
        self.assertEqual(wizard.target_partner_ids, self.lost1 | self.lost2)
        campaign = self.start()
        self.assertEqual(campaign.line_ids.partner_id, self.lost1 | self.lost2 | self.risky)
        self.assertEqual(campaign.utm_campaign_id.name, "Spring win-back")
        line1 = campaign.line_ids.filtered(lambda line: line.partner_id == self.lost1)
        self.assertEqual(line1.segment_id, self.gone)
        # opportunities: one per partner, tagged, to the salesperson or the team leader
        leads = campaign.opportunity_ids
        self.assertEqual(len(leads), 3)
        self.assertEqual(leads.partner_id, campaign.line_ids.partner_id)
        self.assertTrue(
            all(
                self.env.ref("partner_segmentation.crm_tag_winback") in lead.tag_ids
                for lead in leads
            )
        )
        self.assertEqual(
            {lead.partner_id: lead.user_id for lead in leads},
            {self.lost1: self.seller, self.lost2: self.leader, self.risky: self.seller},
        )
        self.assertEqual(leads.campaign_id, campaign.utm_campaign_id)
        self.assertEqual(leads.team_id, self.team)
        # a call activity on each opportunity
        call = self.env.ref("mail.mail_activity_data_call")
        self.assertEqual(leads.activity_ids.activity_type_id, call)
        self.assertEqual(len(leads.activity_ids), 3)
        # the e-mail goes to those with an address, offer inside
        mailing = campaign.mailing_id
        self.assertEqual(set(mailing._get_recipients()), {self.lost1.id, self.lost2.id})
        self.assertEqual(mailing.campaign_id, campaign.utm_campaign_id)
        self.assertIn("10% off your next order", mailing.body_html)
        self.assertNotIn("[OFFER]", mailing.body_html)
        self.assertEqual(campaign.targeted_count, 3)
        self.assertEqual(campaign.won_back_count, 0)
        self.assertEqual(set(campaign.line_ids.mapped("outcome")), {"no_answer"})

    def test_outcomes_and_results(self):
        campaign = self.start(send_mailing=False, schedule_calls=False)
        lines = {line.partner_id: line for line in campaign.line_ids}
        # an order before the campaign does not count; one after it does
        old = self.make_order(self.lost1, amount=900, days_ago=3000)
        self.assertEqual(lines[self.lost1].outcome, "no_answer", old.name)
        self.env["sale.order"].create(
            {
                "partner_id": self.lost1.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": 500,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        ).action_confirm()
        self.assertEqual(lines[self.lost1].outcome, "won_back")
        invoice = self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": self.lost1.id,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "price_unit": 500,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        # declined: a reason recorded, or the opportunity lost
        lines[self.lost2].churn_reason_id = self.env.ref("partner_segmentation.churn_reason_price")
        lines[self.lost2].churn_note = "Found it 15 % cheaper"
        self.assertEqual(lines[self.lost2].outcome, "declined")
        lines[self.risky].lead_id.action_set_lost()
        self.assertEqual(lines[self.risky].outcome, "declined")
        self.assertEqual(
            (
                campaign.targeted_count,
                campaign.contacted_count,
                campaign.won_back_count,
                campaign.declined_count,
            ),
            (3, 3, 1, 2),
        )
        self.assertAlmostEqual(campaign.winback_rate, 33.33, places=2)
        self.assertEqual(campaign.revenue_recovered, 500.0)
        # an 'unknown' reason is no refusal
        lines[self.lost2].churn_reason_id = self.env.ref(
            "partner_segmentation.churn_reason_unknown"
        )
        self.assertEqual(lines[self.lost2].outcome, "no_answer")

    def test_do_not_pursue_after_two_refusals(self):
        price = self.env.ref("partner_segmentation.churn_reason_price")
        for name in ("First", "Second"):
            campaign = self.start(name=name, send_mailing=False, create_opportunities=False)
            campaign.line_ids.filtered(
                lambda line: line.partner_id == self.lost2
            ).churn_reason_id = price
            self.assertEqual(self.lost2.winback_do_not_pursue, name == "Second")
        wizard = self.env["partner.segment.winback.wizard"].create(
            {"segment_ids": [Command.set(self.gone.ids)]}
        )
        self.assertEqual(wizard.target_partner_ids, self.lost1)
        self.assertEqual(wizard.excluded_count, 1)
        wizard.include_do_not_pursue = True
        self.assertEqual(wizard.target_partner_ids, self.lost1 | self.lost2)

    def test_from_selected_partners(self):
        buyer = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.happy.id})
        wizard = (
            self.env["partner.segment.winback.wizard"]
            .with_context(active_model="res.partner", active_ids=[buyer.id])
            .create({"team_id": self.team.id})
        )
        self.assertEqual(wizard.target_partner_ids, self.happy)
        campaign = self.env["partner.segment.winback.campaign"].browse(
            wizard.action_start()["res_id"]
        )
        self.assertEqual(campaign.line_ids.partner_id, self.happy)
        self.assertIn(campaign.line_ids, self.happy.winback_line_ids)

    def test_bad_input(self):
        wizard = self.env["partner.segment.winback.wizard"].create(
            {"segment_ids": [Command.set(self.fine.ids)]}
        )
        with self.assertRaisesRegex(UserError, "not win-back targets: test_wb: Fine"):
            wizard.action_start()
        self.env["partner.segment.assignment"].search(
            [("segment_id", "=", self.fading.id)]
        ).unlink()
        wizard = self.env["partner.segment.winback.wizard"].create(
            {"segment_ids": [Command.set(self.fading.ids)]}
        )
        with self.assertRaisesRegex(UserError, "No customer to win back"):
            wizard.action_start()
        wizard = self.env["partner.segment.winback.wizard"].create(
            {
                "segment_ids": [Command.set(self.gone.ids)],
                "send_mailing": False,
                "create_opportunities": False,
                "schedule_calls": False,
            }
        )
        with self.assertRaisesRegex(UserError, "Choose at least one channel"):
            wizard.action_start()
        wizard = self.env["partner.segment.winback.wizard"].create(
            {"segment_ids": [Command.set(self.gone.ids)], "template_id": False}
        )
        with self.assertRaisesRegex(UserError, "Choose the e-mail template"):
            wizard.action_start()
