# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import re

from odoo import api, fields, models
from odoo.exceptions import ValidationError

from ..engine import domains, formula, metrics

CODE_RE = re.compile(r"^[a-z][a-z0-9_]{0,62}$")
NUMERIC_TYPES = ("integer", "float", "monetary")
DATE_TYPES = ("date", "datetime")


class PartnerSegmentMetric(models.Model):
    """A measured quantity per commercial partner.

    Either an aggregate over a source model that has a many2one to
    ``res.partner`` (one SQL aggregate grouped by commercial partner), or a
    formula over other metrics' codes.
    """

    _name = "partner.segment.metric"
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
        string="End Date Field",
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

    _sql_constraints = [
        ("code_unique", "UNIQUE(code)", "A metric with this code already exists."),
    ]

    @api.depends("kind", "formula")
    def _compute_dependency_ids(self):
        for metric in self:
            codes = set()
            if metric.kind == "formula" and metric.formula:
                try:
                    codes = formula.formula_codes(metric.formula, self.env)
                except formula.FormulaError:
                    codes = set()
            metric.dependency_ids = (
                self.with_context(active_test=False).search([("code", "in", list(codes))])
                if codes
                else False
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

    @api.constrains(
        "kind",
        "model_id",
        "partner_field_id",
        "date_field_id",
        "end_date_field_id",
        "value_field_id",
        "aggregate",
        "window_days",
        "offset_days",
        "source_domain",
    )
    def _check_source(self):
        for metric in self.filtered(lambda m: m.kind == "aggregate"):
            metric._validate_source()

    def _validate_source(self):
        self.ensure_one()
        if not self.model_id:
            raise ValidationError(
                self.env._("Metric '%(name)s' needs a source model.", name=self.name)
            )
        if self.model_id.model not in self.env:
            raise ValidationError(
                self.env._(
                    "The source model '%(model)s' is not installed.", model=self.model_id.model
                )
            )
        model = self.env[self.model_id.model]
        # a model of its own table, or a reporting model read from its SQL
        # query (``_table_query``, e.g. sale.report's quantities in each
        # product's own unit of measure)
        if model._abstract or model._transient or not (model._auto or model._table_query):
            raise ValidationError(
                self.env._(
                    "The source model '%(model)s' has no table of its own.",
                    model=self.model_id.model,
                )
            )

        def check(field_rec, label, types, relation=None):
            field = model._fields.get(field_rec.name)
            if not field or field_rec.model_id != self.model_id:
                raise ValidationError(
                    self.env._(
                        "The %(label)s '%(field)s' is not a field of %(model)s.",
                        label=label,
                        field=field_rec.name,
                        model=self.model_id.model,
                    )
                )
            if not field.store or not field.column_type:
                raise ValidationError(
                    self.env._(
                        "The %(label)s '%(field)s' is not stored in the database.",
                        label=label,
                        field=field_rec.name,
                    )
                )
            if field.type not in types or (relation and field.comodel_name != relation):
                raise ValidationError(
                    self.env._(
                        "The %(label)s '%(field)s' has type %(type)s; expected %(expected)s.",
                        label=label,
                        field=field_rec.name,
                        type=field.type,
                        expected=" / ".join(f"{t} → {relation}" if relation else t for t in types),
                    )
                )

        if not self.partner_field_id:
            raise ValidationError(
                self.env._("Metric '%(name)s' needs a partner field.", name=self.name)
            )
        check(self.partner_field_id, self.env._("partner field"), ("many2one",), "res.partner")
        if self.date_field_id:
            check(self.date_field_id, self.env._("date field"), DATE_TYPES)
        if self.end_date_field_id:
            check(self.end_date_field_id, self.env._("end date field"), DATE_TYPES)
        if self.aggregate == "avg_days_late" and not (
            self.date_field_id and self.end_date_field_id
        ):
            raise ValidationError(
                self.env._(
                    "Metric '%(name)s' needs a date field and an end date field to "
                    "measure days late.",
                    name=self.name,
                )
            )
        needs_date = (
            self.aggregate in ("days_since_last", "days_since_first", "avg_days_late")
            or self.window_days
        )
        if needs_date and not self.date_field_id:
            raise ValidationError(
                self.env._(
                    "Metric '%(name)s' needs a date field for its window or its "
                    "days-since aggregate.",
                    name=self.name,
                )
            )
        needs_value = self.aggregate in ("sum", "avg", "min", "max")
        if needs_value and not self.value_field_id:
            raise ValidationError(
                self.env._(
                    "Metric '%(name)s' needs a value field to compute a %(aggregate)s.",
                    name=self.name,
                    aggregate=self.aggregate,
                )
            )
        if self.value_field_id:
            check(self.value_field_id, self.env._("value field"), NUMERIC_TYPES)
        if not self.aggregate:
            raise ValidationError(
                self.env._("Metric '%(name)s' needs an aggregate.", name=self.name)
            )
        if self.window_days < 0 or self.offset_days < 0:
            raise ValidationError(
                self.env._(
                    "The window and the offset of metric '%(name)s' cannot be negative.",
                    name=self.name,
                )
            )
        domains.check_domain(
            self.env,
            self.model_id.model,
            self.source_domain,
            self.env._("the source domain of metric '%s'", self.name),
        )

    @api.constrains("kind", "formula")
    def _check_formula(self):
        for metric in self.filtered(lambda m: m.kind == "formula"):
            try:
                codes = formula.formula_codes(metric.formula, self.env)
            except formula.FormulaError as exc:
                raise ValidationError(
                    self.env._("Metric '%(name)s': %(error)s", name=metric.name, error=exc.args[0])
                ) from None
            known = self.with_context(active_test=False).search([("code", "in", list(codes))])
            unknown = codes - set(known.mapped("code"))
            if unknown:
                raise ValidationError(
                    self.env._(
                        "Metric '%(name)s' uses unknown metric code(s): %(codes)s",
                        name=metric.name,
                        codes=", ".join(sorted(unknown)),
                    )
                )
            if metric.code in codes:
                raise ValidationError(
                    self.env._("Metric '%(name)s' uses itself in its formula.", name=metric.name)
                )
        self._check_formula_cycles()

    def _check_formula_cycles(self):
        """Refuse a cycle between formula metrics (a uses b uses … uses a)."""
        all_metrics = self.with_context(active_test=False).search([("kind", "=", "formula")])
        graph = {}
        for metric in all_metrics:
            try:
                graph[metric.code] = formula.formula_codes(metric.formula or "", self.env)
            except formula.FormulaError:
                graph[metric.code] = set()
        for start in self.filtered(lambda m: m.kind == "formula").mapped("code"):
            stack, seen = [(start, [start])], set()
            while stack:
                code, path = stack.pop()
                for dep in graph.get(code, ()):
                    if dep == start:
                        raise ValidationError(
                            self.env._(
                                "Formula metrics form a cycle: %(path)s",
                                path=" → ".join([*path, start]),
                            )
                        )
                    if dep not in seen:
                        seen.add(dep)
                        stack.append((dep, [*path, dep]))

    # ------------------------------------------------------------------
    # Preview
    # ------------------------------------------------------------------
    @api.depends(
        "kind",
        "model_id",
        "partner_field_id",
        "date_field_id",
        "end_date_field_id",
        "value_field_id",
        "aggregate",
        "window_days",
        "offset_days",
        "source_domain",
        "formula",
    )
    def _compute_preview_html(self):
        for metric in self:
            metric.preview_html = metric._render_preview()

    def _render_preview(self, limit=8):
        """A small table of this metric's values for the partners that have
        the highest values, so that an admin sees what the metric measures."""
        self.ensure_one()
        if not self.id or isinstance(self.id, models.NewId):
            return False
        try:
            rows = metrics.metric_preview(self, limit=limit)
        except Exception as exc:  # noqa: BLE001 - shown to the admin, not raised
            return self.env["ir.qweb"]._render(
                "partner_segmentation.metric_preview_error", {"error": str(exc)}
            )
        return self.env["ir.qweb"]._render(
            "partner_segmentation.metric_preview", {"rows": rows, "metric": self}
        )

    def values_for_partners(self, partners):
        """Return {partner_id: value} of this metric for ``partners``
        (commercial partners), computed now."""
        return metrics.metric_values(self, partners)

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
