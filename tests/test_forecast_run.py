# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A full run that fits a forecast and scores its metrics reads the
customers' figures once (one grouping of the source records, kept for the
next runs), with the same parameters and values as a fit and a scoring of
their own."""

from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import run_sql
from odoo.addons.partner_segmentation.models.forecast import scoring, store, store_sql
from odoo.addons.partner_segmentation.models.forecast.partner_segment_forecast_fit import (
    PURCHASE_PARAMS,
    SPEND_PARAMS,
)
from odoo.tests import tagged

from .test_forecast import ForecastCase

MEASURES = (
    ("p_alive", 0),
    ("churn_risk", 90),
    ("expected_orders", 365),
    ("predicted_revenue", 365),
)


@tagged("post_install", "-at_install")
class TestForecastRun(ForecastCase):
    def setUp(self):
        super().setUp()
        self.metrics = self.Metric
        for measure, horizon in MEASURES:
            self.metrics |= self.make_metric(f"fc_run_{measure}", measure, horizon or 90)
        self.env.cr.execute(run_sql.CREATE_WORK_TABLES)

    def values(self):
        self.env.cr.execute(
            "SELECT metric_id, partner_id, value FROM psseg_value ORDER BY metric_id, partner_id"
        )
        rows = self.env.cr.fetchall()
        self.env.cr.execute("TRUNCATE psseg_value")
        return rows

    def params(self, companies):
        forecast = self.forecast
        return forecast._purchase_params(companies) + forecast._spend_params(companies)

    def run_and_separately(self, companies):
        """(parameters, values, groupings) of a run's fit and scores, then
        of a fit and a scoring of their own."""
        forecast = self.forecast
        results = []
        with (
            patch.object(
                scoring, "select_customers", side_effect=scoring.select_customers
            ) as direct,
            patch.object(store_sql, "select_figures", side_effect=store_sql.select_figures) as kept,
        ):
            # the run's way: not fitted today, fitted and scored in one go
            # (the customers' figures grouped once, and kept)
            self.metrics._compute_values(None, self.today, companies)
            self.assertEqual(forecast._fit_day(companies), self.today)
            groupings = direct.call_count + kept.call_count
            results.append((self.params(companies), self.values(), groupings))
            direct.reset_mock()
            kept.reset_mock()
            # the same history fitted on its own, then scored on that fit,
            # nothing kept for either: each groups the figures
            forecast.write({"state": "new", **dict.fromkeys(PURCHASE_PARAMS + SPEND_PARAMS, 0.0)})
            forecast.company_fits = False
            store.forget(forecast)
            self.assertIsNone(forecast._purchase_params(companies))
            forecast._fit(self.today, companies)
            store.forget(forecast)
            scoring.compute_values(self.metrics, None, self.today, companies)
            groupings = direct.call_count + kept.call_count
            results.append((self.params(companies), self.values(), groupings))
        return results

    def assert_same(self, run, alone):
        """One grouping for the run, two apart; the same figures to the
        fit's own precision (the existing tests' 1e-6: the sums of a fit
        follow the plan's order of the rows, the optimiser stops within its
        tolerance)."""
        (run_params, run_values, run_groupings), (params, values, groupings) = run, alone
        self.assertEqual(run_groupings, 1)
        self.assertEqual(groupings, 2)
        for got, want in zip(run_params, params, strict=True):
            self.assertAlmostEqual(got, want, delta=1e-6 * abs(want))
        self.assertEqual(len(run_values), len(self.metrics) * len(self.partners))
        self.assertEqual([row[:2] for row in run_values], [row[:2] for row in values])
        for got, want in zip(run_values, values, strict=True):
            self.assertAlmostEqual(
                float(got[2]), float(want[2]), delta=1e-6 * abs(float(want[2])) + 1e-9
            )

    def test_run_fits_and_scores_from_one_grouping(self):
        self.assert_same(*self.run_and_separately(None))

    def test_run_for_companies_fits_and_scores_from_one_grouping(self):
        """A scheme's companies: the fit kept per companies, the same figures."""
        companies = (self.env.company.id,)
        run, alone = self.run_and_separately(companies)
        self.assertTrue(self.forecast.company_fits)
        self.assert_same(run, alone)
