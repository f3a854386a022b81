# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Coupons for a segment at scale: Odoo's coupon generation (the segment's
wizard) for a segment of N customers, with a coupon program that sends no
e-mail and with one that e-mails each coupon (Odoo's default for coupon
programs: its template attaches the coupon's PDF, one wkhtmltopdf run
each), against creating the same coupons with ``loyalty.card.create``
alone (the floor: what Odoo's wizard costs for N selected customers
anyway). A segment above the coupon job threshold gets its coupons from the
cron in steps: the request and the longest step are measured too.

Works on any database with the addon: it adds its own customers (by SQL,
``--partners``), a scheme with one segment holding them all, and rolls
everything back at the end.  Appends its table to bench/results-<size>.md.
"""

import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))

from selling import _customers

from bench import open_bench, segment_of, write_results


def _generate(env, segment, program):
    wizard = (
        env["loyalty.generate.wizard"]
        .with_context(default_segment_id=segment.id, default_mode="selected")
        .create({"program_id": program.id})
    )
    t0 = time.perf_counter()
    wizard.generate_coupons()
    env.flush_all()
    request = time.perf_counter() - t0
    # a large segment's coupons: the cron's committed steps (here not
    # committed: the bench rolls back), each step timed
    steps = []
    for job in env["partner.segment.coupon.job"].search([("segment_id", "=", segment.id)]):
        while True:
            t1 = time.perf_counter()
            more = job._run_step()
            env.flush_all()
            if not more:
                break
            steps.append(time.perf_counter() - t1)
    return request, wizard.coupon_qty, steps


def main():
    args, registry = open_bench(
        ("--partners", {"type": int, "default": 100000}),
        ("--mailed", {"type": int, "default": 50}),
    )
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        ids = _customers(cr, args.partners)
        segment = segment_of(env, cr, ids, "Coupons bench", "coupons_bench")
        env.invalidate_all()
        Program = env["loyalty.program"]
        silent = Program.create({"name": "Coupons bench", "program_type": "coupons"})
        silent.communication_plan_ids = [(5, 0, 0)]
        # as Odoo's demo coupon program: its coupon e-mail sent on creation
        mailed = Program.create(
            {
                "name": "Coupons bench (mailed)",
                "program_type": "coupons",
                "communication_plan_ids": [
                    (5, 0, 0),
                    (
                        0,
                        0,
                        {
                            "trigger": "create",
                            "mail_template_id": env.ref("loyalty.mail_template_loyalty_card").id,
                        },
                    ),
                ],
            }
        )
        cr.execute("ANALYZE res_partner; ANALYZE partner_segment_assignment")
        cr.execute("SAVEPOINT coupons_bench")

        t0 = time.perf_counter()
        env["loyalty.card"].create(
            [{"program_id": silent.id, "points": 1, "partner_id": pid} for pid in ids]
        )
        env.flush_all()
        floor = time.perf_counter() - t0
        print(f"floor {floor:.1f} s", flush=True)
        cr.execute("ROLLBACK TO SAVEPOINT coupons_bench")
        env.invalidate_all()

        request_time, count, steps = _generate(env, segment, silent)
        wizard_time = request_time + sum(steps)
        print(f"wizard {wizard_time:.1f} s for {count} ({len(steps)} steps)", flush=True)
        cr.execute("SELECT COUNT(*) FROM loyalty_card WHERE program_id = %s", [silent.id])
        cards = cr.fetchone()[0]
        cr.execute("ROLLBACK TO SAVEPOINT coupons_bench")
        env.invalidate_all()

        # the e-mailed program on a part of the segment (an e-mail per coupon)
        cr.execute(
            "DELETE FROM partner_segment_assignment WHERE segment_id = %s AND partner_id > %s",
            [segment.id, ids[min(args.mailed, len(ids)) - 1]],
        )
        env.invalidate_all()
        mailed_request, mailed_count, mailed_steps = _generate(env, segment, mailed)
        mailed_time = mailed_request + sum(mailed_steps)
        cr.execute(
            "SELECT COUNT(*) FROM mail_mail m JOIN mail_message msg ON msg.id = m.mail_message_id"
            " JOIN loyalty_card c ON c.id = msg.res_id AND msg.model = 'loyalty.card'"
            " WHERE c.program_id = %s",
            [mailed.id],
        )
        mails = cr.fetchone()[0]
        cr.rollback()
    rows = [
        (
            f"Coupons for a segment of {count:,} customers, program without e-mail "
            f"({cards:,} coupons and their history)",
            f"{wizard_time:.1f} s",
            f"{wizard_time / floor:.1f}× the floor",
        ),
        (
            "The request (Generate) for that segment",
            f"{request_time:.2f} s",
            f"{len(steps)} cron steps after it" if steps else "coupons made in the request",
        ),
        (
            "The longest cron step (each committed; a cron job starts none after half its limits)",
            f"{max(steps, default=0):.1f} s",
            f"{max(steps, default=0) / 120:.0%} of limit_time_real (120 s)",
        ),
        (
            f"The same for {mailed_count:,} customers, program e-mailing each coupon "
            f"({mails:,} e-mails queued)",
            f"{mailed_time:.1f} s",
            f"{mailed_time / mailed_count * 1000:.1f} ms a coupon, longest step "
            f"{max(mailed_steps, default=0):.1f} s",
        ),
        (
            f"Floor: {count:,} coupons by loyalty.card.create alone",
            f"{floor:.1f} s",
            "1.0×",
        ),
    ]
    write_results(
        args.size,
        [
            f"### Coupons for a segment ({args.size})",
            "",
            "| measure | value | ratio |",
            "| --- | --- | --- |",
            *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        ],
    )


if __name__ == "__main__":
    main()
