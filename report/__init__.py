from . import partner_segment_report_mixin
from . import partner_segment_report_size
from . import partner_segment_report_distribution
from . import partner_segment_report_migration
from . import partner_segment_report_pareto
from . import partner_segment_report_overlap
from . import partner_segment_report_product
from . import partner_segment_scheme
