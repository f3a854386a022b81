# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A fit asked for from the form on a large source, made by a real server
whose cron worker is killed with SIGKILL during the fit (as an
out-of-memory kill or a restart does), against the same fit uninterrupted.

The driver asks *Fit Now* on the shipped forecast as a segmentation
manager would (the orders above the records fitted in the request: the
fit is queued), commits, and a real Odoo server (``--workers=2
--max-cron-threads=1``, see server.py) makes it; the first time the driver
kills the cron worker ``--kills`` times (fewer than the job's three
starts), each time once the job's start is committed and the fit under
way.  Each fit must end with the request cleared, the forecast fitted,
its parameters those of the uninterrupted fit and the asking user told
once.  ``--forget``: every customer's figures grouped again by each fit
(by default the figures kept between runs are read).  ``--check``: exit
1 when a check fails, else the rows are appended to
bench/results-<size>.md.

The forecast's fit is put back as it was at the end.
"""

import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api

sys.path.insert(0, str(Path(__file__).parent))
import server as server_process

from bench import open_bench, write_results

CRON = "partner_segmentation.ir_cron_forecast_jobs"

PARAMS = ("bgnbd_r", "bgnbd_alpha", "bgnbd_a", "bgnbd_b", "gg_p", "gg_q", "gg_v")
FIELDS = ("state", "fit_queued", "job_starts", *PARAMS, "customer_count")


def request(registry, forget):
    """Fit Now as a segmentation manager (the admin, who is one): returns
    the forecast's id and the number of notifications its user has."""
    from odoo.addons.partner_segmentation.models.forecast import store

    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        admin = env.ref("base.user_admin")
        forecast = env.ref("partner_segmentation.forecast_orders")
        env["ir.config_parameter"].set_param("partner_segmentation.forecast_inline_records", "1000")
        forecast.write({"state": "new", "fit_day": False, **dict.fromkeys(PARAMS, 0.0)})
        if forget:
            # every customer's figures grouped again (a killed fit's grouping
            # is lost with its transaction); by default the figures kept by
            # the last run (or the bench's previous fit) are read, as a fit
            # asked for from the form after the first run does
            store.forget(forecast)
        action = forecast.with_user(admin).action_request_fit()
        assert action is not True and forecast.fit_queued, "the fit was not queued"
        cr.commit()
        return forecast.id, notifications(cr, admin.partner_id.id)


def notifications(cr, partner_id):
    cr.execute(
        "SELECT COUNT(*) FROM bus_bus WHERE channel LIKE '%%res.partner%%'"
        " AND replace(channel, ' ', '') LIKE %s AND message LIKE %s",
        [f"%,{partner_id}]", "%The fit of forecast%"],
    )
    return cr.fetchone()[0]


def values(cr, forecast_id):
    cr.execute(
        f"SELECT {', '.join(FIELDS)} FROM partner_segment_forecast WHERE id = %s",
        [forecast_id],
    )
    return dict(zip(FIELDS, cr.fetchone(), strict=True))


def serve(args, registry, forecast_id, kills):
    """Serve the queued fit, killing the cron worker ``kills`` times once
    the job's start is committed (``--delay`` seconds after); returns
    (values, seconds, kills in the fit, kills that came after its end)."""
    log = Path(f"/tmp/psseg_forecast_kills_{args.db}_{kills}.log")
    log.unlink(missing_ok=True)
    server = server_process.start(args.conf, args.db, log)
    started = time.monotonic()
    killed, killed_at_start, missed = [], 0, 0
    wake = server_process.Waker(args.db)
    try:
        while time.monotonic() - started < args.timeout:
            time.sleep(0.05)
            with registry.cursor() as cr:
                now = values(cr, forecast_id)
            if not now["fit_queued"]:
                break
            # a start committed that was not killed yet: the fit is under way
            if len(killed) < kills and now["job_starts"] > killed_at_start:
                time.sleep(args.delay)
                worker = server_process.kill_cron_worker(log, killed)
                if worker:
                    killed_at_start = now["job_starts"]
                    with registry.cursor() as cr:
                        # killed in the fit only if the job had not ended
                        if values(cr, forecast_id)["fit_queued"]:
                            killed.append(worker)
                        else:
                            missed += 1
            wake()
        elapsed = time.monotonic() - started
    finally:
        server_process.stop(server)
    with registry.cursor() as cr:
        return values(cr, forecast_id), elapsed, len(killed), missed


def main():
    args, registry = open_bench(
        ("--kills", {"type": int, "default": 2}),
        ("--delay", {"type": float, "default": 1.0}),
        ("--timeout", {"type": float, "default": 900.0}),
        ("--check", {"action": "store_true"}),
        ("--forget", {"action": "store_true"}),
    )
    with registry.cursor() as cr:
        kept = values(
            cr, api.Environment(cr, SUPERUSER_ID, {}).ref("partner_segmentation.forecast_orders").id
        )
    server_process.hold_other_crons(registry, CRON, True)
    results, failures = [], []
    try:
        for kills in (0, args.kills):
            forecast_id, before = request(registry, args.forget)
            final, elapsed, done, missed = serve(args, registry, forecast_id, kills)
            if missed:
                failures.append(f"{missed} kills came after the fit ended: lower --delay")
            with registry.cursor() as cr:
                told = notifications(cr, _admin_partner(cr)) - before
            results.append((kills, done, final, elapsed, told))
            if final["fit_queued"] or final["state"] != "fitted" or told != 1:
                failures.append(f"{done} kills: {final}, told {told} times")
    finally:
        server_process.hold_other_crons(registry, CRON, False)
        with registry.cursor() as cr:
            cr.execute(
                "UPDATE partner_segment_forecast SET "
                + ", ".join(f"{f} = %({f})s" for f in FIELDS)
                + " WHERE id = %(id)s",
                {
                    **kept,
                    "id": api.Environment(cr, SUPERUSER_ID, {})
                    .ref("partner_segmentation.forecast_orders")
                    .id,
                },
            )
            cr.execute(
                "DELETE FROM ir_config_parameter"
                " WHERE key = 'partner_segmentation.forecast_inline_records'"
            )
            cr.commit()
    (_k0, _d0, plain, t_plain, _t0), (_k, kills_done, hit, t_hit, told) = results
    # a day's spend is a float8 sum, its order the parallel workers': the
    # spend model's inputs, regrouped from the orders (the kept figures
    # forgotten), may differ in their last bits
    diff = max(abs(plain[p] - hit[p]) / max(abs(plain[p]), 1e-300) for p in PARAMS)
    same = diff <= 1e-6
    if not same:
        failures.append(f"parameters differ: {plain} against {hit}")
    rows = [
        (
            f"Fit Now queued, made by a real server's cron worker "
            f"({plain['customer_count']:,} customers; "
            + ("every customer's figures grouped" if args.forget else "the kept figures read")
            + "; from the request to its end, the server's start included)",
            f"{t_plain:.1f} s",
            "uninterrupted",
        ),
        (
            f"The same, the cron worker SIGKILLed {kills_done} times during the fit",
            f"{t_hit:.1f} s",
            f"{'fitted' if hit['state'] == 'fitted' else hit['state']}, "
            f"parameters {'the same' if same else 'DIFFERENT'} (largest relative "
            f"difference {diff:.1e}), "
            f"request cleared: {not hit['fit_queued']}, user told {told} time(s)",
        ),
    ]
    for failure in failures:
        print("FAILED:", failure)
    if args.check:
        sys.exit(1 if failures else 0)
    write_results(
        args.size,
        [
            f"### A queued fit through a killed cron worker ({args.size})",
            "",
            "| measure | value | result |",
            "| --- | --- | --- |",
            *(f"| {a} | {b} | {c} |" for a, b, c in rows),
        ],
    )


def _admin_partner(cr):
    return api.Environment(cr, SUPERUSER_ID, {}).ref("base.user_admin").partner_id.id


if __name__ == "__main__":
    main()
