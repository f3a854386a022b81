# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Fit Now and Back-test on a large source: queued for the forecasts cron,
nothing fitted in the request; the cron fits (or back-tests) and tells the
user who asked; a worker killed in the job leaves the request counted and
it is made at the next call, given up after a few starts; a failing job
records why and the other forecasts go on.  A small source is still fitted
at once.  Refused to those who may not fit, nothing queued."""

from unittest.mock import patch

from odoo.addons.partner_segmentation.models.forecast import partner_segment_forecast_job as job
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common_runs import Killed
from .test_forecast import ForecastCase


@tagged("post_install", "-at_install")
class TestForecastJobs(ForecastCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "fc_job_manager",
            groups="base.group_user,partner_segmentation.group_segmentation_manager,"
            "sales_team.group_sale_salesman_all_leads",
        )
        cls.user = new_test_user(
            cls.env,
            "fc_job_user",
            groups="base.group_user,partner_segmentation.group_segmentation_user",
        )
        cls.cron = cls.env.ref(job.CRON)
        cls.Forecast = cls.env["partner.segment.forecast"]

    def setUp(self):
        super().setUp()
        # PostgreSQL's estimate of the orders (a few hundred) above the limit
        self.env.cr.execute("ANALYZE sale_order")
        self.assertGreater(self.forecast._source_records(), 100)
        self.env["ir.config_parameter"].set_param(job.INLINE_RECORDS_PARAM, "100")
        job._job_started.pop(self.env.cr, None)
        self.sent = []
        patcher = patch.object(
            type(self.env["res.users"]),
            "_bus_send",
            lambda users, kind, payload, **kw: self.sent.append((users.id, kind, payload)),
        )
        patcher.start()
        self.addCleanup(patcher.stop)

    def triggers(self):
        return self.env["ir.cron.trigger"].search_count([("cron_id", "=", self.cron.id)])

    def run_cron(self):
        """The cron's call, its commits counted (a test may not commit)."""
        job._job_started.pop(self.env.cr, None)
        commits = []
        with patch.object(self.env.cr, "commit", lambda: commits.append(1)):
            self.Forecast._cron_jobs()
        self.env.invalidate_all()
        return len(commits)

    def test_large_source_fit_queued_then_made_by_the_cron(self):
        triggers = self.triggers()
        action = self.forecast.with_user(self.manager).action_request_fit()
        self.assertEqual(action["tag"], "display_notification")
        self.assertIn("The fit is queued", action["params"]["message"])
        self.assertRecordValues(
            self.forecast,
            [{"fit_queued": True, "backtest_queued": False, "job_user_id": self.manager.id}],
        )
        self.assertEqual(self.forecast.state, "new", "nothing fitted in the request")
        self.assertEqual(self.triggers(), triggers + 1, "the cron is woken")
        # asked again while it is under way (started once): left as it is
        self.forecast.job_starts = 1
        self.forecast.with_user(self.manager).action_request_fit()
        self.assertRecordValues(self.forecast, [{"fit_queued": True, "job_starts": 1}])
        self.forecast.job_starts = 0
        self.assertEqual(self.run_cron(), 2, "started, then done: each committed")
        self.assertEqual(self.forecast.state, "fitted", self.forecast.error)
        self.assertTrue(self.forecast.date_fitted)
        self.assertRecordValues(
            self.forecast, [{"fit_queued": False, "job_user_id": self.manager.id, "job_starts": 0}]
        )
        [(user, kind, payload)] = self.sent
        self.assertEqual(
            (user, kind, payload["type"]), (self.manager.id, "simple_notification", "success")
        )
        self.assertEqual(payload["message"], "The fit of forecast 'Orders' ended.")
        self.assertEqual(self.run_cron(), 0, "nothing left")

    def test_large_source_backtest_queued_then_made(self):
        self.forecast.action_fit()
        self.forecast.with_user(self.manager).action_request_backtest()
        self.assertTrue(self.forecast.backtest_queued)
        self.assertFalse(self.forecast.backtest_line_ids)
        self.run_cron()
        self.assertTrue(self.forecast.backtest_line_ids)
        self.assertFalse(self.forecast.backtest_queued)
        self.assertEqual(self.sent[0][2]["message"], "The back-test of forecast 'Orders' ended.")

    def test_small_source_still_fitted_at_once(self):
        self.env["ir.config_parameter"].set_param(job.INLINE_RECORDS_PARAM, "100000")
        triggers = self.triggers()
        self.assertIs(self.forecast.with_user(self.manager).action_request_fit(), True)
        self.assertEqual(self.forecast.state, "fitted")
        self.assertFalse(self.forecast.fit_queued)
        self.assertEqual(self.triggers(), triggers)
        self.assertFalse(self.sent)

    def test_worker_killed_in_the_job_made_at_the_next_call(self):
        self.forecast.with_user(self.manager).action_request_fit()
        progress = []
        Cron = type(self.env["ir.cron"])
        Forecast = type(self.Forecast)
        fit = Forecast._fit

        def killed(forecast, today, *args):
            fit(forecast, today, *args)  # fitted, then the worker dies before its commit
            raise Killed

        # the cron's call, its commits kept (savepoints), the killed job's
        # work lost (rolled back to the last commit)
        cr = self.env.cr

        def commit():
            self.env.flush_all()  # as a commit does
            cr.execute("SAVEPOINT psseg_test_commit")

        with (
            patch.object(Cron, "_notify_progress", lambda cron, **kw: progress.append(kw)),
            patch.object(Forecast, "_fit", killed),
            patch.object(cr, "commit", commit),
        ):
            try:
                self.Forecast._cron_jobs()
                progress.append("not killed")
            except Killed:
                cr.execute("ROLLBACK TO SAVEPOINT psseg_test_commit")
        self.env.invalidate_all()
        self.assertEqual(progress, [{"done": 1, "remaining": 1}], "work begun, reported before")
        self.assertRecordValues(
            self.forecast, [{"state": "new", "fit_queued": True, "job_starts": 1}]
        )
        self.assertFalse(self.sent)
        self.run_cron()
        self.assertRecordValues(
            self.forecast, [{"state": "fitted", "fit_queued": False, "job_starts": 0}]
        )
        self.assertEqual(len(self.sent), 1)

    def test_job_never_ending_is_given_up(self):
        self.forecast.with_user(self.manager).action_request_fit()
        self.forecast.job_starts = job.MAX_STARTS
        self.run_cron()
        self.assertRecordValues(self.forecast, [{"state": "new", "fit_queued": False}])
        self.assertIn("started 3 times without ending", self.forecast.error)
        [(_user, _kind, payload)] = self.sent
        self.assertEqual(payload["type"], "warning")
        self.assertIn("started 3 times without ending", payload["message"])

    def test_failing_job_recorded_the_others_go_on(self):
        other = self.Forecast.create(self.forecast_values(name="Other orders"))
        (self.forecast | other).with_user(self.manager).action_request_fit()
        Forecast = type(self.Forecast)
        fit = Forecast._fit

        def failing(forecast, today, *args):
            if forecast == self.forecast:
                raise RuntimeError("no memory left")
            return fit(forecast, today, *args)

        with patch.object(Forecast, "_fit", failing):
            self.run_cron()
        self.assertRecordValues(
            self.forecast | other,
            [
                {"state": "new", "fit_queued": False, "error": "no memory left"},
                {"state": "fitted", "fit_queued": False, "error": False},
            ],
        )
        messages = [payload["message"] for _u, _k, payload in self.sent]
        self.assertEqual(
            messages,
            [
                "The fit of forecast 'Orders' ended: no memory left",
                "The fit of forecast 'Other orders' ended.",
            ],
        )

    def test_cannot_fit_says_why(self):
        self.forecast.min_repeat_customers = 100000
        self.forecast.with_user(self.manager).action_request_fit()
        self.run_cron()
        self.assertEqual(self.forecast.state, "insufficient")
        [(_user, _kind, payload)] = self.sent
        self.assertEqual(payload["type"], "warning")
        self.assertIn("Cannot fit:", payload["message"])

    def test_user_refused_nothing_queued(self):
        for action in ("action_request_fit", "action_request_backtest"):
            with self.assertRaises(AccessError):
                getattr(self.forecast.with_user(self.user), action)()
        self.assertRecordValues(self.forecast, [{"fit_queued": False, "backtest_queued": False}])
        # nor may anyone set the request's fields by hand
        with self.assertRaises(AccessError):
            self.forecast.with_user(self.user).write({"fit_queued": True})

    def test_job_watches_its_client(self):
        """A worker killed in the job leaves no statement running on (and
        holding the kept figures) for the next: PostgreSQL checks its
        client during the job's statements."""
        if self.env.cr._cnx.server_version < 140000:
            self.skipTest("client_connection_check_interval came with PostgreSQL 14")
        self.forecast.with_user(self.manager).action_request_fit()
        seen = []
        Forecast = type(self.Forecast)
        fit = Forecast._fit

        def watched(forecast, today, *args):
            forecast.env.cr.execute("SHOW client_connection_check_interval")
            seen.append(forecast.env.cr.fetchone()[0])
            return fit(forecast, today, *args)

        with patch.object(Forecast, "_fit", watched):
            self.run_cron()
        self.assertEqual(seen, ["1s"])
        self.assertEqual(self.forecast.state, "fitted")
