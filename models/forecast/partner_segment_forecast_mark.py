# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentForecastMark(models.Model):
    """How far a forecast's kept customer figures (see
    ``partner.segment.forecast.customer``) are up to date, per scope: the
    day they count the records up to, and the moment from which a record
    or a contact written since may not be in them.  The next refresh
    groups again the customers of what was written since, and of the
    records dated between that day and its own, then checks the totals of
    every record against the kept ones (see :mod:`.store`).

    Written and read by the engine's SQL only, like the figures: a table
    made here, with no access for anyone; it goes with its forecast."""

    _name = "partner.segment.forecast.mark"
    _description = "Segmentation Forecast: Kept Figures Up To"
    _auto = False
    _log_access = False

    forecast_id = fields.Many2one(
        "partner.segment.forecast", required=True, ondelete="cascade", readonly=True
    )
    scope = fields.Char(readonly=True)
    day = fields.Date(readonly=True)
    since = fields.Datetime(readonly=True)

    def init(self):
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS partner_segment_forecast_mark (
                forecast_id integer NOT NULL
                    REFERENCES partner_segment_forecast(id) ON DELETE CASCADE,
                scope varchar NOT NULL,
                day date NOT NULL,
                since timestamp NOT NULL,
                PRIMARY KEY (forecast_id, scope)
            )
            """
        )
