# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Demo data for the reports: a year of monthly runs before today's, each
on its own day, so that sizes over time, migration and movers have
something to show."""

import datetime

from odoo import fields
from odoo.tools import SQL

from ..engine import common
from ..engine import run as engine_run

# days before today of the past monthly runs
PAST_RUNS = range(360, 0, -30)


def generate(env):
    today = fields.Date.context_today(env.user)
    schemes = env["partner.segment.scheme"].search([("active", "=", True)])
    chatter = schemes.filtered("post_chatter")
    chatter.post_chatter = False  # the notes would all be dated today
    for days in PAST_RUNS:
        day = today - datetime.timedelta(days=days)
        with common.pinned_day(day):
            run = engine_run.run(env, schemes)
        moment = datetime.datetime.combine(day, datetime.time(6))
        env.cr.execute(
            SQL("UPDATE partner_segment_history SET date = %s WHERE run_id = %s", moment, run.id)
        )
        env.cr.execute(
            SQL("UPDATE partner_segment_run SET date_start = %s WHERE id = %s", moment, run.id)
        )
    chatter.post_chatter = True
    env.invalidate_all()
