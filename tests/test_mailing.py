# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Mass mailing by segment, dynamic lists, contact cadence, service policy."""

import datetime

from odoo import Command, fields
from odoo.exceptions import UserError
from odoo.tests import Form, tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestMailingBySegment(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # segments only filled by hand: the engine classifies nobody into them
        never = "[('id', '=', 0)]"
        cls.value = cls.make_scheme(
            "test_value",
            "rules",
            [
                {"name": "Gold", "partner_domain": never},
                {"name": "Silver", "partner_domain": never},
            ],
        )
        cls.region = cls.make_scheme(
            "test_region",
            "rules",
            [
                {"name": "North", "partner_domain": never},
                {"name": "South", "partner_domain": never},
            ],
        )
        cls.gold, cls.silver = cls.value.segment_ids.sorted("sequence")
        cls.north, cls.south = cls.region.segment_ids.sorted("sequence")
        Assignment = cls.env["partner.segment.assignment"]

        def company(name, email, *segments):
            partner = cls.make_partner(name, email=email)
            for segment in segments:
                Assignment.set_manual(partner, segment, "test")
            return partner

        cls.alpha = company("Alpha", "info@alpha.example", cls.gold, cls.north)
        cls.alpha_buyer = cls.env["res.partner"].create(
            {"name": "Alpha buyer", "parent_id": cls.alpha.id, "email": "buyer@alpha.example"}
        )
        cls.alpha_nomail = cls.env["res.partner"].create(
            {"name": "No mail", "parent_id": cls.alpha.id}
        )
        cls.beta = company("Beta", "info@beta.example", cls.silver, cls.north)
        cls.gamma = company("Gamma", "info@gamma.example", cls.gold, cls.south)
        cls.twin = company(
            "Alpha twin", "BUYER@alpha.example", cls.gold
        )  # same address as the buyer
        cls.blocked = company("Blocked", "stop@blocked.example", cls.gold, cls.north)
        cls.env["mail.blacklist"].create({"email": "stop@blocked.example"})

    def wizard(self, segments, **values):
        return self.env["partner.segment.mailing.wizard"].create(
            dict({"segment_ids": [Command.set(segments.ids)]}, **values)
        )

    def test_recipient_counts(self):
        # Gold: alpha, buyer (= twin's address), gamma, twin; blocked left out
        self.assertEqual(self.wizard(self.gold).recipient_count, 3)
        self.assertEqual(self.wizard(self.gold, include_contacts=False).recipient_count, 3)
        # Gold or Silver (one scheme: OR) and North (another scheme: AND)
        self.assertEqual(self.wizard(self.gold | self.silver | self.north).recipient_count, 3)
        self.assertIn(
            "Segments: 2, schemes: 2.", self.wizard(self.gold | self.north).selection_summary
        )
        self.assertEqual(
            self.wizard(self.gold | self.north, include_contacts=False).recipient_count, 1
        )

    def test_mailing_is_evaluated_when_sent(self):
        action = self.wizard(self.gold | self.north, subject="Spring offer").action_confirm()
        mailing = self.env["mailing.mailing"].browse(action["res_id"])
        self.assertEqual(mailing.subject, "Spring offer")
        self.assertEqual(mailing.segment_ids, self.gold | self.north)
        self.assertIn("segment_ids", mailing.mailing_domain)
        self.assertEqual(set(mailing._get_recipients()), {self.alpha.id, self.alpha_buyer.id})
        # a partner that enters the segments after the mailing was created receives it
        late = self.make_partner("Latecomer", email="late@example.com")
        self.env["partner.segment.assignment"].set_manual(late, self.gold, "new")
        self.env["partner.segment.assignment"].set_manual(late, self.north, "new")
        self.assertIn(late.id, mailing._get_recipients())

    def test_mailing_form_segments_field_writes_domain(self):
        with Form(self.env["mailing.mailing"]) as form:
            form.subject = "By hand"
            form.mailing_model_id = self.env["ir.model"]._get("res.partner")
            form.segment_ids.add(self.silver)
            self.assertIn(f"('segment_ids', 'in', [{self.silver.id}])", form.mailing_domain)
            form.segment_include_contacts = False
            self.assertIn("segment_assignment_ids.segment_id", form.mailing_domain)
        self.assertEqual(form.record._get_recipients(), self.beta.ids)
        # segment_ids works in the standard domain editor
        info = self.env["res.partner"].fields_get(["segment_ids"], ["searchable", "type"])
        self.assertTrue(info["segment_ids"]["searchable"])

    def test_list_sync_adds_removes_keeps_manual(self):
        action = self.wizard(self.gold, target="list", list_name="Gold customers").action_confirm()
        mailing_list = self.env["mailing.list"].browse(action["res_id"])
        emails = sorted(mailing_list.contact_ids.mapped("email_normalized"))
        self.assertEqual(
            emails, ["buyer@alpha.example", "info@alpha.example", "info@gamma.example"]
        )
        self.assertTrue(mailing_list.segment_sync and mailing_list.segment_sync_date)
        manual = self.env["mailing.contact"].create(
            {"name": "Fan", "email": "fan@example.com", "list_ids": [Command.link(mailing_list.id)]}
        )
        # gamma leaves Gold, beta enters: a recompute of the scheme re-syncs the list
        assignments = self.env["partner.segment.assignment"]
        gamma_value = assignments.search(
            [("partner_id", "=", self.gamma.id), ("scheme_id", "=", self.value.id)]
        )
        gamma_value.action_unlock()
        assignments.set_manual(self.beta, self.gold, "upgraded")
        self.recompute(self.value)
        emails = sorted(mailing_list.contact_ids.mapped("email_normalized"))
        self.assertEqual(
            emails,
            ["buyer@alpha.example", "fan@example.com", "info@alpha.example", "info@beta.example"],
        )
        self.assertIn(manual, mailing_list.contact_ids)
        self.assertEqual(len(mailing_list.subscription_ids), 4, "no address twice")
        # beta opts out, leaves and comes back: it stays opted out
        beta_sub = mailing_list.subscription_ids.filtered(
            lambda s: s.contact_id.email_normalized == "info@beta.example"
        )
        beta_sub.opt_out = True
        beta_gold = assignments.search(
            [("partner_id", "=", self.beta.id), ("scheme_id", "=", self.value.id)]
        )
        beta_gold.action_unlock()
        self.recompute(self.value)
        self.assertTrue(beta_sub.exists() and beta_sub.opt_out)
        assignments.set_manual(self.beta, self.gold, "back again")
        self.recompute(self.value)
        beta_subs = mailing_list.subscription_ids.filtered(
            lambda s: s.contact_id.email_normalized == "info@beta.example"
        )
        self.assertEqual(beta_subs, beta_sub, "not subscribed again")
        self.assertTrue(beta_sub.opt_out)

    def test_wizard_bad_input(self):
        wizard = self.env["partner.segment.mailing.wizard"].create({})
        with self.assertRaisesRegex(UserError, "Choose at least one segment"):
            wizard.action_confirm()
        from_partners = (
            self.env["partner.segment.mailing.wizard"]
            .with_context(
                active_model="res.partner", active_ids=[self.alpha_buyer.id, self.beta.id]
            )
            .create({})
        )
        self.assertEqual(from_partners.segment_ids, self.gold | self.silver | self.north)


@tagged("post_install", "-at_install")
class TestCadenceAndPolicy(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = cls.env["res.users"].create(
            {"name": "Cadence Seller", "login": "cadence_seller"}
        )
        cls.scheme = cls.make_scheme(
            "test_cadence", "rules", [{"name": "Monthly", "contact_frequency": 12}]
        )
        cls.segment = cls.scheme.segment_ids
        cls.quiet = cls.make_partner("Quiet", user_id=cls.seller.id)
        cls.talked = cls.make_partner("Talked to", user_id=cls.seller.id)
        cls.old_talk = cls.make_partner("Talked to long ago", user_id=cls.seller.id)

    def setUp(self):
        super().setUp()
        self.recompute(self.scheme)
        self.talked.message_post(body="Called about the spring order", message_type="comment")
        message = self.old_talk.message_post(body="Visit", message_type="comment")
        message.date = fields.Datetime.now() - datetime.timedelta(days=45)

    def cadence_activities(self, partner):
        kind = self.env.ref("partner_segmentation.mail_activity_type_segment_cadence")
        return partner.activity_ids.filtered(lambda a: a.activity_type_id == kind)

    def test_cadence_schedules_exactly_one_follow_up(self):
        self.env["partner.segment"]._cron_contact_cadence()
        self.assertEqual(len(self.cadence_activities(self.quiet)), 1)
        self.assertEqual(self.cadence_activities(self.quiet).user_id, self.seller)
        self.assertIn("12 touches a year", self.cadence_activities(self.quiet).note)
        self.assertFalse(self.cadence_activities(self.talked), "a recent contact exists")
        self.assertEqual(len(self.cadence_activities(self.old_talk)), 1, "45 days > 365/12")
        self.env["partner.segment"]._cron_contact_cadence()
        self.assertEqual(len(self.cadence_activities(self.quiet)), 1, "never a second open one")
        # done: it counts as a contact, so no new one either
        self.cadence_activities(self.quiet).action_feedback("Called")
        self.env["partner.segment"]._cron_contact_cadence()
        self.assertFalse(self.cadence_activities(self.quiet))

    def test_contact_of_the_company_counts(self):
        buyer = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.quiet.id})
        buyer.message_post(body="Mail to the buyer", message_type="comment")
        self.env["partner.segment"]._cron_contact_cadence()
        self.assertFalse(self.cadence_activities(self.quiet))

    def test_salesperson_assignment_respects_capacity(self):
        a, b = (
            self.env["res.users"].create({"name": n, "login": n}) for n in ("seller_a", "seller_b")
        )
        team = self.env["crm.team"].create(
            {"name": "Key accounts", "member_ids": [Command.set([a.id, b.id])]}
        )
        segment = self.make_scheme(
            "test_policy", "rules", [{"name": "B", "customers_per_salesperson": 2}]
        ).segment_ids
        partners = self.env["res.partner"]
        for i in range(5):
            partner = self.make_partner(f"Policy {i}")
            self.env["partner.segment.assignment"].set_manual(partner, segment, "test")
            partners |= partner
        partners[3].user_id = b  # fits: kept
        wizard = self.env["partner.segment.salesperson.wizard"].create(
            {"segment_id": segment.id, "team_id": team.id}
        )
        self.assertEqual(wizard.capacity, 2)
        wizard.action_assign()
        self.assertEqual((wizard.kept_count, wizard.assigned_count), (1, 3))
        self.assertEqual(partners[3].user_id, b)
        loads = {u: len(partners.filtered(lambda p, u=u: p.user_id == u)) for u in (a, b)}
        self.assertEqual(loads, {a: 2, b: 2})
        self.assertEqual(wizard.unplaced_partner_ids, partners[4])

    def test_salesperson_wizard_bad_input(self):
        empty_team = self.env["crm.team"].create({"name": "Empty", "member_ids": [Command.clear()]})
        wizard = self.env["partner.segment.salesperson.wizard"].create(
            {"segment_id": self.segment.id, "team_id": empty_team.id, "capacity": 0}
        )
        with self.assertRaisesRegex(UserError, "at least one customer"):
            wizard.action_assign()
        wizard.capacity = 3
        with self.assertRaisesRegex(UserError, "has no members"):
            wizard.action_assign()
