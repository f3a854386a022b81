# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import api, fields, models
from odoo.exceptions import AccessError, UserError, ValidationError
from odoo.osv import expression

from ..engine import domains
from .scheme_checks import check_codes, check_pareto_cutoffs, check_quantile_buckets

# operators a segment's full name ("Scheme: Segment") is searched with, and their negations
NAME_OPERATORS = ("=", "ilike", "like", "=ilike", "=like")
NEGATED = {"!=": "=", "not ilike": "ilike", "not like": "like"}


class PartnerSegment(models.Model):
    """A segment of a scheme, with what the people acting on it should do."""

    _name = "partner.segment"
    _description = "Customer Segment"
    _inherit = ["mail.thread"]
    _order = "scheme_sequence, scheme_id, sequence, id"
    _check_company_auto = True
    _rec_names_search = ["name", "code", "scheme_id.name"]

    name = fields.Char(required=True, translate=True, tracking=True)
    short_name = fields.Char(
        string="Badge Label",
        translate=True,
        help='A few whole words shown on the contacts\' badges (e.g. "Value A"); '
        "empty: the scheme's name and the segment's.",
    )
    # not required in forms: made from the name at creation, never emptied (check_codes)
    code = fields.Char(
        tracking=True,
        help="For formulas, imports and exports; made from the name when left empty.",
    )
    sequence = fields.Integer(default=10)
    color = fields.Integer()
    active = fields.Boolean(default=True)
    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, ondelete="cascade", index=True
    )
    scheme_sequence = fields.Integer(
        related="scheme_id.sequence", store=True, string="Scheme Sequence"
    )
    method = fields.Selection(related="scheme_id.method")
    company_id = fields.Many2one(related="scheme_id.company_id", store=True)
    strategy = fields.Html(
        translate=True,
        help="What sales and marketing should do with the partners of this segment.",
    )
    # Method parameters
    pareto_cutoff = fields.Float(
        string="Cumulative Share up to (%)",
        help="Pareto: partners ranked by the metric, highest first, belong to "
        "this segment while the cumulative share before them is below this "
        "cut-off (the partner that crosses it stays in the upper segment).",
    )
    quantile_from = fields.Integer(string="From Bucket", default=1)
    quantile_to = fields.Integer(string="To Bucket", default=1)
    partner_domain = fields.Char(
        string="Partners",
        help="Rules: only partners matching this domain can enter the segment.",
    )
    condition_ids = fields.One2many(
        "partner.segment.condition", "segment_id", string="Conditions", copy=True
    )
    # Actions
    on_enter_action_id = fields.Many2one(
        "ir.actions.server",
        string="On Enter",
        domain=[("model_id.model", "=", "res.partner")],
        # chosen by Settings administrators only, as automation rules are
        groups="base.group_system",
        help="Server action run once per recompute on the partners that entered.",
    )
    on_exit_action_id = fields.Many2one(
        "ir.actions.server",
        string="On Exit",
        domain=[("model_id.model", "=", "res.partner")],
        # chosen by Settings administrators only, as automation rules are
        groups="base.group_system",
        help="Server action run once per recompute on the partners that left.",
    )
    partner_count = fields.Integer(compute="_compute_partner_count")

    _sql_constraints = [
        (
            "code_scheme_unique",
            "UNIQUE(scheme_id, code)",
            "A segment with this code already exists in the scheme.",
        ),
    ]

    @api.model_create_multi
    def create(self, vals_list):
        # the fields' groups guard writes; creation is checked here
        actions = ("on_enter_action_id", "on_exit_action_id")
        if (
            not self.env.su
            and any(vals.get(name) for vals in vals_list for name in actions)
            and not self.env.user.has_group("base.group_system")
        ):
            raise AccessError(
                self.env._(
                    "Only Settings administrators may choose the actions a segment runs "
                    "on the partners that enter or leave it."
                )
            )
        self._default_codes(vals_list)
        return super().create(vals_list)

    def _default_codes(self, vals_list):
        """A segment created without a code gets one from its name (users
        see names; codes are for formulas, imports and exports)."""
        taken = {}
        for vals in vals_list:
            if vals.get("code"):
                continue
            scheme_id = vals.get("scheme_id")
            if scheme_id not in taken:
                taken[scheme_id] = set(
                    self.with_context(active_test=False)
                    .search([("scheme_id", "=", scheme_id)])
                    .mapped("code")
                    if scheme_id
                    else []
                )
            base = re.sub(r"[^A-Za-z0-9]+", "_", vals.get("name") or "").strip("_").upper()
            base = base[:56] or "SEGMENT"
            code, number = base, 1
            while code in taken[scheme_id]:
                number += 1
                code = f"{base}_{number}"
            taken[scheme_id].add(code)
            vals["code"] = code

    @api.depends("name", "short_name", "scheme_id.name")
    @api.depends_context("segment_short_name", "segment_badge")
    def _compute_display_name(self):
        badge = self.env.context.get("segment_badge")
        for segment in self:
            if badge and segment.short_name:
                segment.display_name = segment.short_name
            elif self.env.context.get("segment_short_name") or not segment.scheme_id:
                segment.display_name = segment.name
            else:
                segment.display_name = f"{segment.scheme_id.name}: {segment.name}"

    @api.model
    def _search_display_name(self, operator, value):
        """Besides a segment's name, code or scheme, its full name as shown
        ("Value ABC: A"): the text before the first ':' is matched against
        the scheme's name, the rest against the segment's ("Lost" still
        finds the Lost of every scheme)."""
        domain = super()._search_display_name(operator, value)
        if not isinstance(value, str) or ":" not in value:
            return domain
        positive = NEGATED.get(operator, operator)
        if positive not in NAME_OPERATORS:
            return domain
        scheme_name, name = (part.strip() for part in value.split(":", 1))
        full = [("scheme_id.name", positive, scheme_name), ("name", positive, name)]
        if positive == operator:
            return expression.OR([domain, full])
        return expression.AND([domain, ["!", *expression.AND([full])]])

    def _compute_partner_count(self):
        counts = dict(
            self.env["partner.segment.assignment"]._read_group(
                [("segment_id", "in", self.ids)], ["segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.partner_count = counts.get(segment, 0)

    @api.constrains("code")
    def _check_code(self):
        check_codes(self)

    @api.constrains("partner_domain")
    def _check_partner_domain(self):
        for segment in self.filtered("partner_domain"):
            domains.check_domain(
                self.env,
                "res.partner",
                segment.partner_domain,
                lambda error, segment=segment: self.env._(
                    "The partner filter of segment '%(name)s' is not valid: %(error)s",
                    name=segment.name,
                    error=error,
                ),
            )

    @api.constrains("color")
    def _check_color(self):
        for segment in self:
            if not 0 <= segment.color <= 11:
                raise ValidationError(
                    self.env._(
                        "Segment '%(name)s': the colour must be one of Odoo's 12 colours "
                        "(0 to 11), not %(color)s.",
                        name=segment.name,
                        color=segment.color,
                    )
                )

    @api.constrains(
        "pareto_cutoff", "quantile_from", "quantile_to", "scheme_id", "sequence", "active"
    )
    def _check_method_parameters(self):
        if self.env.context.get("segment_checks_deferred"):
            return  # the scheme being saved checks its segments once, at the end
        for scheme in self.scheme_id:
            segments = scheme.segment_ids.sorted(lambda s: (s.sequence, s.id))
            if scheme.method == "pareto":
                check_pareto_cutoffs(scheme, segments)
            elif scheme.method == "quantile":
                check_quantile_buckets(scheme, segments)
        self.scheme_id._check_has_segments()

    def write(self, vals):
        if "scheme_id" in vals and any(s.scheme_id.id != vals["scheme_id"] for s in self):
            raise UserError(
                self.env._(
                    "A segment cannot move to another scheme (its partners, history and "
                    "conditions belong to its scheme): create a segment in the other scheme."
                )
            )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_archived_and_not_locked(self):
        """A segment with partners is archived first (the next run moves them);
        partners set on it by hand are never dropped silently."""
        Assignment = self.env["partner.segment.assignment"].sudo()  # counting, whoever asks
        for scheme in self.scheme_id.filtered("active"):
            if not scheme.segment_ids - self:
                raise UserError(
                    self.env._(
                        "Scheme '%(name)s' would be left without segment: archive the scheme "
                        "first, or add another segment.",
                        name=scheme.name,
                    )
                )
        for segment in self:
            locked = Assignment.search_count(
                [("segment_id", "=", segment.id), ("locked", "=", True)]
            )
            if locked:
                raise UserError(
                    self.env._(
                        "Segment '%(name)s' cannot be deleted: %(count)s partner(s) are set on "
                        "it by hand. End or move these overrides first.",
                        name=segment.display_name,
                        count=locked,
                    )
                )
            if segment.active and Assignment.search_count([("segment_id", "=", segment.id)]):
                raise UserError(
                    self.env._(
                        "Segment '%(name)s' has partners: archive it first (the next run "
                        "moves its partners), then delete it.",
                        name=segment.display_name,
                    )
                )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("contacts.action_contacts")
        action.update(
            {
                "domain": [("segment_assignment_ids.segment_id", "=", self.id)],
                "name": self.display_name,
            }
        )
        return action
