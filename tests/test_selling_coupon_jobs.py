# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Coupons for a large segment: the wizard records a job and creates no
coupon in the request; the coupons cron generates one coupon per customer
in committed steps, codes unique, and a step rolled back is redone, never
doubled: a worker killed midway in a step leaves the step's start counted
and reported (Odoo takes the job again at once), nothing of its coupons,
and the step is redone once; a step that never finishes is given up; the
requesting user is told when they are there. Jobs are read by
the sales administrators of their company and written by nobody by hand;
small segments keep their coupons at once."""

import contextlib
import time
from unittest.mock import patch

from odoo import api
from odoo.exceptions import AccessError
from odoo.tests import tagged

from ..models.selling import partner_segment_coupon_job as coupon_job
from .common_runs import Killed
from .test_selling_coupons import SegmentCouponsCase


@tagged("post_install", "-at_install")
class TestSegmentCouponJobs(SegmentCouponsCase):
    def setUp(self):
        super().setUp()
        # the segment (2 customers) is "large"; one customer per step
        for name, value in (("COUPON_JOB_THRESHOLD", 1), ("COUPON_STEP_PARTNERS", 1)):
            patcher = patch.object(coupon_job, name, value)
            patcher.start()
            self.addCleanup(patcher.stop)
        self.Job = self.env["partner.segment.coupon.job"]
        self.cron = self.env.ref("partner_segmentation.ir_cron_segment_coupons")

    def jobs(self):
        return self.Job.search([("segment_id", "=", self.big.id)])

    def run_cron(self, started=None):
        """The cron's call, its commits counted (a test may not commit), as
        the first call of the cron job in its worker, or as a further call
        of a job whose first one started at ``started`` (monotonic)."""
        coupon_job._job_started.pop(self.env.cr, None)
        if started is not None:
            coupon_job._job_started[self.env.cr] = started
        commits = []
        with patch.object(self.env.cr, "commit", lambda: commits.append(1)):
            self.Job._cron_generate()
        self.env.invalidate_all()
        return len(commits)

    def queue(self):
        wizard = self.wizard(self.sales_manager)
        wizard.valid_until = "2031-06-30"
        wizard.points_granted = 3
        return wizard.generate_coupons()

    def test_large_segment_queues_a_job_and_creates_no_coupon(self):
        triggers = self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])
        action = self.queue()
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"], "2 coupons are being generated; you will be notified."
        )
        self.assertFalse(self.cards(), "nothing generated in the request")
        job = self.jobs()
        self.assertEqual(len(job), 1)
        self.assertRecordValues(
            job,
            [
                {
                    "program_id": self.program.id,
                    "state": "queued",
                    "user_id": self.sales_manager.id,
                    "company_id": self.company.id,
                    "coupon_qty": 2,
                    "points": 3,
                    "done_count": 0,
                    "last_partner_id": 0,
                }
            ],
        )
        self.assertIn(self.big.display_name, job.description)
        self.assertEqual(
            self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)]),
            triggers + 1,
            "the cron is triggered",
        )
        self.assertTrue(self.cron.active, "shipped active")

    def test_cron_generates_one_coupon_per_customer_in_steps(self):
        self.queue()
        job = self.jobs()
        commits = self.run_cron()
        self.assertEqual(commits, 6, "a step per customer, then the end: each started, then done")
        self.assertEqual(job.state, "done")
        self.assertTrue(job.date_done)
        self.assertEqual(job.step_starts, 0)
        self.assertEqual(job.done_count, 2)
        cards = self.cards(self.program)
        self.assertEqual(len(cards), 2)
        self.assertEqual(cards.partner_id, self.customer | self.second, "not the contact")
        self.assertEqual(len(set(cards.mapped("code"))), 2)
        self.assertTrue(all(code.startswith("044") for code in cards.mapped("code")))
        self.assertEqual(set(cards.mapped("points")), {3.0})
        self.assertEqual({str(d) for d in cards.mapped("expiration_date")}, {"2031-06-30"})
        history = self.env["loyalty.history"].search([("card_id", "in", cards.ids)])
        self.assertEqual(history.card_id, cards)
        self.assertEqual(set(history.mapped("issued")), {3.0})
        self.assertIn(self.big.display_name, history[0].description)
        # the requesting user is told on the segment
        message = self.big.message_ids[0]
        self.assertIn("2 coupons of program", str(message.body))
        self.assertIn(self.sales_manager.partner_id, message.partner_ids)
        # nothing more on a further call
        self.assertEqual(self.run_cron(), 0)
        self.assertEqual(len(self.cards(self.program)), 2)

    def test_a_call_starts_no_step_after_its_time_and_triggers_itself(self):
        self.queue()
        job = self.jobs()
        Trigger = self.env["ir.cron.trigger"]
        triggers = Trigger.search_count([("cron_id", "=", self.cron.id)])
        budget = self.Job._call_budget()
        progress = []
        Cron = type(self.env["ir.cron"])
        # a further call of a job whose calls in this worker used the budget
        with patch.object(Cron, "_notify_progress", lambda cron, **kw: progress.append(kw)):
            self.assertEqual(self.run_cron(started=time.monotonic() - budget - 1), 0)
        self.assertEqual(progress, [{"done": 0, "remaining": 1}], "Odoo calls it no more")
        self.assertFalse(self.cards())
        self.assertEqual(job.state, "queued")
        self.assertEqual(Trigger.search_count([("cron_id", "=", self.cron.id)]), triggers + 1)

    def test_rolled_back_step_is_redone_not_doubled(self):
        self.queue()
        job = self.jobs()
        self.assertTrue(job._run_step())  # the first step, committed
        self.env.flush_all()
        self.env.cr.execute("SAVEPOINT coupon_step")
        self.assertTrue(job._run_step())  # the second, lost with its killed worker
        self.env.flush_all()
        self.assertEqual(len(self.cards(self.program)), 2)
        self.env.cr.execute("ROLLBACK TO SAVEPOINT coupon_step")
        self.env.invalidate_all()
        self.assertEqual(len(self.cards(self.program)), 1)
        self.assertEqual(job.done_count, 1)
        self.run_cron()
        cards = self.cards(self.program)
        self.assertEqual(len(cards), 2)
        self.assertEqual(cards.partner_id, self.customer | self.second)
        self.assertEqual(job.state, "done")
        self.assertEqual(job.done_count, 2)

    def test_worker_killed_midway_in_a_step_redone_once(self):
        self.queue()
        job = self.jobs()
        # (an HttpCase: the registry is in test mode, a cursor's commit stays
        # in the test's transaction, a rollback returns to the last commit)
        progress = []
        Cron = type(self.env["ir.cron"])
        History = type(self.env["loyalty.history"])
        create = History.create

        def killed(records, vals_list):
            create(records, vals_list)  # the step's coupons and their history are written
            raise Killed

        # a cron call in its own cursor: its commits stay, the killed step
        # does not (not in assertRaises: Odoo's rolls its block back)
        with (
            patch.object(Cron, "_notify_progress", lambda cron, **kw: progress.append(kw)),
            patch.object(History, "create", killed),
            contextlib.suppress(Killed),
            self.registry.cursor() as cr,
        ):
            api.Environment(cr, self.env.uid, {})["partner.segment.coupon.job"]._cron_generate()
            progress.append("not killed")
        self.env.invalidate_all()
        self.assertFalse(self.cards(), "nothing of the killed step")
        self.assertRecordValues(
            job, [{"state": "queued", "done_count": 0, "last_partner_id": 0, "step_starts": 1}]
        )
        self.assertEqual(progress, [{"done": 1, "remaining": 1}], "work begun, reported before")
        # the next call redoes it: one coupon per customer
        self.run_cron()
        cards = self.cards(self.program)
        self.assertEqual(len(cards), 2)
        self.assertEqual(cards.partner_id, self.customer | self.second)
        self.assertRecordValues(job, [{"state": "done", "done_count": 2, "step_starts": 0}])

    def test_step_never_finishing_is_given_up(self):
        self.queue()
        job = self.jobs()
        job.step_starts = coupon_job.COUPON_MAX_STARTS
        self.run_cron()
        self.assertEqual(job.state, "failed")
        self.assertIn("started 10 times without finishing", job.error)
        self.assertFalse(self.cards())
        self.assertIn("could not all be generated", str(self.big.message_ids[0].body))
        self.assertEqual(self.run_cron(), 0, "a failed job is not taken again")

    def test_failed_step_leaves_nothing_and_tells_the_user(self):
        self.queue()
        job = self.jobs()
        Card = type(self.env["loyalty.card"])
        with patch.object(Card, "_generate_code", side_effect=RuntimeError("no code")):
            self.run_cron()
        self.assertEqual(job.state, "failed")
        self.assertEqual(job.error, "no code")
        self.assertTrue(job.date_done)
        self.assertFalse(self.cards())
        self.assertIn("could not all be generated", str(self.big.message_ids[0].body))

    def test_salesperson_refused_nothing_queued(self):
        with self.refused(AccessError, "Only sales administrators"):
            self.wizard(self.salesperson).generate_coupons()
        self.assertFalse(self.jobs())
        self.queue()
        job = self.jobs()
        # nor reads it (search_read in the ORM and over RPC: test_selling_coupon_job_views)
        with self.refused(AccessError):
            job.with_user(self.salesperson).read(["state"])

    def test_jobs_read_by_sales_managers_of_their_company_written_by_nobody(self):
        self.queue()
        job = self.jobs()
        other = self.Job.create(
            {
                "program_id": self.program_other.id,
                "segment_id": self.big.id,
                "user_id": self.sales_manager.id,
                "company_id": self.company2.id,
            }
        )
        as_manager = self.Job.with_user(self.sales_manager).with_context(
            allowed_company_ids=self.company.ids
        )
        self.assertEqual(as_manager.search([("id", "in", (job | other).ids)]), job)
        self.assertEqual(as_manager.browse(job.id).state, "queued")
        with self.refused(AccessError):
            as_manager.browse(job.id).write({"state": "done"})
        with self.refused(AccessError):
            as_manager.create({"program_id": self.program.id, "segment_id": self.big.id})
        with self.refused(AccessError):
            as_manager.browse(job.id).unlink()
        self.assertEqual(job.state, "queued")

    def test_small_segment_still_at_once(self):
        with patch.object(coupon_job, "COUPON_JOB_THRESHOLD", 2):
            self.assertTrue(self.wizard(self.sales_manager).generate_coupons())
        self.assertEqual(len(self.cards(self.program)), 2)
        self.assertFalse(self.jobs())
