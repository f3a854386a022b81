from . import survey_question_answer
from . import survey_survey
from . import survey_user_input
from . import partner_segment_winback_campaign
from . import partner_segment_winback_line
