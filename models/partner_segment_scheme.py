# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError

from ..engine import domains
from ..engine import run as engine_run

CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


class PartnerSegmentScheme(models.Model):
    """One classification axis: every commercial partner in its scope gets at
    most one segment of the scheme."""

    _name = "partner.segment.scheme"
    _description = "Segmentation Scheme"
    _inherit = ["mail.thread"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="If set, only partners of this company (or shared ones) are classified.",
    )
    method = fields.Selection(
        [
            ("rules", "Rules (first matching segment)"),
            ("pareto", "Pareto / ABC (cumulative share)"),
            ("quantile", "Quantiles (equal-count buckets)"),
        ],
        required=True,
        default="rules",
        tracking=True,
    )
    metric_id = fields.Many2one(
        "partner.segment.metric",
        string="Ranking Metric",
        check_company=True,
        tracking=True,
        help="The metric partners are ranked by (Pareto and quantile schemes).",
    )
    quantile_count = fields.Integer(
        string="Buckets", default=5, help="Number of equal-count buckets (quantiles)."
    )
    quantile_order = fields.Selection(
        [("desc", "Highest values first"), ("asc", "Lowest values first")],
        string="Bucket Order",
        default="desc",
        help="Bucket 1 holds the highest (or lowest) values.",
    )
    partner_domain = fields.Char(
        string="Partners",
        default="[]",
        help="Which commercial partners this scheme classifies (besides being "
        "active customers or prospects: internal users and companies are never "
        "classified).",
    )
    segment_ids = fields.One2many("partner.segment", "scheme_id", string="Segments", copy=True)
    segment_count = fields.Integer(compute="_compute_counts")
    partner_count = fields.Integer(string="Classified Partners", compute="_compute_counts")
    post_chatter = fields.Boolean(
        string="Log Changes in Chatter",
        default=True,
        help="Post segment changes on the partners' chatter. Switch off for very "
        "large customer bases.",
    )
    last_run_date = fields.Datetime(readonly=True, copy=False)
    last_run_duration = fields.Float(string="Last Run Duration (s)", readonly=True, copy=False)
    last_run_status = fields.Selection(
        [("done", "Done"), ("failed", "Failed")], readonly=True, copy=False
    )
    last_run_error = fields.Text(readonly=True, copy=False)
    last_run_changes = fields.Integer(readonly=True, copy=False)

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A scheme with this code already exists."),
    ]

    def _compute_counts(self):
        assignment = self.env["partner.segment.assignment"]
        counts = dict(
            assignment._read_group(
                [("scheme_id", "in", self.ids), ("segment_id", "!=", False)],
                ["scheme_id"],
                ["__count"],
            )
        )
        for scheme in self:
            scheme.segment_count = len(scheme.segment_ids)
            scheme.partner_count = counts.get(scheme, 0)

    @api.constrains("code")
    def _check_code(self):
        for scheme in self:
            if not CODE_RE.match(scheme.code or ""):
                raise ValidationError(
                    self.env._(
                        "The scheme code '%(code)s' is not valid: use letters, digits, "
                        "'_', '.' or '-' (at most 64).",
                        code=scheme.code,
                    )
                )

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for scheme in self:
            domains.check_domain(
                self.env,
                "res.partner",
                scheme.partner_domain,
                self.env._("scheme '%s'", scheme.name),
            )

    @api.constrains("method", "metric_id", "quantile_count", "segment_ids")
    def _check_method(self):
        for scheme in self:
            if scheme.method in ("pareto", "quantile") and not scheme.metric_id:
                raise ValidationError(
                    self.env._(
                        "Scheme '%(name)s' ranks partners: choose its ranking metric.",
                        name=scheme.name,
                    )
                )
            if scheme.method == "quantile" and scheme.quantile_count < 2:
                raise ValidationError(
                    self.env._(
                        "Scheme '%(name)s' needs at least 2 quantile buckets.", name=scheme.name
                    )
                )
            scheme.segment_ids._check_method_parameters()

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_recompute(self):
        """Recompute these schemes for every partner (button and API): a
        segmentation manager's right, on the schemes of their companies."""
        if not (
            self.env.su
            or self.env.user.has_group("partner_segmentation.group_segmentation_manager")
        ):
            raise AccessError(
                self.env._("Only segmentation administrators may recompute a whole scheme.")
            )
        self.check_access("read")
        schemes = self or self.search([("active", "=", True)])
        result = engine_run.run(self.env, schemes, trigger="manual")
        if result is None:
            raise UserError(
                self.env._("A segmentation run is already in progress; try again later.")
            )
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "danger" if result.status == "failed" else "success",
                "title": self.env._("Segmentation recomputed"),
                "message": result.summary,
                "sticky": False,
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    @api.model
    def _cron_recompute(self):
        """Daily job: recompute every active scheme."""
        return engine_run.run(self.env, self.search([("active", "=", True)]), trigger="cron")

    @api.model
    def _demo_generate(self):
        """Demo data loader (demo/partner_segmentation_demo.xml)."""
        from ..demo import generator

        generator.generate(self.env)

    def _after_recompute(self, run):
        """Called once at the end of every run with the schemes that ran, after
        assignments, chatter and segment actions.  Features that follow the
        segments (dynamic mailing lists, …) extend it."""
        return True

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("contacts.action_contacts")
        action.update(
            {
                "domain": [("segment_assignment_ids.scheme_id", "=", self.id)],
                "context": {"default_is_company": True},
                "name": self.env._("Partners in %s", self.name),
            }
        )
        return action

    def action_view_assignments(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segmentation.action_partner_segment_assignment"
        )
        action["domain"] = [("scheme_id", "=", self.id)]
        action["context"] = {"search_default_group_segment": 1}
        return action
