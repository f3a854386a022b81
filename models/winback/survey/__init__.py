# The exit survey step of a win-back campaign: offer, refusal, survey, then drop.
from . import survey_question_answer
from . import survey_survey
from . import survey_user_input
from . import partner_segment_winback_campaign
from . import partner_segment_winback_line
from . import res_partner
from . import base_partner_merge_automatic_wizard
