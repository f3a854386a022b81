# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A real Odoo server on a bench database, for the parts of the bench that
measure it (cron_limits.py, killed.py): prefork, two HTTP workers and one
cron worker, in a process group of its own so that it stops as a whole."""

import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import odoo


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
