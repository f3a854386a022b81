# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every stage of a run shares: the day it runs for, and when the
planner is given statistics on a work table."""

from odoo import fields, http
from odoo.modules import module
from odoo.tools import config

# work tables are never analyzed by autovacuum: above this many rows, give
# the planner statistics before joining them to the big tables
ANALYZE_THRESHOLD = 1000


def today_of(env):
    """The reference day of a run: today, or ``segmentation_today`` from the
    context when tests (and the benchmark) pin it — never for an RPC call."""
    value = env.context.get("segmentation_today")
    if value and may_pin_today():
        return fields.Date.to_date(value)
    return fields.Date.context_today(env.user)


def may_pin_today():
    """Only code run by tests may pin the day: the test runner is on and no
    HTTP request is being served (not even by a test's own server)."""
    return bool((config["test_enable"] or module.current_test) and not http.request)
