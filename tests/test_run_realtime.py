# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The near-real-time path does not wait behind a full run: an invoice
posted while a full run is worked through by the cron moves its customer's
segments at the queue's next call, between two of the full run's steps, and
the full run's later steps do not write its older result over it."""

from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.addons.partner_segmentation.engine import run_steps
from odoo.tests import tagged

from .common_runs import RunStepsCase


@tagged("post_install", "-at_install")
class TestQueueBetweenSteps(RunStepsCase):
    @patch.object(run_steps, "STEP_PARTNERS", 2)
    def test_invoice_during_a_full_run_moves_its_customer_at_once(self):
        run = self.queue()
        clock = iter(range(1000))
        with patch.object(engine_run, "_clock", lambda: next(clock)):
            self.process(limit=6)  # two steps: rules classified and kept, first range written
        self.assertEqual((run.status, run.step_done), ("running", 2))
        self.assertEqual(
            run.line_ids.filtered(lambda line: line.scheme_id == self.rules).state, "writing"
        )
        self.assertFalse(self.segment_of(self.small, self.rules), "not written yet")
        # Small buys big while the full run is under way
        self.make_invoice(self.small, 3000)
        self.env["partner.segment.queue"]._cron_process()
        self.assertEqual(self.segment_of(self.small, self.rules), self.large, "moved at once")
        self.assertEqual(run.status, "running")
        # the full run ends; its kept result for Small was the older one
        self.process()
        self.assertEqual(run.status, "done")
        self.assertEqual(self.segment_of(self.small, self.rules), self.large)
        self.assertEqual(self.segment_of(self.big, self.rules), self.large)
        history = self.History.search(
            [("scheme_id", "=", self.rules.id), ("partner_id", "=", self.small.id)]
        )
        self.assertEqual(history.to_segment_id, self.large, "one move, never back")

    @patch.object(run_steps, "STEP_PARTNERS", 2)
    def test_the_run_steps_worker_takes_the_queue_before_its_next_step(self):
        """The cron worker of the full run recomputes the queued partners
        before its next step: the customer moves after the step under way,
        not after the rest of the worker's call."""
        run = self.queue()
        clock = iter(range(1000))
        with patch.object(engine_run, "_clock", lambda: next(clock)):
            self.process(limit=6)  # two steps
        self.make_invoice(self.small, 3000)
        self.assertTrue(self.env["partner.segment.queue"].search([]))
        steps = run.step_done
        clock = iter(range(1000))
        with patch.object(engine_run, "_clock", lambda: next(clock)):
            self.process(limit=4)  # one step
        self.assertEqual(run.step_done, steps + 1, "one step of the full run, not more")
        self.assertEqual(run.status, "running")
        self.assertFalse(self.env["partner.segment.queue"].search([]), "the queue was taken")
        self.assertEqual(self.segment_of(self.small, self.rules), self.large, "moved already")
        partial = self.env["partner.segment.run"].search([("trigger", "=", "queue")])
        self.assertEqual((len(partial), partial.status), (1, "done"))
        self.process()
        self.assertEqual(run.status, "done")
        self.assertEqual(self.segment_of(self.small, self.rules), self.large)
        history = self.History.search(
            [("scheme_id", "=", self.rules.id), ("partner_id", "=", self.small.id)]
        )
        self.assertEqual(history.to_segment_id, self.large, "one move, never back")

    @patch.object(run_steps, "STEP_PARTNERS", 2)
    def test_a_failing_recompute_between_steps_leaves_the_run_going(self):
        run = self.queue()
        self.make_invoice(self.small, 3000)
        queue = type(self.env["partner.segment.queue"])
        with (
            patch.object(queue, "_recompute", side_effect=ValueError("broken")),
            self.assertLogs(
                "odoo.addons.partner_segmentation.models.partner_segment_queue", "ERROR"
            ),
        ):
            self.process()
        self.assertEqual(run.status, "done", "the full run went on")
        self.assertEqual(
            self.env["partner.segment.queue"].search([]).partner_id,
            self.small,
            "the queued partner is back for the queue's cron",
        )

    def test_a_run_of_chosen_partners_waits_only_for_a_step(self):
        run = self.queue()
        self.assertEqual(run.status, "queued")
        partial = engine_run.run(self.env, self.rules, partners=self.big)
        self.assertTrue(partial, "not refused while a full run waits")
        self.assertEqual(self.segment_of(self.big, self.rules), self.large)
        self.assertIsNone(engine_run.run(self.env, self.rules), "a full run waits for it")
        self.process()
        self.assertEqual(run.status, "done")
        self.assert_classified()
