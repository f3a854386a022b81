# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The shipped forecast's form as a segmentation manager, on the demo data,
at desktop and phone sizes: its parameters in words, its back-test as a
table (figures computed here as the model computes them) and a chart, and
Fit Now fitting it again."""

import datetime
from unittest.mock import patch

from odoo.addons.partner_segmentation.engine.common import today_of
from odoo.addons.partner_segmentation.models.forecast import partner_segment_forecast_job as job
from odoo.addons.partner_segmentation.models.forecast import scoring
from odoo.tests import new_test_user, tagged

from .test_tours import SegmentationTourCase


@tagged("post_install", "-at_install")
class TestForecastTour(SegmentationTourCase):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_forecast_manager",
            groups="sales_team.group_sale_manager,partner_segmentation.group_segmentation_manager",
            # the headless browser's time zone: the fit's day is the user's
            tz="UTC",
        )
        cls.forecast = cls.env.ref("partner_segmentation.forecast_orders")

    def money(self, value):
        currency = self.forecast.currency_id
        amount = f"{value:,.2f}"
        if currency.position == "after":
            return f"{amount}\u00a0{currency.symbol}"
        return f"{currency.symbol}\u00a0{amount}"

    def expected(self):
        forecast = self.forecast
        today = today_of(self.env(user=self.manager))
        lines, _fit = scoring.backtest(forecast, today, forecast.backtest_days)
        return {
            "purchase_rate_year": f"{forecast.purchase_rate_year:.1f}",
            "stay_share": f"{forecast.stay_share:.1f}",
            "average_spend": self.money(forecast.average_spend),
            "customer_count": forecast.customer_count,
            "repeat_customer_count": forecast.repeat_customer_count,
            "backtest_customers": sum(line[1] for line in lines),
            "backtest_actual": f"{sum(line[2] for line in lines):.1f}",
            "backtest_predicted": f"{sum(line[3] for line in lines):.1f}",
            "backtest_first_customers": lines[0][1],
        }

    def test_forecast_form(self):
        forecast = self.forecast
        self.assertEqual(forecast.state, "fitted", forecast.error)
        # fitted on the orders as they are now (the tours' customer's too),
        # for the manager's day: Fit Now in the tour finds the same figures
        # (the superuser's time zone may already be in the next day)
        forecast.with_user(self.manager).action_fit()
        self.assertGreaterEqual(forecast.repeat_customer_count, forecast.min_repeat_customers)
        # no back-test yet: the table the tour reads is the one it makes
        forecast.backtest_line_ids.unlink()
        # the demo's figures: customers buy a few days a year, most stay
        self.assertTrue(0.5 < forecast.purchase_rate_year < 60, forecast.purchase_rate_year)
        self.assertTrue(20 < forecast.stay_share < 100, forecast.stay_share)
        self.assertGreater(forecast.average_spend, 0)
        expected = self.expected()
        self.assertEqual(expected["backtest_first_customers"], self.first_group_customers())
        # an old fit's date: the tour sees Fit Now fit again
        old = datetime.datetime(2020, 1, 1, 12)
        forecast.date_fitted = old
        self.start_tour_expecting(
            "/odoo/action-partner_segmentation.action_partner_segment_forecast",
            "partner_segmentation_forecast",
            login=self.manager.login,
            **expected,
        )
        forecast.invalidate_recordset()
        self.assertGreater(forecast.date_fitted, old)
        self.assertEqual(forecast.state, "fitted")
        self.assertEqual(len(forecast.backtest_line_ids), 2 * len(self.groups()))

    def test_fit_queued_on_a_large_source(self):
        """Above the records fitted in the request (the demo's orders, as
        PostgreSQL estimates them, above a lowered limit), Fit Now queues
        the fit: the form says so; the cron then fits and tells the user."""
        forecast = self.forecast
        forecast.action_fit()
        self.assertEqual(forecast.state, "fitted", forecast.error)
        self.env.cr.execute("ANALYZE sale_order")
        self.env["ir.config_parameter"].set_param(job.INLINE_RECORDS_PARAM, "1")
        old = datetime.datetime(2020, 1, 1, 12)
        forecast.date_fitted = old
        self.start_tour(
            "/odoo/action-partner_segmentation.action_partner_segment_forecast",
            "partner_segmentation_forecast_queued",
            login=self.manager.login,
        )
        forecast.invalidate_recordset()
        self.assertRecordValues(
            forecast, [{"fit_queued": True, "job_user_id": self.manager.id, "date_fitted": old}]
        )
        sent = []
        with (
            patch.object(self.env.cr, "commit", lambda: None),
            patch.object(
                type(self.env["res.users"]),
                "_bus_send",
                lambda users, kind, payload, **kw: sent.append((users, payload["message"])),
            ),
        ):
            job._job_started.pop(self.env.cr, None)
            self.env["partner.segment.forecast"]._cron_jobs()
        forecast.invalidate_recordset()
        self.assertFalse(forecast.fit_queued)
        self.assertGreater(forecast.date_fitted, old)
        self.assertEqual(sent, [(self.manager, f"The fit of forecast '{forecast.name}' ended.")])

    def first_group_customers(self):
        """The customers without a repeat purchase before the cut-off,
        counted here from the confirmed orders (shared and of the database's
        companies' own partners excluded as the forecast's universe does)."""
        today = today_of(self.env(user=self.manager))
        cutoff = today - datetime.timedelta(days=self.forecast.backtest_days)
        self.env.cr.execute(
            """
            SELECT COUNT(*) FROM (
                SELECT rp.commercial_partner_id
                  FROM sale_order o JOIN res_partner rp ON rp.id = o.partner_id
                 WHERE o.state = 'sale' AND o.date_order::date <= %s
              GROUP BY 1 HAVING COUNT(DISTINCT o.date_order::date) = 1) s
            """,
            [cutoff],
        )
        return self.env.cr.fetchone()[0]

    def groups(self):
        return {line.sequence for line in self.forecast.backtest_line_ids}


@tagged("post_install", "-at_install")
class TestForecastTourMobile(TestForecastTour):
    browser_size = "390x844"
    touch_enabled = True
