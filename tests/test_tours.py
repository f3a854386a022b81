# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import json

from odoo import Command
from odoo.addons.partner_segmentation.engine import apply, classify
from odoo.tests import HttpCase, tagged
from odoo.tools import SQL

# where the tours read the numbers the test expects (see start_tour_expecting)
EXPECTED_KEY = "partner_segmentation.tour_expected"


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

    def start_tour_expecting(self, url, tour, login, **expected):
        """Start ``tour`` with the numbers it must show: the page's session
        storage holds them (kept if the tour reloads the page), the tour's
        steps read them (showsExactly in segmentation_tours.js).  They are
        stored by the code that waits for the tour to be ready, as Odoo
        builds the tour's steps then."""
        stored = json.dumps(json.dumps(expected))
        ready = f"(sessionStorage.setItem({EXPECTED_KEY!r}, {stored}), odoo.isTourReady({tour!r}))"
        self.start_tour(url, tour, login=login, ready=ready)

    def _lost_customers(self):
        """The Lost segment holds only this test's two customers (the demo's
        are taken out): one with an e-mail address, one without."""
        lost = self.env.ref("partner_segmentation.segment_life_lost")
        demo = self.env["partner.segment.assignment"].search([("segment_id", "=", lost.id)])
        members = demo.partner_id
        demo.unlink()
        apply.sync_partner_segments(self.env, members._segmentation_members())
        customer, silent = self.env["res.partner"].create(
            [
                {"name": "Lost Tour Customer", "is_company": True, "email": "lost@tour.example"},
                {"name": "Lost Tour Silent Co", "is_company": True},
            ]
        )
        for partner in customer | silent:
            self.env["partner.segment.assignment"].set_manual(partner, lost, "tour")
        self.assertEqual(lost.partner_count, 2)
        return lost, customer, silent

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
        # two customers above the tour's 10,000,000 (the demo's best is far below)
        big = self.env["res.partner"].create(
            [{"name": f"Tour Big Buyer {i}", "is_company": True} for i in (1, 2)]
        )
        product = self.env["product.product"].create({"name": "Tour plant", "type": "service"})
        invoices = self.env["account.move"].create(
            [
                {
                    "move_type": "out_invoice",
                    "partner_id": partner.id,
                    "invoice_line_ids": [
                        Command.create(
                            {"product_id": product.id, "price_unit": 12_000_000, "tax_ids": []}
                        )
                    ],
                }
                for partner in big
            ]
        )
        invoices.action_post()
        # the partners a new scheme classifies (its default filter, the engine's rules)
        Scheme = self.env["partner.segment.scheme"]
        self.env.flush_all()
        universe = classify._universe(
            self.env, Scheme.new(Scheme.default_get(list(Scheme._fields)))
        )
        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) u", universe))
        everyone = self.env.cr.fetchone()[0]
        self.assertGreater(everyone, 2)
        self.start_tour_expecting(
            "/odoo/action-partner_segmentation.action_partner_segment_scheme",
            "partner_segmentation_admin_creates_scheme",
            login="admin",
            big=2,
            everyone=everyone,
        )
        scheme = Scheme.search([("code", "=", "tour_key_accounts")])
        self.assertEqual(scheme.segment_ids.mapped("code"), ["BIG_BUYERS", "EVERYONE_ELSE"])
        self.assertEqual(scheme.segment_ids.mapped("short_name"), ["Big buyer", False])
        self.assertEqual(scheme.segment_ids[0].condition_ids.value, 10_000_000)
        self.assertTrue(scheme.last_run_date)
        self.assertEqual(
            self.env["partner.segment.assignment"]
            .search([("segment_id", "=", scheme.segment_ids[0].id)])
            .partner_id,
            big,
        )
        self.assertEqual(scheme.partner_count, everyone)

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
        lost, customer, _silent = self._lost_customers()
        self.start_tour_expecting(
            f"/odoo/action-partner_segmentation.action_partner_segment/{lost.id}",
            "partner_segmentation_marketer_mailing",
            login=marketer.login,
            recipients=1,  # the customer without an address receives nothing
        )
        mailing = self.env["mailing.mailing"].search([("segment_ids", "in", lost.ids)])
        self.assertEqual(len(mailing), 1)
        self.assertEqual(mailing.subject, "We miss you")
        self.assertEqual(mailing.segment_ids, lost, mailing.mailing_domain)
        self.assertIn(customer.id, mailing._get_recipients())

    def test_winback_from_lost_segment(self):
        lost, customer, silent = self._lost_customers()
        self.start_tour_expecting(
            f"/odoo/action-partner_segmentation.action_partner_segment/{lost.id}",
            "partner_segmentation_winback_from_lost",
            login="tour_sales",
            targets=2,  # a win-back reaches them by phone too: both
        )
        campaign = self.env["partner.segment.winback.campaign"].search(
            [("name", "=", "Tour win-back")]
        )
        self.assertEqual(campaign.line_ids.partner_id, customer | silent)
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
