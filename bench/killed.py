# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A run through a real server whose cron worker is killed with SIGKILL in
its steps (as an out-of-memory kill or a restart does), against the same run
uninterrupted.

Both runs are the first classification of the database (assignments and
history emptied first), queued for the cron of a real Odoo server
(``--workers=2 --max-cron-threads=1``).  During the second, the driver
kills the Odoo process that holds the engine's lock (a worker in a step)
``--kills`` times, each time as soon as a step is under way again (the
cron worker's pid read from the server's log).  Then
both must have ended *done* with the same assignments and the same history,
and no run may be left unfinished.

``--check``: exit 1 when they differ (``make test`` runs it on a small
database, with ``--wake``); else the times are appended to
bench/results-<size>.md.  ``--wake``: notify the cron workers every second,
as a busy server's triggers would; without it a respawned cron worker polls
after Odoo's own sleep (60 to 70 s), which is what the bench measures.
"""

import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))
import server as server_process
from cron_limits import prepare as prepare_database

from bench import open_bench, write_results


def prepare(registry):
    """The first classification again (see cron_limits.prepare): returns a
    queued run of every scheme."""
    from odoo.addons.partner_segmentation.engine import run as engine_run

    scheme_ids = prepare_database(registry, lambda cr: cr.commit())
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        schemes = env["partner.segment.scheme"].browse(scheme_ids)
        run_id = engine_run.queue(env, schemes, trigger="manual").id
        cr.commit()
        return run_id


def in_step(cr):
    """Whether somebody holds the engine's lock: only the server's cron
    worker runs steps here, so it is in a step."""
    from odoo.addons.partner_segmentation.engine import run_sql

    cr.execute(
        """SELECT 1 FROM pg_locks
            WHERE locktype = 'advisory' AND granted
              AND (classid::bigint << 32) + objid::bigint = %s""",
        [run_sql.ADVISORY_LOCK_KEY],
    )
    return bool(cr.fetchone())


def classification(cr):
    cr.execute(
        """SELECT partner_id, scheme_id, segment_id, computed_segment_id, locked
             FROM partner_segment_assignment ORDER BY 1, 2"""
    )
    assignments = cr.fetchall()
    cr.execute(
        """SELECT partner_id, scheme_id, from_segment_id, to_segment_id, cause, metric_value
             FROM partner_segment_history ORDER BY 1, 2, 3, 4"""
    )
    return assignments, cr.fetchall()


def serve_run(args, registry, kills):
    """Queue a run, serve it, kill its steps ``kills`` times; returns (run
    status, seconds, kills done, unfinished runs, classification, whether
    the server was still up)."""
    run_id = prepare(registry)
    log = Path(f"/tmp/psseg_killed_{args.db}_{kills}.log")
    log.unlink(missing_ok=True)
    server = server_process.start(args.conf, args.db, log)
    started = time.monotonic()
    killed, status, wake = [], "queued", server_process.Waker(args.db, args.wake)
    try:
        while time.monotonic() - started < args.timeout:
            time.sleep(0.01)
            with registry.cursor() as cr:
                cr.execute("SELECT status FROM partner_segment_run WHERE id = %s", [run_id])
                status = cr.fetchone()[0]
                stepping = len(killed) < kills and in_step(cr)
            if status not in ("queued", "running"):
                break
            worker = server_process.kill_cron_worker(log, killed) if stepping else None
            if worker:
                killed.append(worker)
            wake()
        elapsed = time.monotonic() - started
        alive = server.poll() is None  # the master (never killed) served to the end
    finally:
        server_process.stop(server)
    with registry.cursor() as cr:
        cr.execute("SELECT COUNT(*) FROM partner_segment_run WHERE status IN ('queued', 'running')")
        unfinished = cr.fetchone()[0]
        return status, elapsed, len(killed), unfinished, classification(cr), alive


def main():
    args, registry = open_bench(
        ("--kills", {"type": int, "default": 4}),
        ("--timeout", {"type": int, "default": 1800}),
        ("--check", {"action": "store_true"}),
        ("--wake", {"action": "store_true"}),
    )
    status0, time0, _k, unfinished0, expected, alive0 = serve_run(args, registry, 0)
    status, elapsed, kills, unfinished, found, alive = serve_run(args, registry, args.kills)
    server_alive = alive0 and alive
    same = found == expected
    print(
        f"killed run: {status}, {kills} kills, {elapsed:.1f} s; uninterrupted: {status0}, "
        f"{time0:.1f} s; same assignments ({len(found[0])}) and history ({len(found[1])}): "
        f"{same}; unfinished runs: {unfinished + unfinished0}; server up: {server_alive}"
    )
    ok = (
        status == status0 == "done"
        and kills == args.kills
        and same
        and expected[0]
        and server_alive
        and not (unfinished or unfinished0)
    )
    if not same:
        # Say what differs, so that a failed check can be understood from its log.
        for name, want, got in zip(("assignment", "history"), expected, found, strict=True):
            missing = sorted(set(want) - set(got), key=repr)
            extra = sorted(set(got) - set(want), key=repr)
            print(f"{name}: {len(missing)} rows only uninterrupted, {len(extra)} only killed")
            for row in missing[:5]:
                print(f"  uninterrupted only: {row}")
            for row in extra[:5]:
                print(f"  killed only: {row}")
    if args.check:
        sys.exit(0 if ok else 1)
    write_results(
        args.size,
        [
            f"### A run whose cron worker is killed ({args.size}): `--workers=2 "
            f"--max-cron-threads=1`, SIGKILL to the worker in a step, {args.kills} times",
            "",
            "| measure | value | against |",
            "| --- | --- | --- |",
            f"| Uninterrupted first classification through the cron | {time0:.1f} s | |",
            f"| The same with {kills} kills | {elapsed:.1f} s | {elapsed / time0:.2f}× "
            f"(a respawned cron worker polls after Odoo's 60–70 s sleep) |",
            f"| Same assignments and history | {'yes' if same else 'NO'} "
            f"({len(found[0]):,} assignments) | |",
            f"| Runs left unfinished | {unfinished} | 0 |",
        ],
    )


if __name__ == "__main__":
    main()
