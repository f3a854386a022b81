# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""End-to-end latency of the near-real-time recompute, for bench/bench.py:
a real Odoo server (one cron thread) runs against the bench database; an
invoice is posted for a small customer through the ORM and committed, and
the clock runs until that customer's Value ABC segment says A."""

import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request

from odoo import SUPERUSER_ID, api, fields

READY_TIMEOUT = 600  # s: the server's first cron pass included
LATENCY_TIMEOUT = 300  # s: give up waiting for the segment


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _start_server(conf, db):
    port = _free_port()
    log = os.path.join(tempfile.gettempdir(), f"psseg-bench-server-{db}.log")
    with open(log, "w") as out:
        server = _popen(conf, db, port, out)
    deadline = time.monotonic() + READY_TIMEOUT
    while time.monotonic() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/web/health", timeout=5)
            return server, log
        except OSError:
            if server.poll() is not None:
                raise RuntimeError(f"the Odoo server stopped: see {log}") from None
            time.sleep(1)
    server.terminate()
    raise RuntimeError(f"the Odoo server did not start: see {log}")


def _popen(conf, db, port, out):
    odoo_bin = os.path.join(os.path.dirname(os.path.dirname(fields.__file__)), "odoo-bin")
    return subprocess.Popen(
        [
            sys.executable,
            odoo_bin,
            "-c",
            conf,
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--workers=0",
            "--max-cron-threads=1",
            f"--http-port={port}",
            f"--gevent-port={_free_port()}",
            "--log-level=info",
        ],
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def _crons_settled(registry):
    """No scheduled job is due: the server's first cron pass is over."""
    with registry.cursor() as cr:
        cr.execute(
            """SELECT COUNT(*) FROM ir_cron
                WHERE active AND (nextcall <= now() AT TIME ZONE 'UTC'
                      OR id IN (SELECT cron_id FROM ir_cron_trigger
                                 WHERE call_at <= now() AT TIME ZONE 'UTC'))"""
        )
        return not cr.fetchone()[0]


def _small_customer(cr, offset):
    """A bench customer in Value ABC's C segment, and the scheme."""
    cr.execute(
        """SELECT a.partner_id, a.scheme_id FROM partner_segment_assignment a
             JOIN partner_segment_scheme sc ON sc.id = a.scheme_id AND sc.code = 'value_abc'
             JOIN partner_segment s ON s.id = a.segment_id AND s.code = 'C'
             JOIN res_partner p ON p.id = a.partner_id AND p.name LIKE 'Bench customer %%'
         ORDER BY a.partner_id OFFSET %s LIMIT 1""",
        [offset],
    )
    return cr.fetchone()


def _post_big_invoice(registry, partner_id):
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        cr.execute(
            """SELECT MAX(value) FROM (SELECT SUM(amount_untaxed_signed) AS value FROM account_move
                WHERE state = 'posted' AND invoice_date > now() - interval '365 days'
             GROUP BY partner_id) s"""
        )
        amount = float(cr.fetchone()[0] or 0) * 2 + 1000
        move = env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner_id,
                "invoice_date": fields.Date.context_today(env.user),
                "invoice_line_ids": [
                    (0, 0, {"name": "Bench big deal", "quantity": 1, "price_unit": amount})
                ],
            }
        )
        move.action_post()
    # committed (and the cron workers woken) when the cursor closed
    return time.perf_counter()


def _segment_code(registry, partner_id, scheme_id):
    with registry.cursor() as cr:
        cr.execute(
            """SELECT s.code FROM partner_segment_assignment a
                 JOIN partner_segment s ON s.id = a.segment_id
                WHERE a.partner_id = %s AND a.scheme_id = %s""",
            [partner_id, scheme_id],
        )
        row = cr.fetchone()
        return row and row[0]


def measure(conf, db, registry, samples=3):
    """Returns (latencies in s, queue run durations in s); the database's
    changes (invoices, segments) are kept (the bench database is a copy)."""
    server, log = _start_server(conf, db)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while not _crons_settled(registry) and time.monotonic() < deadline:
            time.sleep(2)
        latencies = []
        with registry.cursor() as cr:
            cr.execute("SELECT COALESCE(MAX(id), 0) FROM partner_segment_run")
            last_run = cr.fetchone()[0]
        for i in range(samples):
            with registry.cursor() as cr:
                partner_id, scheme_id = _small_customer(cr, i * 7)
            start = _post_big_invoice(registry, partner_id)
            while _segment_code(registry, partner_id, scheme_id) != "A":
                if time.perf_counter() - start > LATENCY_TIMEOUT:
                    raise RuntimeError(f"segment not current after {LATENCY_TIMEOUT} s: see {log}")
                time.sleep(0.2)
            latencies.append(time.perf_counter() - start)
            time.sleep(5)  # the next sample starts with the cron thread asleep
        with registry.cursor() as cr:
            cr.execute(
                "SELECT duration FROM partner_segment_run WHERE id > %s AND trigger = 'queue' "
                "ORDER BY id",
                [last_run],
            )
            runs = [row[0] for row in cr.fetchall()]
        return latencies, runs
    finally:
        server.terminate()
        try:
            server.wait(timeout=60)
        except subprocess.TimeoutExpired:
            server.kill()
