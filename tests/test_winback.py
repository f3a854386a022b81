# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Win-back campaigns."""

from unittest.mock import patch

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import new_test_user, tagged

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
        # the offer is HTML in the e-mail, not escaped text
        self.assertIn("<p>10% off your next order this month.</p>", mailing.body_html)
        self.assertNotIn("&lt;p&gt;", mailing.body_html)
        self.assertNotIn("[OFFER]", mailing.body_html)
        self.assertEqual(campaign.targeted_count, 3)
        self.assertEqual(campaign.won_back_count, 0)
        self.assertEqual(set(campaign.line_ids.mapped("outcome")), {"pending"})

    def _order(self, partner, amount, currency=None):
        values = {
            "partner_id": partner.id,
            "order_line": [
                Command.create(
                    {
                        "product_id": self.product.id,
                        "price_unit": amount,
                        "tax_id": [Command.clear()],
                    }
                )
            ],
        }
        if currency:
            values["pricelist_id"] = (
                self.env["product.pricelist"]
                .create({"name": f"In {currency.name}", "currency_id": currency.id})
                .id
            )
        order = self.env["sale.order"].create(values)
        order.action_confirm()
        return order

    def test_figures_on_a_known_example(self):
        """Five customers targeted; each figure checked against what happened."""
        lost3 = self.make_partner("Lost Three", email="three@lost.example")
        lost4 = self.make_partner("Lost Four", email="four@lost.example")
        campaign = self.start(
            send_mailing=False, schedule_calls=False, partner_ids=[Command.set((lost3 | lost4).ids)]
        )
        lines = {line.partner_id: line for line in campaign.line_ids}
        self.assertEqual(campaign.targeted_count, 5)
        self.assertEqual(set(campaign.line_ids.mapped("outcome")), {"pending"})
        # an order dated before the campaign does not count
        self.make_order(self.lost1, amount=900, days_ago=3000)
        self.assertEqual(lines[self.lost1].outcome, "pending")
        self.assertEqual(campaign.revenue_recovered, 0.0)
        # a confirmed order after the start: won back, its untaxed amount recovered
        self._order(self.lost1, 500)
        self.assertEqual(lines[self.lost1].outcome, "won_back")
        self.env.invalidate_all()  # figures are read afresh by each request
        self.assertEqual(lines[self.lost1].revenue_recovered, 500.0)
        self.assertEqual(campaign.won_back_count, 1)
        # 1 of 5 is a ratio of 0.2, shown by the percentage widget as 20 %
        self.assertAlmostEqual(campaign.winback_rate, 0.2)
        for view in ("form", "list"):
            arch = campaign.get_views([(False, view)])["views"][view]["arch"]
            self.assertIn('name="winback_rate" widget="percentage"', arch)
        self.assertEqual(campaign.revenue_recovered, 500.0)
        # an order in another currency counts at the order's rate: 1,000 at
        # 2 units per company unit is 500 in the company's currency
        company = self.env.company
        other = self.env.ref("base.EUR" if company.currency_id.name != "EUR" else "base.USD")
        other.active = True
        self.env["res.currency.rate"].create(
            {
                "currency_id": other.id,
                "rate": 2.0,
                "name": fields.Date.today(),
                "company_id": company.id,
            }
        )
        self._order(self.lost1, 1000, currency=other)
        self.env.invalidate_all()
        self.assertEqual(lines[self.lost1].revenue_recovered, 1000.0)
        # winning the opportunity counts as won back
        lines[self.lost2].lead_id.action_set_won()
        self.assertEqual(lines[self.lost2].outcome, "won_back")
        self.assertEqual(lines[self.lost2].revenue_recovered, 0.0)
        # losing it counts as declined, and so does a reason that means a refusal
        lines[self.risky].lead_id.action_set_lost()
        self.assertEqual(lines[self.risky].outcome, "declined")
        price = self.env.ref("partner_segmentation.churn_reason_price")
        lines[lost3].churn_reason_id = price
        self.assertEqual(lines[lost3].outcome, "declined")
        self.assertFalse(lines[lost3].outcome_manual)
        # the user knows better: the customer came back (by phone, no order yet)
        lines[lost3].write({"churn_note": "Came back after our call", "outcome": "won_back"})
        self.assertTrue(lines[lost3].outcome_manual)
        lines[lost3].churn_reason_id = self.env.ref("partner_segmentation.churn_reason_service")
        self.assertEqual(lines[lost3].outcome, "won_back")
        self.assertEqual(lines[lost3].outcome_auto, "declined")
        # set by hand: an order or a lost opportunity no longer moves it
        lines[self.lost2].outcome = "declined"
        lines[self.lost2].lead_id.action_set_lost()
        lines[self.lost2].lead_id.action_unarchive()
        self.assertEqual(lines[self.lost2].outcome, "declined")
        # until the user lets it follow the data again: restored in its won
        # stage, the opportunity is won
        lines[self.lost2].action_outcome_auto()
        self.assertEqual(lines[self.lost2].outcome, "won_back")
        self.assertEqual(lines[lost4].outcome, "pending")
        self.env.invalidate_all()
        self.assertEqual(
            (
                campaign.targeted_count,
                campaign.won_back_count,
                campaign.declined_count,
                campaign.revenue_recovered,
            ),
            (5, 3, 1, 1000.0),
        )
        self.assertAlmostEqual(campaign.winback_rate, 0.6)
        # a cancelled order is no win any more
        order = self._order(lost4, 300)
        self.assertEqual(lines[lost4].outcome, "won_back")
        order._action_cancel()
        self.assertEqual(lines[lost4].outcome, "pending")
        # an 'unknown' reason is no refusal
        lines[lost4].churn_reason_id = self.env.ref("partner_segmentation.churn_reason_unknown")
        self.assertEqual(lines[lost4].outcome, "pending")
        # a closed campaign's figures stay as they were
        campaign.action_close()
        self.assertFalse(lost4.winback_open)
        self._order(lost4, 300)
        self.assertEqual(lines[lost4].outcome, "pending")

    def test_outcome_costs_nothing_to_other_leads_and_orders(self):
        """Writes of leads and orders outside a running win-back never touch
        the win-back tables."""
        self.start(send_mailing=False, schedule_calls=False)
        stranger = self.make_partner("Stranger")
        lead = self.env["crm.lead"].create(
            {"name": "Ordinary deal", "type": "opportunity", "partner_id": stranger.id}
        )
        self.env.flush_all()
        queries = []
        execute = type(self.env.cr).execute

        def spy(cr, query, params=None, log_exceptions=True):
            queries.append(str(getattr(query, "code", query)))
            return execute(cr, query, params, log_exceptions)

        with patch.object(type(self.env.cr), "execute", spy):
            lead.action_set_won()
            lead.action_set_lost()
            self._order(stranger, 100)._action_cancel()
            self.env.flush_all()
        self.assertTrue(queries, "the spy sees the queries")
        self.assertFalse(
            [q for q in queries if "partner_segment_winback" in q], "no win-back query"
        )
        # the same writes on a win-back customer do refresh its line
        queries.clear()
        with patch.object(type(self.env.cr), "execute", spy):
            self._order(self.lost1, 100)
            self.env.flush_all()
        self.assertTrue([q for q in queries if "partner_segment_winback_line" in q])

    def test_mailing_next_step(self):
        campaign = self.start()
        self.assertEqual(campaign.mailing_state, "draft")
        action = campaign.action_open_mailing()
        self.assertEqual(
            (action["res_model"], action["res_id"]), ("mailing.mailing", campaign.mailing_id.id)
        )
        arch = campaign.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertIn("Send or Schedule the E-mail", arch)
        campaign.mailing_id.sudo().action_launch()
        self.assertEqual(campaign.mailing_state, "in_queue")

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

    def test_partner_merge_keeps_the_most_informative_line(self):
        """Merging two customers of the same campaign keeps one line: a
        declined outcome over none, the notes of both; a salesperson merges
        (with Contact Creation, which merging needs; he may not delete
        win-back lines himself)."""
        salesperson = new_test_user(
            self.env,
            "wb_merge_sales",
            groups="sales_team.group_sale_salesman,base.group_partner_manager",
        )
        dst = self.make_partner("Merge WB Keep", email="buyer@merge.example")
        src = self.make_partner("Merge WB Gone", email="buyer@merge.example")
        reason = self.env["partner.segment.churn.reason"].create({"name": "Merge: price"})
        Campaign = self.env["partner.segment.winback.campaign"]
        both = Campaign.create(
            {
                "name": "Merge both",
                "line_ids": [
                    Command.create({"partner_id": dst.id, "churn_note": "Called twice"}),
                    Command.create(
                        {
                            "partner_id": src.id,
                            "outcome": "declined",
                            "churn_reason_id": reason.id,
                            "churn_note": "Found a cheaper supplier",
                        }
                    ),
                ],
            }
        )
        dst_only = Campaign.create(
            {"name": "Merge dst", "line_ids": [Command.create({"partner_id": dst.id})]}
        )
        dst_only.line_ids.outcome = "declined"
        src_only = Campaign.create(
            {"name": "Merge src", "line_ids": [Command.create({"partner_id": src.id})]}
        )
        self.assertFalse(dst.winback_do_not_pursue, "one decline of its own")
        wizard = (
            self.env["base.partner.merge.automatic.wizard"]
            .with_user(salesperson)
            .create({"partner_ids": [Command.set((dst | src).ids)], "dst_partner_id": dst.id})
        )
        wizard.action_merge()
        self.assertFalse(src.exists())
        line = both.line_ids
        self.assertEqual(len(line), 1, "one line per campaign and partner")
        self.assertEqual(line.partner_id, dst)
        self.assertEqual((line.outcome, line.outcome_manual), ("declined", True))
        self.assertEqual(line.churn_reason_id, reason)
        self.assertEqual(line.churn_note, "Found a cheaper supplier\n\nCalled twice")
        self.assertEqual(src_only.line_ids.partner_id, dst, "a line of its own moves")
        self.assertEqual(dst.winback_line_ids, (both | dst_only | src_only).line_ids)
        # the source's decline counts: declined in two campaigns
        self.assertTrue(dst.winback_do_not_pursue)
        self.assertEqual(dst.winback_do_not_pursue_reason, "Declined in 2 win-back campaigns")

    def test_partner_merge_outcome_beats_none(self):
        dst = self.make_partner("Merge WB Silent")
        src = self.make_partner("Merge WB Back")
        campaign = self.env["partner.segment.winback.campaign"].create(
            {
                "name": "Merge outcome",
                "line_ids": [
                    Command.create({"partner_id": dst.id}),
                    Command.create({"partner_id": src.id, "outcome": "won_back"}),
                ],
            }
        )
        kept = campaign.line_ids.filtered(lambda line: line.partner_id == src)
        self.env["base.partner.merge.automatic.wizard"].create({})._merge((dst | src).ids, dst)
        self.assertEqual(campaign.line_ids, kept)
        self.assertEqual((kept.partner_id, kept.outcome), (dst, "won_back"))
