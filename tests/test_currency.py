# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Money metrics are in the company's currency: orders in a second currency
are converted at their own rate, invoices count their company-currency
amounts, the annual potential has one currency and each money preset shows
it."""

import datetime

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestCurrency(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company = cls.env.company
        cls.foreign = cls.env.ref(
            "base.EUR" if cls.company.currency_id.name != "EUR" else "base.USD"
        )
        cls.foreign.active = True
        # 2 foreign units for 1 unit of the company's currency, since long ago
        cls.env["res.currency.rate"].search(
            [("currency_id", "in", (cls.foreign | cls.company.currency_id).ids)]
        ).unlink()
        cls.env["res.currency.rate"].create(
            {
                "currency_id": cls.foreign.id,
                "rate": 2.0,
                "name": datetime.date(2000, 1, 1),
                "company_id": cls.company.id,
            }
        )
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Foreign prices", "currency_id": cls.foreign.id}
        )
        cls.gamma = cls.make_partner("Gamma")
        order = cls.make_order(cls.gamma, 100, days_ago=30)  # company currency
        cls.foreign_order = cls.env["sale.order"].create(
            {
                "partner_id": cls.gamma.id,
                "pricelist_id": cls.pricelist.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "price_unit": 1000,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        cls.foreign_order.action_confirm()
        cls.foreign_order.date_order = order.date_order
        invoice = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": cls.gamma.id,
                "currency_id": cls.foreign.id,
                "invoice_date": cls.days_ago(10),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "price_unit": 1000,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        invoice.action_post()
        cls.make_invoice(cls.gamma, 100, days_ago=10)

    def value(self, xmlid):
        metric = self.env.ref(f"partner_segmentation.{xmlid}")
        return metric.values_for_partners(self.gamma)[self.gamma.id]

    def test_orders_converted_at_their_rate(self):
        self.assertEqual(self.foreign_order.currency_id, self.foreign)
        self.assertEqual(self.foreign_order.amount_untaxed, 1000.0)
        self.assertEqual(self.foreign_order.currency_rate, 2.0)
        # 100 + 1000 / 2, not 1,100 units of two currencies
        self.assertEqual(self.value("metric_order_amount_12m"), 600.0)
        self.assertEqual(self.value("metric_avg_order_value_12m"), 300.0)
        self.assertEqual(self.value("metric_order_count_12m"), 2.0)

    def test_invoices_in_company_currency(self):
        self.assertEqual(self.value("metric_revenue_12m"), 600.0)

    def test_share_of_wallet_like_with_like(self):
        self.gamma.annual_potential = 1200
        self.assertEqual(self.gamma.segment_currency_id, self.company.currency_id)
        self.assertEqual(self.value("metric_share_of_wallet"), 50.0)

    def test_presets_state_their_currency(self):
        money = (
            "metric_revenue_12m",
            "metric_revenue_prev_12m",
            "metric_order_amount_12m",
            "metric_avg_order_value_12m",
            "metric_annual_potential",
        )
        for xmlid in money:
            metric = self.env.ref(f"partner_segmentation.{xmlid}")
            self.assertTrue(metric.is_money, xmlid)
            self.assertEqual(metric.currency_id, self.company.currency_id, xmlid)
        for xmlid in ("metric_order_count_12m", "metric_share_of_wallet"):
            self.assertFalse(self.env.ref(f"partner_segmentation.{xmlid}").currency_id, xmlid)
        arch = self.Metric.get_views([(False, "list")])["views"]["list"]["arch"]
        self.assertIn('name="currency_id"', arch)

    def test_amount_in_record_currency_without_rate_is_refused(self):
        revenue = self.env.ref("partner_segmentation.metric_revenue_12m")
        with self.assertRaisesRegex(ValidationError, "in each record's own currency"):
            self.Metric.create(
                {
                    "name": "Invoice amounts as typed",
                    "code": "test_raw_amount",
                    "model_id": revenue.model_id.id,
                    "partner_field_id": revenue.partner_field_id.id,
                    "value_field_id": self.env["ir.model.fields"]
                    ._get("account.move", "amount_untaxed")
                    .id,
                    "aggregate": "sum",
                }
            )
        self.assertFalse(
            self.Metric.with_context(active_test=False).search([("code", "=", "test_raw_amount")])
        )
