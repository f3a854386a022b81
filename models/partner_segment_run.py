# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from datetime import timedelta

from odoo import api, fields, models
from odoo.exceptions import UserError

from ..engine import run as engine_run

# a scheduled run that has not completed after this long is reported
LATE_AFTER = timedelta(hours=26)


class PartnerSegmentRun(models.Model):
    """One recompute: what ran, where it stands, how long, how many partners
    and changes.  Worked through in steps by a cron (see engine/run.py)."""

    _name = "partner.segment.run"
    _description = "Segmentation Run"
    _inherit = ["partner.segment.engine.record", "mail.thread", "mail.activity.mixin"]
    # segmentation managers may delete old runs
    _engine_unlink_by_hand = True
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    date_start = fields.Datetime(string="Requested", required=True, readonly=True)
    date_begin = fields.Datetime(string="Started", readonly=True)
    date_end = fields.Datetime(string="Ended", readonly=True)
    date_ref = fields.Date(
        string="Reference Day", readonly=True, help="The day the metric windows end."
    )
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    work_seconds = fields.Float(string="Working Time (s)", readonly=True, digits=(16, 3))
    trigger = fields.Selection(
        [
            ("cron", "Scheduled"),
            ("manual", "Manual"),
            ("partner", "Selected Partners"),
            ("queue", "Queued Changes"),
        ],
        readonly=True,
    )
    partial = fields.Boolean(
        string="Chosen Partners Only",
        readonly=True,
        help="A run of chosen partners: the schemes keep the facts of their last full run.",
    )
    user_id = fields.Many2one("res.users", string="Requested by", readonly=True)
    scheme_ids = fields.Many2many("partner.segment.scheme", string="Schemes", readonly=True)
    partner_scope = fields.Json(readonly=True, help="The chosen commercial partners, if any.")
    line_ids = fields.One2many("partner.segment.run.line", "run_id", string="Schemes Run")
    partner_count = fields.Integer(string="Partners", readonly=True)
    change_count = fields.Integer(string="Changes", readonly=True)
    query_count = fields.Integer(string="Queries", readonly=True)
    status = fields.Selection(
        [
            ("queued", "Queued"),
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Partly Failed"),
            ("failed", "Failed"),
        ],
        readonly=True,
    )
    stage = fields.Selection(
        [
            ("schemes", "Schemes"),
            ("chatter", "Notes"),
            ("finish", "Finishing"),
            ("after", "After the Run"),
            ("ended", "Ended"),
        ],
        readonly=True,
    )
    step_done = fields.Integer(string="Steps Done", readonly=True)
    step_count = fields.Integer(string="Steps", readonly=True)
    step_attempts = fields.Integer(
        readonly=True,
        help="Starts of the current step (it is skipped after ten: its worker killed each time).",
    )
    step_failures = fields.Integer(
        readonly=True, help="Errors of the current step in a row (it is skipped after three)."
    )
    chatter_cursor = fields.Integer(readonly=True)
    # how many of the schemes' after-run steps are done (stage "after")
    after_cursor = fields.Integer(string="After-Run Steps Done", readonly=True)
    progress = fields.Float(string="Done (%)", compute="_compute_progress")
    progress_label = fields.Char(string="Progress", compute="_compute_progress")
    error = fields.Text(readonly=True)
    actions_pending = fields.Boolean(
        string="Segment Actions Pending",
        readonly=True,
        help="Partners moved in this run into or out of segments with actions; the "
        "next scheduled run runs those actions (only the scheduled run or a Settings "
        "administrator's run starts them).",
    )
    summary = fields.Char(compute="_compute_summary")

    @api.ondelete(at_uninstall=False)
    def _unlink_except_unfinished(self):
        """A run still queued or running would stop half-way, and the segment
        actions a run left pending would never run: neither is deleted."""
        unfinished = self.filtered(lambda run: run.status in ("queued", "running"))
        if unfinished:
            raise UserError(
                self.env._(
                    "A run that has not ended cannot be deleted (%(runs)s): wait until it ends.",
                    runs=", ".join(unfinished.mapped("display_name")),
                )
            )
        pending = self.filtered("actions_pending")
        if pending:
            raise UserError(
                self.env._(
                    "A run whose segment actions are still pending cannot be deleted "
                    "(%(runs)s): the next scheduled run runs them.",
                    runs=", ".join(pending.mapped("display_name")),
                )
            )

    @api.depends_context("lang")
    def _compute_display_name(self):
        # a number, not the date: the server would write the date in the
        # user's time zone, the page shows dates in the browser's
        for run in self:
            run.display_name = self.env._("Run %(number)s", number=run.id or "")

    @api.depends("status", "step_done", "step_count")
    def _compute_progress(self):
        for run in self:
            total = max(run.step_count, run.step_done, 1)
            run.progress = (
                100.0 if run.status in ("done", "partial") else 100.0 * run.step_done / total
            )
            if run.status == "running":
                run.progress_label = self.env._(
                    "running %(done)s/%(total)s steps", done=run.step_done, total=total
                )
            else:
                run.progress_label = dict(
                    self._fields["status"]._description_selection(self.env)
                ).get(run.status, "")

    def _engine_write_message(self):
        return self.env._("Segmentation runs are recorded by the engine only.")

    @api.depends("partner_count", "change_count", "duration", "status", "error")
    def _compute_summary(self):
        for run in self:
            if run.status in ("queued", "running"):
                run.summary = self.env._(
                    "Recompute queued: you will be notified when it ends (%(progress)s).",
                    progress=run.progress_label,
                )
                continue
            run.summary = self.env._(
                "Partners classified: %(partners)s; changes: %(changes)s; in %(duration).1f s.",
                partners=run.partner_count,
                changes=run.change_count,
                duration=run.duration,
            )
            if run.error:
                run.summary += " " + self.env._("Errors: %s", run.error)

    def _scope_ids(self):
        self.ensure_one()
        return list(self.partner_scope["partners"]) if self.partner_scope else None

    def _button_notification(self, title):
        """The notification a Recompute button shows for this run."""
        self.ensure_one()
        queued = self.status in ("queued", "running")
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info" if queued else "danger" if self.status == "failed" else "success",
                "title": title,
                "message": self.summary,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _notify_requester(self):
        """The user who asked for the run learns it ended (bus)."""
        for run in self.filtered(lambda r: r.user_id and not r.user_id._is_public()):
            run.user_id._bus_send(
                "simple_notification",
                {
                    "type": "danger" if run.status == "failed" else "success",
                    "title": self.env._("Segmentation run ended"),
                    "message": run.summary,
                    "sticky": run.status != "done",
                },
            )

    @api.model
    def _cron_process_steps(self):
        """Cron: work through the queued runs, a committed step at a time."""
        return engine_run.process(self.env)

    @api.model
    def _check_scheduled_runs(self):
        """One activity for each segmentation manager when the last scheduled
        run failed, or no scheduled run completed for more than a day; none
        while an earlier alert is still open."""
        alert = self._scheduled_run_alert()
        if not alert or self.env["mail.activity"].search_count(
            [("res_model", "=", self._name)], limit=1
        ):
            return False
        last = self.search([("trigger", "=", "cron")], order="id desc", limit=1)
        group = self.env.ref("partner_segmentation.group_segmentation_manager")
        # users holding the group, directly or through a group implying it
        users = self.env["res.users"].search([("groups_id", "in", group.id), ("share", "=", False)])
        for user in users:
            last.activity_schedule("mail.mail_activity_data_todo", summary=alert, user_id=user.id)
        return bool(users)

    @api.model
    def _scheduled_run_alert(self):
        """Why the scheduled runs need a manager, or ''."""
        # sudo: whether scheduled runs complete is shown to whoever sees the
        # schemes; only the runs' status and dates are read
        last = self.sudo().search([("trigger", "=", "cron")], order="id desc", limit=1)
        if not last:
            return ""
        if last.status == "failed":
            return self.env._("The scheduled run failed")
        completed = self.sudo().search(
            [("trigger", "=", "cron"), ("status", "in", ("done", "partial"))],
            order="id desc",
            limit=1,
        )
        since = completed.date_end or completed.date_start or last.date_start
        if since < fields.Datetime.now() - LATE_AFTER:
            return self.env._("No scheduled run for over a day")
        return ""

    def action_view_history(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segmentation.action_partner_segment_history"
        )
        action.update({"domain": [("run_id", "=", self.id)], "context": {}})
        return action

    @api.autovacuum
    def _gc_old_runs(self):
        """Keep the last 500 runs."""
        old = self.search(
            [("status", "not in", ("queued", "running")), ("actions_pending", "=", False)],
            offset=500,
        )
        old.unlink()
