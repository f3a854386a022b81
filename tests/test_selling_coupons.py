# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Coupons for this segment: Odoo's coupon generation gives one coupon to
each commercial partner currently in the segment (not its contacts, not the
other segments' customers); a sales administrator may, a salesperson or a
segmentation administrator who is no sales administrator may not (ORM and
RPC); another company's program and a program of another type are refused;
nothing is created on a refusal."""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import HttpCase, new_test_user, tagged

from .rpc import RpcMixin
from .test_rights import RightsCase


class SegmentCouponsCase(RpcMixin, RightsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.company2 = cls.env["res.company"].create({"name": "Segmentation Coupons Two"})
        cls.sales_manager = new_test_user(
            cls.env,
            "seg_coupon_manager",
            groups="sales_team.group_sale_manager",
            name="Coupon Manager",
            company_ids=[Command.set((cls.company | cls.company2).ids)],
            company_id=cls.company.id,
        )
        cls.second = cls.make_partner("Rights Second Co")
        cls.make_invoice(cls.second, 3000)
        cls.small = cls.make_partner("Rights Small Co")
        cls.make_invoice(cls.small, 50)
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer at Rights Co", "parent_id": cls.customer.id, "type": "contact"}
        )
        Program = cls.env["loyalty.program"]
        cls.program = Program.create(
            {"name": "Thank-you coupon", "program_type": "coupons", "company_id": cls.company.id}
        )
        cls.program_other = Program.create(
            {
                "name": "Coupon of company two",
                "program_type": "coupons",
                "company_id": cls.company2.id,
            }
        )
        cls.promotion = Program.create(
            {"name": "Spring promotion", "program_type": "promotion", "company_id": cls.company.id}
        )

    def setUp(self):
        super().setUp()
        self.recompute(self.scheme)
        self.assertEqual(self.members(self.big), self.customer | self.second)
        self.assertIn(self.small, self.members(self.rest))

    def members(self, segment):
        return self.Assignment.search([("segment_id", "=", segment.id)]).partner_id

    def cards(self, program=None):
        return (
            self.env["loyalty.card"]
            .sudo()
            .search([("program_id", "in", (program or self.program | self.program_other).ids)])
        )

    def wizard(self, user, program=None, segment=None):
        segment = segment or self.big
        action = segment.with_user(user).action_segment_coupons()
        return (
            self.env["loyalty.generate.wizard"]
            .with_user(user)
            .with_context(action["context"], active_id=segment.id, active_model="partner.segment")
            .create({"program_id": (program or self.program).id})
        )


@tagged("post_install", "-at_install")
class TestSegmentCoupons(SegmentCouponsCase):
    def test_one_coupon_per_customer_of_the_segment(self):
        wizard = self.wizard(self.sales_manager)
        self.assertEqual(wizard.segment_id, self.big)
        self.assertEqual(wizard.mode, "selected")
        self.assertEqual(wizard.coupon_qty, 2)
        self.assertIn("for 2 customers", wizard.confirmation_message)
        wizard.generate_coupons()
        cards = self.cards(self.program)
        self.assertEqual(len(cards), 2)
        self.assertEqual(cards.partner_id, self.customer | self.second, "not the contact")
        self.assertEqual(set(cards.mapped("points")), {1.0})
        # Odoo's history of the coupons says why they were given
        history = self.env["loyalty.history"].sudo().search([("card_id", "in", cards.ids)])
        self.assertEqual(len(history), 2)
        self.assertIn(self.big.display_name, history[0].description)

    def test_codes_never_drawn_twice_nor_taken(self):
        """Odoo's codes have 32 random bits: a large segment would draw one
        twice; the segment's coupons take codes of Odoo's form, each once,
        none of an existing coupon."""
        taken = self.env["loyalty.card"].create({"program_id": self.program.id, "code": "044taken"})
        drawn = iter(["044taken", "044same", "044same", "044other"])
        Card = type(self.env["loyalty.card"])
        with patch.object(Card, "_generate_code", lambda self: next(drawn)):
            self.wizard(self.sales_manager).generate_coupons()
        cards = self.cards(self.program) - taken
        self.assertEqual(sorted(cards.mapped("code")), ["044other", "044same"])
        self.assertEqual(cards.partner_id, self.customer | self.second)
        # unpatched, Odoo's own codes
        self.wizard(self.sales_manager).generate_coupons()
        codes = (self.cards(self.program) - taken - cards).mapped("code")
        self.assertEqual(len(set(codes)), 2)
        self.assertTrue(all(code.startswith("044") for code in codes))

    def test_program_opened_from_the_segment_is_not_taken_from_active_id(self):
        action = self.big.with_user(self.sales_manager).action_segment_coupons()
        Wizard = (
            self.env["loyalty.generate.wizard"]
            .with_user(self.sales_manager)
            .with_context(action["context"], active_id=self.big.id, active_model="partner.segment")
        )
        values = Wizard.default_get(["program_id", "segment_id", "mode", "description"])
        self.assertFalse(values["program_id"])
        self.assertEqual(values["segment_id"], self.big.id)
        self.assertEqual(values["mode"], "selected")

    def test_salesperson_and_segmentation_manager_refused(self):
        # the segmentation administrator may not even open Odoo's coupon wizard
        for user, regex in (
            (self.salesperson, "Only sales administrators"),
            (self.manager, "not allowed to create 'Generate Coupons'"),
        ):
            with self.subTest(user.login), self.refused(AccessError, regex):
                self.wizard(user).generate_coupons()
        self.assertFalse(self.cards())
        wizard_id = self.rpc(
            self.salesperson,
            "loyalty.generate.wizard",
            "create",
            {"program_id": self.program.id, "segment_id": self.big.id, "mode": "selected"},
        )
        self.assertRpcRefused(
            "Only sales administrators",
            self.salesperson,
            "loyalty.generate.wizard",
            "generate_coupons",
            [wizard_id],
        )
        self.assertFalse(self.cards(), "nothing created")
        # the button is the sales administrators'
        arch = self.big.with_user(self.salesperson).get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertNotIn("action_segment_coupons", arch)
        arch = self.big.with_user(self.sales_manager).get_views([(False, "form")])["views"]["form"][
            "arch"
        ]
        self.assertIn("action_segment_coupons", arch)

    def test_other_company_or_other_type_refused(self):
        with self.refused(ValidationError, "belongs to Segmentation Coupons Two"):
            self.wizard(self.sales_manager, program=self.program_other).generate_coupons()
        with self.refused(ValidationError, "is no coupon program"):
            self.wizard(self.sales_manager, program=self.promotion).generate_coupons()
        self.assertRpcRefused(
            "belongs to Segmentation Coupons Two",
            self.sales_manager,
            "loyalty.generate.wizard",
            "create",
            {"program_id": self.program_other.id, "segment_id": self.big.id, "mode": "selected"},
        )
        self.assertFalse(self.cards())
        self.assertFalse(self.cards(self.promotion))
