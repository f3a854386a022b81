# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError


class PartnerSegmentRun(models.Model):
    """One recompute: what ran, how long, how many partners and changes."""

    _name = "partner.segment.run"
    _description = "Segmentation Run"
    _order = "date_start desc, id desc"
    _rec_name = "date_start"

    date_start = fields.Datetime(string="Started", required=True, readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    trigger = fields.Selection(
        [("cron", "Scheduled"), ("manual", "Manual"), ("partner", "Selected Partners")],
        readonly=True,
    )
    user_id = fields.Many2one("res.users", readonly=True)
    scheme_ids = fields.Many2many("partner.segment.scheme", string="Schemes", readonly=True)
    partner_count = fields.Integer(string="Partners", readonly=True)
    change_count = fields.Integer(string="Changes", readonly=True)
    query_count = fields.Integer(string="Queries", readonly=True)
    status = fields.Selection(
        [
            ("running", "Running"),
            ("done", "Done"),
            ("partial", "Partly Failed"),
            ("failed", "Failed"),
        ],
        readonly=True,
    )
    error = fields.Text(readonly=True)
    actions_pending = fields.Boolean(
        string="Segment Actions Pending",
        readonly=True,
        help="Partners moved in this run into or out of segments with actions; the "
        "next scheduled run runs those actions (only the scheduled run or a Settings "
        "administrator's run starts them).",
    )
    summary = fields.Char(compute="_compute_summary")

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine_write()
        return super().write(vals)

    def _check_engine_write(self):
        """Runs are recorded by the engine only (segmentation managers may
        delete old ones)."""
        if not self.env.su:
            raise AccessError(self.env._("Segmentation runs are recorded by the engine only."))

    @api.depends("partner_count", "change_count", "duration", "status", "error")
    def _compute_summary(self):
        for run in self:
            run.summary = self.env._(
                "%(partners)s partners classified, %(changes)s changes in %(duration).1f s.",
                partners=run.partner_count,
                changes=run.change_count,
                duration=run.duration,
            )
            if run.error:
                run.summary += " " + self.env._("Errors: %s", run.error)

    @api.autovacuum
    def _gc_old_runs(self):
        """Keep the last 500 runs."""
        old = self.search(
            [("status", "!=", "running"), ("actions_pending", "=", False)], offset=500
        )
        old.unlink()
