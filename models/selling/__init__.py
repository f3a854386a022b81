# Segments where selling happens: pricelist and payment terms by segment,
# sales warnings on quotations and opportunities, the salespersons' watch list,
# coupons for a segment's customers.
from . import partner_segment_policy_value
from . import partner_segment
from . import partner_segment_scheme
from . import partner_segment_assignment
from . import res_partner
from . import sale_order
from . import crm_lead
from . import partner_segment_watch
from . import partner_segment_coupon_job
from . import loyalty_generate_wizard
from . import loyalty_program
