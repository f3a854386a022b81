# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

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
    """One condition of a rules segment: ``metric operator value``.

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
    metric_id = fields.Many2one(
        "partner.segment.metric", required=True, ondelete="restrict", check_company=True
    )
    operator = fields.Selection(OPERATORS, required=True, default=">=")
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

    @api.depends("metric_id", "operator", "value", "value_to")
    def _compute_display_name(self):
        labels = dict(self._fields["operator"]._description_selection(self.env))
        for cond in self:
            text = f"{cond.metric_id.name or ''} {labels.get(cond.operator, '')}"
            if cond.operator == "between":
                text += f" {cond.value:g} – {cond.value_to:g}"
            elif cond.operator not in ("set", "not set"):
                text += f" {cond.value:g}"
            cond.display_name = text
