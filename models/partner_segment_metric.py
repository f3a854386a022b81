# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import api, fields, models
from odoo.exceptions import UserError, ValidationError

from ..engine import formula
from .metric_checks import SOURCE_FIELDS, check_formula, check_formula_cycles, validate_source

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")


class PartnerSegmentMetric(models.Model):
    """A measured quantity per commercial partner.

    Either an aggregate over a source model that has a many2one to
    ``res.partner`` (one SQL aggregate grouped by commercial partner), or a
    formula over other metrics' codes.
    """

    _name = "partner.segment.metric"
    _inherit = ["partner.segment.metric.values"]
    _description = "Segmentation Metric"
    _order = "sequence, name, id"
    _check_company_auto = True

    name = fields.Char(required=True, translate=True)
    code = fields.Char(
        required=True,
        help="Identifier used in formulas: lower-case letters, digits and _, "
        "starting with a letter.",
    )
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    description = fields.Text(translate=True)
    company_id = fields.Many2one(
        "res.company",
        help="If set, only source records of this company are measured.",
    )
    kind = fields.Selection(
        [("aggregate", "Aggregate of records"), ("formula", "Formula")],
        required=True,
        default="aggregate",
    )
    model_id = fields.Many2one(
        "ir.model",
        string="Source Model",
        ondelete="cascade",
        domain=[("transient", "=", False)],
    )
    model_name = fields.Char(related="model_id.model", string="Source Model Name")
    partner_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', '=', 'many2one'), "
        "('relation', '=', 'res.partner'), ('store', '=', True)]",
        help="Many2one to the partner the records belong to; records are "
        "counted for that partner's commercial partner.",
    )
    date_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime')), "
        "('store', '=', True)]",
    )
    value_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), "
        "('ttype', 'in', ('integer', 'float', 'monetary')), ('store', '=', True)]",
    )
    aggregate = fields.Selection(
        [
            ("sum", "Sum"),
            ("count", "Count"),
            ("avg", "Average"),
            ("min", "Minimum"),
            ("max", "Maximum"),
            ("days_since_last", "Days since last"),
            ("days_since_first", "Days since first"),
            ("avg_days_late", "Average days late"),
        ],
        default="sum",
        help="Average days late: per record, the days from its date (e.g. the due date) "
        "to its end date (e.g. the day it was paid), or to today while it has none; "
        "records on time count 0.",
    )
    end_date_field_id = fields.Many2one(
        "ir.model.fields",
        ondelete="cascade",
        domain="[('model_id', '=', model_id), ('ttype', 'in', ('date', 'datetime')), "
        "('store', '=', True)]",
        help="Average days late: the date a record was settled (e.g. paid on); "
        "while empty, today counts.",
    )
    window_days = fields.Integer(
        string="Window (days)",
        help="Only records dated within this many days are measured; 0 means all records.",
    )
    offset_days = fields.Integer(
        string="Offset (days)",
        help="Shift the window into the past, e.g. a 365-day window with a "
        "365-day offset measures the previous year.",
    )
    window_label = fields.Char(
        string="Window",
        compute="_compute_window_label",
        help="The records measured: every record, or those of the last days.",
    )
    source_domain = fields.Char(
        default="[]",
        help="Which source records are measured, e.g. posted customer invoices.",
    )
    formula = fields.Char(
        help="Arithmetic over other metric codes: + - * / ( ) min max abs. "
        "Division by zero gives no value.",
    )
    unit = fields.Char(translate=True, help="Shown next to values, e.g. €, days, %.")
    dependency_ids = fields.Many2many(
        "partner.segment.metric",
        "partner_segment_metric_dependency_rel",
        "metric_id",
        "dependency_id",
        string="Uses Metrics",
        compute="_compute_dependency_ids",
        store=True,
    )
    preview_html = fields.Html(string="Preview", compute="_compute_preview_html", sanitize=False)
    is_money = fields.Boolean(
        string="Money",
        compute="_compute_currency",
        help="Sums, averages, minima and maxima of an amount are money, in the currency shown.",
    )
    currency_id = fields.Many2one(
        "res.currency",
        compute="_compute_currency",
        help="Money metrics are in the currency of their company (without company: of the "
        "first company). Amounts recorded in another currency (sale orders in a foreign "
        "pricelist) are converted at the rate stored on each record, that of its date.",
    )

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A metric with this code already exists."),
    ]

    @api.depends("window_days", "offset_days")
    @api.depends_context("lang")
    def _compute_window_label(self):
        for metric in self:
            if not metric.window_days:
                metric.window_label = self.env._("Every record")
            elif metric.window_days == 1 and not metric.offset_days:
                metric.window_label = self.env._("Last day")
            elif not metric.offset_days:
                metric.window_label = self.env._("Last %(days)s days", days=metric.window_days)
            else:
                metric.window_label = self.env._(
                    "%(days)s days, ending %(offset)s days ago",
                    days=metric.window_days,
                    offset=metric.offset_days,
                )

    @api.depends("kind", "formula")
    def _compute_dependency_ids(self):
        for metric in self:
            codes = set()
            if (
                metric.kind == "formula"
                and metric.formula
                and not formula.shape_error(self.env, metric.formula)
            ):
                try:
                    codes = formula.formula_codes(metric.formula, self.env)
                except formula.FormulaError:
                    codes = set()
            metric.dependency_ids = (
                self.with_context(active_test=False).search([("code", "in", list(codes))])
                if codes
                else False
            )

    @api.depends("kind", "model_id", "value_field_id", "aggregate", "company_id")
    def _compute_currency(self):
        first_company = self.env["res.company"].sudo().search([], limit=1)  # its currency only
        for metric in self:
            metric.is_money = bool(
                metric.kind == "aggregate"
                and metric.value_field_id.ttype == "monetary"
                and metric.aggregate in ("sum", "avg", "min", "max")
            )
            metric.currency_id = (
                (metric.company_id or first_company).currency_id if metric.is_money else False
            )

    @api.onchange("model_id")
    def _onchange_model_id(self):
        for metric in self:
            for fname in (
                "partner_field_id",
                "date_field_id",
                "end_date_field_id",
                "value_field_id",
            ):
                if metric[fname] and metric[fname].model_id != metric.model_id:
                    metric[fname] = False
            if metric.model_id and not metric.partner_field_id:
                fields_ = self.env["ir.model.fields"].search(
                    [
                        ("model_id", "=", metric.model_id.id),
                        ("name", "in", ("partner_id", "commercial_partner_id")),
                        ("relation", "=", "res.partner"),
                    ],
                    order="name desc",
                    limit=1,
                )
                metric.partner_field_id = fields_

    # ------------------------------------------------------------------
    # Validation
    # ------------------------------------------------------------------
    @api.constrains("code")
    def _check_code(self):
        for metric in self:
            if not CODE_RE.match(metric.code or ""):
                raise ValidationError(
                    self.env._(
                        "The metric code '%(code)s' is not valid: use lower-case "
                        "letters, digits and underscores, starting with a letter.",
                        code=metric.code,
                    )
                )

    @api.constrains(*SOURCE_FIELDS)
    def _check_source(self):
        for metric in self.filtered(lambda m: m.kind == "aggregate"):
            validate_source(metric)

    @api.constrains("kind", "formula")
    def _check_formula(self):
        for metric in self.filtered(lambda m: m.kind == "formula"):
            check_formula(metric)
        check_formula_cycles(self)

    # ------------------------------------------------------------------
    # References: a metric in use is neither deleted, archived nor renamed
    # ------------------------------------------------------------------
    def _users(self):
        """What uses these metrics: one line per scheme that ranks by them,
        segment whose conditions test them and formula metric naming them
        (archived ones included: they may come back)."""
        env = self.with_context(active_test=False).env
        lines = []
        schemes = env["partner.segment.scheme"].search([("metric_id", "in", self.ids)])
        lines += [self.env._("scheme '%s' ranks by it", s.display_name) for s in schemes]
        conditions = env["partner.segment.condition"].search([("metric_id", "in", self.ids)])
        lines += [
            self.env._("segment '%s' tests it", s.display_name) for s in conditions.segment_id
        ]
        codes = set(self.mapped("code"))
        formulas = env[self._name].search([("kind", "=", "formula"), ("id", "not in", self.ids)])
        formulas = formulas.filtered(lambda m: codes & m._formula_codes())
        lines += [self.env._("formula metric '%s' names it", m.display_name) for m in formulas]
        return lines, formulas

    def _formula_codes(self):
        """The metric codes this formula names (none if it cannot be read)."""
        self.ensure_one()
        if self.kind != "formula" or formula.shape_error(self.env, self.formula):
            return set()
        try:
            return formula.formula_codes(self.formula or "", self.env)
        except formula.FormulaError:
            return set()

    def _check_unused(self, action):
        for metric in self:
            lines, __ = metric._users()
            if lines:
                message = (
                    self.env._("Metric '%(name)s' cannot be archived: %(users)s.")
                    if action == "archive"
                    else self.env._("Metric '%(name)s' cannot be deleted: %(users)s.")
                )
                raise UserError(message % {"name": metric.display_name, "users": "; ".join(lines)})

    def write(self, vals):
        if "active" in vals and not vals["active"]:
            self.filtered("active")._check_unused("archive")
        if "code" in vals:
            for metric in self.filtered(lambda m: m.code != vals["code"]):
                __, formulas = metric._users()
                if formulas:
                    # Refused rather than rewritten: a formula is the admin's
                    # text, and a rename is rare enough to be done by hand.
                    raise UserError(
                        self.env._(
                            "The code '%(code)s' cannot be changed: formula metric(s) %(names)s "
                            "use it. Edit their formulas first.",
                            code=metric.code,
                            names=", ".join(f"'{m.display_name}'" for m in formulas),
                        )
                    )
        return super().write(vals)

    @api.ondelete(at_uninstall=False)
    def _unlink_if_unused(self):
        self._check_unused("delete")

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------
    @api.depends(*SOURCE_FIELDS, "formula")
    def _compute_preview_html(self):
        for metric in self:
            metric.preview_html = metric._render_preview()

    @api.model
    def _install_optional_presets(self):
        """Presets that need an optional module: the 12-month margin needs
        ``sale_margin`` (a margin on sale orders)."""
        order = self.env["sale.order"]
        if "margin" not in order._fields or self.with_context(active_test=False).search_count(
            [("code", "=", "margin_12m")]
        ):
            return
        fields_ = self.env["ir.model.fields"]._get("sale.order", "margin")
        self.create(
            {
                "name": self.env._("Margin, last 12 months"),
                "code": "margin_12m",
                "sequence": 13,
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "partner_field_id": self.env["ir.model.fields"]._get("sale.order", "partner_id").id,
                "date_field_id": self.env["ir.model.fields"]._get("sale.order", "date_order").id,
                "value_field_id": fields_.id,
                "aggregate": "sum",
                "window_days": 365,
                "source_domain": "[('state', '=', 'sale')]",
            }
        )
