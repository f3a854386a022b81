# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentForecastBacktest(models.Model):
    """One bar of a forecast's back-test (the calibration/holdout chart):
    for the customers with so many repeat purchase days before the
    cut-off, their actual or predicted purchase days since."""

    _name = "partner.segment.forecast.backtest"
    _description = "Segmentation Forecast Back-test"
    _order = "forecast_id, sequence, series"

    forecast_id = fields.Many2one(
        "partner.segment.forecast", required=True, ondelete="cascade", index=True
    )
    company_id = fields.Many2one(related="forecast_id.company_id")
    sequence = fields.Integer()
    repeat_purchases = fields.Char(
        string="Repeat Purchase Days Before",
        help="Purchase days after the first one, before the cut-off (7+: seven or more).",
    )
    series = fields.Selection([("actual", "Actual"), ("predicted", "Predicted")], required=True)
    customers = fields.Integer()
    purchase_days = fields.Float(
        string="Purchase Days Since", help="Purchase days after the cut-off, in the group."
    )
