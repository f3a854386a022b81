# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...engine import domains
from ...engine.common import today_of
from ..metric_checks import validate_source
from . import backtest, fitting, scoring

_logger = logging.getLogger(__name__)

PURCHASE_PARAMS = ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b")
SPEND_PARAMS = ("gg_p", "gg_q", "gg_v")


class PartnerSegmentForecast(models.Model):
    """A fitted purchase model (BG/NBD) and spend model (Gamma-Gamma) on a
    source of records, as a metric has one, for the customers its partner
    filter keeps.  Forecast metrics read each customer's figures from it."""

    _name = "partner.segment.forecast"
    _description = "Segmentation Forecast"
    _order = "name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company", help="If set, only this company's records and customers are used."
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Source Model",
        required=True,
        ondelete="cascade",
        domain=[("transient", "=", False)],
    )
    model_name = fields.Char(related="model_id.model", string="Source Model Name")
    partner_field_id = fields.Many2one(
        "ir.model.fields",
        required=True,
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', '=', 'res.partner'), ('store', '=', True)]",
        help="Many2one to the partner the records belong to; they count for that "
        "partner's commercial partner.",
    )
    date_field_id = fields.Many2one(
        "ir.model.fields",
        required=True,
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime')), "
        "('store', '=', True)]",
        help="A customer's purchase days are the days on which they have at least one record.",
    )
    value_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), "
        "('ttype', 'in', ('integer', 'float', 'monetary')), ('store', '=', True)]",
        help="The spend of a purchase day is the sum of its records' values. "
        "Without it, no spend model and no predicted revenue.",
    )
    source_domain = fields.Char(
        default="[]", help="Which records count as purchases, e.g. confirmed orders."
    )
    partner_domain = fields.Char(
        default="[]", help="Which customers the forecast is fitted on and scores."
    )
    min_repeat_customers = fields.Integer(
        string="Minimum Repeat Customers",
        default=fitting.MIN_REPEAT_CUSTOMERS,
        help="Below this many customers who bought on more than one day, the forecast "
        "does not fit: too few to tell a customer's rhythm from chance.",
    )
    min_history_days = fields.Integer(
        string="Minimum History (days)",
        default=fitting.MIN_HISTORY_DAYS,
        help="Below this many days from the first purchase to today, the forecast does not fit.",
    )
    state = fields.Selection(
        [("new", "Not fitted"), ("fitted", "Fitted"), ("insufficient", "Cannot fit")],
        default="new",
        required=True,
        readonly=True,
        copy=False,
    )
    bgnbd_r = fields.Float(string="r (purchase rate shape)", readonly=True, copy=False)
    bgnbd_alpha = fields.Float(
        string="alpha (purchase rate scale, days)", readonly=True, copy=False
    )
    bgnbd_a = fields.Float(string="a (drop-out shape a)", readonly=True, copy=False)
    bgnbd_b = fields.Float(string="b (drop-out shape b)", readonly=True, copy=False)
    gg_p = fields.Float(string="p (spend shape)", readonly=True, copy=False)
    gg_q = fields.Float(string="q (spend scale shape)", readonly=True, copy=False)
    gg_v = fields.Float(string="v (spend scale)", readonly=True, copy=False)
    customer_count = fields.Integer(string="Customers", readonly=True, copy=False)
    repeat_customer_count = fields.Integer(string="Repeat Customers", readonly=True, copy=False)
    spend_customer_count = fields.Integer(
        string="Customers in the Spend Model", readonly=True, copy=False
    )
    history_days = fields.Integer(string="History (days)", readonly=True, copy=False)
    log_likelihood = fields.Float(readonly=True, copy=False)
    date_fitted = fields.Datetime(readonly=True, copy=False)
    fit_day = fields.Date(
        string="Last Attempt For", readonly=True, copy=False, help="The day the last fit was for."
    )
    error = fields.Text(readonly=True, copy=False)
    # the fits for the companies of the schemes using a forecast without a
    # company of its own: {"<company ids>": {"day", "state", "purchase",
    # "spend", "error"}}; the fields above hold the fit on every company's
    # records (or on its company's)
    company_fits = fields.Json(string="Fits per Company", readonly=True, copy=False)
    currency_id = fields.Many2one("res.currency", compute="_compute_words")
    purchase_rate_year = fields.Float(
        string="Purchase Days a Year",
        compute="_compute_words",
        help="The average number of purchase days a year of a customer who is active.",
    )
    stay_share = fields.Float(
        string="Stays Active After a Purchase (%)",
        compute="_compute_words",
        help="The average share of customers who remain active after each purchase.",
    )
    average_spend = fields.Monetary(
        compute="_compute_words", help="The average spend of a purchase day."
    )
    backtest_days = fields.Integer(
        string="Back-test Days",
        default=180,
        help="The back-test fits on the history up to this many days ago and "
        "predicts the purchase days since.",
    )
    backtest_line_ids = fields.One2many(
        "partner.segment.forecast.backtest", "forecast_id", string="Back-test", readonly=True
    )
    backtest_date = fields.Datetime(string="Back-test Made", readonly=True, copy=False)
    backtest_error = fields.Text(readonly=True, copy=False)
    backtest_html = fields.Html(
        string="Back-test Table", compute="_compute_backtest_html", sanitize=False
    )
    metric_ids = fields.One2many("partner.segment.metric", "forecast_id", string="Metrics")

    @api.depends(*PURCHASE_PARAMS, *SPEND_PARAMS, "state", "company_id")
    def _compute_words(self):
        first_company = self.env["res.company"].sudo().search([], limit=1)  # its currency only
        for forecast in self:
            forecast.currency_id = (forecast.company_id or first_company).currency_id
            params = forecast._purchase_params()
            spend = forecast._spend_params()
            forecast.purchase_rate_year = 365.0 * params[0] / params[1] if params else 0.0
            forecast.stay_share = 100.0 * params[3] / (params[2] + params[3]) if params else 0.0
            forecast.average_spend = spend[0] * spend[2] / (spend[1] - 1) if spend else 0.0

    @api.depends("backtest_line_ids")
    def _compute_backtest_html(self):
        for forecast in self:
            forecast.backtest_html = backtest.render_table(forecast)

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.constrains(
        "model_id",
        "partner_field_id",
        "date_field_id",
        "value_field_id",
        "source_domain",
        "partner_domain",
        "backtest_days",
        "min_repeat_customers",
        "min_history_days",
    )
    def _check_source(self):
        for forecast in self:
            if not forecast.date_field_id:
                raise ValidationError(
                    self.env._("Forecast '%(name)s' needs a date field.", name=forecast.name)
                )
            validate_source(scoring.source_metric(forecast))
            domains.check_domain(
                self.env,
                "res.partner",
                forecast.partner_domain,
                lambda error, f=forecast: self.env._(
                    "The customer filter of forecast '%(name)s' is not valid: %(error)s",
                    name=f.name,
                    error=error,
                ),
            )
            if forecast.min_repeat_customers < 20 or forecast.min_history_days < 30:
                raise ValidationError(
                    self.env._(
                        "Forecast '%(name)s' needs at least 20 repeat customers and 30 days "
                        "of history to fit: fewer cannot tell a rhythm from chance.",
                        name=forecast.name,
                    )
                )
            if not 30 <= forecast.backtest_days <= 3650:
                raise ValidationError(
                    self.env._(
                        "The back-test of forecast '%(name)s' covers 30 to 3650 days.",
                        name=forecast.name,
                    )
                )

    @api.onchange("model_id")
    def _onchange_model_id(self):
        for forecast in self:
            for fname in ("partner_field_id", "date_field_id", "value_field_id"):
                if forecast[fname] and forecast[fname].model_id != forecast.model_id:
                    forecast[fname] = False

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

    def _fit_for_run(self, today, companies=None):
        """Fit the forecasts not yet fitted for ``today`` (a run's day) on
        the records of ``companies`` (a scheme's, see
        :meth:`_companies_key`); a failure is recorded on the forecast and
        the run goes on."""
        for forecast in self.filtered(lambda f: f._fit_day(companies) != today):
            try:
                with self.env.cr.savepoint():
                    forecast._fit(today, companies)
            except Exception as exc:  # recorded, the run goes on
                _logger.exception("Fit of forecast %s failed", forecast.id)
                forecast._store_fit(companies, {"error": str(exc), "fit_day": today})

    def _fit(self, today, companies=None):
        """Fit both models on the history up to ``today`` (the records of
        ``companies``, see :meth:`_companies_key`).  Too little history: the
        forecast cannot fit and says why (its metrics have no value).  A
        purchase model that does not converge keeps the previous parameters
        and records the error."""
        self.ensure_one()
        key = self._companies_key(companies)
        inputs = scoring.fit_inputs(self, today, companies if key else None)
        # from the last fit's parameters: a day's new records move them little
        values = self._fit_values(inputs, today, self._purchase_params(companies))
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

    # ------------------------------------------------------------------
    # Back-test
    # ------------------------------------------------------------------
    def action_backtest(self):
        """Fit on the history up to ``backtest_days`` ago and compare the
        predicted purchase days since with the actual ones."""
        self.check_access("write")
        today = today_of(self.env)
        for forecast in self.sudo():  # sudo: engine work, as action_fit
            forecast._backtest(today)
        return True

    def _backtest(self, today):
        self.ensure_one()
        return backtest.run(self, today)

    def action_backtest_chart(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segmentation.action_partner_segment_forecast_backtest"
        )
        action["domain"] = [("forecast_id", "=", self.id)]
        action["display_name"] = self.env._("Back-test: %s", self.display_name)
        return action
