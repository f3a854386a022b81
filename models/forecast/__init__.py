# Forecasts: the purchase (BG/NBD) and spend (Gamma-Gamma) models, fitted by
# maximum likelihood, their back-test, and the metrics of kind forecast.
from . import partner_segment_forecast_fit
from . import partner_segment_forecast_job
from . import partner_segment_forecast
from . import partner_segment_forecast_customer
from . import partner_segment_forecast_mark
from . import base_partner_merge_automatic_wizard
from . import partner_segment_forecast_backtest
from . import partner_segment_metric
