# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every stage of a run shares: the day it runs for, and when the
planner is given statistics on a work table."""

import contextlib
import threading

from odoo import fields, http
from odoo.modules import module
from odoo.tools import config

# work tables are never analyzed by autovacuum: above this many rows, give
# the planner statistics before joining them to the big tables
ANALYZE_THRESHOLD = 1000


_pinned = threading.local()


@contextlib.contextmanager
def pinned_day(day):
    """Runs started inside this block are for ``day``: for server-side code
    only (the demo's past runs), out of reach of any context or RPC call."""
    previous = getattr(_pinned, "day", None)
    _pinned.day = day
    try:
        yield
    finally:
        _pinned.day = previous


def today_of(env):
    """The reference day of a run: today, or ``segmentation_today`` from the
    context when tests (and the benchmark) pin it — never for an RPC call —
    or the day of :func:`pinned_day`."""
    pinned = getattr(_pinned, "day", None)
    if pinned:
        return pinned
    value = env.context.get("segmentation_today")
    if value and may_pin_today():
        return fields.Date.to_date(value)
    return fields.Date.context_today(env.user)


def may_pin_today():
    """Only code run by tests may pin the day: the test runner is on and no
    HTTP request is being served (not even by a test's own server)."""
    return bool((config["test_enable"] or module.current_test) and not http.request)
