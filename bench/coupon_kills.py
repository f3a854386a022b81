# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Coupons for a segment of N customers through a real server whose cron
worker is killed with SIGKILL during the job (as an out-of-memory kill or a
restart does), against the same job uninterrupted.

The driver adds N customers by SQL (``--partners``), a rules scheme whose
one segment holds them and a coupon program that sends no e-mail, commits
them, and asks *Coupons for this Segment* (a job for the coupons cron, as
above 2,000 customers).  A real Odoo server (``--workers=2
--max-cron-threads=1``, see server.py) generates the coupons; during the
second job the driver kills the cron worker ``--kills`` times: the first
time in the step under way once a third of the coupons are made, then each
time as soon as a step is under way again (a step is under way when the
job's count of step starts is up and the respawned worker's own start is
committed; the worker's pid is read from the server's log).  Each job must
end *done* with exactly one coupon (and its history line) for each
customer, none missing, no code twice.  ``--wake``: notify the cron
workers every second, as a busy server's triggers would; without it a
respawned cron worker polls after Odoo's own sleep (60 to 70 s), which is
what the bench measures.  ``--check``: exit 1 when a check fails, else the
rows are appended to bench/results-<size>.md.

Everything it added is deleted at the end (the customers by SQL).
"""

import re
import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))
import server as server_process
from selling import _customers

from bench import open_bench, segment_of, write_results

CRON = "partner_segmentation.ir_cron_segment_coupons"

LIMIT_KILLS = re.compile(r"timeout after \d+s|CPU time limit|\) timed out")


def prepare(registry, count):
    """N customers in one segment and a silent coupon program, committed
    (what an interrupted earlier run left deleted first); returns (customer
    ids, segment id, program id)."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        scheme = (
            env["partner.segment.scheme"]
            .with_context(active_test=False)
            .search([("code", "=", "coupon_kills_bench")])
        )
        program = (
            env["loyalty.program"]
            .with_context(active_test=False)
            .search([("name", "=", "Coupon kills bench")])
        )
        if scheme or program:
            cr.execute(
                """SELECT a.partner_id FROM partner_segment_assignment a
                     JOIN res_partner p ON p.id = a.partner_id
                    WHERE a.scheme_id = ANY(%s) AND p.name LIKE 'Selling bench %%'""",
                [scheme.ids],
            )
            left = [row[0] for row in cr.fetchall()]
            clean(registry, left, scheme.segment_ids[:1].id, program.ids)
        ids = _customers(cr, count)
        segment = segment_of(env, cr, ids, "Coupon kills bench", "coupon_kills_bench")
        # archived: no run of the server's crons classifies anybody else in it
        segment.scheme_id.active = False
        # one program for each job: nothing deleted between them
        programs = env["loyalty.program"].create(
            [{"name": "Coupon kills bench", "program_type": "coupons"} for _i in range(2)]
        )
        programs.communication_plan_ids = [(5, 0, 0)]
        cr.execute("ANALYZE res_partner; ANALYZE partner_segment_assignment")
        cr.commit()
        return ids, segment.id, programs.ids


def queue(registry, segment_id, program_id):
    """The segment's coupons asked in the wizard: returns the queued job."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        wizard = (
            env["loyalty.generate.wizard"]
            .with_context(default_segment_id=segment_id, default_mode="selected")
            .create({"program_id": program_id})
        )
        wizard.generate_coupons()
        job = env["partner.segment.coupon.job"].search([("program_id", "=", program_id)])
        job.ensure_one()
        cr.commit()
        return job.id


def job_state(cr, job_id):
    cr.execute(
        "SELECT state, COALESCE(done_count, 0), COALESCE(step_starts, 0)"
        " FROM partner_segment_coupon_job WHERE id = %s",
        [job_id],
    )
    return cr.fetchone()


def serve(args, registry, job_id, count, kills):
    """Serve the queued job, killing the cron worker ``kills`` times;
    returns (job state, seconds, kills done, killed at (coupons made),
    kills by Odoo's own limits, whether the server was still up)."""
    log = Path(f"/tmp/psseg_coupon_kills_{args.db}_{kills}.log")
    log.unlink(missing_ok=True)
    server = server_process.start(args.conf, args.db, log)
    started = time.monotonic()
    killed, killed_at, last_step, state = [], [], None, "queued"
    wake = server_process.Waker(args.db, args.wake)
    try:
        while time.monotonic() - started < args.timeout:
            time.sleep(0.01)
            with registry.cursor() as cr:
                state, done, starts = job_state(cr, job_id)
            if state not in ("queued", "running"):
                break
            # a step under way that was not killed yet (a respawned worker
            # counts its start before its step)
            step = (done, starts)
            wanted = len(killed) < kills and starts and step != last_step
            if wanted and (killed or done >= count / 3):
                worker = server_process.kill_cron_worker(log, killed)
                if worker:
                    killed.append(worker)
                    killed_at.append(done)
                    last_step = step
            wake()
        elapsed = time.monotonic() - started
        alive = server.poll() is None  # the master (never killed) served to the end
    finally:
        server_process.stop(server)
    limit_kills = len(LIMIT_KILLS.findall(log.read_text())) if log.exists() else -1
    return state, elapsed, len(killed), killed_at, limit_kills, alive


def coupons(cr, segment_id, program_id):
    """(coupons, customers of the segment with none, with more than one,
    codes drawn twice, coupons without their one history line)."""
    cr.execute(
        """
        SELECT COUNT(*) FILTER (WHERE c.n IS NULL), COUNT(*) FILTER (WHERE c.n > 1)
          FROM partner_segment_assignment a
          LEFT JOIN (SELECT partner_id, COUNT(*) AS n FROM loyalty_card
                      WHERE program_id = %(p)s GROUP BY partner_id) c
                 ON c.partner_id = a.partner_id
         WHERE a.segment_id = %(s)s
        """,
        {"p": program_id, "s": segment_id},
    )
    missing, doubled = cr.fetchone()
    cr.execute(
        """
        SELECT COUNT(*), COUNT(*) - COUNT(DISTINCT lc.code),
               COUNT(*) FILTER (WHERE h.n IS DISTINCT FROM 1)
          FROM loyalty_card lc
          LEFT JOIN (SELECT card_id, COUNT(*) AS n FROM loyalty_history GROUP BY card_id) h
                 ON h.card_id = lc.id
         WHERE lc.program_id = %(p)s
        """,
        {"p": program_id},
    )
    cards, codes, history = cr.fetchone()
    return cards, missing, doubled, codes, history


def index_foreign_keys(cr, table):
    """Index the columns of the foreign keys to ``table`` that have none
    (on the bench base, loyalty_history.card_id and two of account_move's
    million rows): a delete would scan them once per row; returns the
    indexes made, to drop after the delete."""
    cr.execute(
        """SELECT c.conrelid::regclass::text, a.attname
             FROM pg_constraint c
             JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
            WHERE c.contype = 'f' AND c.confrelid = %s::regclass
              AND NOT EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.conrelid
                                 AND i.indkey[0] = c.conkey[1])""",
        [table],
    )
    indexes = []
    for table_name, column in cr.fetchall():
        index = f"coupon_kills_{table_name}_{column}"[:63]
        cr.execute(f'CREATE INDEX "{index}" ON "{table_name}" ("{column}")')
        indexes.append(index)
    return indexes


def clean(registry, ids, segment_id, program_ids):
    """Delete what the bench added: coupons, jobs, programs, scheme, customers."""
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {"tracking_disable": True})
        indexes = index_foreign_keys(cr, "loyalty_card")
        cr.execute(
            """DELETE FROM loyalty_history h USING loyalty_card c
                WHERE h.card_id = c.id AND c.program_id = ANY(%(p)s);
               DELETE FROM loyalty_card WHERE program_id = ANY(%(p)s);
               DELETE FROM partner_segment_coupon_job WHERE program_id = ANY(%(p)s)""",
            {"p": list(program_ids)},
        )
        programs = env["loyalty.program"].browse(program_ids).exists()
        programs.active = False  # Odoo deletes no active program
        programs.unlink()
        env["partner.segment"].browse(segment_id).scheme_id.unlink()
        indexes += index_foreign_keys(cr, "res_partner")
        cr.execute("DELETE FROM res_partner WHERE id = ANY(%s)", [ids])
        for index in indexes:
            cr.execute(f'DROP INDEX "{index}"')
        cr.commit()


def main():
    args, registry = open_bench(
        ("--partners", {"type": int, "default": 100000}),
        ("--kills", {"type": int, "default": 4}),
        ("--timeout", {"type": int, "default": 3600}),
        ("--check", {"action": "store_true"}),
        ("--wake", {"action": "store_true"}),
    )
    ids, segment_id, program_ids = prepare(registry, args.partners)
    results = []
    server_process.hold_other_crons(registry, CRON, True)
    try:
        for kills, program_id in zip((0, args.kills), program_ids, strict=True):
            job_id = queue(registry, segment_id, program_id)
            served = serve(args, registry, job_id, len(ids), kills)
            with registry.cursor() as cr:
                _state, done, _starts = job_state(cr, job_id)
                results.append((*served, done, coupons(cr, segment_id, program_id)))
            print(f"{kills} kills: {results[-1]}", flush=True)
    finally:
        server_process.hold_other_crons(registry, CRON, False)
    # reported before the clean-up (deleting 100,000 customers takes minutes);
    # a run stopped before it leaves them to the next run's prepare
    try:
        ok = report(args, len(ids), results)
    finally:
        clean(registry, ids, segment_id, program_ids)
    if args.check:
        sys.exit(0 if ok else 1)


def report(args, count, results):
    """Print the checks, write the rows (unless ``--check``); returns
    whether every check holds."""
    (state0, time0, _k, _at, limit0, alive0, done0, found0) = results[0]
    (state, elapsed, kills, killed_at, limit, alive, done, found) = results[1]
    ok = (
        state == state0 == "done"
        and kills == args.kills
        and done == done0 == count
        and all(found_ == (count, 0, 0, 0, 0) for found_ in (found0, found))
        and alive0
        and alive
    )
    print(f"coupon job killed {kills} times: {'ok' if ok else 'FAILED'}", flush=True)
    if args.check:
        return ok

    def checks(found_):
        cards, missing, doubled, codes, history = found_
        return (
            f"{cards:,} coupons: {missing} customers without, {doubled} with two or more, "
            f"{codes} codes twice, {history} without their one history line"
        )

    at = ", ".join(f"{n:,}" for n in killed_at)
    write_results(
        args.size,
        [
            f"### Coupons for a segment, cron worker killed ({args.size}): `--workers=2 "
            f"--max-cron-threads=1`, SIGKILL to the worker in a step, {args.kills} times",
            "",
            "| measure | value | against |",
            "| --- | --- | --- |",
            f"| Coupons for {count:,} customers through the cron, uninterrupted "
            f"({state0}) | {time0:.1f} s | |",
            f"| The same with {kills} kills (at {at} coupons made; {state}) | {elapsed:.1f} s "
            f"| {elapsed / time0:.2f}× (a respawned cron worker polls after Odoo's 60–70 s "
            f"sleep{'; woken every second' if args.wake else ''}) |",
            f"| Uninterrupted: coupons | {checks(found0)} | one each |",
            f"| Killed: coupons | {checks(found)} | one each |",
            f"| Workers stopped by Odoo's own limits (time, CPU, timed-out job) | "
            f"{limit0} uninterrupted, {limit} killed | 0 |",
        ],
    )
    return ok


if __name__ == "__main__":
    main()
