# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import math

from odoo import api, fields, models
from odoo.exceptions import ValidationError
from odoo.tools.misc import formatLang

OPERATORS = [
    (">", "greater than"),
    (">=", "at least"),
    ("<", "less than"),
    ("<=", "at most"),
    ("=", "equal to"),
    ("!=", "not equal to"),
    ("between", "between"),
    ("set", "has a value"),
    ("not set", "has no value"),
]


class PartnerSegmentCondition(models.Model):
    """One condition of a rules segment: ``metric operator value``, or the
    partner's segment in another scheme (``Lifecycle is one of At risk``,
    ``R score is one of 4, 5``), which makes the scheme depend on that one.

    The conditions of a segment are AND-ed.  Sums and counts of partners
    without any record are 0; other aggregates have no value ('not set').
    """

    _name = "partner.segment.condition"
    _description = "Segment Condition"
    _order = "sequence, id"
    _check_company_auto = True

    segment_id = fields.Many2one("partner.segment", required=True, ondelete="cascade", index=True)
    company_id = fields.Many2one(related="segment_id.company_id")
    sequence = fields.Integer(default=10)
    condition_type = fields.Selection(
        [("metric", "Metric"), ("segment", "Segment in another scheme")],
        string="Test",
        required=True,
        default="metric",
    )
    metric_id = fields.Many2one(
        "partner.segment.metric", ondelete="restrict", check_company=True, index=True
    )
    operator = fields.Selection(OPERATORS, required=True, default=">=")
    # condition_type == "segment"
    ref_scheme_id = fields.Many2one(
        "partner.segment.scheme",
        string="Scheme Tested",
        ondelete="restrict",
        index=True,
        help="The partner's segment in this scheme is tested; the scheme is then "
        "computed first within a run.",
    )
    segment_operator = fields.Selection(
        [("in", "is one of"), ("not in", "is none of")], string="Segment Is", default="in"
    )
    ref_segment_ids = fields.Many2many(
        "partner.segment",
        "partner_segment_condition_ref_segment_rel",
        "condition_id",
        "segment_id",
        string="Segments",
        domain="[('scheme_id', '=', ref_scheme_id)]",
    )
    value = fields.Float(digits=(16, 4))
    value_to = fields.Float(string="And", digits=(16, 4))
    unit = fields.Char(related="metric_id.unit")

    @api.constrains("operator", "value", "value_to")
    def _check_between(self):
        for condition in self:
            if condition.operator == "between" and condition.value > condition.value_to:
                raise ValidationError(
                    self.env._(
                        "Condition on '%(metric)s': 'between' needs the first value "
                        "(%(low)s) to be at most the second (%(high)s).",
                        metric=condition.metric_id.name,
                        low=condition.value,
                        high=condition.value_to,
                    )
                )

    @api.model_create_multi
    def create(self, vals_list):
        self._check_ref_scheme_exists(vals_list)
        self._check_finite_values(vals_list)
        return super().create(vals_list)

    def write(self, vals):
        self._check_ref_scheme_exists([vals])
        self._check_finite_values([vals])
        return super().write(vals)

    def _check_finite_values(self, vals_list):
        """Infinity and NaN are refused with a message (before the ORM rounds
        them, which fails without one, or they reach the engine's SQL)."""
        for vals in vals_list:
            for fname in ("value", "value_to"):
                value = vals.get(fname)
                if not isinstance(value, int | float | str) or isinstance(value, bool):
                    continue
                try:
                    finite = math.isfinite(float(value))
                except ValueError:
                    continue  # not a number: the ORM says so
                except OverflowError:
                    finite = False
                if not finite:
                    raise ValidationError(
                        self.env._(
                            "A condition's value must be a finite number, not %(value)s.",
                            value=str(value)[:30],
                        )
                    )

    def _check_ref_scheme_exists(self, vals_list):
        """A tested scheme that does not exist is refused with a message
        (before the database refuses it with a foreign key error)."""
        ids = {vals["ref_scheme_id"] for vals in vals_list if vals.get("ref_scheme_id")}
        Scheme = self.env["partner.segment.scheme"].with_context(active_test=False)
        missing = set(ids) - set(Scheme.browse(list(ids)).exists().ids)
        if missing:
            raise ValidationError(
                self.env._(
                    "A condition tests a scheme that does not exist (id %(ids)s).",
                    ids=", ".join(map(str, sorted(missing))),
                )
            )

    @api.onchange("ref_scheme_id")
    def _onchange_ref_scheme_id(self):
        for cond in self:
            cond.ref_segment_ids = cond.ref_segment_ids.filtered(
                lambda s, c=cond: s.scheme_id == c.ref_scheme_id
            )

    @api.constrains("condition_type", "metric_id", "ref_scheme_id", "ref_segment_ids")
    def _check_condition_type(self):
        for cond in self:
            segment = cond.segment_id
            if cond.condition_type == "metric":
                if not cond.metric_id:
                    raise ValidationError(
                        self.env._(
                            "A condition of segment '%(segment)s' needs a metric.",
                            segment=segment.name,
                        )
                    )
                continue
            scheme = cond.ref_scheme_id
            if not scheme or not scheme.exists():
                raise ValidationError(
                    self.env._(
                        "A condition of segment '%(segment)s' tests a scheme that does not exist.",
                        segment=segment.name,
                    )
                )
            if not scheme.active:
                raise ValidationError(
                    self.env._(
                        "A condition of segment '%(segment)s' tests scheme '%(scheme)s', "
                        "which is archived.",
                        segment=segment.name,
                        scheme=scheme.name,
                    )
                )
            if not cond.ref_segment_ids:
                raise ValidationError(
                    self.env._(
                        "The condition on scheme '%(scheme)s' of segment '%(segment)s' "
                        "needs at least one segment.",
                        scheme=scheme.name,
                        segment=segment.name,
                    )
                )
            stray = cond.ref_segment_ids.filtered(lambda s, sc=scheme: s.scheme_id != sc)
            if stray:
                raise ValidationError(
                    self.env._(
                        "Segment(s) %(segments)s do not belong to scheme '%(scheme)s'.",
                        segments=", ".join(stray.mapped("name")),
                        scheme=scheme.name,
                    )
                )
        self.segment_id.scheme_id._check_dependency_cycles()

    @api.depends(
        "condition_type",
        "metric_id",
        "metric_id.unit",
        "operator",
        "value",
        "value_to",
        "ref_scheme_id",
        "segment_operator",
        "ref_segment_ids",
    )
    def _compute_display_name(self):
        labels = dict(self._fields["operator"]._description_selection(self.env))
        segment_labels = dict(self._fields["segment_operator"]._description_selection(self.env))
        for cond in self:
            if cond.condition_type == "segment":
                names = ", ".join(cond.ref_segment_ids.mapped("name"))
                label = segment_labels.get(cond.segment_operator, "")
                cond.display_name = f"{cond.ref_scheme_id.name or ''} {label} {names}"
                continue
            text = f"{cond.metric_id.name or ''} {labels.get(cond.operator, '')}"
            if cond.operator == "between":
                text += f" {cond._format_value(cond.value)} – {cond._format_value(cond.value_to)}"
            elif cond.operator not in ("set", "not set"):
                text += f" {cond._format_value(cond.value)}"
            if cond.unit and cond.operator not in ("set", "not set"):
                text += f" {cond.unit}"
            cond.display_name = text

    def _format_value(self, value):
        """``value`` as the user's language writes it, with the decimals it
        has (up to the field's four): 180, 10,000,000, 0.25."""
        digits = next(d for d in range(5) if round(value, d) == round(value, 4))
        return formatLang(self.env, value, digits=digits)
