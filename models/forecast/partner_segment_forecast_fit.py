# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import math

from odoo import fields, models

from ...engine.common import today_of
from . import fitting, scoring

_logger = logging.getLogger(__name__)

PURCHASE_PARAMS = ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b")
SPEND_PARAMS = ("gg_p", "gg_q", "gg_v")


class PartnerSegmentForecastFit(models.AbstractModel):
    """How a forecast is fitted and which fit serves which companies: the
    parameters of the purchase and spend models, read per company, and the
    fit itself, mixed into ``partner.segment.forecast`` (whose fields these
    methods read and write)."""

    _name = "partner.segment.forecast.fit"
    _description = "Segmentation Forecast: Fit"

    # ------------------------------------------------------------------
    # Parameters
    # ------------------------------------------------------------------
    def _companies_key(self, companies):
        """Which fit serves ``companies`` (ids; None: every company): the
        forecast's own (None) when it has a company or every company counts,
        else the key of those companies in ``company_fits``."""
        self.ensure_one()
        if self.company_id or companies is None:
            return None
        return ",".join(str(c) for c in sorted(companies))

    def _company_fit(self, companies):
        """The stored fit for ``companies`` (see :meth:`_companies_key`), or
        None for the forecast's own fields.  Companies never fitted for
        (what a user's allowed companies may be) read the fit on every
        company's records, their customers' figures from their records."""
        key = self._companies_key(companies)
        return (self.company_fits or {}).get(key) if key else None

    def _purchase_params(self, companies=None):
        """(r, alpha, a, b) in days when fitted, else None."""
        self.ensure_one()
        fit = self._company_fit(companies)
        if fit is not None:
            values = tuple(fit.get("purchase") or ())
            fitted = fit.get("state") == "fitted" and len(values) == 4
        else:
            values = tuple(self[f] for f in PURCHASE_PARAMS)
            fitted = self.state == "fitted"
        if not fitted or not all(v > 0 and math.isfinite(v) for v in values):
            return None
        return values

    def _spend_params(self, companies=None):
        """(p, q, v) when the spend model is fitted (its mean is finite), else None."""
        self.ensure_one()
        fit = self._company_fit(companies)
        if fit is not None:
            values = tuple(fit.get("spend") or ())
            fitted = fit.get("state") == "fitted" and len(values) == 3
        else:
            values = tuple(self[f] for f in SPEND_PARAMS)
            fitted = self.state == "fitted"
        if not fitted or not all(v > 0 and math.isfinite(v) for v in values):
            return None
        return values if values[1] > 1 else None

    # ------------------------------------------------------------------
    # Fit
    # ------------------------------------------------------------------
    def _check_enough(self, x, T, weights):
        """Raise a FitError saying why (translated) when the history cannot
        support a fit: too few repeat customers or too short."""
        repeat = round(float(weights[x > 0].sum())) if len(x) else 0
        history = int(T.max()) if len(T) else 0
        if repeat < self.min_repeat_customers:
            raise fitting.FitError(
                self.env._(
                    "Cannot fit: %(count)s customers bought on more than one day; "
                    "at least %(min)s are needed.",
                    count=repeat,
                    min=self.min_repeat_customers,
                )
            )
        if history < self.min_history_days:
            raise fitting.FitError(
                self.env._(
                    "Cannot fit: the history covers %(days)s days; at least %(min)s are needed.",
                    days=history,
                    min=self.min_history_days,
                )
            )

    def action_fit(self):
        """Fit now, for today.  The fit reads every record of the source, as
        a run does; it writes only the forecast's own results."""
        self.check_access("write")
        today = today_of(self.env)
        for forecast in self.sudo():  # sudo: engine work, see the docstring
            forecast._fit(today)
        return True

    def _fit_day(self, companies=None):
        """The day of the last attempt to fit for ``companies``."""
        self.ensure_one()
        key = self._companies_key(companies)
        if key is None:
            return self.fit_day
        day = (self.company_fits or {}).get(key, {}).get("day")
        return fields.Date.to_date(day) if day else False

    def _fit_for_run(self, today, companies=None, customers=None):
        """Fit the forecasts not yet fitted for ``today`` (a run's day) on
        the records of ``companies`` (a scheme's, see
        :meth:`_companies_key`), or on ``customers`` (one forecast's work
        table of them, see :func:`.scoring.compute_values`); a failure is
        recorded on the forecast and the run goes on."""
        for forecast in self.filtered(lambda f: f._fit_day(companies) != today):
            try:
                with self.env.cr.savepoint():
                    forecast._fit(today, companies, customers)
            except Exception as exc:  # recorded, the run goes on
                _logger.exception("Fit of forecast %s failed", forecast.id)
                forecast._store_fit(companies, {"error": str(exc), "fit_day": today})

    def _fit(self, today, companies=None, customers=None):
        """Fit both models on the history up to ``today`` (the records of
        ``companies``, see :meth:`_companies_key`, or the work table
        ``customers`` of their figures).  Too little history: the
        forecast cannot fit and says why (its metrics have no value).  A
        purchase model that does not converge keeps the previous parameters
        and records the error."""
        self.ensure_one()
        key = self._companies_key(companies)
        inputs = scoring.fit_inputs(self, today, companies if key else None, customers)
        # always from the same start, never from the last fit's parameters:
        # the same history then gives the same parameters (a fit may end
        # anywhere along a flat ridge of the likelihood, and customers near a
        # segment's cut-off would move from one fit to the next)
        values = self._fit_values(inputs, today)
        self._store_fit(companies, values)
        return values.get("state") == "fitted"

    def _store_fit(self, companies, values):
        """Write ``values`` (this model's fields) as the fit for ``companies``."""
        key = self._companies_key(companies)
        if key is None:
            self.write(values)
            return
        fits = dict(self.company_fits or {})
        fit = dict(fits.get(key) or {})
        fit["day"] = fields.Date.to_string(values["fit_day"])
        fit["error"] = values.get("error") or False
        if "state" in values:  # else the previous parameters are kept
            fit["state"] = values["state"]
            fit["purchase"] = [values[f] for f in PURCHASE_PARAMS]
            fit["spend"] = [values.get(f, 0.0) for f in SPEND_PARAMS]
        fits[key] = fit
        self.company_fits = fits

    def _fit_values(self, inputs, today, start=None):
        """The fields to write after a fit on ``inputs`` (the purchase model
        from ``start``, parameters, when given)."""
        x, T, weights = inputs["x"], inputs["T"], inputs["weights"]
        counts = {
            "customer_count": round(float(weights.sum())),
            "repeat_customer_count": round(float(weights[x > 0].sum())),
            "history_days": int(T.max()) if len(T) else 0,
            "fit_day": today,
        }
        try:
            self._check_enough(x, T, weights)
        except fitting.FitError as exc:
            return {
                **counts,
                **dict.fromkeys(PURCHASE_PARAMS + SPEND_PARAMS, 0.0),
                "state": "insufficient",
                "log_likelihood": 0.0,
                "spend_customer_count": 0,
                "error": str(exc),
            }
        try:
            purchase = fitting.bgnbd_fit(x, inputs["t_x"], T, weights, start=start)
        except fitting.FitError as exc:
            return {
                "fit_day": today,
                "error": self.env._(
                    "The fit failed; the previous parameters are kept: %(error)s",
                    error=str(exc),
                ),
            }
        values = {
            **counts,
            "state": "fitted",
            "bgnbd_r": purchase["r"],
            "bgnbd_alpha": purchase["alpha"],
            "bgnbd_a": purchase["a"],
            "bgnbd_b": purchase["b"],
            "log_likelihood": purchase["loglik"],
            "date_fitted": fields.Datetime.now(),
            "error": False,
        }
        values.update(self._fit_spend(inputs))
        return values

    def _fit_spend(self, inputs):
        """The spend model's values to write (none fitted: no revenue)."""
        empty = {**dict.fromkeys(SPEND_PARAMS, 0.0), "spend_customer_count": 0}
        if not self.value_field_id:
            return empty
        try:
            spend = fitting.gg_fit(inputs["spend_x"], inputs["spend_m"], inputs["spend_weights"])
        except fitting.FitError as exc:
            return {
                **empty,
                "error": self.env._("The spend model could not be fitted: %(error)s", error=exc),
            }
        return {
            "gg_p": spend["p"],
            "gg_q": spend["q"],
            "gg_v": spend["v"],
            "spend_customer_count": spend["customers"],
        }
