from . import partner_segment_card_completeness
