from . import partner_segment_override_wizard
from . import base_partner_merge_automatic_wizard
from . import partner_segment_migration_wizard
from . import partner_segment_preview_wizard
from . import partner_segment_preview_line
