# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Where a nothing-changed full run spends its time, statement by statement:
every statement the run executes is timed in the Odoo process (no
``pg_stat_statements`` needed) and summed by the addon's function that
executed it and by the statement's first words; the run's own steps are
listed with their times.

    .venv/bin/python bench/profile_run.py -c .build/odoo.conf -d DB --size default \
        [--fit] [--top 40] [--repeat 3]

The run is repeated ``--repeat`` times, each rolled back (the best kept, as
the bench does), against the daily floor (bench/floor.py, best of three),
and profiled on one more.  ``--fit``: the day's first run (the forecasts
fitted again, as the daily cron's run does); otherwise the forecasts keep
today's fit.  The database is left as it was (everything rolled back; a
first full run is committed when the base has never been classified).
"""

import collections
import datetime
import re
import sys
import time
import traceback
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.sql_db import Cursor

sys.path.insert(0, str(Path(__file__).parent))
from floor import daily_floor_queries, time_floor

from bench import open_bench, vacuum

ADDON = "/partner_segmentation/"


def where(stack):
    """The innermost frame of the addon's own code (not the bench's)."""
    for frame in reversed(stack):
        if ADDON in frame.filename and "/bench/" not in frame.filename:
            path = frame.filename.split(ADDON, 1)[1]
            return f"{path}:{frame.name}"
    return "(odoo)"


def words(query):
    text = query.code if hasattr(query, "code") else str(query)
    text = re.sub(r"\s+", " ", text).strip()
    return text[:90]


class Timing:
    def __init__(self):
        self.by_site = collections.defaultdict(lambda: [0.0, 0])
        self.by_statement = collections.defaultdict(lambda: [0.0, 0])
        self.total = 0.0

    def __enter__(self):
        original = self.original = Cursor.execute
        timing = self

        def execute(cursor, query, params=None, log_exceptions=True):
            t0 = time.perf_counter()
            try:
                return original(cursor, query, params, log_exceptions)
            finally:
                spent = time.perf_counter() - t0
                site = where(traceback.extract_stack(limit=30)[:-1])
                timing.total += spent
                keys = ((timing.by_site, site), (timing.by_statement, (site, words(query))))
                for table, key in keys:
                    table[key][0] += spent
                    table[key][1] += 1

        Cursor.execute = execute
        return self

    def __exit__(self, *exc):
        Cursor.execute = self.original


def main():
    args, registry = open_bench(
        ("--fit", {"action": "store_true"}),
        ("--top", {"type": int, "default": 40}),
        ("--repeat", {"type": int, "default": 3}),
    )
    from odoo.addons.partner_segmentation.engine import run as engine_run

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        schemes = env["partner.segment.scheme"].search([])
        if not env["partner.segment.assignment"].search_count([]):
            engine_run.run(env, schemes)
            cr.commit()
        engine_run.run(env, schemes)  # today's fit, committed; and a warm cache
        cr.commit()
        vacuum(args.db)  # what autovacuum does after the night's run
        floor = time_floor(cr, datetime.date.today(), queries=daily_floor_queries)

        def refit():
            if args.fit:
                env["partner.segment.forecast"].search([]).write({"fit_day": False})
                env.flush_all()

        durations = []
        for _i in range(args.repeat):
            refit()
            durations.append(engine_run.run(env, schemes).duration)
            cr.rollback()
        print(
            f"daily floor {floor:.2f} s; run best {min(durations):.2f} s "
            f"({', '.join(f'{d:.2f}' for d in durations)}): {min(durations) / floor:.2f}× the floor"
        )
        refit()
        t0 = time.perf_counter()
        with Timing() as timing:
            run = engine_run.run(env, schemes)
        wall = time.perf_counter() - t0
        print(
            f"run {run.duration:.2f} s (wall {wall:.2f} s), {run.change_count} changes, "
            f"statements {timing.total:.2f} s"
        )
        print("\nSteps:")
        for line in run.line_ids:
            print(f"  {line.scheme_id.code:<24} {line.duration:6.2f} s  {line.partner_count:>8,}")
        print("\nBy function:")
        for site, (spent, count) in sorted(timing.by_site.items(), key=lambda kv: -kv[1][0])[
            : args.top
        ]:
            print(f"  {spent:6.2f} s {count:5d}  {site}")
        print("\nBy statement:")
        for (site, text), (spent, count) in sorted(
            timing.by_statement.items(), key=lambda kv: -kv[1][0]
        )[: args.top]:
            print(f"  {spent:6.2f} s {count:4d}  {site}  {text}")
        cr.rollback()


if __name__ == "__main__":
    main()
