# Segment policy at work: contact cadence and service policy.
from . import partner_segment
