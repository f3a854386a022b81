from . import partner_segment_override_wizard
