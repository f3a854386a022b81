# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The forecasts' math against the literature's known answers and an
independent computation.

data/cdnow_summary.csv is the standard CDNOW sample (2,357 customers of the
first quarter of 1997, 39 weeks of calibration): per customer x (repeat
purchases), t_x and T (in weeks, two decimals) and zbar (the mean spend of
the repeat purchases), as redistributed in the MIT-licensed ``lifetimes``
package's datasets (cdnow_customers_summary_with_transactions.csv).
Published maximum-likelihood parameters: BG/NBD r = 0.243, alpha = 4.414
(weeks), a = 0.793, b = 2.426, LL = -9582.4 (Fader, Hardie & Lee 2005);
Gamma-Gamma p = 6.25, q = 3.74, v = 15.44 (Fader & Hardie, "The Gamma-Gamma
Model of Monetary Value", 2013).
"""

import csv
import math
import os

import numpy as np
from scipy import integrate, special

from odoo.addons.partner_segmentation.models.forecast import fitting
from odoo.tests import BaseCase

DATA = os.path.join(os.path.dirname(__file__), "data", "cdnow_summary.csv")
PUBLISHED_BGNBD = {"r": 0.243, "alpha": 4.414, "a": 0.793, "b": 2.426}
PUBLISHED_GG = {"p": 6.25, "q": 3.74, "v": 15.44}
# (x, t_x, T, customers) in days of 59 companies buying at regular intervals
REGULAR_BUYERS = [
    (0, 0, 0, 1),
    (0, 0, 22, 1),
    (0, 0, 30, 1),
    (0, 0, 600, 1),
    (1, 35, 36, 1),
    (1, 35, 42, 1),
    (1, 35, 44, 1),
    (1, 35, 65, 1),
    (1, 35, 68, 1),
    (1, 240, 277, 1),
    (1, 240, 280, 1),
    (1, 240, 285, 1),
    (2, 440, 500, 1),
    (5, 35, 35, 1),
    (5, 450, 996, 1),
    (5, 450, 1010, 1),
    (6, 540, 1052, 1),
    (6, 875, 946, 1),
    (6, 891, 942, 1),
    (6, 905, 977, 1),
    (6, 909, 950, 1),
    (6, 917, 972, 1),
    (6, 923, 977, 1),
    (6, 927, 973, 1),
    (6, 935, 977, 1),
    (7, 630, 1049, 1),
    (10, 600, 635, 1),
    (10, 602, 620, 1),
    (10, 605, 620, 2),
    (10, 606, 620, 1),
    (10, 750, 1006, 1),
    (10, 750, 1022, 1),
    (10, 750, 1044, 1),
    (10, 750, 1068, 1),
    (11, 825, 1053, 1),
    (11, 986, 1021, 1),
    (11, 993, 1022, 1),
    (11, 1000, 1022, 1),
    (11, 1004, 1031, 1),
    (11, 1005, 1033, 1),
    (11, 1015, 1037, 1),
    (17, 1026, 1064, 1),
    (17, 1027, 1063, 1),
    (17, 1030, 1068, 1),
    (17, 1031, 1062, 1),
    (17, 1035, 1069, 1),
    (17, 1041, 1077, 1),
    (17, 1042, 1069, 1),
    (17, 1045, 1073, 1),
    (17, 1046, 1073, 1),
    (17, 1049, 1076, 1),
    (33, 825, 1065, 1),
    (35, 1050, 1072, 1),
    (35, 1051, 1068, 1),
    (35, 1051, 1070, 2),
    (35, 1056, 1072, 1),
    (35, 1056, 1074, 1),
]


def load_cdnow():
    with open(DATA, newline="") as file:
        rows = list(csv.DictReader(file))
    return {
        key: np.array([float(row[column]) for row in rows])
        for key, column in (("x", "x"), ("t_x", "t_x"), ("T", "T"), ("m", "zbar"))
    }


def reference_p_alive(params, x, t_x, T):
    """P(alive), FHL 2005 eq. 11, computed directly (no log space)."""
    r, alpha, a, b = params
    if x == 0:
        return 1.0
    return 1.0 / (1.0 + a / (b + x - 1) * ((alpha + T) / (alpha + t_x)) ** (r + x))


def reference_expected(params, x, t_x, T, t):
    """E[Y(t) | x, t_x, T] by numerical integration, derived independently
    of eq. 10: while active, the posterior of (λ, p) is Gamma(r+x, α+T) ×
    Beta(a, b+x), an active customer makes (1 - e^(-λ p t)) / p purchases in
    t on average, and integrating λ out leaves a one-dimensional integral
    over p."""
    r, alpha, a, b = params

    def integrand(p):  # the Beta(a, b + x) density of p, times the purchases
        density = math.exp(
            (a - 1) * math.log(p) + (b + x - 1) * math.log1p(-p) - special.betaln(a, b + x)
        )
        stays = ((alpha + T) / (alpha + T + p * t)) ** (r + x)
        return (1.0 - stays) / p * density

    # a concentrated density: integrated where it lies (40 standard deviations)
    mean, size = a / (a + b + x), a + b + x
    spread = 40 * math.sqrt(mean * (1 - mean) / (size + 1))
    low, high = max(mean - spread, 0.0), min(mean + spread, 1.0)
    value, _err = integrate.quad(
        integrand, low, high, points=[mean], limit=400, epsabs=1e-12, epsrel=1e-10
    )
    return reference_p_alive(params, x, t_x, T) * value


class TestForecastMath(BaseCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.data = load_cdnow()

    def assertClose(self, actual, expected, rel, msg=None):
        self.assertLessEqual(abs(actual - expected), rel * abs(expected), msg or (actual, expected))

    def test_bgnbd_reproduces_the_published_fit_in_weeks(self):
        d = self.data
        fit = fitting.bgnbd_fit(d["x"], d["t_x"], d["T"])
        for name, value in PUBLISHED_BGNBD.items():
            self.assertClose(fit[name], value, 0.01, f"{name}: {fit[name]} vs {value}")
        self.assertAlmostEqual(fit["loglik"], -9582.4, delta=0.1)
        self.assertEqual((fit["customers"], fit["repeat_customers"]), (2357, 946))

    def test_bgnbd_in_days_over_distinct_triples(self):
        """Days as the unit, the likelihood summed over distinct (x, t_x, T)
        with their counts: alpha is per day (7 × the weekly one), the other
        parameters do not change."""
        d = self.data
        days = np.stack([d["x"], np.round(d["t_x"] * 7), np.round(d["T"] * 7)], axis=1)
        triples, counts = np.unique(days, axis=0, return_counts=True)
        self.assertLess(len(triples), 1100)  # far fewer terms than customers
        fit = fitting.bgnbd_fit(triples[:, 0], triples[:, 1], triples[:, 2], counts)
        self.assertClose(fit["alpha"] / 7, PUBLISHED_BGNBD["alpha"], 0.01)
        for name in ("r", "a", "b"):
            self.assertClose(fit[name], PUBLISHED_BGNBD[name], 0.01, name)
        self.assertEqual(fit["customers"], 2357)
        # the weighted sum is the sum over customers
        per_customer = fitting.bgnbd_loglik(
            (fit["r"], fit["alpha"], fit["a"], fit["b"]), days[:, 0], days[:, 1], days[:, 2]
        )
        self.assertAlmostEqual(per_customer.sum(), fit["loglik"], places=6)

    def test_gamma_gamma_reproduces_the_published_fit(self):
        d = self.data
        repeat = d["x"] > 0
        fit = fitting.gg_fit(d["x"][repeat], d["m"][repeat])
        for name, value in PUBLISHED_GG.items():
            self.assertClose(fit[name], value, 0.01, f"{name}: {fit[name]} vs {value}")
        self.assertEqual(fit["customers"], 946)
        # customers without a repeat purchase are left out of the fit
        self.assertEqual(fitting.gg_fit(d["x"], d["m"])["customers"], 946)

    def test_gradients_match_finite_differences(self):
        d = self.data
        customers = fitting._Customers(d["x"], d["t_x"], d["T"], np.ones_like(d["x"]))
        theta = np.log([0.5, 3.0, 0.7, 2.0])
        value, grad = fitting._bgnbd_objective(theta, customers)
        direct = fitting.bgnbd_loglik((0.5, 3.0, 0.7, 2.0), d["x"], d["t_x"], d["T"])
        self.assertAlmostEqual(value, -direct.mean(), places=10)
        for i in range(4):
            step = np.zeros(4)
            step[i] = 1e-6
            up = fitting._bgnbd_objective(theta + step, customers)[0]
            down = fitting._bgnbd_objective(theta - step, customers)[0]
            self.assertAlmostEqual(grad[i], (up - down) / 2e-6, places=6)
        repeat = d["x"] > 0
        spends = fitting._Spends(d["x"][repeat], d["m"][repeat], np.ones(int(repeat.sum())))
        theta = np.log([5.0, 3.0, 12.0])
        value, grad = fitting._gg_objective(theta, spends)
        direct = fitting.gg_loglik((5.0, 3.0, 12.0), d["x"][repeat], d["m"][repeat])
        self.assertAlmostEqual(value, -direct.mean(), places=10)
        for i in range(3):
            step = np.zeros(3)
            step[i] = 1e-6
            up = fitting._gg_objective(theta + step, spends)[0]
            down = fitting._gg_objective(theta - step, spends)[0]
            self.assertAlmostEqual(grad[i], (up - down) / 2e-6, places=6)

    def test_each_customer_agrees_with_an_independent_computation(self):
        """P(alive) and the expected purchases in the next 39 weeks of every
        distinct CDNOW customer, against eq. 11 computed directly and a
        numerical integral over the posterior; customer 1 (x = 2, t_x =
        30.43, T = 38.86) expects 1.226 purchases, as published."""
        d = self.data
        fit = fitting.bgnbd_fit(d["x"], d["t_x"], d["T"])
        params = (fit["r"], fit["alpha"], fit["a"], fit["b"])
        triples = np.unique(np.stack([d["x"], d["t_x"], d["T"]], axis=1), axis=0)
        x, t_x, T = triples.T
        alive = fitting.p_alive(params, x, t_x, T)
        expected = fitting.expected_purchases(params, x, t_x, T, 39.0)
        for i in range(len(triples)):
            self.assertAlmostEqual(alive[i], reference_p_alive(params, x[i], t_x[i], T[i]), 10)
            reference = reference_expected(params, x[i], t_x[i], T[i], 39.0)
            self.assertLessEqual(abs(expected[i] - reference), 1e-7 * max(reference, 1.0))
        first = fitting.expected_purchases(params, [2], [30.43], [38.86], 39.0)[0]
        self.assertAlmostEqual(first, 1.226, places=3)

    def test_everyone_dropping_out_alike(self):
        """Customers who all drop out with about the same probability (a
        few dozen companies buying at regular intervals, as in the demo):
        the fit runs along a ridge (a and b grow together) and stops on it;
        the expected purchases then take the drop-out probability as one
        value and agree with the integral."""
        x, t_x, T, weights = np.array(REGULAR_BUYERS, dtype=float).T
        fit = fitting.bgnbd_fit(x, t_x, T, weights)
        params = (fit["r"], fit["alpha"], fit["a"], fit["b"])
        self.assertGreater(fit["a"] + fit["b"], fitting.POINT_MASS)
        alive = fitting.p_alive(params, x, t_x, T)
        expected = fitting.expected_purchases(params, x, t_x, T, 365.0)
        self.assertTrue(np.all(np.isfinite(expected)) and np.all(np.isfinite(alive)))
        for i in range(0, len(x), 5):
            reference = reference_expected(params, x[i], t_x[i], T[i], 365.0)
            self.assertLessEqual(abs(expected[i] - reference), 1e-3 * reference)
        # below the point mass the hypergeometric form agrees as well
        params = (3.2, 221.0, 400.0, 5000.0)
        for i in range(0, len(x), 5):
            reference = reference_expected(params, x[i], t_x[i], T[i], 365.0)
            value = fitting.expected_purchases(
                params, x[i : i + 1], t_x[i : i + 1], T[i : i + 1], 365.0
            )
            self.assertLessEqual(abs(value[0] - reference), 1e-6 * reference)

    def test_churn_and_spend_formulas(self):
        d = self.data
        fit = fitting.bgnbd_fit(d["x"], d["t_x"], d["T"])
        params = (fit["r"], fit["alpha"], fit["a"], fit["b"])
        r, alpha, _a, _b = params
        x, t_x, T = d["x"][:50], d["t_x"][:50], d["T"][:50]
        churn = fitting.no_purchase_probability(params, x, t_x, T, 13.0)
        alive = fitting.p_alive(params, x, t_x, T)
        direct = 1 - alive * (1 - ((alpha + T) / (alpha + T + 13.0)) ** (r + x))
        np.testing.assert_allclose(churn, direct, rtol=1e-12)
        self.assertTrue(np.all((churn >= 0) & (churn <= 1)))
        # the spend: the population mean for a customer without repeat purchases,
        # the customer's own mean weighted in with each repeat purchase
        p, q, v = PUBLISHED_GG.values()
        spend = fitting.gg_expected_spend((p, q, v), [0, 1, 10, 2], [0.0, 30.0, 30.0, -5.0])
        np.testing.assert_allclose(
            spend,
            [
                p * v / (q - 1),
                p * (v + 30) / (p + q - 1),
                p * (v + 300) / (10 * p + q - 1),
                p * v / (q - 1),
            ],
        )

    def test_extreme_customers_give_finite_figures(self):
        """10,000 purchase days; a last purchase 30 years ago; a first
        purchase today: finite figures, probabilities within [0, 1]."""
        params = (0.243, 4.414 * 7, 0.793, 2.426)
        thirty_years = 30 * 365.0
        x = np.array([9999.0, 9999.0, 0.0, 1.0, 0.0, 5.0])
        t_x = np.array([10000.0, 10000.0 + thirty_years, 0.0, 1.0, 0.0, 3.0])
        T = np.array(
            [10000.0 + thirty_years, 10000.0 + thirty_years, thirty_years, thirty_years, 0.0, 3.0]
        )
        for horizon in (1.0, 90.0, 365.0, 3650.0):
            alive = fitting.p_alive(params, x, t_x, T)
            expected = fitting.expected_purchases(params, x, t_x, T, horizon)
            churn = fitting.no_purchase_probability(params, x, t_x, T, horizon)
            for values in (alive, expected, churn):
                self.assertTrue(np.all(np.isfinite(values)), values)
            self.assertTrue(np.all((alive >= 0) & (alive <= 1)))
            self.assertTrue(np.all((churn >= 0) & (churn <= 1)))
            self.assertTrue(np.all(expected >= 0))
        # who bought every day until today buys about every day ahead
        self.assertGreater(fitting.expected_purchases(params, [9999], [10000], [10000], 90)[0], 50)
        # one purchase day only: active as far as anyone knows
        self.assertEqual(alive[2], 1.0)
        # silent for 30 years: gone
        self.assertLess(fitting.p_alive(params, [9999], [10000], [10000 + thirty_years])[0], 1e-9)
        loglik = fitting.bgnbd_loglik(params, x, t_x, T)
        self.assertTrue(np.all(np.isfinite(loglik)))
        self.assertTrue(np.all(np.isfinite(fitting.gg_loglik((6.25, 3.74, 15.44), [9999], [1e6]))))

    def test_what_cannot_be_fitted_says_so(self):
        with self.assertRaisesRegex(fitting.FitError, "no repeat purchase"):
            fitting.bgnbd_fit([0, 0, 0], [0, 0, 0], [10, 20, 30])
        with self.assertRaisesRegex(fitting.FitError, "out of range"):
            fitting.bgnbd_fit([1, 2], [5, 50], [10, 20])
        with self.assertRaisesRegex(fitting.FitError, "non-finite"):
            fitting.bgnbd_fit([1, float("nan")], [5, 5], [10, 20])
        with self.assertRaisesRegex(fitting.FitError, "no repeat customer"):
            fitting.gg_fit([0, 1], [0.0, -3.0])
        # every customer's spend identical: the spread ν runs away, no finite fit
        with self.assertRaisesRegex(fitting.FitError, "spend model"):
            fitting.gg_fit([1] * 50 + [2] * 50, [10.0] * 100)
