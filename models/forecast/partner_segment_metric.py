# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ...engine import metrics_read
from ..metric_checks import MAX_DAYS
from . import scoring

PERCENT_MEASURES = ("p_alive", "churn_risk")


class PartnerSegmentMetric(models.Model):
    """Metrics of kind ``forecast``: a customer's figure from a fitted
    forecast (probability of being active, churn risk, expected orders,
    predicted revenue), usable wherever a metric is."""

    _inherit = "partner.segment.metric"

    kind = fields.Selection(
        selection_add=[("forecast", "Forecast")], ondelete={"forecast": "cascade"}
    )
    forecast_id = fields.Many2one(
        "partner.segment.forecast", ondelete="restrict", check_company=True, index="btree_not_null"
    )
    forecast_measure = fields.Selection(
        [
            ("p_alive", "Probability still active (%)"),
            ("churn_risk", "Churn risk: no purchase within the horizon (%)"),
            ("expected_orders", "Expected purchase days within the horizon"),
            ("predicted_revenue", "Predicted revenue within the horizon"),
        ],
        string="Measure",
        default="p_alive",
    )
    horizon_days = fields.Integer(
        string="Horizon (days)", default=365, help="The days ahead the measure looks."
    )

    @api.onchange("kind")
    def _onchange_kind_forecast(self):
        for metric in self.filtered(lambda m: m.kind == "forecast"):
            metric.aggregate = False

    @api.onchange("forecast_measure")
    def _onchange_forecast_measure(self):
        for metric in self.filtered(lambda m: m.kind == "forecast"):
            metric.unit = "%" if metric.forecast_measure in PERCENT_MEASURES else False

    @api.constrains("kind", "forecast_id", "forecast_measure", "horizon_days")
    def _check_forecast(self):
        for metric in self.filtered(lambda m: m.kind == "forecast"):
            if not metric.forecast_id or not metric.forecast_measure:
                raise ValidationError(
                    self.env._(
                        "Metric '%(name)s' needs a forecast and a measure.", name=metric.name
                    )
                )
            if metric.forecast_measure != "p_alive" and not 1 <= metric.horizon_days <= MAX_DAYS:
                raise ValidationError(
                    self.env._(
                        "The horizon of metric '%(name)s' is 1 to %(max)s days.",
                        name=metric.name,
                        max=MAX_DAYS,
                    )
                )

    def _compute_values(self, partner_ids, today, companies=None):
        forecasts = self.filtered(lambda m: m.kind == "forecast")
        if forecasts:
            # a full run fits the forecasts its schemes need before their
            # metrics (once a day, for the companies the scheme counts); a
            # run of chosen partners uses the last fit
            scoring.compute_values(
                forecasts, partner_ids, today, companies, fit=partner_ids is None
            )
        others = self - forecasts
        if not others:
            return None
        return super(PartnerSegmentMetric, others)._compute_values(partner_ids, today, companies)

    def _select_values(self, partner_ids, today, companies=None):
        if self.kind == "forecast":
            return scoring.select_values(self, partner_ids, today, companies)
        return super()._select_values(partner_ids, today, companies)

    def _readable_by(self, env):
        """Who may read the forecast and what its source measures."""
        if self.kind != "forecast":
            return super()._readable_by(env)
        forecast = self.forecast_id
        if not env["partner.segment.forecast"].has_access("read"):
            return False
        return metrics_read.readable_by(scoring.source_metric(forecast), env)

    def _is_money(self):
        self.ensure_one()
        if self.kind == "forecast":
            return self.forecast_measure == "predicted_revenue"
        return super()._is_money()
