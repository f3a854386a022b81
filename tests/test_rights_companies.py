# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Companies and portal: a user of one company sees none of another
company's segmentation, a portal user none of their own partner's."""

from odoo import Command
from odoo.addons.partner_segmentation.engine import metrics_read
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_rights import RightsCase


class CompaniesCase(RightsCase):
    """Two companies: A (the test's) and B, a scheme of each classifying the
    same shared partners, a manual override and a win-back campaign in B."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create({"name": "Segmentation B"})
        cls.user_a = new_test_user(
            cls.env,
            "seg_user_a",
            groups="sales_team.group_sale_manager,partner_segmentation.group_segmentation_manager",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.metric_b = cls.make_order_count_metric(
            "Orders of B", "orders_b", company_id=cls.company_b.id
        )
        cls.scheme_b = cls.make_scheme(
            "test_rights_b",
            "rules",
            [{"name": "B buyers", "code": "B", "conditions": [(cls.metric_b, ">=", 0)]}],
            company_id=cls.company_b.id,
        )
        # a shared partner (no company), classified in A's scheme and in B's
        cls.run_a = cls.recompute_as(cls.scheme)
        cls.run_b = cls.recompute_as(cls.scheme_b)
        cls.env["partner.segment.assignment"].set_manual(
            cls.prospect, cls.scheme_b.segment_ids, "B's decision"
        )
        cls.campaign_b = cls.env["partner.segment.winback.campaign"].create(
            {
                "name": "B win-back",
                "company_id": cls.company_b.id,
                "line_ids": [Command.create({"partner_id": cls.customer.id})],
            }
        )

    @classmethod
    def recompute_as(cls, scheme):
        from ..engine import run as engine_run

        return engine_run.run(cls.env, scheme)


@tagged("post_install", "-at_install")
class TestCompanies(CompaniesCase):
    """A user of company A sees none of company B's segmentation."""

    def test_b_is_there(self):
        """What the user of A must not see exists (the test could not fail otherwise)."""
        self.assertEqual(len(self.customer.segment_assignment_ids), 2)
        self.assertEqual(self.run_b.status, "done")
        self.assertTrue(self.History.search([("scheme_id", "=", self.scheme_b.id)]))
        self.assertIn("orders_b", [r["code"] for r in self.customer.segment_metric_values])

    def test_user_of_a_sees_none_of_b(self):
        env = self.env(user=self.user_a)
        b_scheme = [("scheme_id", "=", self.scheme_b.id)]
        self.assertFalse(env["partner.segment.assignment"].search(b_scheme))
        self.assertFalse(env["partner.segment.history"].search(b_scheme))
        self.assertFalse(env["partner.segment.run"].search([("id", "=", self.run_b.id)]))
        self.assertTrue(env["partner.segment.run"].search([("id", "=", self.run_a.id)]))
        self.assertFalse(env["partner.segment.winback.campaign"].search([]) & self.campaign_b)
        self.assertFalse(
            env["partner.segment.winback.line"].search([("campaign_id", "=", self.campaign_b.id)])
        )
        self.assertFalse(env["partner.segment.metric"].search([("code", "=", "orders_b")]))
        self.assertFalse(
            env["partner.segment.condition"].search([("metric_id.code", "=", "orders_b")])
        )
        for record in (
            self.customer.segment_assignment_ids.filtered(lambda a: a.scheme_id == self.scheme_b),
            self.run_b,
            self.campaign_b,
            self.campaign_b.line_ids,
        ):
            with self.subTest(record._name), self.assertRaises(AccessError):
                record.with_env(env).read(["display_name"])

    def test_metric_preview_counts_only_what_the_viewer_may_read(self):
        orders = self.env["sale.order"].create(
            [
                {"partner_id": self.customer.id, "company_id": company.id}
                for company in (self.company_a, self.company_b, self.company_b)
            ]
        )
        metric = self.make_order_count_metric(
            "Orders anywhere", "orders_anywhere", source_domain=f"[('id', 'in', {orders.ids})]"
        )
        self.assertEqual(self._preview_values(metric.sudo()), ["3"], "as the engine: all three")
        self.assertEqual(self._preview_values(metric.with_user(self.user_a)), ["1"], "A's only")
        no_sales = new_test_user(
            self.env,
            "seg_no_sales",
            groups="partner_segmentation.group_segmentation_manager",
            company_id=self.company_a.id,
        )
        html = str(metric.with_user(no_sales).preview_html)
        self.assertIn("cannot be computed", html)
        self.assertNotIn("Rights Co", html)

    def _preview_values(self, metric):
        rows = metrics_read.metric_preview(metric)
        self.assertEqual([p.name for p, _v in rows], ["Rights Co"])
        return [f"{value:g}" for _p, value in rows]

    def test_shared_partner_tab_shows_only_a(self):
        env = self.env(user=self.user_a)
        for partner in (self.customer, self.prospect):
            partner = partner.with_env(env)
            self.assertEqual(partner.segment_badge_ids.scheme_id, self.scheme)
            self.assertFalse(
                partner.segment_assignment_ids.filtered(lambda a: a.scheme_id == self.scheme_b)
            )
            self.assertFalse(
                partner.segment_history_ids.filtered(lambda h: h.scheme_id == self.scheme_b)
            )
            self.assertFalse(partner.segment_ids & self.scheme_b.segment_ids.with_env(env))
            self.assertNotIn("orders_b", [r["code"] for r in partner.segment_metric_values])
            self.assertNotIn("Orders of B", partner.segment_metric_html)


@tagged("post_install", "-at_install")
class TestPortal(RightsCase):
    FIELDS = (
        "segment_ids",
        "segment_assignment_ids",
        "segment_history_ids",
        "segment_badge_ids",
        "segment_metric_html",
        "segment_metric_values",
        "customer_type",
        "governance_type",
        "sales_channel_id",
        "annual_potential",
        "winback_line_ids",
        "winback_do_not_pursue",
    )

    def test_portal_user_reads_none_of_own_segmentation(self):
        self.recompute(self.scheme)
        self.customer.annual_potential = 12345
        portal = new_test_user(
            self.env,
            "seg_portal",
            groups="base.group_portal",
            partner_id=self.customer.id,
            name="Rights Co",
        )
        partner = self.customer.with_user(portal)
        self.assertEqual(partner.read(["name"])[0]["name"], "Rights Co", "their own partner")
        for field in self.FIELDS:
            with self.subTest(field), self.assertRaises(AccessError):
                partner.read([field])
        self.assertNotIn("annual_potential", partner.fields_get())
        with self.assertRaises(AccessError):
            partner.search([("segment_assignment_ids.segment_id", "in", self.big.ids)])
        # Odoo checks groups on read only: guessing ids or values by search
        # would still tell the portal user their segment or potential.
        self.assertIn(self.customer, self.customer.search([("segment_ids", "in", self.big.ids)]))
        for domain, order in (
            ([("segment_ids", "in", self.big.ids)], None),
            (["|", ("name", "=", "x"), ("annual_potential", ">", 10000)], None),
            ([("winback_do_not_pursue", "=", False)], None),
            ([], "annual_potential desc"),
        ):
            with (
                self.subTest(domain=domain, order=order),
                self.assertRaisesRegex(AccessError, "by their segmentation"),
            ):
                partner.search(domain, order=order)
        self.assertEqual(
            partner.search([("name", "=", "Rights Co")]), partner, "other searches work"
        )
