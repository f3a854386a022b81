# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A cron worker killed in a step (an out-of-memory kill, a restart, Odoo's
watchdog): the step's transaction is lost, nothing else; the run goes on at
the next call, and Odoo takes the job again at once."""

import contextlib
from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import apply, run_steps
from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common_runs import ENGINE_LOG, Killed, RunStepsCase


@tagged("post_install", "-at_install")
class TestKilledSteps(RunStepsCase):
    @patch.object(run_steps, "STEP_PARTNERS", 2)
    def test_killed_worker_loses_only_its_step(self):
        run = self.queue()
        clock = iter(range(1000))
        with patch.object(engine_run, "_clock", lambda: next(clock)):
            self.process(limit=6)  # two steps: rules classified, first range written
        self.assertEqual(run.step_done, 2)
        written = self.Assignment.search_count([("scheme_id", "=", self.rules.id)])
        self.assertEqual(written, 2)
        calls = []

        def killed(*args, **kwargs):
            calls.append(args)
            raise Killed

        # (not assertRaises: Odoo's rolls back what its block did)
        with patch.object(apply, "apply_result", killed):
            try:
                self.process()
            except Killed:
                calls.append("killed")
        self.assertEqual(len(calls), 2, "killed in its step")
        self.assertEqual((run.step_done, run.step_attempts), (2, 1), "the attempt is counted")
        self.assertEqual(self.Assignment.search_count([("scheme_id", "=", self.rules.id)]), 2)
        # the server starts again: the run finishes as if nothing happened
        self.process()
        self.assertEqual((run.status, run.step_attempts), ("done", 0))
        self.assert_classified()
        self.assertEqual(run.change_count, 7)

    def kill_in_step(self, times):
        """``times`` cron calls, each killed in the first scheme's write."""

        def killed(*args, **kwargs):
            raise Killed

        for _call in range(times):
            with patch.object(apply, "apply_result", killed), contextlib.suppress(Killed):
                self.process()

    def test_killed_call_has_reported_the_step_it_started(self):
        """Odoo fails a job whose calls were killed three times before
        reporting progress (until its next interval, an hour): the step's
        start is reported and committed with its attempt."""
        run = self.queue()
        self.kill_in_step(1)
        self.assertEqual(self.progress[-1], {"done": 1, "remaining": run.step_count})
        self.assertEqual((run.step_done, run.step_attempts, run.step_failures), (0, 1, 0))

    def test_call_killed_before_its_step_has_reported_progress(self):
        """Killed while it takes the engine's lock, before any step: the call
        has reported progress too (three such kills in a row were enough for
        Odoo to fail the job until the next hour)."""
        run = self.queue()

        def killed(env):
            raise Killed

        with patch.object(engine_run, "_wait_lock", killed), contextlib.suppress(Killed):
            self.process()
        self.assertEqual(self.progress[-1], {"done": 1, "remaining": run.step_count})
        self.assertEqual((run.status, run.step_attempts), ("queued", 0))

    def test_step_killed_four_times_goes_on(self):
        run = self.queue()
        self.kill_in_step(4)
        self.assertEqual((run.step_done, run.step_attempts), (0, 4))
        self.process()
        self.assertEqual((run.status, run.step_attempts, run.error), ("done", 0, False))
        self.assert_classified()

    def test_step_killed_every_time_is_given_up(self):
        run = self.queue()
        with mute_logger(ENGINE_LOG):
            self.kill_in_step(engine_run.MAX_STARTS)
            self.process()
        self.assertEqual(run.status, "partial")
        self.assertIn("interrupted 10 times", run.error)
        self.assertEqual(self.rules.last_run_status, "failed")
