# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).

from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from ..engine import domains
from ..engine import run as engine_run
from .rights import is_segmentation_manager
from .scheme_checks import check_codes, check_cut_point_coverage

MAX_BUCKETS = 1000


class PartnerSegmentScheme(models.Model):
    """One classification axis: every commercial partner in its scope gets at
    most one segment of the scheme."""

    _name = "partner.segment.scheme"
    _description = "Segmentation Scheme"
    _inherit = ["mail.thread", "partner.segment.scheme.engine"]
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True, tracking=True)
    code = fields.Char(required=True, tracking=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True, tracking=True)
    description = fields.Html(translate=True)
    show_on_contacts = fields.Boolean(
        help="Show this scheme's segment as a badge on the contacts' cards and lists; "
        "every scheme's segment is on the contact's Segmentation tab.",
    )
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
        string="Buckets",
        default=5,
        help="Number of buckets (quantiles), as equal in count as ties allow: equal values "
        "share a bucket, the one where the first of them ranks.",
    )
    quantile_order = fields.Selection(
        [("desc", "Highest values first"), ("asc", "Lowest values first")],
        string="Bucket Order",
        default="desc",
        help="Bucket 1 holds the highest (or lowest) values.",
    )
    no_activity = fields.Selection(
        [("rank", "Ranked with the others"), ("exclude", "Left out of the ranking")],
        string="Partners without Activity",
        required=True,
        default="rank",
        tracking=True,
        help="Partners whose ranking metric has no value or a value of zero, e.g. no unit "
        "bought in the metric's window. Ranked with the others: they rank with the value "
        "zero (a Pareto scheme puts them in its last segment). Left out: they get no "
        "segment of this scheme, so that no purchase in 12 months is never 'High volume'. "
        "A partner with no value at all for a metric that neither counts nor sums (days "
        "since the last order of one who never ordered) is never ranked.",
    )
    partner_domain = fields.Char(
        string="Partners",
        default="[]",
        help="Which active commercial partners this scheme classifies; the partners of "
        "this database's companies and of internal users never are. The count shown is "
        "the number of partners a run classifies. The shipped schemes classify customers "
        "and prospects: 'Customer or Prospect' is set.",
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
    run_alert = fields.Char(
        string="Scheduled Runs",
        compute="_compute_run_alert",
        help="Shown when the last scheduled run failed or none completed for over a day.",
    )
    # Pareto and quantile: where the last full run put its cut-offs, so that
    # a partial run places partners without ranking everyone (engine.classify)
    ranking_boundaries = fields.Json(readonly=True, copy=False)
    # Pareto and quantile: what the last full run kept of its ranking, so
    # that a preview of new cut-offs looks them up (engine.preview_kept)
    ranking_kept = fields.Json(readonly=True, copy=False, groups="base.group_system")

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
        check_codes(self)

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for scheme in self:
            domains.check_domain(
                self.env,
                "res.partner",
                scheme.partner_domain,
                lambda error, scheme=scheme: self.env._(
                    "The partner filter of scheme '%(name)s' is not valid: %(error)s",
                    name=scheme.name,
                    error=error,
                ),
            )

    @api.constrains("method", "metric_id", "quantile_count", "segment_ids")
    def _check_method(self):
        for scheme in self:
            if scheme.method in scheme._ranking_methods() and not scheme.metric_id:
                raise ValidationError(
                    self.env._(
                        "Scheme '%(name)s' ranks partners: choose its ranking metric.",
                        name=scheme.name,
                    )
                )
            if scheme.method == "quantile" and not 2 <= scheme.quantile_count <= MAX_BUCKETS:
                raise ValidationError(
                    self.env._(
                        "Scheme '%(name)s' needs between 2 and %(max)s quantile buckets "
                        "(got %(count)s).",
                        name=scheme.name,
                        max=MAX_BUCKETS,
                        count=scheme.quantile_count,
                    )
                )
            scheme.segment_ids.with_context(
                segment_checks_deferred=False
            )._check_method_parameters()
            scheme._check_cut_point_coverage()

    def write(self, vals):
        records = self
        if "segment_ids" in vals or "quantile_count" in vals:
            # segments saved with their scheme may pass through states where
            # their buckets overlap: they are checked together, after
            records = self.with_context(segment_checks_deferred=True)
        return super(PartnerSegmentScheme, records).write(vals)

    def unlink(self):
        # the rankings their last full runs kept (a table with no foreign key)
        self.env.cr.execute(
            SQL("DELETE FROM partner_segment_run_ranking WHERE scheme_id = ANY(%s)", self.ids)
        )
        return super().unlink()

    def _check_cut_point_coverage(self):
        self.ensure_one()
        check_cut_point_coverage(self)

    # ------------------------------------------------------------------
    # Dependencies between schemes (conditions on another scheme's segment)
    # ------------------------------------------------------------------
    def _dependency_graph(self):
        """{scheme id: {ids of the schemes its conditions test}}, all schemes."""
        rows = (
            self.env["partner.segment.condition"]
            .with_context(active_test=False)
            .search_read(
                [("condition_type", "=", "segment"), ("ref_scheme_id", "!=", False)],
                ["segment_id", "ref_scheme_id"],
                load=False,
            )
        )
        segments = (
            self.env["partner.segment"]
            .with_context(active_test=False)
            .browse({row["segment_id"] for row in rows})
        )
        scheme_of = {segment.id: segment.scheme_id.id for segment in segments}
        graph = {}
        for row in rows:
            graph.setdefault(scheme_of[row["segment_id"]], set()).add(row["ref_scheme_id"])
        return graph

    def _check_dependency_cycles(self):
        """Refuse schemes that test each other's segments in a cycle."""
        graph = self._dependency_graph()
        names = None
        for start in self.ids:
            stack, seen = [(start, [start])], set()
            while stack:
                node, path = stack.pop()
                for dep in graph.get(node, ()):
                    if dep == start:
                        if names is None:
                            names = {
                                s.id: s.name
                                for s in self.with_context(active_test=False).browse(graph)
                            }
                        raise ValidationError(
                            self.env._(
                                "Schemes test each other's segments in a cycle: %(path)s",
                                path=" → ".join(names.get(i, str(i)) for i in [*path, start]),
                            )
                        )
                    if dep not in seen:
                        seen.add(dep)
                        stack.append((dep, [*path, dep]))

    def _dependents(self):
        """Active schemes whose conditions test these schemes' segments,
        directly or through others (these schemes excluded)."""
        graph = self._dependency_graph()
        found, todo = set(), set(self.ids)
        while todo:
            todo = {s for s, deps in graph.items() if deps & todo and s not in found} - set(
                self.ids
            )
            found |= todo
        return self.browse(found).filtered("active")

    def _ordered_by_dependencies(self):
        """These schemes, each after the schemes it tests (among these), else
        by sequence."""
        graph = self._dependency_graph()
        ordered, done = [], set()
        by_order = self.sorted(lambda s: (s.sequence, s.id))
        ids = set(self.ids)

        def visit(scheme, path=()):
            if scheme.id in done or scheme.id in path:  # cycles are refused on save
                return
            for dep in by_order.filtered(lambda s: s.id in graph.get(scheme.id, ())):
                visit(dep, (*path, scheme.id))
            done.add(scheme.id)
            ordered.append(scheme.id)

        for scheme in by_order:
            if scheme.id in ids:
                visit(scheme)
        return self.browse(ordered)

    @api.constrains("active")
    def _check_archive_dependencies(self):
        archived = self.filtered(lambda s: not s.active)
        if not archived:
            return
        conditions = self.env["partner.segment.condition"].search(
            [
                ("condition_type", "=", "segment"),
                ("ref_scheme_id", "in", archived.ids),
                ("segment_id.scheme_id.active", "=", True),
            ]
        )
        users = conditions.segment_id.scheme_id - archived
        if users:
            raise ValidationError(
                self.env._(
                    "Scheme(s) %(schemes)s cannot be archived: the conditions of %(users)s "
                    "test their segments.",
                    schemes=", ".join(conditions.ref_scheme_id.mapped("name")),
                    users=", ".join(users.mapped("name")),
                )
            )

    @api.constrains("active", "segment_ids")
    def _check_has_segments(self):
        # The shipped schemes are loaded record by record, their segments
        # after them: checked once the module's data is in.
        if self.env.context.get("install_mode"):
            return
        for scheme in self.filtered("active"):
            if not scheme.segment_ids:
                raise ValidationError(
                    self.env._(
                        "Scheme '%(name)s' has no segment: add one before activating it, or "
                        "archive the scheme.",
                        name=scheme.name,
                    )
                )

    # ------------------------------------------------------------------
    # Actions
    # ------------------------------------------------------------------
    def action_recompute(self):
        """Recompute these schemes (all active ones from the list) for every
        partner: at once when the customer base is small, else queued for the
        cron, the user being notified when it ends."""
        if not is_segmentation_manager(self.env):
            raise AccessError(
                self.env._("Only segmentation administrators may recompute a whole scheme.")
            )
        self.check_access("read")
        schemes = self or self.search([("active", "=", True)])
        run = engine_run.run_or_queue(self.env, schemes, trigger="manual")
        return run._button_notification(self.env._("Segmentation recomputed"))

    def action_recompute_all(self):
        """The schemes list's *Recompute all*: every active scheme, whatever
        is selected (same rights and path as :meth:`action_recompute`)."""
        return self.browse().action_recompute()

    @api.model
    def _cron_recompute(self):
        """Daily job: queue a run of every active scheme for the run cron."""
        return engine_run.queue(self.env, self.search([("active", "=", True)]), trigger="cron")

    def _compute_run_alert(self):
        alert = self.env["partner.segment.run"]._scheduled_run_alert()
        for scheme in self:
            scheme.run_alert = alert

    @api.model
    def _demo_generate(self):
        """Demo data loader (demo/partner_segmentation_demo.xml)."""
        from ..demo import generator

        generator.generate(self.env)

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
