# Win-back: campaigns for lost and at-risk customers, one line per customer
# with its opportunity and outcome, the wizard that starts them, and the exit
# survey step (survey/) for the customers who decline.
from . import partner_segment_churn_reason
from . import partner_segment_winback_campaign
from . import partner_segment_winback_line
from . import partner_segment
from . import res_partner
from . import crm_lead
from . import sale_order
from . import base_partner_merge_automatic_wizard
from . import partner_segment_winback_wizard
from . import survey
