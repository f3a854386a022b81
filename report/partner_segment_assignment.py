# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup

from odoo import fields, models
from odoo.tools.misc import format_date, formatLang

from ..engine import domains
from ..engine import preview as engine_preview

# the conditions as the engine's SQL reads them: a comparison with no value is false
CONDITION_TESTS = {
    ">": lambda x, a, b: x is not None and x > a,
    ">=": lambda x, a, b: x is not None and x >= a,
    "<": lambda x, a, b: x is not None and x < a,
    "<=": lambda x, a, b: x is not None and x <= a,
    "=": lambda x, a, b: x is not None and x == a,
    "!=": lambda x, a, b: x is not None and x != a,
    "between": lambda x, a, b: x is not None and a <= x <= b,
    "set": lambda x, a, b: x is not None,
    "not set": lambda x, a, b: x is None,
}


class PartnerSegmentAssignment(models.Model):
    """Why is this customer here: the values of the metrics the scheme used
    against the matched segment's conditions or cut-off, computed by the
    engine itself in a rolled-back sandbox; for a locked assignment, what the
    engine would say and why."""

    _inherit = "partner.segment.assignment"

    explanation_html = fields.Html(
        string="Why", compute="_compute_explanation_html", sanitize=False
    )

    def _compute_explanation_html(self):
        for assignment in self:
            assignment.explanation_html = (
                self.env["ir.qweb"]._render(
                    "partner_segmentation.segment_explanation", assignment._explanation()
                )
                if assignment.id
                else False
            )

    def _explanation(self):
        """The values the explanation template shows."""
        self.ensure_one()
        # sudo: the engine reads every record its metrics count, as a run does;
        # only this partner's values and position are shown
        env = self.env(su=True)
        scheme = self.scheme_id.with_env(env)
        partner = self.partner_id.with_env(env)
        with engine_preview.sandbox(env):
            said = engine_preview.explain(env, scheme, partner)
        Segment = self.env["partner.segment"].with_context(segment_short_name=True)
        values = {
            "assignment": self,
            "scheme": scheme,
            "engine_segment": Segment.browse(said["segment"]) if said["segment"] else Segment,
            "rows": [],
            "position": None,
        }
        if scheme.method == "rules":
            values["rows"] = self._explain_rules(scheme, partner, said["values"])
        elif said.get("position"):
            values["position"] = said["position"]
            values["metric"] = scheme.metric_id
        values["say"] = self._explanation_sentences(values)
        return values

    def _explanation_sentences(self, values):
        """The explanation's sentences, each one whole translatable sentence
        (translators see the sentence, not fragments around the values)."""
        scheme, position = values["scheme"], values["position"]

        def strong(text):
            return Markup("<strong>%s</strong>") % text

        def number(value, digits=0):
            return formatLang(self.env, value, digits=digits)

        segment = values["engine_segment"]
        said = {
            "segment": strong(segment.display_name if segment else self.env._("no segment")),
            "scheme": scheme.name,
        }
        if self.locked:
            lock = {"reason": self.lock_reason or "", "user": self.locked_by_id.name}
            lock["until"] = format_date(self.env, self.lock_until) if self.lock_until else ""
            if self.locked_by_id and self.lock_until:
                text = self.env._("Set by hand by %(user)s until %(until)s: %(reason)s.")
            elif self.locked_by_id:
                text = self.env._("Set by hand by %(user)s: %(reason)s.")
            elif self.lock_until:
                text = self.env._("Set by hand until %(until)s: %(reason)s.")
            else:
                text = self.env._("Set by hand: %(reason)s.")
            said["lock"] = Markup(text) % lock
            said["head"] = Markup(self.env._("The engine would say %(segment)s, because:")) % said
        else:
            said["head"] = (
                Markup(self.env._("The engine says %(segment)s (%(scheme)s), because:")) % said
            )
        if position and scheme.method == "pareto":
            metric = values["metric"]
            args = {
                "rank": strong(number(position[1])),
                "total": number(position[2]),
                "metric": metric.name,
                "value": strong(metric._format_value(position[0])),
                "before": strong(f"{number(position[3], 1)} %"),
                "with": f"{number(position[4], 1)} %",
                "tied": number(position[5]),
            }
            if position[5] > 1:
                text = self.env._(
                    "Ranked %(rank)s of %(total)s by %(metric)s (%(value)s), with %(tied)s "
                    "partners of this value. The partners ranked before them hold %(before)s "
                    "of the total (%(with)s with them)."
                )
            else:
                text = self.env._(
                    "Ranked %(rank)s of %(total)s by %(metric)s (%(value)s). The partners "
                    "ranked before hold %(before)s of the total (%(with)s with this partner)."
                )
            said["position"] = Markup(text) % args
            cutoffs = [
                self.env._(
                    "%(segment)s up to %(cutoff)s %%",
                    segment=s.name,
                    cutoff=number(s.pareto_cutoff),
                )
                for s in scheme.segment_ids.filtered("active").sorted("pareto_cutoff")
            ]
            said["rule"] = self.env._(
                "A partner belongs to the first segment whose cut-off is above the share of "
                "the partners ranked before it: %(cutoffs)s. Partners with equal values share "
                "a segment: they are placed by the share of the partners ranked before all of "
                "them.",
                cutoffs=", ".join(cutoffs),
            )
        elif position:
            metric = values["metric"]
            said["position"] = Markup(
                self.env._(
                    "%(metric)s: %(value)s, ranked %(rank)s of %(partners)s partners with a "
                    "value (%(tied)s with this value), in bucket %(bucket)s of %(count)s."
                )
            ) % {
                "metric": metric.name,
                "value": strong(metric._format_value(position[0])),
                "bucket": strong(position[1]),
                "count": scheme.quantile_count,
                "partners": number(position[2]),
                "rank": number(position[3]),
                "tied": number(position[4]),
            }
            said["rule"] = self.env._(
                "Partners with equal values share a bucket: the bucket where the first of them "
                "ranks (as if the buckets were cut by rank), the next bucket starting after "
                "them. When one value fills more than a bucket, the buckets it passes over "
                "stay empty."
            )
        return said

    def _explain_rules(self, scheme, partner, metric_values):
        """One row per segment tried, in order, up to the one that matched:
        each condition with the partner's value and whether it holds."""
        rows = []
        labels = dict(
            self.env["partner.segment.condition"]
            ._fields["operator"]
            ._description_selection(self.env)
        )
        for segment in scheme.segment_ids.filtered("active").sorted(lambda s: (s.sequence, s.id)):
            checks = []
            for cond in segment.condition_ids:
                metric = cond.metric_id
                value = metric_values.get(metric.id)
                if (
                    value is None
                    and metric.kind != "formula"
                    and metric.aggregate in ("sum", "count")
                ):
                    value = 0.0
                value = None if value is None else float(value)
                holds = CONDITION_TESTS[cond.operator](value, cond.value, cond.value_to)
                checks.append(
                    {
                        "label": f"{metric.name} {labels.get(cond.operator, '')}",
                        "threshold": ""
                        if cond.operator in ("set", "not set")
                        else metric._format_value(cond.value)
                        + (
                            f" – {metric._format_value(cond.value_to)}"
                            if cond.operator == "between"
                            else ""
                        ),
                        "value": metric._format_value(value),
                        "holds": holds,
                    }
                )
            if segment.partner_domain and domains.eval_domain(self.env, segment.partner_domain):
                in_domain = bool(
                    partner.filtered_domain(domains.eval_domain(self.env, segment.partner_domain))
                )
                checks.append(
                    {
                        "label": self.env._("Partner filter of the segment"),
                        "threshold": "",
                        "value": self.env._("matches")
                        if in_domain
                        else self.env._("does not match"),
                        "holds": in_domain,
                    }
                )
            matched = all(check["holds"] for check in checks)
            rows.append(
                {
                    "segment": segment.with_context(segment_short_name=True),
                    "checks": checks,
                    "matched": matched,
                }
            )
            if matched:
                break
        return rows

    def action_explain(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._(
                "Why is %(partner)s in %(segment)s?",
                partner=self.partner_id.display_name,
                segment=self.segment_id.display_name,
            ),
            "res_model": "partner.segment.assignment",
            "res_id": self.id,
            "view_mode": "form",
            "views": [
                [
                    self.env.ref(
                        "partner_segmentation.partner_segment_assignment_view_form_explain"
                    ).id,
                    "form",
                ]
            ],
            "target": "new",
        }
