# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Selling policies: a segment's pricelist and payment terms are set on the
customers that enter it, by any run (all partners, chosen partners, an
override by hand), put back when they leave, never over a value set by
hand; between segments of two schemes the policy priority decides; a
removed policy puts back what it set; a pricelist of another company is
refused; a large segment's change is applied by the cron in steps."""

import re
from unittest.mock import patch

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged
from odoo.tools import SQL

from ..models.selling import partner_segment as selling_segment
from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSellingPolicy(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.company = cls.env.company
        Pricelist = cls.env["product.pricelist"]
        cls.vip_list = Pricelist.create({"name": "VIP prices", "company_id": cls.company.id})
        cls.key_list = Pricelist.create({"name": "Key account prices", "company_id": False})
        cls.hand_list = Pricelist.create({"name": "Negotiated", "company_id": cls.company.id})
        cls.net60 = cls.env["account.payment.term"].create(
            {"name": "60 days for VIP", "line_ids": [Command.create({"nb_days": 60})]}
        )
        cls.big = cls.make_partner("Baltic Foods UAB")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Ona Buyer", "parent_id": cls.big.id, "type": "contact"}
        )
        # a contact made under a company gets the default pricelist of the day as
        # its own value (Odoo's sync of commercial fields): it follows its company
        cls.contact.with_company(cls.company).specific_property_product_pricelist = cls.hand_list
        cls.mid = cls.make_partner("Sofia Retail OOD")
        cls.small = cls.make_partner("Tienda Pequeña SL")
        cls.make_invoice(cls.big, 9000)
        cls.make_invoice(cls.mid, 3000)
        cls.make_invoice(cls.small, 200)
        cls.size = cls.make_scheme(
            "test_size",
            "rules",
            [
                {"name": "VIP", "conditions": [(cls.revenue, ">=", 5000)]},
                {"name": "Large", "conditions": [(cls.revenue, ">=", 1000)]},
                {"name": "Small"},
            ],
            company_id=cls.company.id,
        )
        cls.vip, cls.large, cls.small_seg = cls.size.segment_ids.sorted("sequence")
        cls.vip.write({"pricelist_id": cls.vip_list.id, "payment_term_id": cls.net60.id})
        cls.default_list = cls.env["product.pricelist"]._get_partner_pricelist_multi(cls.small.ids)[
            cls.small.id
        ]

    def pricelist(self, partner):
        self.env.invalidate_all()
        return partner.with_company(self.company).specific_property_product_pricelist

    def raw(self, partner, column="specific_property_product_pricelist"):
        self.env.flush_all()
        self.env.cr.execute(
            SQL("SELECT %s FROM res_partner WHERE id = %s", SQL.identifier(column), partner.id)
        )
        return self.env.cr.fetchone()[0] or {}

    def move_vip_threshold(self, value):
        self.vip.condition_ids.value = value

    def test_entering_sets_leaving_puts_back(self):
        self.recompute(self.size)
        self.assertEqual(self.segment_of(self.big, self.size), self.vip)
        self.assertEqual(self.pricelist(self.big), self.vip_list)
        self.assertEqual(self.big.property_payment_term_id, self.net60)
        # the contact carries its company's value, as Odoo syncs it
        self.assertEqual(self.pricelist(self.contact), self.vip_list)
        self.assertEqual(self.contact.property_product_pricelist, self.vip_list)
        self.assertEqual(self.raw(self.big), {str(self.company.id): self.vip_list.id})
        self.assertEqual(self.big.pricelist_origin, f"Segment {self.vip.display_name}")
        self.assertEqual(self.big.payment_term_origin, f"Segment {self.vip.display_name}")
        # the others got nothing
        self.assertFalse(self.pricelist(self.mid))
        self.assertEqual(self.mid.pricelist_origin, "Default")
        # a quotation takes it
        order = self.env["sale.order"].create({"partner_id": self.contact.id})
        self.assertEqual(order.pricelist_id, self.vip_list)
        self.assertEqual(order.payment_term_id, self.net60)

        self.move_vip_threshold(20000)
        self.recompute(self.size)
        self.assertEqual(self.segment_of(self.big, self.size), self.large)
        self.assertFalse(self.pricelist(self.big))
        self.assertFalse(self.pricelist(self.contact))
        self.assertFalse(self.big.property_payment_term_id)
        self.assertNotIn(str(self.company.id), self.raw(self.big))
        self.assertEqual(self.big.property_product_pricelist, self.default_list)
        self.assertFalse(
            self.env["partner.segment.policy.value"]
            .sudo()
            .search([("partner_id", "=", self.big.id)])
        )

    def test_run_of_chosen_partners_and_override_by_hand(self):
        self.recompute(self.size, partners=self.big)
        self.assertEqual(self.pricelist(self.big), self.vip_list)
        self.assertFalse(self.pricelist(self.mid), "not in the run")
        # a segment set by hand moves the partner: the policy follows
        assignment = self.Assignment.set_manual(self.mid, self.vip, "Strategic account")
        self.assertEqual(self.pricelist(self.mid), self.vip_list)
        self.assertEqual(self.mid.property_payment_term_id, self.net60)
        assignment.action_unlock()
        self.assertFalse(self.segment_of(self.mid, self.size), "no run classified it yet")
        self.assertFalse(self.pricelist(self.mid))
        self.assertFalse(self.mid.property_payment_term_id)

    def test_value_set_by_hand_is_never_overwritten(self):
        self.big.with_company(self.company).property_product_pricelist = self.hand_list
        self.assertEqual(self.pricelist(self.big), self.hand_list)
        self.recompute(self.size)
        self.assertEqual(self.segment_of(self.big, self.size), self.vip)
        self.assertEqual(self.pricelist(self.big), self.hand_list, "kept")
        self.assertEqual(self.big.pricelist_origin, "Set by hand")
        self.assertEqual(self.big.property_payment_term_id, self.net60, "none by hand: set")
        # changed by hand after the segment set it: the user's from then on
        self.big.with_company(self.company).property_payment_term_id = False
        term = self.env.ref("account.account_payment_term_30days")
        self.big.with_company(self.company).property_payment_term_id = term
        self.assertEqual(self.big.payment_term_origin, "Set by hand")
        self.move_vip_threshold(20000)
        self.recompute(self.size)
        self.assertEqual(self.segment_of(self.big, self.size), self.large)
        self.assertEqual(self.pricelist(self.big), self.hand_list, "kept on leaving")
        self.assertEqual(self.big.property_payment_term_id, term, "kept on leaving")

    def test_priority_between_schemes(self):
        status = self.make_scheme(
            "test_status",
            "rules",
            [
                {"name": "Key account", "code": "KEY", "conditions": [(self.revenue, ">=", 2000)]},
                {"name": "Other"},
            ],
        )
        key = status.segment_ids.sorted("sequence")[0]
        key.pricelist_id = self.key_list
        self.size.sequence, status.sequence = 1, 2
        self.recompute(self.size | status)
        # equal priorities: the scheme listed first (Size) wins for Big
        self.assertEqual(self.pricelist(self.big), self.vip_list)
        self.assertEqual(self.pricelist(self.mid), self.key_list, "only Key account sets one")
        # a higher priority wins: applied at once to the segment's members
        key.policy_priority = 20
        self.assertEqual(self.pricelist(self.big), self.key_list)
        self.assertEqual(self.big.pricelist_origin, f"Segment {key.display_name}")
        key.policy_priority = 5
        self.assertEqual(self.pricelist(self.big), self.vip_list)
        # removing a policy puts back what it set on its members
        key.pricelist_id = False
        self.assertFalse(self.pricelist(self.mid))
        self.assertEqual(self.pricelist(self.big), self.vip_list, "VIP's own stays")
        self.vip.pricelist_id = False
        self.assertFalse(self.pricelist(self.big))
        self.assertFalse(self.pricelist(self.contact))
        self.assertEqual(self.big.property_payment_term_id, self.net60, "the other policy stays")

    def test_other_company_refused(self):
        other = self.env["res.company"].create({"name": "Other Wholesale Ltd"})
        foreign_list = self.env["product.pricelist"].create(
            {"name": "Other's prices", "company_id": other.id}
        )
        foreign_term = self.env["account.payment.term"].create(
            {"name": "Other's 90 days", "company_id": other.id}
        )
        for field, value in (("pricelist_id", foreign_list), ("payment_term_id", foreign_term)):
            with (
                self.subTest(field),
                self.assertRaisesRegex(
                    ValidationError,
                    re.escape(
                        f"belongs to {self.company.name}: '{value.display_name}' of "
                        "Other Wholesale Ltd cannot be its policy"
                    ),
                ),
            ):
                self.large.write({field: value.id})
            self.env.invalidate_all()
            self.assertFalse(self.large[field], "nothing saved")
        # the shared pricelist is accepted
        self.large.pricelist_id = self.key_list
        self.assertEqual(self.large.pricelist_id, self.key_list)

    def test_large_segment_applied_by_cron_in_steps(self):
        self.recompute(self.size)
        self.move_vip_threshold(1000)
        self.recompute(self.size)
        members = self.big | self.mid
        self.assertEqual(self.size.segment_ids.filtered(lambda s: s.code == "VIP").partner_count, 2)
        with patch.object(selling_segment, "POLICY_STEP_PARTNERS", 1):
            self.vip.pricelist_id = self.key_list
            self.assertTrue(self.vip.policy_pending)
            self.assertEqual(self.pricelist(self.big), self.vip_list, "not in the request")
            commits = []
            with (
                patch.object(self.env.cr, "commit", lambda: commits.append(1)),
                patch.object(type(self.env["ir.cron"]), "_notify_progress", lambda *a, **k: None),
            ):
                self.env["partner.segment"]._cron_apply_policies()
        self.assertEqual(len(commits), 3, "a step per member, then the rest")
        self.assertFalse(self.vip.policy_pending)
        for partner in members:
            self.assertEqual(self.pricelist(partner), self.key_list)
