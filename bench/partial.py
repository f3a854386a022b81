# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Partial runs on a classified base, without the rest of the engine part
(which rebuilds every assignment several times): 1,000 chosen partners
placed against the boundaries of the last full run, and an invoice posted
through a real server until its customer's segments are current.

Needs a full classification of the base (the limits part leaves one); runs
one first, committed, when there is none.  Appends its table to
bench/results-<size>.md.
"""

import random
import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))
import realtime

from bench import open_bench, vacuum, write_results

TARGETS = {"large": "≤ 0.5 s at 1M", "default": "≤ 0.2 s at 100k"}


def main():
    args, registry = open_bench(("--repeat", {"type": int, "default": 3}))
    from odoo.addons.partner_segmentation.engine import run as engine_run

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        schemes = env["partner.segment.scheme"].search([])
        full = env["partner.segment.run"].search(
            [("partial", "=", False), ("status", "=", "done")], limit=1
        )
        if not full:
            full = engine_run.run(env, schemes)
            cr.commit()
        # what autovacuum does after a full run (the bench machines run without it)
        vacuum(args.db)
        cr.execute("SELECT id FROM res_partner WHERE name LIKE 'Bench customer %%' ORDER BY id")
        bench_ids = [row[0] for row in cr.fetchall()]
        chosen = env["res.partner"].browse(random.Random(7).sample(bench_ids, 1000))
        cr.commit()
        times = []
        for _i in range(args.repeat):  # each rolled back: the same work each time
            t0 = time.perf_counter()
            run = engine_run.run(env, schemes, partners=chosen)
            times.append(time.perf_counter() - t0)
            queries = run.query_count
            cr.rollback()
            env.invalidate_all()
    latencies, queue_runs = realtime.measure(args.conf, args.db, registry)
    rows = [
        (
            f"1,000 chosen partners, {len(schemes)} schemes, against the stored boundaries "
            f"(first, then the best of {args.repeat - 1} more)",
            f"{times[0]:.2f} s / {min(times[1:] or times):.2f} s",
            f"{queries} queries",
            TARGETS.get(args.size, ""),
        ),
        (
            f"Invoice posted → its customer's segments current, end to end (real server, "
            f"one cron thread; {len(latencies)} invoices: worst, each)",
            f"{max(latencies):.1f} s",
            ", ".join(f"{s:.1f} s" for s in latencies)
            + "; queue runs "
            + ", ".join(f"{s:.2f} s" for s in queue_runs),
            "≤ 60 s at 1M",
        ),
    ]
    write_results(
        args.size,
        [
            f"### Partial runs ({args.size}), on the classification of run {full.id}",
            "",
            "| measure | value | detail | target |",
            "| --- | --- | --- | --- |",
            *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
        ],
    )


if __name__ == "__main__":
    main()
