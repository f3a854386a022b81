# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A promotion per segment: Odoo limits a loyalty program by pricelist, a
segment sets its pricelist on its customers, so a 10 % promotion limited to
the *Value A* pricelist reaches A customers' quotations (through
sale_loyalty's own Promotions button and confirmation), not C customers',
and no more once the customer leaves A (the pricelist is put back).

And a company created from Odoo's form, which sends the default pricelist
back on saving, has no pricelist of its own: a segment sets its own."""

from unittest.mock import patch

from odoo import Command
from odoo.tests import Form, new_test_user, tagged

from ..models.selling.res_partner import ResPartner
from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentPromotion(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        # the catalogue prices everyone else buys at (Odoo's first pricelist)
        cls.catalogue = cls.env["product.pricelist"].create(
            {"name": "Catalogue (test)", "company_id": cls.company.id, "sequence": 1}
        )
        cls.a_list = cls.env["product.pricelist"].create(
            {"name": "Value A (test)", "company_id": cls.company.id, "sequence": 90}
        )
        # as the demo's "10 % for Value A customers"
        cls.program = cls.env["loyalty.program"].create(
            {
                "name": "10 % for A customers (test)",
                "program_type": "promotion",
                "company_id": cls.company.id,
                "trigger": "auto",
                "applies_on": "current",
                "pricelist_ids": [Command.set(cls.a_list.ids)],
                "rule_ids": [
                    Command.create(
                        {
                            "reward_point_mode": "order",
                            "reward_point_amount": 1,
                            "minimum_qty": 1,
                            "minimum_amount": 0,
                        }
                    )
                ],
                "reward_ids": [
                    Command.create(
                        {
                            "reward_type": "discount",
                            "discount": 10,
                            "discount_mode": "percent",
                            "discount_applicability": "order",
                            "required_points": 1,
                        }
                    )
                ],
                "communication_plan_ids": [Command.clear()],
            }
        )
        cls.goods = cls.env["product.product"].create(
            {"name": "Pallet of flour", "type": "consu", "list_price": 250.0, "taxes_id": False}
        )
        cls.a_customer = cls.make_partner("Vilniaus Prekyba UAB")
        cls.c_customer = cls.make_partner("Kiosko Sol SL")
        cls.make_invoice(cls.a_customer, 12000)
        cls.make_invoice(cls.c_customer, 300)
        cls.abc = cls.make_scheme(
            "test_abc",
            "rules",
            [
                {"name": "A", "conditions": [(cls.revenue, ">=", 5000)]},
                {"name": "C"},
            ],
            company_id=cls.company.id,
        )
        cls.seg_a, cls.seg_c = cls.abc.segment_ids.sorted("sequence")
        cls.seg_a.pricelist_id = cls.a_list

    def quotation(self, partner):
        order = self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.goods.id, "product_uom_qty": 4, "tax_id": False}
                    )
                ],
            }
        )
        # the Promotions button of the quotation (sale_loyalty's own flow)
        order.action_open_reward_wizard()
        return order

    def promotion_lines(self, order):
        return order.order_line.filtered(lambda line: line.reward_id.program_id == self.program)

    def test_a_customer_gets_the_promotion_c_customer_does_not(self):
        self.recompute(self.abc)
        self.assertEqual(self.segment_of(self.a_customer, self.abc), self.seg_a)
        self.assertEqual(self.segment_of(self.c_customer, self.abc), self.seg_c)

        order = self.quotation(self.a_customer)
        self.assertEqual(order.pricelist_id, self.a_list)
        self.assertEqual(len(self.promotion_lines(order)), 1)
        self.assertAlmostEqual(self.promotion_lines(order).price_subtotal, -100.0)
        self.assertAlmostEqual(order.amount_untaxed, 900.0)
        order.action_confirm()
        self.assertAlmostEqual(order.amount_untaxed, 900.0, msg="kept on confirming")

        other = self.quotation(self.c_customer)
        self.assertEqual(other.pricelist_id, self.catalogue)
        self.assertFalse(self.promotion_lines(other))
        self.assertAlmostEqual(other.amount_untaxed, 1000.0)
        other.action_confirm()
        self.assertFalse(self.promotion_lines(other), "none on confirming either")

    def test_leaving_a_puts_the_pricelist_back_and_the_promotion_goes(self):
        self.recompute(self.abc)
        self.assertEqual(self.quotation(self.a_customer).pricelist_id, self.a_list)
        self.seg_a.condition_ids.value = 50000
        self.recompute(self.abc)
        self.assertEqual(self.segment_of(self.a_customer, self.abc), self.seg_c)
        self.env.invalidate_all()
        self.assertFalse(
            self.a_customer.with_company(self.company).specific_property_product_pricelist
        )
        order = self.quotation(self.a_customer)
        self.assertEqual(order.pricelist_id, self.catalogue)
        self.assertFalse(self.promotion_lines(order))
        self.assertAlmostEqual(order.amount_untaxed, 1000.0)
        # a segment set by hand brings it back, with the promotion
        self.Assignment.set_manual(self.a_customer, self.seg_a, "Key account")
        self.assertEqual(len(self.promotion_lines(self.quotation(self.a_customer))), 1)

    def test_shipped_promotion_follows_the_value_a_pricelist(self):
        program = self.env.ref(
            "partner_segmentation.loyalty_program_value_a", raise_if_not_found=False
        )
        if not program:
            self.skipTest("installed without demo data")
        segment_a = self.env.ref("partner_segmentation.segment_abc_a")
        self.assertTrue(segment_a.pricelist_id)
        self.assertEqual(program.pricelist_ids, segment_a.pricelist_id)
        self.assertEqual(program.program_type, "promotion")
        self.assertFalse(program.active, "shipped archived: Odoo's sale tests archive pricelists")
        self.assertEqual(program.trigger, "auto")
        self.assertEqual(program.reward_ids.mapped("discount"), [10.0])
        self.assertEqual(program.reward_ids.discount_mode, "percent")
        self.assertEqual(program.reward_ids.discount_applicability, "order")


@tagged("post_install", "-at_install")
class TestFormDefaultPricelist(SegmentationCase):
    """Odoo 18's partner form computes a new partner's pricelist (the
    default) and sends it on saving; the inverse of
    ``property_product_pricelist`` stores it as the partner's own value
    (``specific_property_product_pricelist``) unless it is the default of
    the partner's country group."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.user = new_test_user(
            cls.env,
            "seg_form_sales",
            groups="sales_team.group_sale_manager,product.group_product_pricelist",
            name="Form Seller",
            company_id=cls.company.id,
        )
        cls.vip_list = cls.env["product.pricelist"].create(
            {"name": "VIP (form test)", "company_id": cls.company.id, "sequence": 90}
        )
        cls.negotiated = cls.env["product.pricelist"].create(
            {"name": "Negotiated (form test)", "company_id": cls.company.id, "sequence": 91}
        )
        cls.scheme = cls.make_scheme("test_form", "rules", [{"name": "Everyone"}])
        cls.scheme.segment_ids.pricelist_id = cls.vip_list

    def create_in_form(self, name, pricelist=None):
        form = Form(self.env["res.partner"].with_user(self.user))
        form.company_type = "company"
        form.name = name
        form.category_id.add(self.tag)
        shown = form.property_product_pricelist
        self.assertTrue(shown, "the form shows the default")
        if pricelist:
            form.property_product_pricelist = pricelist
        return form.save().with_user(self.env.user), shown

    def own(self, partner):
        self.env.invalidate_all()
        return partner.with_company(self.company).specific_property_product_pricelist

    def test_odoo_stores_the_default_as_the_partners_own(self):
        """What Odoo does by itself (the fix turned off): the default read
        as a value set by hand, which no segment overwrites."""
        with patch.object(ResPartner, "_forget_default_pricelist", lambda self, partners: None):
            partner, shown = self.create_in_form("Default Keeper SIA")
        self.assertEqual(self.own(partner), shown)
        self.assertEqual(partner.pricelist_origin, "Set by hand")
        self.recompute(self.scheme)
        self.assertEqual(self.own(partner), shown, "no segment overwrites it")

    def test_form_company_gets_the_segments_pricelist(self):
        partner, shown = self.create_in_form("Sofia Trade EOOD")
        self.assertFalse(self.own(partner), "no pricelist of its own")
        self.assertEqual(partner.pricelist_origin, "Default")
        self.assertEqual(partner.property_product_pricelist, shown, "the default still applies")
        self.recompute(self.scheme)
        self.assertEqual(self.own(partner), self.vip_list)
        self.assertEqual(
            partner.pricelist_origin, f"Segment {self.scheme.segment_ids.display_name}"
        )

    def test_pricelist_chosen_in_the_form_is_kept(self):
        partner, _shown = self.create_in_form("Chosen Prices SL", pricelist=self.negotiated)
        self.assertEqual(self.own(partner), self.negotiated)
        self.assertEqual(partner.pricelist_origin, "Set by hand")
        self.recompute(self.scheme)
        self.assertEqual(self.own(partner), self.negotiated, "never overwritten")
