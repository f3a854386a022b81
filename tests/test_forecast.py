# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Forecasts on real sale orders: the customers' figures from SQL, the fit,
what cannot be fitted, the metrics of kind forecast in a run and in reads,
the back-test, validation and rights."""

import datetime
import random
from unittest.mock import patch

import numpy as np

from odoo import Command
from odoo.addons.partner_segmentation.engine import metrics_read
from odoo.addons.partner_segmentation.models.forecast import fitting
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, HttpCase, new_test_user, tagged

from .common import SegmentationCase
from .rpc import RpcMixin

CUSTOMERS = 160


def purchase_history(rng, count):
    """[(days ago, amount)] per customer: a first purchase 200 to 900 days
    ago, then purchases at the customer's own pace until they stop, each of
    an amount around the customer's own average (Gamma spends of a
    Gamma-distributed scale, as the spend model has them)."""
    histories = []
    for _i in range(count):
        rate = rng.gammavariate(3.0, 1.0 / 600.0)
        first = rng.randint(200, 900)
        gap = rng.choice([7, 20, 45, 90, 150])
        stops = rng.random() < 0.3
        days = [first]
        while days[-1] - gap > 0 and rng.random() > (0.35 if stops else 0.05):
            days.append(days[-1] - rng.randint(max(gap // 2, 1), gap * 2))
        histories.append(
            [(day, round(rng.gammavariate(6.0, 1.0 / rate), 2)) for day in days if day >= 0]
        )
    return histories


class ForecastCase(SegmentationCase):
    """160 customers buying at their own pace for up to 900 days (sale
    orders of the main company) and a forecast of their orders."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        rng = random.Random(25)
        cls.partners = cls.env["res.partner"].create(
            [
                {
                    "name": f"Forecast customer {i}",
                    "is_company": True,
                    "category_id": [Command.link(cls.tag.id)],
                }
                for i in range(CUSTOMERS)
            ]
        )
        cls.contact = cls.env["res.partner"].create(
            {"name": "Buyer at customer 0", "parent_id": cls.partners[0].id}
        )
        cls.histories = purchase_history(rng, CUSTOMERS)
        # two orders on one day are one purchase day (the contact's counts for its company)
        cls.histories[0].append((cls.histories[0][0][0], 99.0))
        orders = []
        for partner, history in zip(cls.partners, cls.histories, strict=True):
            for i, (days, amount) in enumerate(history):
                last = partner == cls.partners[0] and i == len(history) - 1
                buyer = cls.contact if last else partner
                orders.append((buyer, days, amount))
        # not counted: a cancelled order, an order after the reference day
        orders += [(cls.partners[1], 3, 1000.0), (cls.partners[2], -5, 1000.0)]
        records = cls.env["sale.order"].create(
            [
                {
                    "partner_id": buyer.id,
                    "state": "sale",
                    "date_order": datetime.datetime.combine(cls.days_ago(days), datetime.time(10)),
                    "order_line": [
                        Command.create(
                            {
                                "product_id": cls.product.id,
                                "product_uom_qty": 1,
                                "price_unit": amount,
                                "tax_id": [Command.clear()],
                            }
                        )
                    ],
                }
                for buyer, days, amount in orders
            ]
        )
        records[-2].state = "cancel"
        cls.forecast = cls.env["partner.segment.forecast"].create(cls.forecast_values())

    @classmethod
    def forecast_values(cls, **values):
        Fields = cls.env["ir.model.fields"]
        return {
            "name": "Orders",
            "model_id": cls.env["ir.model"]._get_id("sale.order"),
            "partner_field_id": Fields._get("sale.order", "partner_id").id,
            "date_field_id": Fields._get("sale.order", "date_order").id,
            "value_field_id": Fields._get("sale.order", "amount_untaxed").id,
            "source_domain": "[('state', '=', 'sale')]",
            "partner_domain": cls.domain,
            **values,
        }

    def expected_inputs(self, cutoff_days=0):
        """(x, t_x, T, m, actual) per customer computed here from the
        histories (days as the reference day minus days ago)."""
        rows = []
        for history in self.histories:
            spend = {}
            for days, amount in history:
                if days >= 0:
                    spend[days] = spend.get(days, 0.0) + amount
            before = sorted((d for d in spend if d >= cutoff_days), reverse=True)
            if not before:
                continue
            first, last = before[0], before[-1]
            x = len(before) - 1
            m = sum(spend[d] for d in before[1:]) / x if x else 0.0
            actual = sum(1 for d in spend if d < cutoff_days)
            rows.append((x, first - last, first - cutoff_days, m, actual))
        return np.array(rows, dtype=float)

    def make_metric(self, code, measure, horizon=90, forecast=None):
        return self.Metric.create(
            {
                "name": code,
                "code": code,
                "kind": "forecast",
                "forecast_id": (forecast or self.forecast).id,
                "forecast_measure": measure,
                "horizon_days": horizon,
            }
        )


@tagged("post_install", "-at_install")
class TestForecast(ForecastCase):
    def test_fit_on_purchase_days(self):
        """The fit equals the maximum-likelihood fit of the customers'
        figures computed here: two orders of a day are one purchase day
        (their spend summed), a contact's order counts for its company,
        cancelled and future orders do not count."""
        self.forecast.action_fit()
        inputs = self.expected_inputs()
        x, t_x, T, m = inputs[:, 0], inputs[:, 1], inputs[:, 2], inputs[:, 3]
        purchase = fitting.bgnbd_fit(x, t_x, T)
        spend = fitting.gg_fit(x, m)
        forecast = self.forecast
        self.assertEqual(forecast.state, "fitted", forecast.error)
        self.assertFalse(forecast.error)
        self.assertEqual(forecast.customer_count, CUSTOMERS)
        self.assertEqual(forecast.repeat_customer_count, int((x > 0).sum()))
        self.assertGreaterEqual(forecast.repeat_customer_count, 100)
        self.assertEqual(forecast.history_days, int(T.max()))
        for field, value in (
            ("bgnbd_r", purchase["r"]),
            ("bgnbd_alpha", purchase["alpha"]),
            ("bgnbd_a", purchase["a"]),
            ("bgnbd_b", purchase["b"]),
            ("log_likelihood", purchase["loglik"]),
            ("gg_p", spend["p"]),
            ("gg_q", spend["q"]),
            ("gg_v", spend["v"]),
        ):
            self.assertAlmostEqual(forecast[field], value, delta=1e-6 * abs(value), msg=field)
        self.assertTrue(forecast.date_fitted)
        # the same history fits the same parameters, whatever the last fit was
        fitted = {f: forecast[f] for f in ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b")}
        forecast.write({f: 2 * value for f, value in fitted.items()})
        forecast.action_fit()
        self.assertEqual({f: forecast[f] for f in fitted}, fitted)
        # in words
        self.assertAlmostEqual(
            forecast.purchase_rate_year, 365 * purchase["r"] / purchase["alpha"], places=6
        )
        self.assertAlmostEqual(
            forecast.stay_share, 100 * purchase["b"] / (purchase["a"] + purchase["b"]), places=6
        )
        self.assertAlmostEqual(
            forecast.average_spend, spend["p"] * spend["v"] / (spend["q"] - 1), places=2
        )

    def test_metrics_per_customer(self):
        """Each measure of each customer, read as a partner's figures and
        computed by a run, equals the model's numbers for that customer."""
        self.forecast.action_fit()
        forecast = self.forecast
        params = (forecast.bgnbd_r, forecast.bgnbd_alpha, forecast.bgnbd_a, forecast.bgnbd_b)
        gg = (forecast.gg_p, forecast.gg_q, forecast.gg_v)
        inputs = self.expected_inputs()
        x, t_x, T, m = inputs[:, 0], inputs[:, 1], inputs[:, 2], inputs[:, 3]
        expected = {
            "p_alive": 100 * fitting.p_alive(params, x, t_x, T),
            "churn_risk": 100 * fitting.no_purchase_probability(params, x, t_x, T, 90),
            "expected_orders": fitting.expected_purchases(params, x, t_x, T, 365),
            "predicted_revenue": fitting.expected_purchases(params, x, t_x, T, 365)
            * fitting.gg_expected_spend(gg, x, m),
        }
        for measure, values in expected.items():
            metric = self.make_metric(
                f"fc_{measure}", measure, 90 if measure == "churn_risk" else 365
            )
            read = metric.values_for_partners(self.partners)
            got = np.array([read[p.id] for p in self.partners], dtype=float)
            np.testing.assert_allclose(got, values, rtol=1e-9, atol=1e-9, err_msg=measure)
        # the customer's Segmentation tab shows them
        partner = self.partners[5]
        table = {
            row["code"]: row["value"]
            for row in metrics_read.partner_metric_table(self.env, partner)
        }
        index = list(self.partners).index(partner)
        for measure, values in expected.items():
            self.assertAlmostEqual(table[f"fc_{measure}"], values[index], places=6)
        # a churn-risk scheme classifies by them in a run
        churn = self.Metric.search([("code", "=", "fc_churn_risk")])
        scheme = self.make_scheme(
            "churn_test",
            "rules",
            [
                {"name": "High", "conditions": [(churn, ">", 66)]},
                {"name": "Medium", "conditions": [(churn, ">=", 33)]},
                {"name": "Low"},
            ],
        )
        self.recompute(scheme)
        risk = expected["churn_risk"]
        want = ["High" if r > 66 else "Medium" if r >= 33 else "Low" for r in risk]
        self.assertEqual(self.codes(self.partners, scheme), want)
        self.assertGreater(len(set(want)), 1)

    def test_run_fits_before_metrics_and_a_failing_fit_stops_nothing(self):
        metric = self.make_metric("fc_alive", "p_alive")
        scheme = self.make_scheme(
            "alive_test",
            "rules",
            [{"name": "Active", "conditions": [(metric, ">=", 50)]}, {"name": "Gone"}],
        )
        other = self.make_scheme(
            "other_test",
            "rules",
            [{"name": "All"}],
        )
        self.assertEqual(self.forecast.state, "new")
        self.recompute(scheme | other)
        self.assertEqual(self.forecast.state, "fitted")
        self.assertEqual(self.forecast.fit_day, self.today)
        self.assertIn("Active", self.codes(self.partners, scheme))
        # a later day: the forecast is fitted again, and the fit fails
        later = str(self.today + datetime.timedelta(days=1))
        params = self.forecast.bgnbd_alpha
        with patch.object(fitting, "bgnbd_fit", side_effect=fitting.FitError("did not converge")):
            run = self.recompute(scheme | other, segmentation_today=later)
        self.assertEqual(run.status, "done")
        self.assertIn("did not converge", self.forecast.error)
        self.assertIn("previous parameters are kept", self.forecast.error)
        self.assertEqual(self.forecast.bgnbd_alpha, params)
        self.assertEqual(self.forecast.state, "fitted")
        self.assertEqual(set(self.codes(self.partners, other)), {"All"})

    def test_below_the_minimum_no_fit_and_no_value(self):
        few = self.env["partner.segment.forecast"].create(
            self.forecast_values(
                name="Few",
                partner_domain=f"[('id', 'in', {self.partners[:60].ids})]",
            )
        )
        few.action_fit()
        self.assertEqual(few.state, "insufficient")
        self.assertRegex(
            few.error, r"Cannot fit: \d+ customers bought on more than one day; at least 100"
        )
        self.assertFalse(few.bgnbd_r)
        metric = self.make_metric("fc_few", "p_alive", forecast=few)
        self.assertEqual(set(metric.values_for_partners(self.partners[:60]).values()), {None})
        # too short a history
        since = self.days_ago(120)
        short = self.env["partner.segment.forecast"].create(
            self.forecast_values(
                name="Short",
                source_domain=f"[('state', '=', 'sale'), ('date_order', '>=', '{since}')]",
            )
        )
        short.action_fit()
        self.assertEqual(short.state, "insufficient")
        self.assertIn("Cannot fit", short.error)

    def test_backtest(self):
        self.forecast.backtest_days = 180
        self.forecast.action_backtest()
        self.assertFalse(self.forecast.backtest_error)
        lines = self.forecast.backtest_line_ids
        inputs = self.expected_inputs(cutoff_days=180)
        actual = lines.filtered(lambda line: line.series == "actual")
        predicted = lines.filtered(lambda line: line.series == "predicted")
        self.assertEqual(sum(actual.mapped("customers")), len(inputs))
        self.assertEqual(sum(actual.mapped("purchase_days")), inputs[:, 4].sum())
        groups = np.minimum(inputs[:, 0], 7)
        for line in actual:
            self.assertEqual(line.customers, int((groups == line.sequence).sum()))
        x, t_x, T = inputs[:, 0], inputs[:, 1], inputs[:, 2]
        fit = fitting.bgnbd_fit(x, t_x, T)
        params = (fit["r"], fit["alpha"], fit["a"], fit["b"])
        self.assertAlmostEqual(
            sum(predicted.mapped("purchase_days")),
            fitting.expected_purchases(params, x, t_x, T, 180).sum(),
            places=4,
        )
        self.assertIn("Total", self.forecast.backtest_html)
        # the figures are written the reader's way: a decimal comma in Spanish
        self.env["res.lang"]._activate_lang("es_ES")
        total = sum(actual.mapped("purchase_days"))
        html = str(self.forecast.with_context(lang="es_ES").backtest_html)
        self.assertIn(f"{total:.1f}".replace(".", ","), html)
        self.assertNotIn(f">{total:.1f}<", html)
        action = self.forecast.action_backtest_chart()
        self.assertEqual(action["res_model"], "partner.segment.forecast.backtest")


@tagged("post_install", "-at_install")
class TestForecastInput(SegmentationCase):
    def values(self, **values):
        Fields = self.env["ir.model.fields"]
        return {
            "name": "Orders",
            "model_id": self.env["ir.model"]._get_id("sale.order"),
            "partner_field_id": Fields._get("sale.order", "partner_id").id,
            "date_field_id": Fields._get("sale.order", "date_order").id,
            "source_domain": "[('state', '=', 'sale')]",
            **values,
        }

    def test_bad_input_is_refused(self):
        Forecast = self.env["partner.segment.forecast"]
        Fields = self.env["ir.model.fields"]
        before = Forecast.search_count([])
        cases = [
            ({"source_domain": "[('nope', '=', 1)]"}, "source filter"),
            ({"partner_domain": "[('id', '=', __import__('os'))]"}, "customer filter"),
            ({"value_field_id": Fields._get("sale.order", "name").id}, "has type char"),
            ({"partner_field_id": Fields._get("sale.order", "user_id").id}, "res.partner"),
            ({"backtest_days": 5}, "30 to 3650 days"),
        ]
        for values, message in cases:
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                Forecast.create(self.values(**values))
        self.assertEqual(Forecast.search_count([]), before)
        forecast = Forecast.create(self.values())
        Metric = self.env["partner.segment.metric"]
        for values, message in (
            ({}, "needs a forecast and a measure"),
            (
                {"forecast_id": forecast.id, "forecast_measure": "churn_risk", "horizon_days": 0},
                "horizon",
            ),
        ):
            with self.subTest(message=message), self.assertRaisesRegex(ValidationError, message):
                Metric.create({"name": "F", "code": "f_bad", "kind": "forecast", **values})
        self.assertFalse(Metric.search([("code", "=", "f_bad")]))

    def test_forms(self):
        """A forecast metric gets its unit from its measure; a forecast's
        fields of another model are cleared when its model changes."""
        forecast = self.env["partner.segment.forecast"].create(self.values())
        with Form(self.env["partner.segment.metric"]) as form:
            form.name = "Still active"
            form.code = "f_alive"
            form.kind = "forecast"
            form.forecast_id = forecast
            form.forecast_measure = "churn_risk"
            self.assertEqual(form.unit, "%")
            form.forecast_measure = "expected_orders"
            self.assertFalse(form.unit)
            form.horizon_days = 30
        metric = self.env["partner.segment.metric"].search([("code", "=", "f_alive")])
        self.assertEqual((metric.kind, metric.horizon_days), ("forecast", 30))
        self.assertFalse(metric.aggregate)
        with Form(forecast) as form:
            form.model_id = self.env["ir.model"]._get("account.move")
            self.assertFalse(form.partner_field_id)
            self.assertFalse(form.date_field_id)
            form.model_id = self.env["ir.model"]._get("sale.order")
            form.partner_field_id = self.env["ir.model.fields"]._get("sale.order", "partner_id")
            form.date_field_id = self.env["ir.model.fields"]._get("sale.order", "date_order")


@tagged("post_install", "-at_install")
class TestForecastRights(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "fc_manager",
            groups="base.group_user,partner_segmentation.group_segmentation_manager,"
            "sales_team.group_sale_salesman_all_leads",
        )
        cls.user = new_test_user(
            cls.env,
            "fc_user",
            groups="base.group_user,partner_segmentation.group_segmentation_user",
        )
        cls.employee = new_test_user(cls.env, "fc_employee", groups="base.group_user")
        Fields = cls.env["ir.model.fields"]
        cls.values = {
            "name": "Orders",
            "model_id": cls.env["ir.model"]._get_id("sale.order"),
            "partner_field_id": Fields._get("sale.order", "partner_id").id,
            "date_field_id": Fields._get("sale.order", "date_order").id,
            "source_domain": "[('state', '=', 'sale')]",
            "partner_domain": cls.domain,
        }

    def test_managers_configure_users_read(self):
        forecast = self.env["partner.segment.forecast"].with_user(self.manager).create(self.values)
        forecast.action_fit()  # nobody bought: it says why
        self.assertEqual(forecast.state, "insufficient")
        forecast.action_backtest()
        as_user = forecast.with_user(self.user)
        self.assertEqual(as_user.state, "insufficient")
        with self.assertRaises(AccessError):
            as_user.action_fit()
        with self.assertRaises(AccessError):
            as_user.action_backtest()
        with self.assertRaises(AccessError):
            as_user.write({"name": "Mine"})
        with self.assertRaises(AccessError):
            self.env["partner.segment.forecast"].with_user(self.user).create(self.values)
        with self.assertRaises(AccessError):
            forecast.with_user(self.employee).read(["name"])
        self.assertEqual(forecast.name, "Orders")


@tagged("post_install", "-at_install")
class TestForecastRpc(RpcMixin, HttpCase):
    def test_fit_refused_to_a_user_over_rpc(self):
        user = new_test_user(
            self.env,
            "fc_rpc_user",
            groups="base.group_user,partner_segmentation.group_segmentation_user",
        )
        forecast = self.env.ref("partner_segmentation.forecast_orders")
        self.assertEqual(
            self.rpc(user, "partner.segment.forecast", "read", forecast.ids, ["name"])[0]["name"],
            forecast.name,
        )
        self.assertRpcRefused(
            "not allowed to modify", user, "partner.segment.forecast", "action_fit", forecast.ids
        )
        self.assertRpcRefused(
            "not allowed to modify",
            user,
            "partner.segment.forecast",
            "action_backtest",
            forecast.ids,
        )
        for method in ("action_request_fit", "action_request_backtest"):
            self.assertRpcRefused(
                "not allowed to modify", user, "partner.segment.forecast", method, forecast.ids
            )
        self.assertFalse(forecast.fit_queued or forecast.backtest_queued)
