# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Proof under real limits: the first classification of the bench database
through a real Odoo server (``--workers=2 --max-cron-threads=1``) whose cron
worker is killed after ``--limit-time-real-cron`` seconds.

Reports whether the run completed, how many cron calls it took, how many
workers were killed (must be 0) and its time against the same first run in
one process.  The driver wakes the idle cron worker every 2 s (see below):
with a 10 s limit Odoo's own idle sleep of 60 s would otherwise get every
idle worker killed, job or no job.  Appends its table to bench/results-<size>.md.
"""

import re
import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))
import realtime
import server as server_process

from bench import open_bench, reset, write_results
from bench import vacuum as vacuum_tables


def prepare(registry, commit):
    """Shipped configuration (chatter off, no segment action), no assignment,
    no partner queued; returns the schemes' ids."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        schemes = env["partner.segment.scheme"].search([])
        schemes.write({"post_chatter": False})
        schemes.with_context(active_test=False).segment_ids.write(
            {"on_enter_action_id": False, "on_exit_action_id": False}
        )
        env["partner.segment.run"].search([("status", "in", ("queued", "running"))]).write(
            {"status": "failed", "stage": "ended"}
        )
        reset(cr)
        # Nothing queued either: partners queued by earlier events (a fresh
        # demo database holds its customers' posted invoices) would be
        # classified by the near-real-time path while the full run goes on,
        # against the boundaries of an older run, and their history would
        # then depend on which of the two came first.
        cr.execute("DELETE FROM partner_segment_queue")
        commit(cr)
        return schemes.ids


class _During:
    """Posts ``samples`` invoices, one at a time, while the full run is
    running, each for a bench customer with no invoice, and times each until
    that customer's Value ABC segment is A."""

    def __init__(self, registry, samples, first_after):
        self.registry = registry
        self.samples = samples
        self.next_at = first_after
        self.pending = None  # (partner, scheme, start)
        self.latencies = []
        self.posted_at = []  # seconds into the run
        self.timeouts = 0

    def tick(self, elapsed, running):
        if self.pending:
            partner_id, scheme_id, start = self.pending
            waited = time.perf_counter() - start
            if realtime._segment_code(self.registry, partner_id, scheme_id) == "A":
                self.latencies.append(waited)
            elif waited > realtime.LATENCY_TIMEOUT:
                self.timeouts += 1
            else:
                return
            self.pending = None
            self.next_at = elapsed + 20
        elif running and len(self.posted_at) < self.samples and elapsed >= self.next_at:
            with self.registry.cursor() as cr:
                cr.execute(
                    """SELECT p.id, sc.id FROM res_partner p
                         JOIN partner_segment_scheme sc ON sc.code = 'value_abc'
                        WHERE p.name LIKE 'Bench customer %%'
                          AND NOT EXISTS (SELECT 1 FROM account_move m WHERE m.partner_id = p.id)
                     ORDER BY p.id DESC OFFSET %s LIMIT 1""",
                    [len(self.posted_at) * 7],
                )
                partner_id, scheme_id = cr.fetchone()
            self.posted_at.append(elapsed)
            self.pending = (
                partner_id,
                scheme_id,
                realtime._post_big_invoice(self.registry, partner_id),
            )

    def rows(self, run_id):
        if not self.posted_at:
            return []
        with self.registry.cursor() as cr:
            cr.execute(
                "SELECT duration FROM partner_segment_run WHERE id > %s AND trigger = 'queue' "
                "ORDER BY id",
                [run_id],
            )
            queue_runs = [row[0] for row in cr.fetchall()]
        worst = f"{max(self.latencies):.1f} s" if self.latencies else "none"
        if self.timeouts:
            worst += f"; {self.timeouts} not current after {realtime.LATENCY_TIMEOUT} s"
        detail = ", ".join(
            f"{s:.1f} s (posted {at:.0f} s into the run)"
            for s, at in zip(self.latencies, self.posted_at, strict=False)
        )
        return [
            (
                "Invoice posted during the first classification → its customer's Value ABC "
                f"segment current ({len(self.posted_at)} invoices: worst)",
                worst,
                f"≤ 60 s at 1M; {detail}; queue runs "
                + ", ".join(f"{s:.2f} s" for s in queue_runs),
            )
        ]


def main():
    args, registry = open_bench(
        ("--limit", {"type": int, "default": 10}),
        ("--timeout", {"type": int, "default": 3600}),
        ("--during", {"type": int, "default": 3}),
        # --no-inline: skip the same run in one process (half the part's time at 1M)
        ("--no-inline", {"action": "store_true"}),
    )
    from odoo.addons.partner_segmentation.engine import run as engine_run

    def vacuum(cr):
        cr.commit()
        vacuum_tables(args.db)

    # the same first run in one process, for comparison (rolled back)
    in_process = None
    if not args.no_inline:
        prepare(registry, vacuum)
        with registry.cursor() as cr:
            env = api.Environment(cr, SUPERUSER_ID, {})
            t0 = time.perf_counter()
            inline = engine_run.run(env, env["partner.segment.scheme"].search([]))
            in_process = time.perf_counter() - t0
            partners, changes = inline.partner_count, inline.change_count
            cr.rollback()

    # queued for the cron of a real server
    prepare(registry, vacuum)
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cron = env.ref(engine_run.PROCESS_CRON)
        cr.execute("SELECT COALESCE(MAX(id), 0) FROM ir_cron_progress")
        progress_before = cr.fetchone()[0]
        run = engine_run.queue(env, env["partner.segment.scheme"].search([]), trigger="manual")
        run_id = run.id
        cr.commit()
    log = Path(f"/tmp/psseg_cron_limits_{args.db}.log")
    log.unlink(missing_ok=True)
    server = server_process.start(args.conf, args.db, log, f"--limit-time-real-cron={args.limit}")
    started = time.monotonic()
    status = None
    # Invoices posted while the run is under way (item: the near-real-time
    # path never waits behind a full run): a customer who bought nothing
    # buys big, and the clock runs until its Value ABC segment says A.
    during = _During(registry, args.during, first_after=max(20.0, (in_process or 480) / 4))
    try:
        while time.monotonic() - started < args.timeout:
            time.sleep(0.5 if during.pending else 2)
            with registry.cursor() as cr:
                cr.execute("SELECT status FROM partner_segment_run WHERE id = %s", [run_id])
                status = cr.fetchone()[0]
            # under a 10 s limit Odoo kills every idle cron worker (its idle
            # sleep is up to 60 s), whatever the job: kept polling, so the
            # workers killed below are those killed at work
            server_process.wake(args.db)
            during.tick(time.monotonic() - started, status == "running")
            if status not in ("queued", "running") and not during.pending:
                break
        elapsed = time.monotonic() - started
    finally:
        server_process.stop(server)
    with registry.cursor() as cr:
        cr.execute(
            "SELECT COUNT(*) FROM ir_cron_progress WHERE cron_id = %s AND id > %s",
            [cron.id, progress_before],
        )
        calls = cr.fetchone()[0]
        cr.execute(
            "SELECT step_done, partner_count, change_count, date_begin, date_end "
            "FROM partner_segment_run WHERE id = %s",
            [run_id],
        )
        steps, run_partners, run_changes, begin, end = cr.fetchone()
    text = log.read_text() if log.exists() else ""
    killed = len(re.findall(r"WorkerCron \(\d+\) timeout", text))
    # the engine logs each step: "Segmentation run N: step K (what) in S s"
    steps_logged = [
        (float(seconds), what)
        for what, seconds in re.findall(
            rf"Segmentation run {run_id}: step \d+ \(([^)]*)\) in ([\d.]+) s", text
        )
    ]
    longest, longest_what = max(steps_logged, default=(0.0, "none logged"))
    worked = (end - begin).total_seconds() if begin and end else elapsed
    rows = [
        *during.rows(run_id),
        ("Completed", f"{status} ({run_partners:,} partners, {run_changes:,} changes)", ""),
        ("Steps / cron calls", f"{steps} / {calls}", ""),
        ("Cron workers killed", str(killed), "0"),
        (
            "Longest step",
            f"{longest:.1f} s ({longest_what})",
            f"< {args.limit} s (the limit); a cron call starts no step after {args.limit / 2:g} s",
        ),
        (
            "First classification through the cron, from its first step to its end",
            f"{worked:.1f} s",
            f"{worked / in_process:.2f}× the same run in one process ({in_process:.1f} s, "
            f"{partners:,} partners, {changes:,} changes)"
            if in_process
            else "the same run in one process not measured (--no-inline)",
        ),
    ]
    write_results(
        args.size,
        [
            f"### Under real limits ({args.size}): `--workers=2 --max-cron-threads=1 "
            f"--limit-time-real-cron={args.limit}`",
            "",
            "| measure | value | target / against |",
            "| --- | --- | --- |",
            *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        ],
    )


if __name__ == "__main__":
    main()
