# Segment policy: contact cadence (fields, daily job and its SQL) and service
# policy (customers per salesperson, applied by a wizard).
from . import partner_segment
from . import partner_segment_salesperson_wizard
