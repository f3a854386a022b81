# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import logging
import time

from odoo import api, fields, models
from odoo.tools import SQL

from ...engine import run as engine_run
from ...engine import run_sql
from ...engine.common import today_of

_logger = logging.getLogger(__name__)

CRON = "partner_segmentation.ir_cron_forecast_jobs"
# above this many records in the source's table (PostgreSQL's estimate), a
# fit or a back-test asked for from the form is queued for the forecasts
# cron, not made in the request: about 500,000 orders take a few seconds,
# 10 million take 20 s to fit and 50 s to back-test (see bench/results.md)
INLINE_RECORDS_PARAM = "partner_segmentation.forecast_inline_records"
INLINE_RECORDS = 500000
# a job started this many times without ending (its worker killed each
# time: out of memory, say) is given up, its reason recorded
MAX_STARTS = 3

# when the forecasts cron job's first call in a worker began (per cursor)
_job_started = {}


class PartnerSegmentForecastJob(models.AbstractModel):
    """A fit or a back-test asked for from the form: made at once for a
    small source, else queued for the forecasts cron (committed before, so
    that a worker killed in it leaves the request for the next call), the
    user who asked told when it ends.  Mixed into
    ``partner.segment.forecast`` (whose fields these methods read and write)."""

    _name = "partner.segment.forecast.job"
    _description = "Segmentation Forecast: Jobs"

    fit_queued = fields.Boolean(readonly=True, copy=False)
    backtest_queued = fields.Boolean(string="Back-test Queued", readonly=True, copy=False)
    job_user_id = fields.Many2one("res.users", string="Asked By", readonly=True, copy=False)
    job_starts = fields.Integer(readonly=True, copy=False)

    # ------------------------------------------------------------------
    # The form's buttons
    # ------------------------------------------------------------------
    def action_request_fit(self):
        """Fit Now: at once for a small source, else queued."""
        return self._request("fit")

    def action_request_backtest(self):
        """Back-test: at once for a small source, else queued."""
        return self._request("backtest")

    def _request(self, job):
        self.check_access("write")
        large = self.filtered(lambda f: f._source_records() > self._inline_records())
        small = self - large
        if small:
            small.action_fit() if job == "fit" else small.action_backtest()
        if not large:
            return True
        # sudo: the request's own fields (read-only in the form), on
        # forecasts the user may write (checked above); one already queued
        # is left as it is (its job may be under way)
        large.filtered(lambda f: not f[f"{job}_queued"]).sudo().write(
            {f"{job}_queued": True, "job_user_id": self.env.uid}
        )
        self.env.ref(CRON).sudo()._trigger()  # sudo: the cron is the engine's
        message = (
            self.env._("The fit is queued: you will be notified when it ends.")
            if job == "fit"
            else self.env._("The back-test is queued: you will be notified when it ends.")
        )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "title": self.env._("Forecast"),
                "message": message,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _inline_records(self):
        value = self.env["ir.config_parameter"].sudo().get_param(INLINE_RECORDS_PARAM)
        try:
            return int(value) if value else INLINE_RECORDS
        except ValueError:
            return INLINE_RECORDS

    def _source_records(self):
        """PostgreSQL's estimate of the rows of the source's table (0
        before it was first analysed): cheap at any size."""
        self.ensure_one()
        model = self.env.get(self.model_id.model)
        if model is None or not model._auto:
            return 0
        self.env.cr.execute(
            SQL(
                "SELECT GREATEST(reltuples, 0)::bigint FROM pg_class WHERE oid = to_regclass(%s)",
                model._table,
            )
        )
        row = self.env.cr.fetchone()
        return row[0] if row else 0

    # ------------------------------------------------------------------
    # The cron
    # ------------------------------------------------------------------
    def _queued(self):
        return self.with_context(active_test=False).search(
            ["|", ("fit_queued", "=", True), ("backtest_queued", "=", True)], order="id"
        )

    @api.model
    def _cron_jobs(self):
        """Cron: the queued fits and back-tests, one forecast at a time,
        each started (counted, reported, committed) then made and
        committed; none started once the job's calls in this worker used
        half of its time limit (a trigger for the rest)."""
        started = _job_started.setdefault(self.env.cr, time.monotonic())
        budget = engine_run.time_limit() / 2
        queued = self._queued()
        for done, forecast in enumerate(queued, start=1):
            if time.monotonic() - started > budget:
                self.env.ref(CRON)._trigger()
                self.env["ir.cron"]._notify_progress(done=0, remaining=len(queued) - done + 1)
                return
            if forecast.job_starts >= MAX_STARTS:
                forecast._end_job(
                    self.env._(
                        "The job was started %(count)s times without ending (its worker was "
                        "stopped each time); it was given up.",
                        count=forecast.job_starts,
                    )
                )
            else:
                # counted and reported before the work, committed: a worker
                # killed in it leaves the request and Odoo sees work begun
                forecast.job_starts += 1
                self.env["ir.cron"]._notify_progress(done=done, remaining=len(queued) - done + 1)
                self.env.cr.commit()  # pylint: disable=invalid-commit
                forecast._run_job()
            self.env["ir.cron"]._notify_progress(done=done, remaining=len(queued) - done)
            self.env.cr.commit()  # pylint: disable=invalid-commit

    def _run_job(self):
        """The queued fit, then the queued back-test, for today in the
        asking user's time zone; an error is recorded on the forecast."""
        self.ensure_one()
        today = today_of(self.env(user=self.job_user_id.id or self.env.uid))
        self.env.cr.execute(run_sql.watch_client())
        error = False
        try:
            with self.env.cr.savepoint():
                if self.fit_queued:
                    self._fit(today)
                if self.backtest_queued:
                    self._backtest(today)
        except Exception as exc:  # recorded, the other forecasts go on
            _logger.exception("Forecast %s: the queued job failed", self.id)
            error = str(exc)
        self._end_job(error)

    def _end_job(self, error=False):
        """Clear the request, record ``error`` (where the job's result would
        be) and tell the user who asked."""
        self.ensure_one()
        fit, backtest = self.fit_queued, self.backtest_queued
        if error:
            self.write({"backtest_error" if backtest and not fit else "error": error})
        elif fit and self.error:
            error = self.error  # why it cannot fit, or did not converge
        elif backtest and self.backtest_error:
            error = self.backtest_error
        user = self.job_user_id
        self.write({"fit_queued": False, "backtest_queued": False, "job_starts": 0})
        if not user or user._is_public():
            return
        env = self.with_context(lang=user.lang).env
        name = self.with_env(env).display_name
        # whole sentences, for the translators
        if fit and backtest:
            message = (
                env._(
                    "The fit and the back-test of forecast '%(name)s' ended: %(error)s",
                    name=name,
                    error=error,
                )
                if error
                else env._("The fit and the back-test of forecast '%(name)s' ended.", name=name)
            )
        elif fit:
            message = (
                env._("The fit of forecast '%(name)s' ended: %(error)s", name=name, error=error)
                if error
                else env._("The fit of forecast '%(name)s' ended.", name=name)
            )
        else:
            message = (
                env._(
                    "The back-test of forecast '%(name)s' ended: %(error)s", name=name, error=error
                )
                if error
                else env._("The back-test of forecast '%(name)s' ended.", name=name)
            )
        user._bus_send(
            "simple_notification",
            {
                "type": "warning" if error else "success",
                "title": env._("Forecast"),
                "message": message,
                "sticky": bool(error),
            },
        )
