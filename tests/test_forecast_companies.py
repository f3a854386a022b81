# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A forecast without a company used by schemes of companies: a run fits
and scores it per the companies its schemes count (issue #24's rule), so a
company-A scheme's churn risk ignores company B's orders, in B's currency."""

import datetime

import numpy as np

from odoo import Command
from odoo.addons.partner_segmentation.engine import metrics_read
from odoo.addons.partner_segmentation.models.forecast import fitting
from odoo.tests import tagged

from .test_forecast import ForecastCase

B_AMOUNT = 777777.0


def risk_codes(risks):
    return ["High" if r > 66 else "Medium" if r >= 33 else "Low" for r in risks]


@tagged("post_install", "-at_install")
class TestForecastCompanies(ForecastCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        other = cls.env.ref("base.EUR" if cls.company_a.currency_id.name != "EUR" else "base.USD")
        other.active = True
        cls.company_b = cls.env["res.company"].create(
            {"name": "Forecast B", "currency_id": other.id}
        )
        pricelist = cls.env["product.pricelist"].create(
            {"name": "B prices", "currency_id": other.id, "company_id": cls.company_b.id}
        )
        # every customer bought from B yesterday and 40 days ago, big amounts
        cls.env["sale.order"].create(
            [
                {
                    "partner_id": partner.id,
                    "company_id": cls.company_b.id,
                    "pricelist_id": pricelist.id,
                    "state": "sale",
                    "date_order": datetime.datetime.combine(cls.days_ago(days), datetime.time(10)),
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
                for partner in cls.partners
                for days in (1, 40)
            ]
        )
        cls.churn = cls.make_metric(cls, "fc_churn_co", "churn_risk", 90)
        cls.revenue = cls.make_metric(cls, "fc_revenue_co", "predicted_revenue", 365)
        segments = [
            {"name": "High", "conditions": [(cls.churn, ">", 66)]},
            {"name": "Medium", "conditions": [(cls.churn, ">=", 33)]},
            {"name": "Low"},
        ]
        cls.scheme_a = cls.make_scheme("churn_a", "rules", segments, company_id=cls.company_a.id)
        cls.scheme_all = cls.make_scheme("churn_all", "rules", segments)

    def test_company_scheme_ignores_other_companies_orders(self):
        self.recompute(self.scheme_a | self.scheme_all)
        inputs = self.expected_inputs()  # company A's orders only
        x, t_x, T, m = inputs[:, 0], inputs[:, 1], inputs[:, 2], inputs[:, 3]
        purchase = fitting.bgnbd_fit(x, t_x, T)
        spend = fitting.gg_fit(x, m)
        params = (purchase["r"], purchase["alpha"], purchase["a"], purchase["b"])
        fit_a = self.forecast.company_fits[str(self.company_a.id)]
        self.assertEqual(fit_a["state"], "fitted")
        self.assertEqual(fit_a["day"], str(self.today))
        np.testing.assert_allclose(fit_a["purchase"], params, rtol=1e-6)
        np.testing.assert_allclose(fit_a["spend"], (spend["p"], spend["q"], spend["v"]), rtol=1e-6)
        # the values: the model's numbers for A's customers with A's fit
        params, gg = tuple(fit_a["purchase"]), tuple(fit_a["spend"])
        risk = 100 * fitting.no_purchase_probability(params, x, t_x, T, 90)
        self.assertEqual(self.codes(self.partners, self.scheme_a), risk_codes(risk))
        self.assertGreater(len(set(risk_codes(risk))), 1)
        # the scheme of every company counts B's orders of yesterday: fewer at risk
        self.assertEqual(self.forecast.state, "fitted")
        self.assertGreater(self.forecast.repeat_customer_count, int((x > 0).sum()))
        codes_a = self.codes(self.partners, self.scheme_a)
        codes_all = self.codes(self.partners, self.scheme_all)
        self.assertLess(codes_all.count("High"), codes_a.count("High"))
        # a company-A reader sees A's figures from A's fit: B's amounts in
        # another currency never reach the predicted revenue
        values = metrics_read.metric_values(self.revenue, self.partners, self.company_a.ids)
        expected = fitting.expected_purchases(params, x, t_x, T, 365) * fitting.gg_expected_spend(
            gg, x, m
        )
        got = np.array([values[p.id] for p in self.partners], dtype=float)
        np.testing.assert_allclose(got, expected, rtol=1e-9)
        self.assertLess(got.max(), B_AMOUNT)
        # fitted once a day for those companies: a second run does not fit again
        before = dict(fit_a)
        self.forecast.company_fits = {
            str(self.company_a.id): {**before, "purchase": [p * 1.01 for p in params]}
        }
        self.recompute(self.scheme_a)
        self.assertEqual(
            self.forecast.company_fits[str(self.company_a.id)]["purchase"],
            [p * 1.01 for p in params],
        )
