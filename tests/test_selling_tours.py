# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Clicks of a salesperson (their customers to watch, planning an activity,
on a desktop and on a phone; a quotation for a customer whose segment
warns) and of a sales manager (everyone's customers to watch, the
opportunity's warning, coupons for a segment's customers)."""

from odoo.tests import new_test_user, tagged

from .test_tours import SegmentationTourCase

RISK = "Payment behaviour: over credit limit, prepayment required"


@tagged("post_install", "-at_install")
class SellingTourCase(SegmentationTourCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller = new_test_user(
            cls.env, "tour_seller", groups="sales_team.group_sale_salesman", name="Rasa Seller"
        )
        cls.other_seller = new_test_user(
            cls.env, "tour_seller2", groups="sales_team.group_sale_salesman", name="Ivan Seller"
        )
        cls.sales_manager = new_test_user(
            cls.env,
            "tour_sales_manager",
            groups="sales_team.group_sale_manager",
            name="Head of Sales",
        )
        Partner = cls.env["res.partner"]
        cls.risky = Partner.create(
            {"name": "Overdue Trading SIA", "is_company": True, "user_id": cls.seller.id}
        )
        cls.other = Partner.create(
            {"name": "Plovdiv Stores", "is_company": True, "user_id": cls.other_seller.id}
        )
        cls.scheme = cls.env["partner.segment.scheme"].create(
            {
                "name": "Payment behaviour",
                "code": "tour_payment",
                "method": "rules",
                "partner_domain": f"[('id', 'in', {(cls.risky | cls.other).ids})]",
                "post_chatter": False,
                "segment_ids": [
                    (
                        0,
                        0,
                        {
                            "name": "At risk",
                            "code": "RISK",
                            "sequence": 1,
                            "watch": True,
                            "partner_domain": "[('ref', '=', 'LATE')]",
                            "sale_warn": "warning",
                            "sale_warn_msg": RISK,
                        },
                    ),
                    (0, 0, {"name": "Good", "code": "GOOD", "sequence": 2}),
                ],
            }
        )
        cls.scheme.action_recompute()
        (cls.risky | cls.other).ref = "LATE"
        cls.scheme.action_recompute()
        cls.lead = cls.env["crm.lead"].create(
            {
                "name": "Spring restock",
                "type": "opportunity",
                "partner_id": cls.risky.id,
                "user_id": cls.seller.id,
            }
        )


@tagged("post_install", "-at_install")
class TestSellingTours(SellingTourCase):
    browser_size = "1440x900"

    def test_salesperson_watch_list(self):
        self.start_tour(
            "/odoo/action-partner_segmentation.action_partner_segment_watch",
            "partner_segmentation_salesperson_watch_list",
            login="tour_seller",
        )

    def test_salesperson_quotation_warning(self):
        self.start_tour(
            "/odoo/action-sale.action_quotations_with_onboarding/new",
            "partner_segmentation_salesperson_quotation_warning",
            login="tour_seller",
        )

    def test_sales_manager_watch_and_opportunity(self):
        self.start_tour_expecting(
            "/odoo/action-partner_segmentation.action_partner_segment_watch",
            "partner_segmentation_manager_watch_and_opportunity",
            login="tour_sales_manager",
            lead_id=self.lead.id,
        )

    def test_sales_manager_coupons_for_a_segment(self):
        program = self.env["loyalty.program"].create(
            {"name": "Thank-you coupon", "program_type": "coupons"}
        )
        segment = self.scheme.segment_ids.filtered(lambda s: s.code == "RISK")
        self.start_tour(
            f"/odoo/action-partner_segmentation.action_partner_segment/{segment.id}",
            "partner_segmentation_manager_segment_coupons",
            login="tour_sales_manager",
        )
        cards = self.env["loyalty.card"].search([("program_id", "=", program.id)])
        self.assertEqual(cards.partner_id, self.risky | self.other)
        self.assertEqual(len(cards), 2)


@tagged("post_install", "-at_install")
class TestSellingToursPhone(SellingTourCase):
    """The salesperson's list on a phone: cards with the whole name and
    Plan Activity on each."""

    browser_size = "390x844"
    touch_enabled = True

    def test_salesperson_watch_list(self):
        self.start_tour(
            "/odoo/action-partner_segmentation.action_partner_segment_watch",
            "partner_segmentation_salesperson_watch_list_phone",
            login="tour_seller",
        )
