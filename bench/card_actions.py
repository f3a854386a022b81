# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The card check's shipped segment actions on every customer at once, as a
first classification starts them (the engine part of the bench runs with
the segments' actions off): the to-do action on every commercial partner
entering *Card incomplete*, then the 'complete' action on the same; time,
to-dos and the process's peak RSS, everything rolled back.  Appends its table
to bench/results-<size>.md.  ``--salespeople N``: N more customers are
given a salesperson first (the bench's customers seldom have one), so that
N more to-dos are made.

    .venv/bin/python bench/card_actions.py -c .build/odoo.conf -d DB --size large \
        [--salespeople 20000]
"""

import resource
import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))
from bench import open_bench, write_results


def rss():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main():
    args, registry = open_bench(("--salespeople", {"type": int, "default": 0}))
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute(
            """
            UPDATE res_partner SET user_id = %s
             WHERE id IN (SELECT id FROM res_partner
                           WHERE id = commercial_partner_id AND partner_share
                             AND user_id IS NULL ORDER BY id LIMIT %s)
            """,
            [env.ref("base.user_admin").id, args.salespeople],
        )
        cr.execute(
            "SELECT id FROM res_partner WHERE id = commercial_partner_id AND partner_share "
            "ORDER BY id"
        )
        ids = [row[0] for row in cr.fetchall()]
        cr.execute(
            "SELECT COUNT(*) FROM res_partner WHERE id = ANY(%s) AND user_id IS NOT NULL", [ids]
        )
        with_salesperson = cr.fetchone()[0]
        todo_type = env.ref("partner_segmentation.mail_activity_type_card_check")
        segment = env.ref("partner_segmentation.segment_card_incomplete")
        partners = env["res.partner"].browse(ids).with_context(segment_id=segment.id)

        def measure(action):
            """(seconds, peak RSS, open card-check to-dos after) of ``action``."""
            env.invalidate_all()
            t0 = time.perf_counter()
            action()
            env.flush_all()
            seconds, peak = time.perf_counter() - t0, rss()
            cr.execute(
                "SELECT COUNT(*) FROM mail_activity WHERE activity_type_id = %s", [todo_type.id]
            )
            return seconds, peak, cr.fetchone()[0]

        before = rss()
        todo_time, todo_rss, todos = measure(partners.action_segment_card_check_todo)
        done_time, done_rss, left = measure(partners.action_segment_card_check_done)
        cr.rollback()
    rows = [
        (
            f"To-do action on {len(ids):,} partners entering *Card incomplete* "
            f"({with_salesperson:,} with a salesperson: {todos:,} to-dos)",
            f"{todo_time:.1f} s",
            f"peak RSS {before:.0f} → {todo_rss:.0f} MB",
        ),
        (
            f"'Complete' action on the same partners ({todos - left:,} to-dos done)",
            f"{done_time:.1f} s",
            f"peak RSS {done_rss:.0f} MB",
        ),
    ]
    write_results(
        args.size,
        [
            f"### The card check's segment actions on every customer ({args.size})",
            "",
            "| measure | time | memory |",
            "| --- | --- | --- |",
            *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        ],
    )


if __name__ == "__main__":
    main()
