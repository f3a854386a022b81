# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Metrics without a company in a two-company database: the values shown to
a user count the documents of their companies only (found over RPC: a
company-A user read a 777,777 EUR order of company B, added to USD amounts,
among a shared partner's metric values), and a run counts those of the
companies its schemes say."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_rights_companies_reports import CompaniesRpcCase

B_AMOUNT = 777777.0


@tagged("post_install", "-at_install")
class TestMetricsOfCompanies(CompaniesRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        eur = cls.env.ref("base.EUR")
        eur.active = True
        cls.company_b.currency_id = eur
        cls.make_order(cls.customer, 100.0)
        cls.order_b = cls.env["sale.order"].create(
            {
                "partner_id": cls.customer.id,
                "company_id": cls.company_b.id,
                "pricelist_id": cls.env["product.pricelist"]
                .create({"name": "B in EUR", "currency_id": eur.id, "company_id": cls.company_b.id})
                .id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": B_AMOUNT,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        sale_order = cls.env["ir.model.fields"]._get("sale.order", "amount_untaxed")
        cls.order_count = cls.make_order_count_metric("Orders anywhere", "orders_anywhere")
        cls.order_amount = cls.make_order_count_metric(
            "Order amounts anywhere",
            "order_amounts_anywhere",
            aggregate="sum",
            value_field_id=sale_order.id,
        )
        cls.sales_a = new_test_user(
            cls.env,
            "seg_sales_a",
            groups="sales_team.group_sale_salesman",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.employee_a = new_test_user(
            cls.env,
            "seg_employee_a",
            groups="base.group_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )

    def shown(self, user):
        rows = self.json_rpc(
            user,
            "res.partner",
            "read",
            self.customer.ids,
            ["segment_metric_values", "segment_metric_html"],
        )[0]
        return {r["code"]: r["value"] for r in rows["segment_metric_values"]}, rows[
            "segment_metric_html"
        ]

    def test_b_order_is_there(self):
        """The engine counts B's order (the tests below could not fail otherwise)."""
        self.assertEqual(self.order_b.company_id, self.company_b)
        self.assertEqual(self.order_b.currency_id.name, "EUR")
        values = self.order_count.values_for_partners(self.customer)
        self.assertEqual(values[self.customer.id], 2.0)
        self.assertGreater(
            self.order_amount.values_for_partners(self.customer)[self.customer.id], 1000
        )

    def test_values_shown_count_only_the_users_companies(self):
        values, html = self.shown(self.sales_a)
        self.assertEqual(values["orders_anywhere"], 1.0, "A's order only")
        self.assertEqual(values["order_amounts_anywhere"], 100.0)
        self.assertNotIn("777", html)
        # the same user's values as the ORM computes them (values_for_partners)
        metric = self.order_amount.with_user(self.sales_a)
        self.assertEqual(metric.values_for_partners(self.customer), {self.customer.id: 100.0})

    def test_employee_without_sales_rights_sees_no_order_of_b(self):
        values, html = self.shown(self.employee_a)
        self.assertFalse([code for code, value in values.items() if (value or 0) >= 1000])
        self.assertNotIn("orders_anywhere", values)
        self.assertNotIn("777", html)

    def test_run_counts_the_companies_of_its_scheme(self):
        """A scheme of company A counts A's orders; a shared scheme, every
        company's, in one run whichever comes first."""
        segments = [
            {"name": "Big", "conditions": [(self.order_amount, ">=", 1000)]},
            {"name": "Rest"},
        ]
        scheme_a = self.make_scheme(
            "test_orders_a", "rules", segments, company_id=self.company_a.id, sequence=1
        )
        shared = self.make_scheme("test_orders_shared", "rules", segments, sequence=2)
        for order, schemes in (("A first", scheme_a | shared), ("shared first", shared)):
            with self.subTest(order):
                if order == "shared first":
                    scheme_a.sequence = 3
                self.recompute(schemes | scheme_a)
                self.assertEqual(self.segment_of(self.customer, scheme_a).name, "Rest")
                self.assertEqual(self.segment_of(self.customer, shared).name, "Big")
