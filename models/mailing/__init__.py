# Mailing by segment: mailings and mailing lists whose recipients are segments.
from . import partner_segment
from . import partner_segment_scheme
from . import partner_segment_assignment
from . import mailing_mailing
from . import mailing_list
from . import mailing_subscription
from . import partner_segment_mailing_wizard
