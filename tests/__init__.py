from . import test_install
from . import test_engine_methods
from . import test_engine_runs
from . import test_tour_contacts
