# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Runs as cron work: committed steps, the time limit, progress, bounded
retries of failing steps, the lock, the buttons, the run's counts and the
managers' alert (killed workers: test_run_kills.py)."""

import datetime
from unittest.mock import patch

from odoo import api
from odoo.addons.partner_segmentation.engine import notify, run_steps
from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.addons.partner_segmentation.engine import run_sql as Q
from odoo.tests import new_test_user, tagged
from odoo.tools import mute_logger

from .common_runs import ENGINE_LOG, RunStepsCase


@tagged("post_install", "-at_install")
class TestRunSteps(RunStepsCase):
    # -- steps, progress, time limit -------------------------------------------
    @patch.object(run_steps, "STEP_PARTNERS", 2)
    def test_queued_run_in_committed_steps(self):
        triggers = self.triggers()
        run = self.queue()
        self.assertEqual(run.status, "queued")
        self.assertTrue(self.triggers() - triggers, "the button triggers the cron")
        self.assertFalse(self.Assignment.search([("scheme_id", "=", self.rules.id)]))
        done = self.process()
        self.assertEqual(run.status, "done")
        # rules: classify (3 partners > 2 per step) + 2 write steps; pareto
        # (4 partners): classify + 2 write steps; notes; segment actions;
        # the three report steps
        self.assertEqual(done, 11)
        self.assertEqual((run.step_done, run.step_count, run.progress), (11, 11, 100.0))
        self.assertEqual(self.progress[-1], {"done": 11, "remaining": 0})
        self.assert_classified()
        rules_line = run.line_ids.filtered(lambda line: line.scheme_id == self.rules)
        self.assertEqual(
            (rules_line.partner_count, rules_line.entered, rules_line.left, rules_line.stayed),
            (3, 3, 0, 0),
        )
        self.env.cr.execute("SELECT COUNT(*) FROM partner_segment_run_result")
        self.assertEqual(self.env.cr.fetchone()[0], 0, "kept results are dropped when written")
        # the write steps keep the ranking value in the history, as an inline run does
        pareto_history = self.History.search(
            [("run_id", "=", run.id), ("scheme_id", "=", self.pareto.id)]
        )
        self.assertEqual(
            {h.partner_id: h.metric_value for h in pareto_history},
            {self.big: 5000.0, self.mid: 1500.0, self.small: 100.0, self.none: 0.0},
        )
        # the drill-down shows that run's history rows of that scheme
        action = rules_line.action_view_history()
        self.assertEqual(
            self.History.search(action["domain"]).partner_id, self.big | self.mid | self.small
        )
        # a second run: nothing changes, everyone stayed
        run2 = self.queue()
        self.process()
        line = run2.line_ids.filtered(lambda line: line.scheme_id == self.rules)
        self.assertEqual((line.entered, line.left, line.stayed, run2.change_count), (0, 0, 3, 0))

    def test_stops_starting_steps_at_half_the_time_limit(self):
        run = self.queue()
        clock = iter(range(1000))
        with patch.object(engine_run, "_clock", lambda: next(clock)):
            # limit 4 s: 2 s of budget, one tick per step check: one step
            done = self.process(limit=4)
        self.assertEqual((done, run.step_done, run.status), (1, 1, "running"))
        self.assertEqual(self.progress[-1], {"done": 1, "remaining": run.step_count - 1})
        # Odoo calls again at once in the same worker: the budget is spent,
        # nothing is started, the cron is triggered for the next worker loop
        triggers = self.triggers()
        with (
            patch.object(engine_run, "time_limit", lambda: 4),
            patch.object(engine_run, "_clock", lambda: 10**6),
            self.registry.cursor() as cr,
        ):
            env = api.Environment(cr, self.env.uid, {})
            engine_run._job_started[cr] = 0
            self.assertEqual(engine_run.process(env), 0)
        self.env.invalidate_all()
        self.assertEqual(self.progress[-1]["done"], 0)
        self.assertTrue(self.triggers() - triggers)
        self.assertEqual(run.step_done, 1)
        # the next calls resume where it stopped
        self.process()
        self.assertEqual(run.status, "done")
        self.assert_classified()

    # -- faults ------------------------------------------------------------------
    def test_step_that_keeps_failing_is_given_up(self):
        self.rules.post_chatter = True
        run = self.queue()
        with (
            patch.object(notify, "post_chatter", side_effect=RuntimeError("mail server down")),
            mute_logger(ENGINE_LOG),
        ):
            for _call in range(engine_run.MAX_ATTEMPTS + 1):
                self.process()
        self.assertEqual(run.status, "partial", "the notes were skipped, the rest is done")
        self.assertIn("3 times", run.error)
        self.assert_classified()

    def test_last_step_that_keeps_failing_ends_the_run_failed(self):
        run = self.queue()
        with (
            patch.object(run_steps.run_end, "finish_step", side_effect=RuntimeError("hook broken")),
            mute_logger(ENGINE_LOG),
        ):
            self.process()
        self.assertEqual((run.status, run.stage, run.step_attempts), ("failed", "ended", 0))
        self.assertIn("Last step", run.error)
        self.assert_classified()  # what the scheme steps wrote stays
        self.process()  # nothing left to do: no error, no step
        self.assertEqual(self.progress[-1], {"done": 0, "remaining": 0})

    def test_failing_scheme_is_recorded_and_the_run_goes_on(self):
        run = self.queue()
        real = run_steps.classify.classify

        def classify(env, scheme, scope):
            if scheme == self.rules:
                raise ValueError("broken rules")
            return real(env, scheme, scope)

        with (
            patch.object(run_steps.classify, "classify", classify),
            mute_logger("odoo.addons.partner_segmentation.engine.run_steps"),
        ):
            self.process()
        self.assertEqual(run.status, "partial")
        self.assertIn("broken rules", run.error)
        self.assertEqual(self.rules.last_run_status, "failed")
        self.assertEqual(self.pareto.last_run_status, "done")
        self.assertEqual(self.codes(self.partners, self.pareto), ["A", "C", "C", "C"])

    # -- after the run: the reports' refresh, a step each ----------------------------
    def test_reports_refresh_in_steps_of_their_own(self):
        run = self.queue()
        clock = iter(range(1000))
        stages = []
        with patch.object(engine_run, "_clock", lambda: next(clock)):
            while run.status in ("queued", "running") and len(stages) < 20:
                self.process(limit=4)  # a budget of one step per call
                stages.append((run.stage, run.after_cursor))
        # two schemes, the notes, segment actions, then the three report steps
        self.assertEqual(stages[3:], [("after", 0), ("after", 1), ("after", 2), ("ended", 3)])
        self.assertEqual((run.status, run.step_done, run.step_count), ("done", 7, 7))
        sizes = self.env["partner.segment.report.size"].search(
            [("scheme_id", "=", self.rules.id), ("date", "=", run.date_ref)]
        )
        self.assertEqual(sum(sizes.mapped("partner_count")), 3)
        pareto = self.env["partner.segment.report.pareto"].search(
            [("scheme_id", "=", self.pareto.id), ("kind", "=", "boundary")]
        )
        self.assertEqual(pareto.segment_id.mapped("code"), ["A", "C"])
        # a run of chosen partners leaves the reports to the next full run
        partial = engine_run.run(self.env, self.rules, partners=self.big)
        self.assertEqual((partial.stage, partial.after_cursor, partial.step_done), ("ended", 0, 2))

    def test_after_run_step_that_keeps_failing_is_skipped(self):
        run = self.queue()
        Scheme = type(self.Scheme)
        with (
            patch.object(Scheme, "_report_step_sizes", side_effect=RuntimeError("disk full")),
            patch.object(Scheme, "_report_step_products", autospec=True) as products,
            mute_logger(ENGINE_LOG),
        ):
            for _call in range(engine_run.MAX_ATTEMPTS + 1):
                self.process()
        self.assertEqual((run.status, run.stage, run.step_attempts), ("partial", "ended", 0))
        self.assertIn("After the run: a step failed 3 times", run.error)
        self.assertEqual(products.call_count, 1, "the steps after the skipped one still run")
        self.assertEqual(run.after_cursor, 3)
        self.assert_classified()
        self.assertFalse(
            self.env["partner.segment.report.size"].search_count(
                [("scheme_id", "=", self.rules.id), ("date", "=", run.date_ref)]
            )
        )
        # the Pareto curve is drawn as its scheme is classified
        self.assertTrue(
            self.env["partner.segment.report.pareto"].search_count(
                [("scheme_id", "=", self.pareto.id)]
            )
        )

    def test_pareto_curve_is_the_ranking_of_the_classification(self):
        """A full run draws the curve from the ranking it just computed (its
        result and metric values, no second scan), again the same at the next
        full run; a failing curve never fails its scheme, and a run of chosen
        partners leaves it alone."""
        Pareto = self.env["partner.segment.report.pareto"]

        def curve():
            rows = Pareto.search([("scheme_id", "=", self.pareto.id)])
            return sorted(
                (r.kind, r.segment_id.code or "", r.customer_percent, round(r.metric_share, 2))
                for r in rows
            )

        run = engine_run.run(self.env, self.rules | self.pareto)
        drawn = curve()
        # Big alone (1 of the 3 partners with revenue: the 4th, without, is
        # off the curve) holds 5,000 of the 6,600 revenue; then C
        self.assertEqual(
            [row for row in drawn if row[0] == "boundary"],
            [("boundary", "A", 34, round(100 * 5000 / 6600, 2)), ("boundary", "C", 100, 100.0)],
        )
        self.assertEqual([row[:2] for row in drawn if row[0] == "none"], [("none", "C")])
        Pareto.search([]).unlink()
        engine_run.run(self.env, self.rules | self.pareto)
        self.assertEqual(curve(), drawn, "the next full run draws it again, the same")
        Pareto.search([]).unlink()
        engine_run.run(self.env, self.rules | self.pareto, partners=self.big)
        self.assertFalse(curve())
        with (
            patch.object(type(Pareto), "_refresh", side_effect=RuntimeError("no curve")),
            mute_logger("odoo.addons.partner_segmentation.report.partner_segment_scheme"),
        ):
            run = engine_run.run(self.env, self.rules | self.pareto)
        self.assertEqual(run.status, "done")
        self.assertEqual(self.pareto.last_run_status, "done")

    # -- the lock ------------------------------------------------------------------
    def test_lock_held_elsewhere_means_no_step(self):
        run = self.queue()
        self.registry.leave_test_mode()
        try:
            with self.registry.cursor() as other_cr:
                other_cr.execute(Q.TRY_RUN_LOCK)
                self.assertTrue(other_cr.fetchone()[0])
                self.registry.enter_test_mode(self.cr)
                try:
                    triggers = self.triggers()
                    with patch.object(engine_run, "LOCK_WAIT", 0.3):
                        self.assertEqual(self.process(), 0)
                    self.assertEqual(run.status, "queued")
                    self.assertTrue(self.triggers() - triggers, "comes back in a minute")
                    # and no inline run either while the lock is held
                    self.assertIsNone(engine_run.run(self.env, self.rules))
                    self.assertIsNone(engine_run.run(self.env, self.rules, partners=self.big))
                finally:
                    self.registry.leave_test_mode()
                other_cr.rollback()
        finally:
            self.registry.enter_test_mode(self.cr)
        self.process()
        self.assertEqual(run.status, "done")

    # -- buttons, notification -------------------------------------------------------
    def test_buttons_queue_large_selections_and_notify_the_requester(self):
        manager = new_test_user(
            self.env,
            "seg_manager_runs",
            groups="base.group_user,partner_segmentation.group_segmentation_manager",
        )
        salesperson = new_test_user(
            self.env, "seg_sales_runs", groups="sales_team.group_sale_salesman"
        )
        with patch.object(engine_run, "INLINE_PARTNERS", 0):
            action = self.rules.with_user(manager).action_recompute()
            self.assertIn("queued", action["params"]["message"])
            action = self.big.with_user(salesperson).action_segment_recompute()
            self.assertIn("queued", action["params"]["message"])
        runs = self.env["partner.segment.run"].search([("status", "=", "queued")])
        self.assertEqual(runs.user_id, manager | salesperson)
        self.assertEqual(
            runs.filtered(lambda r: r.user_id == salesperson).partner_scope,
            {"partners": [self.big.id]},
        )
        sent = []
        with patch.object(
            type(self.env["res.users"]),
            "_bus_send",
            lambda users, kind, payload, **kw: sent.append((users.id, kind, payload["title"])),
        ):
            self.process()
        self.assertEqual(set(runs.mapped("status")), {"done"})
        for user in (manager, salesperson):
            self.assertIn((user.id, "simple_notification", "Segmentation run ended"), sent)
        # a small selection runs at once (no cron)
        action = self.mid.with_user(salesperson).action_segment_recompute()
        self.assertIn("Partners classified: ", action["params"]["message"])

    # -- the managers' alert ---------------------------------------------------------
    def test_failed_or_late_scheduled_run_alerts_managers_once(self):
        Run = self.env["partner.segment.run"]
        manager = new_test_user(
            self.env,
            "seg_manager_alert",
            groups="base.group_user,partner_segmentation.group_segmentation_manager",
        )
        scheduled = self.Scheme._cron_recompute()
        self.assertEqual((scheduled.trigger, scheduled.status), ("cron", "queued"))
        self.process()
        self.assertEqual(scheduled.status, "done")
        self.assertFalse(Run._scheduled_run_alert())
        self.assertFalse(self.rules.run_alert)
        # two days later, no scheduled run completed since
        scheduled.date_end = scheduled.date_end - datetime.timedelta(days=2)
        self.assertIn("over a day", Run._scheduled_run_alert())
        self.assertTrue(Run._check_scheduled_runs())
        activities = self.env["mail.activity"].search([("res_model", "=", "partner.segment.run")])
        self.assertIn(manager, activities.user_id)
        self.assertEqual(len(activities.filtered(lambda a: a.user_id == manager)), 1)
        self.rules.invalidate_recordset(["run_alert"])
        self.assertIn("over a day", self.rules.run_alert)
        # the next day: still late, no second activity
        self.assertFalse(Run._check_scheduled_runs())
        self.assertEqual(
            self.env["mail.activity"].search_count([("res_model", "=", "partner.segment.run")]),
            len(activities),
        )
        # a failed scheduled run is reported too, once the earlier one is done
        activities.action_done()
        failed = Run.create(
            {
                "date_start": self.env.cr.now(),
                "trigger": "cron",
                "status": "failed",
                "stage": "ended",
            }
        )
        self.assertIn("failed", Run._scheduled_run_alert())
        self.assertTrue(Run._check_scheduled_runs())
        self.assertTrue(failed.activity_ids)
