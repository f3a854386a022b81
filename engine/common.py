# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What every stage of a run shares: the day it runs for, and when the
planner is given statistics on a work table."""

from odoo import fields

# work tables are never analyzed by autovacuum: above this many rows, give
# the planner statistics before joining them to the big tables
ANALYZE_THRESHOLD = 1000


def today_of(env):
    """The reference day of a run (``segmentation_today`` in the context
    lets tests and the benchmark pin it)."""
    value = env.context.get("segmentation_today")
    return fields.Date.to_date(value) if value else fields.Date.context_today(env.user)
