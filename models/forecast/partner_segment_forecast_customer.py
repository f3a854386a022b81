# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentForecastCustomer(models.Model):
    """A customer's purchase days as a forecast counts them, kept between
    runs: the first and last purchase day, how many, their spend and the
    first day's, and what they were computed from (how many records, and a
    check of their ids and last changes).  A run compares the records of
    today with the check and groups again only the customers whose records
    changed (see :mod:`.store`): the figures of a day follow from these
    and the day (x, t_x, T, m).

    One row per forecast, scope (the companies whose records count, see
    ``partner.segment.forecast.fit._companies_key``; empty: the
    forecast's own or every company) and commercial partner.  Written and
    read by the engine's SQL only: a table made here (no ``id``, no log
    columns), with no access for anyone; it goes with its forecast, and
    uninstalling drops it as any model's table."""

    _name = "partner.segment.forecast.customer"
    _description = "Segmentation Forecast: Kept Customer Figures"
    _auto = False
    _log_access = False

    forecast_id = fields.Many2one(
        "partner.segment.forecast", required=True, ondelete="cascade", readonly=True
    )
    scope = fields.Char(readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    first_day = fields.Date(readonly=True)
    last_day = fields.Date(readonly=True)
    days = fields.Integer(string="Purchase Days", readonly=True)
    spend = fields.Float(readonly=True)
    first_spend = fields.Float(string="Spend of the First Day", readonly=True)
    records = fields.Integer(readonly=True)
    stamp = fields.Integer(string="Check of the Records", readonly=True)

    def init(self):
        # a partner's row stays when the partner goes (merged away, say):
        # the next run finds no records of theirs and deletes it
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS partner_segment_forecast_customer (
                forecast_id integer NOT NULL
                    REFERENCES partner_segment_forecast(id) ON DELETE CASCADE,
                scope varchar NOT NULL,
                partner_id integer NOT NULL,
                first_day date NOT NULL,
                last_day date NOT NULL,
                days integer NOT NULL,
                spend float8,
                first_spend float8,
                records bigint NOT NULL,
                stamp bigint NOT NULL,
                PRIMARY KEY (forecast_id, scope, partner_id)
            )
            """
        )
