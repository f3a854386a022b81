# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A run: its steps in their order, the lock, progress.

A run is a ``partner.segment.run`` record worked through in steps
(:mod:`.run_steps`): one per scheme (classify, the features'
``_after_classify``, and write when the scheme's partners fit in one step),
write steps for a scheme whose result is large (a range of partner ids
each), chatter steps (pages of partners), a step for segment actions and
the features' ``_after_recompute``, then one step for each of the features'
``_after_run_steps`` (the reports' refresh, in parts); the last step
records the run's facts.

* :func:`run` works through every step at once in the caller's transaction:
  partial runs (chosen partners, queued partners), small selections, tests.
* :func:`queue` records a run for the cron and triggers it; :func:`process`
  (the cron) works through the steps, committing each, stops starting steps
  at about half of the cron's time limit, reports ``_notify_progress`` so
  that Odoo calls it again at once, and resumes where it stopped.

Two runs never overlap: every step (and every inline run) holds a
transaction-level advisory lock, released by PostgreSQL at commit or when a
killed worker's connection goes, so no lock is ever stale; and a run's steps
only start while no older run is unfinished.  A step killed mid-way loses
its transaction only: the next call does it again, as soon as a cron
worker is back (progress is reported before each step, see
:func:`_report_before_step`).  A step that raised ``MAX_ATTEMPTS`` times in
a row, or was started ``MAX_STARTS`` times (its worker killed each time), is
given up (its scheme is recorded as failed) and the run goes on.
"""

import logging
import time
import weakref
from datetime import timedelta

from odoo import fields
from odoo.tools import config

from . import run_sql as Q
from . import run_steps

_logger = logging.getLogger(__name__)

# a step that raised this many times in a row is given up
MAX_ATTEMPTS = 3
# a step whose worker was killed (or that failed) this many times in a row too
MAX_STARTS = 10
# a button runs inline for at most this many partners, else queues the run
INLINE_PARTNERS = 2000
# how long a cron call waits for a run of chosen partners to release the lock
LOCK_WAIT = 20
DEFAULT_TIME_LIMIT = 120
PROCESS_CRON = "partner_segmentation.ir_cron_segment_run_steps"
# when the first callback of this cron job started, per job cursor (Odoo
# calls the job again in the same worker while it reports progress)
_job_started = weakref.WeakKeyDictionary()
_clock = time.monotonic


def run(env, schemes, partners=None, trigger="manual"):
    """Recompute ``schemes`` for everyone, or for ``partners`` only (their
    commercial partners; Pareto and quantile schemes place them against the
    boundaries of their last full run, see :mod:`.classify`), in the current
    transaction.

    Returns the ``partner.segment.run`` record, or ``None`` when another run
    holds the lock (a step is under way), or, for everyone, when another run
    is unfinished.  A run of chosen partners (the near-real-time queue, a
    partner's button) goes between the steps of an unfinished run rather
    than wait for its end: what it finds replaces what that run keeps for
    its write steps (:func:`.run_sql.sync_kept_results`).
    """
    if not try_lock(env) or (partners is None and _unfinished(env)):
        _logger.info("Segmentation run skipped: another run is in progress")
        return None
    uid, env = env.uid, env(su=True)  # see run_steps.create
    run_rec = run_steps.create(env, schemes, partners, trigger, uid, "running")
    env.cr.execute(Q.CREATE_WORK_TABLES)
    run_steps.work(env, run_rec, inline=True)
    return run_rec


def queue(env, schemes, partners=None, trigger="manual"):
    """Record a run for the cron and trigger it; returns the run.  A user's
    request while a run of theirs of the same kind waits is added to that
    run: clicks pile up into one pending run, not one run each."""
    su = env(su=True)  # see run_steps.create
    pending = _pending(su, env.uid, trigger)
    if pending:
        return run_steps.merge(su, pending, schemes, partners)
    run_rec = run_steps.create(su, schemes, partners, trigger, env.uid, "queued")
    # sudo: triggering the engine's cron is the point of the button
    env.ref(PROCESS_CRON).sudo()._trigger()
    return run_rec


def run_or_queue(env, schemes, partners=None, trigger="manual"):
    """Inline when few partners are concerned and nothing else runs, else
    queued; returns the run."""
    if _partner_count(env, partners) <= INLINE_PARTNERS:
        result = run(env, schemes, partners, trigger)
        if result is not None:
            return result
    return queue(env, schemes, partners, trigger)


def _pending(env, uid, trigger):
    """The user's queued run of this kind that no step has started, locked
    (a step that starts it meanwhile makes the request create a new run)."""
    env.flush_all()
    env.cr.execute(Q.LOCK_PENDING_RUN, [uid, trigger])
    row = env.cr.fetchone()
    return env["partner.segment.run"].browse(row[0]) if row else None


def try_lock(env):
    env.cr.execute(Q.TRY_RUN_LOCK)
    return env.cr.fetchone()[0]


def _wait_lock(env):
    """The engine's lock, waiting a little (``LOCK_WAIT``) for a run of
    chosen partners (seconds long, between two steps) to end."""
    deadline = time.monotonic() + LOCK_WAIT
    while not try_lock(env):
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.1)
    return True


def _unfinished(env):
    return (
        env["partner.segment.run"]
        .sudo()
        .search_count([("status", "in", ("queued", "running"))], limit=1)
    )


def _partner_count(env, partners):
    if partners is not None:
        return len(partners.commercial_partner_id)
    env.cr.execute(Q.COUNT_COMMERCIAL_PARTNERS)
    return env.cr.fetchone()[0]


def time_limit():
    """The cron worker's time limit in seconds (Odoo's own rule: the cron
    limit, else the HTTP one)."""
    for key in ("limit_time_real_cron", "limit_time_real"):
        value = config.get(key) or 0
        if value > 0:
            return value
    return DEFAULT_TIME_LIMIT


def process(env):
    """Cron: work through the steps of the unfinished runs, oldest first,
    each step committed, until about half of the time limit is used."""
    env = env(su=True)  # the engine's own work, whoever the cron's user is
    cr = env.cr
    started = _job_started.setdefault(cr, _clock())
    budget = time_limit() / 2
    done = 0
    if _remaining_steps(env):
        # reported at once too: a call killed before its first step (taking
        # the lock, reading the run) must not count as timed out either
        _report_before_step(env, done)
        cr.commit()  # pylint: disable=invalid-commit
    while _clock() - started < budget:
        run_rec = env["partner.segment.run"].search(
            [("status", "in", ("queued", "running"))], order="id", limit=1
        )
        if not run_rec:
            break
        if not _wait_lock(env):  # an inline run holds the engine: come back soon
            env.ref(PROCESS_CRON)._trigger(fields.Datetime.now() + timedelta(minutes=1))
            break
        # the near-real-time path first: partners queued since the last
        # step are recomputed now, not after this call's remaining steps
        env["partner.segment.queue"]._process_between_steps()
        if run_rec.step_failures >= MAX_ATTEMPTS:
            run_steps.give_up(env, run_rec, MAX_ATTEMPTS)
            cr.commit()  # pylint: disable=invalid-commit
            continue
        if run_rec.step_attempts >= MAX_STARTS:
            run_steps.give_up(env, run_rec, MAX_STARTS, killed=True)
            cr.commit()  # pylint: disable=invalid-commit
            continue
        # counted before the step, so that a worker killed in it counts too
        run_rec.step_attempts += 1
        _report_before_step(env, done)
        cr.commit()  # pylint: disable=invalid-commit
        if _do_step(env, run_rec):
            done += 1
    remaining = _remaining_steps(env)
    if remaining and not done:  # our share of this worker's time is used
        env.ref(PROCESS_CRON)._trigger()
    if not remaining:
        env["partner.segment.run"]._check_scheduled_runs()
    env["ir.cron"]._notify_progress(done=done, remaining=remaining)
    return done


def _report_before_step(env, done):
    """Report progress before a step, committed with its attempt (and as a
    call starts on an unfinished run).  Odoo
    counts a call that was killed before it reported any progress as timed
    out, and after three in a row fails the job until its next interval (an
    hour for *run steps*), leaving the run stalled.  A call killed in a step
    of a run reports the work begun (the step it started), so Odoo takes the
    job again as soon as a cron worker is back, and the run goes on; the
    run's own counts bound the retries (``MAX_STARTS``)."""
    env["ir.cron"]._notify_progress(done=done + 1, remaining=_remaining_steps(env))


def _do_step(env, run_rec):
    cr = env.cr
    try:
        if not try_lock(env):
            return False
        cr.execute(Q.CREATE_WORK_TABLES)
        run_steps.work(env, run_rec, inline=False)
        run_rec.write({"step_attempts": 0, "step_failures": 0})
        cr.commit()  # pylint: disable=invalid-commit
        return True
    except Exception:
        cr.rollback()
        _logger.exception("Segmentation run %s: step failed", run_rec.id)
        run_rec.step_failures += 1
        cr.commit()  # pylint: disable=invalid-commit
        return False


def _remaining_steps(env):
    runs = env["partner.segment.run"].search([("status", "in", ("queued", "running"))])
    return sum(max(r.step_count - r.step_done, 1) for r in runs)
