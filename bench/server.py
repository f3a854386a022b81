# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A real Odoo server on a bench database, for the parts of the bench that
measure it (cron_limits.py, killed.py, coupon_kills.py): prefork, two HTTP
workers and one cron worker, in a process group of its own so that it stops
as a whole; its cron worker woken, found and killed as the drivers need."""

import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import odoo
from odoo import SUPERUSER_ID, api


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(conf, db, log, *options):
    """``odoo-bin --workers=2 --max-cron-threads=1`` on ``db`` only, logging
    at INFO to ``log``, with ``options`` added."""
    return subprocess.Popen(
        [
            sys.executable,
            str(Path(odoo.__file__).parent.parent / "odoo-bin"),
            "-c",
            conf,
            "-d",
            db,
            f"--db-filter=^{db}$",
            "--workers=2",
            "--max-cron-threads=1",
            f"--http-port={free_port()}",
            f"--gevent-port={free_port()}",
            f"--logfile={log}",
            "--log-level=info",
            *options,
        ],
        start_new_session=True,
    )


def stop(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=60)


def wake(db):
    """Wake the server's idle cron workers for ``db`` now, as
    ``ir.cron._trigger()`` does (the workers LISTEN in the postgres
    database).  An idle cron worker sleeps up to 60 s (Odoo's
    SLEEP_INTERVAL) before it polls, pinging its watchdog only between
    polls: the drivers keep it polling."""
    with odoo.sql_db.db_connect("postgres").cursor() as cr:
        cr.execute("NOTIFY cron_trigger, %s", [db])


class Waker:
    """Calls :func:`wake` at most every ``every`` seconds when ``enabled``."""

    def __init__(self, db, enabled=True, every=1.0):
        self.db, self.enabled, self.every = db, enabled, every
        self.last = 0.0

    def __call__(self):
        if self.enabled and time.monotonic() - self.last > self.every:
            self.last = time.monotonic()
            wake(self.db)


def cron_worker(log):
    """The pid of the server's live cron worker, from its log (the
    connections' application names carry the pid of the process that
    loaded the registry, the master, not the worker's)."""
    text = log.read_text() if log.exists() else ""
    pids = re.findall(r"Worker WorkerCron \((\d+)\) alive", text)
    return int(pids[-1]) if pids else None


def kill_cron_worker(log, killed):
    """SIGKILL the server's live cron worker (as an out-of-memory kill or a
    restart does) unless it is one of ``killed`` (a worker already killed
    whose successor has not started yet); returns its pid, or None."""
    worker = cron_worker(log)
    if not worker or worker in killed:
        return None
    os.kill(worker, signal.SIGKILL)
    return worker


def hold_other_crons(registry, xmlid, hold):
    """Delay (``hold``) every scheduled job and trigger but the cron
    ``xmlid``'s by a day, so that the server's one cron worker serves that
    job only, or put them back (``hold`` False)."""
    with registry.cursor() as cr:
        cron = api.Environment(cr, SUPERUSER_ID, {}).ref(xmlid)
        shift = "+ interval '1 day'" if hold else "- interval '1 day'"
        cr.execute(
            f"UPDATE ir_cron SET nextcall = nextcall {shift} WHERE id != %(c)s;"
            f"UPDATE ir_cron_trigger SET call_at = call_at {shift} WHERE cron_id != %(c)s",
            {"c": cron.id},
        )
        cr.commit()
