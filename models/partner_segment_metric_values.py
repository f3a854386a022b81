# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.exceptions import AccessError, UserError
from odoo.tools.misc import formatLang

from ..engine import metrics, metrics_read, metrics_sql


class PartnerSegmentMetricValues(models.AbstractModel):
    """A metric's values: how the engine computes an aggregate (the
    extension points another addon inherits ``partner.segment.metric`` to
    extend, in the way of Odoo's own apps), and how values are read and
    shown (preview, formatting, values of chosen partners).

    An aggregate of its own: ``selection_add`` on ``aggregate`` and its SQL
    in :meth:`_aggregates` (and :meth:`_zero_default_aggregates` when a
    partner without records has 0).
    """

    _name = "partner.segment.metric.values"
    _description = "Segmentation Metric: Values"

    @api.model
    def _aggregates(self):
        """{aggregate: (partials, combine)}: the SQL of each ``aggregate``,
        computed in one scan of the source per commercial partner (see
        :data:`..engine.metrics_sql.AGGREGATES` for the shape: the partial
        aggregates of a partner field's records, then their combination
        per commercial partner)."""
        return dict(metrics_sql.AGGREGATES)

    @api.model
    def _zero_default_aggregates(self):
        """The aggregates whose value is 0, not none, for a partner without
        records (a condition ``< 100`` on them holds for such a partner)."""
        return metrics.ZERO_DEFAULT_AGGREGATES

    # A kind of metric of its own: ``selection_add`` on ``kind`` and these
    # three methods (how its values are computed in a run, read without
    # writing, and who may read them)
    def _compute_values(self, partner_ids, today, companies=None):
        """Fill the work table ``psseg_value`` (metric_id, partner_id, value)
        with the values of these metrics, of a kind a feature adds, for the
        commercial partners ``partner_ids`` (None: all), as of ``today``."""
        raise UserError(
            self.env._("Metrics of kind '%(kind)s' cannot be computed.", kind=self[:1].kind)
        )

    def _select_values(self, partner_ids, today, companies=None):
        """SQL ``SELECT partner_id, value`` of this metric, of a kind a
        feature adds, for reads that must not write."""
        self.ensure_one()
        raise UserError(
            self.env._("Metrics of kind '%(kind)s' cannot be computed.", kind=self.kind)
        )

    def _readable_by(self, env):
        """Whether the user of ``env`` may read what this metric, of a kind a
        feature adds, measures."""
        return False

    def _render_preview(self, limit=8):
        """A small table of this metric's values for the partners that have
        the highest values, so that an admin sees what the metric measures."""
        self.ensure_one()
        if not self.id or isinstance(self.id, models.NewId):
            return False
        try:
            rows = metrics_read.metric_preview(self, limit=limit)
        except Exception as exc:  # noqa: BLE001 - shown to the admin, not raised
            return self.env["ir.qweb"]._render(
                "partner_segmentation.metric_preview_error", {"error": str(exc)}
            )
        return self.env["ir.qweb"]._render(
            "partner_segmentation.metric_preview", {"rows": rows, "metric": self}
        )

    def _is_money(self):
        """Sums, averages and extremes of a monetary field, and formulas over
        money only that name no unit, are amounts of money."""
        self.ensure_one()
        if self.kind == "formula":  # a unit (such as %) says it is a ratio, not money
            return (
                not self.unit
                and bool(self.dependency_ids)
                and all(m._is_money() for m in self.dependency_ids)
            )
        return (
            self.aggregate in ("sum", "avg", "min", "max")
            and self.value_field_id.ttype == "monetary"
        )

    def _format_value(self, value, currency=None):
        """``value`` as the user reads it, in their language: counts and days
        as integers, money with its currency, other values with two decimals
        and the metric's unit; '–' for no value."""
        self.ensure_one()
        if value is None:
            return "–"
        if self.kind == "aggregate" and self.aggregate in (
            "count",
            "days_since_last",
            "days_since_first",
        ):
            text = formatLang(self.env, value, digits=0)
        elif self._is_money():
            return formatLang(
                self.env, value, currency_obj=currency or self.env.company.currency_id
            )
        else:
            text = formatLang(self.env, value, digits=2)
        return f"{text} {self.unit}" if self.unit else text

    def values_for_partners(self, partners):
        """Return {partner_id: value} of this metric for ``partners``
        (commercial partners), computed now.  Only for users who may read
        what the metric measures (its model and fields), from the records of
        their allowed companies."""
        if not metrics_read.readable_by(self, self.env):
            raise AccessError(
                self.env._(
                    "You may not read what metric '%(name)s' measures.", name=self.sudo().name
                )
            )
        return metrics_read.metric_values(self, partners, metrics_read.viewer_companies(self.env))
