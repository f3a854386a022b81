# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reports: what users click, at desktop and phone sizes, on the
demo data (a year of monthly runs)."""

from odoo.tests import HttpCase, new_test_user, tagged


@tagged("post_install", "-at_install")
class ReportTourCase(HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_sales_manager",
            groups="sales_team.group_sale_manager,partner_segmentation.group_segmentation_user",
        )
        cls.salesperson = new_test_user(
            cls.env, "tour_report_sales", groups="sales_team.group_sale_salesman"
        )

    def tour(self, action, name, login="tour_sales_manager"):
        self.start_tour(f"/odoo/action-partner_segmentation.{action}", name, login=login)

    def _distribution(self):
        self.tour(
            "action_partner_segment_report_distribution", "partner_segmentation_report_distribution"
        )

    def _migration(self):
        self.tour(
            "action_partner_segment_migration_wizard", "partner_segmentation_report_migration"
        )

    def _pareto(self):
        self.tour("action_partner_segment_report_pareto", "partner_segmentation_report_pareto")


@tagged("post_install", "-at_install")
class TestReportTours(ReportTourCase):
    def test_distribution(self):
        self._distribution()

    def test_distribution_graph(self):
        self.tour(
            "action_partner_segment_report_distribution",
            "partner_segmentation_report_distribution_graph",
        )

    def test_empty_filters_show_help(self):
        # the salesperson's own customers: none in the demo data
        self.start_tour(
            "/odoo/action-partner_segmentation.action_partner_segment_report_distribution",
            "partner_segmentation_report_empty",
            login="tour_report_sales",
        )

    def test_sizes(self):
        self.tour("action_partner_segment_report_size", "partner_segmentation_report_sizes")

    def test_migration(self):
        self._migration()

    def test_pareto(self):
        self._pareto()

    def test_overlap(self):
        self.tour("action_partner_segment_report_overlap", "partner_segmentation_report_overlap")

    def test_product(self):
        self.tour("action_partner_segment_report_product", "partner_segmentation_report_product")


@tagged("post_install", "-at_install")
class TestReportToursMobile(ReportTourCase):
    browser_size = "375x667"
    touch_enabled = True

    def test_distribution(self):
        self._distribution()

    def test_migration(self):
        self._migration()

    def test_pareto(self):
        self._pareto()


@tagged("post_install", "-at_install")
class TestPreviewExplainTours(HttpCase):
    """Preview and explanation, at desktop and phone sizes."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_seg_admin",
            groups="partner_segmentation.group_segmentation_manager,sales_team.group_sale_manager",
        )
        cls.segment_a = cls.env.ref("partner_segmentation.segment_abc_a")
        cls.customer = (
            cls.env["partner.segment.assignment"]
            .search([("segment_id", "=", cls.segment_a.id)], limit=1)
            .partner_id
        )

    def _preview(self):
        url = f"/odoo/action-partner_segmentation.action_partner_segment/{self.segment_a.id}"
        self.start_tour(url, "partner_segmentation_preview", login="tour_seg_admin")
        self.assertEqual(self.segment_a.pareto_cutoff, 80, "the preview saved nothing")

    def _preview_invalid(self):
        url = f"/odoo/action-partner_segmentation.action_partner_segment/{self.segment_a.id}"
        self.start_tour(url, "partner_segmentation_preview_invalid", login="tour_seg_admin")
        self.assertEqual(self.segment_a.pareto_cutoff, 80)

    def _explain(self):
        self.start_tour(
            f"/odoo/contacts/{self.customer.id}",
            "partner_segmentation_explain",
            login="tour_seg_admin",
        )

    def test_preview(self):
        self._preview()

    def test_preview_invalid(self):
        self._preview_invalid()

    def test_explain(self):
        self._explain()


@tagged("post_install", "-at_install")
class TestPreviewExplainToursMobile(TestPreviewExplainTours):
    browser_size = "375x667"
    touch_enabled = True
