# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import Command
from odoo.tests import HttpCase, tagged


@tagged("post_install", "-at_install")
class SegmentationTourCase(HttpCase):
    """Customers and users the tours share; no test of its own."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # a customer with a history of two segments in Lifecycle
        cls.customer = cls.env["res.partner"].create({"name": "Tour Customer", "is_company": True})
        lifecycle = cls.env.ref("partner_segmentation.scheme_lifecycle")
        lifecycle.with_context(segmentation_today="2026-01-01").action_recompute()
        order = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.env["product.product"]
                            .search([("sale_ok", "=", True)], limit=1)
                            .id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        cls.customer.action_segment_recompute()
        cls.salesperson = cls.env["res.users"].create(
            {
                "name": "Tour Salesperson",
                "login": "tour_sales",
                "password": "tour_sales_pw",
                "groups_id": [Command.link(cls.env.ref("sales_team.group_sale_salesman").id)],
            }
        )

    def _lost_customer(self):
        lost = self.env.ref("partner_segmentation.segment_life_lost")
        customer = self.env["res.partner"].create(
            {"name": "Lost Tour Customer", "is_company": True, "email": "lost@tour.example"}
        )
        self.env["partner.segment.assignment"].set_manual(customer, lost, "tour")
        return lost, customer

    def _tour_salesperson_sees_segments(self):
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}",
            "partner_segmentation_salesperson_sees_segments",
            login="tour_sales",
        )

    def _tour_user_overrides_segment(self):
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}",
            "partner_segmentation_user_overrides_segment",
            login="tour_sales",
        )
        assignment = self.customer.segment_assignment_ids.filtered(
            lambda a: a.scheme_id == self.env.ref("partner_segmentation.scheme_lifecycle")
        )
        self.assertTrue(assignment.locked)
        self.assertEqual(
            assignment.segment_id, self.env.ref("partner_segmentation.segment_life_regular")
        )
        self.assertEqual(
            assignment.computed_segment_id, self.env.ref("partner_segmentation.segment_life_new")
        )


@tagged("post_install", "-at_install")
class TestSegmentationTours(SegmentationTourCase):
    """What users click, on a desktop screen."""

    def test_salesperson_sees_segments(self):
        self._tour_salesperson_sees_segments()

    def test_user_overrides_segment(self):
        self._tour_user_overrides_segment()

    def test_admin_creates_scheme(self):
        self.start_tour(
            "/odoo/action-partner_segmentation.action_partner_segment_scheme",
            "partner_segmentation_admin_creates_scheme",
            login="admin",
        )
        scheme = self.env["partner.segment.scheme"].search([("code", "=", "tour_key_accounts")])
        self.assertEqual(scheme.segment_ids.mapped("code"), ["BIG", "REST"])
        self.assertEqual(scheme.segment_ids[0].condition_ids.value, 100000)
        self.assertTrue(scheme.last_run_date)
        self.assertGreater(scheme.partner_count, 0)

    def test_marketer_creates_mailing_for_segment(self):
        marketer = self.env["res.users"].create(
            {
                "name": "Tour Marketer",
                "login": "tour_marketer",
                "password": "tour_marketer_pw",
                "groups_id": [
                    Command.link(self.env.ref("mass_mailing.group_mass_mailing_user").id)
                ],
            }
        )
        lost, customer = self._lost_customer()
        self.start_tour(
            f"/odoo/action-partner_segmentation.action_partner_segment/{lost.id}",
            "partner_segmentation_marketer_mailing",
            login=marketer.login,
        )
        mailing = self.env["mailing.mailing"].search([("segment_ids", "in", lost.ids)])
        self.assertEqual(len(mailing), 1)
        self.assertEqual(mailing.subject, "We miss you")
        self.assertEqual(mailing.segment_ids, lost, mailing.mailing_domain)
        self.assertIn(customer.id, mailing._get_recipients())

    def test_winback_from_lost_segment(self):
        lost, customer = self._lost_customer()
        self.start_tour(
            f"/odoo/action-partner_segmentation.action_partner_segment/{lost.id}",
            "partner_segmentation_winback_from_lost",
            login="tour_sales",
        )
        campaign = self.env["partner.segment.winback.campaign"].search(
            [("name", "=", "Tour win-back")]
        )
        self.assertIn(customer, campaign.line_ids.partner_id)
        self.assertEqual(campaign.segment_ids, lost)
        self.assertEqual(len(campaign.opportunity_ids), len(campaign.line_ids))

    def test_marketer_filters_by_segment(self):
        lost = self.env.ref("partner_segmentation.segment_life_lost")
        # first in alphabetical order: on the first page before filtering
        customer = self.env["res.partner"].create(
            {"name": "Aardvark Lost Tour Co", "is_company": True}
        )
        self.env["partner.segment.assignment"].set_manual(customer, lost, "tour")
        self.start_tour(
            "/odoo/action-partner_segmentation.action_res_partner_segmented",
            "partner_segmentation_marketer_filters_by_segment",
            login="tour_sales",
        )


@tagged("post_install", "-at_install")
class TestSegmentationToursMobile(SegmentationTourCase):
    """The same screens on a phone: the badges, the Segmentation tab and the
    override wizard stay usable on a narrow touch screen."""

    browser_size = "375x667"
    touch_enabled = True

    def test_salesperson_sees_segments(self):
        self._tour_salesperson_sees_segments()

    def test_user_overrides_segment(self):
        self._tour_user_overrides_segment()
