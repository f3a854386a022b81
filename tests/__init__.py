from . import test_install
from . import test_engine_methods
from . import test_engine_runs
from . import test_metrics
from . import test_validation
from . import test_tour_contacts
from . import test_i18n
