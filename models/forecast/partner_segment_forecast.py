# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...engine import domains
from ...engine.common import today_of
from ..metric_checks import validate_source
from . import backtest, fitting, scoring, store
from .partner_segment_forecast_fit import PURCHASE_PARAMS, SPEND_PARAMS


class PartnerSegmentForecast(models.Model):
    """A fitted purchase model (BG/NBD) and spend model (Gamma-Gamma) on a
    source of records, as a metric has one, for the customers its partner
    filter keeps.  Forecast metrics read each customer's figures from it."""

    _name = "partner.segment.forecast"
    _inherit = ["partner.segment.forecast.fit", "partner.segment.forecast.job"]
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
    @api.depends_context("lang")  # its words and its figures are the reader's
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

    def write(self, vals):
        result = super().write(vals)
        if any(fname in vals for fname in store.SOURCE_FIELDS):
            store.forget(self)  # the customers' figures kept came from the old source
        return result

    @api.onchange("model_id")
    def _onchange_model_id(self):
        for forecast in self:
            for fname in ("partner_field_id", "date_field_id", "value_field_id"):
                if forecast[fname] and forecast[fname].model_id != forecast.model_id:
                    forecast[fname] = False

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
