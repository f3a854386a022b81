# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from markupsafe import Markup

from odoo import fields, models
from odoo.exceptions import AccessError
from odoo.tools.misc import format_date, formatLang

from ..engine import classify, domains, metrics, metrics_read
from ..engine import explain as engine_explain
from ..engine import preview as engine_preview
from ..engine.metrics import zero_default

SEGMENTATION_USER = "partner_segmentation.group_segmentation_user"

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


def strong(text):
    return Markup("<strong>%s</strong>") % text


def _boundary_texts(env, scheme, placed):
    """Each segment's boundary in ranking order (the last value of the
    segment: consecutive boundaries of one segment say the lowest), then the
    segment of the rest."""
    metric = scheme.metric_id
    Segment = env["partner.segment"].with_context(segment_short_name=True)

    def name(segment_id):
        return Segment.browse(segment_id).display_name if segment_id else env._("no segment")

    merged = []
    for value, segment_id in placed.edges:
        if merged and merged[-1][1] == segment_id:
            merged[-1] = (value, segment_id)
        else:
            merged.append((value, segment_id))
    texts = []
    for value, segment_id in merged:
        args = {"segment": name(segment_id), "value": metric._format_value(float(value))}
        if placed.descending:
            texts.append(env._("%(segment)s from %(value)s", **args))
        else:
            texts.append(env._("%(segment)s up to %(value)s", **args))
    texts.append(env._("%(segment)s: the rest", segment=name(placed.default)))
    return texts


def _ranking_rule(env, scheme):
    """How the last full run set the boundaries and how a value is placed."""
    if scheme.method == "pareto":
        cutoffs = [
            env._(
                "%(segment)s up to %(cutoff)s %%",
                segment=s.name,
                cutoff=formatLang(env, s.pareto_cutoff, digits=0),
            )
            for s in scheme.segment_ids.filtered("active").sorted("pareto_cutoff")
        ]
        return env._(
            "The last full run ranked every partner by this value, highest first, and cut the "
            "ranking where the share of the partners ranked before reaches each cut-off "
            "(%(cutoffs)s); a boundary is the last value of its segment. A partner goes to the "
            "first segment whose boundary its value reaches (a positive value), else to the "
            "last one. Partners with equal values share a segment: the value of a "
            "boundary belongs to its segment.",
            cutoffs=", ".join(cutoffs),
        )
    return env._(
        "The last full run ranked every partner with a value and cut the ranking into "
        "%(count)s equal-count buckets; a boundary is the last value of its bucket. A partner "
        "goes to the first bucket whose boundary its value reaches, else to the bucket after "
        "the last boundary. Partners with equal values share a bucket: the value of a boundary "
        "belongs to its bucket, and when one value fills more than a bucket, the buckets it "
        "passes over stay empty.",
        count=scheme.quantile_count,
    )


class PartnerSegmentAssignment(models.Model):
    """Why is this customer here: for a rules scheme, the values of the
    metrics its conditions use against each segment's conditions, computed
    by the engine itself in a rolled-back sandbox; for a ranking (Pareto,
    quantile), the partner's own value against the boundaries stored by the
    last full run, placed as a partial run places it.  For a locked
    assignment, what the engine would say and why.  Segmentation users only."""

    _inherit = "partner.segment.assignment"

    explanation_html = fields.Html(
        string="Why",
        compute="_compute_explanation_html",
        sanitize=False,
        groups="partner_segmentation.group_segmentation_user",
    )

    def _compute_explanation_html(self):
        # the field's groups refuse reads; this also keeps code that reads the
        # attribute for another user from showing anything
        allowed = self.env.su or self.env.user.has_group(SEGMENTATION_USER)
        explained = self.filtered("id")._explanations() if allowed else {}
        for assignment in self:
            values = explained.get(assignment.id)
            assignment.explanation_html = (
                self.env["ir.qweb"]._render("partner_segmentation.segment_explanation", values)
                if values
                else False
            )

    def _explanations(self):
        """{assignment id: the values the explanation template shows}, one
        computation per scheme for all its assignments in ``self``."""
        result = {}
        for scheme, assignments in self.grouped("scheme_id").items():
            # sudo: the scheme's configuration (metrics, their fields), read to
            # be described; what its values show is checked against the reader
            scheme = scheme.sudo()
            if scheme.method in classify.RANKING_METHODS:
                result.update(assignments._explain_ranking(scheme))
            else:
                result.update(assignments._explain_by_rules(scheme))
        return result

    def _explain_by_rules(self, scheme):
        # sudo: the engine reads every record its metrics count, as a run
        # does; only these partners' values are shown, and only those of
        # metrics the reader may read (see _explain_rules)
        env = self.env(su=True)
        partner_ids = self.partner_id.ids
        with engine_preview.sandbox(env):
            said = engine_preview.explain(env, scheme.with_env(env), partner_ids)
        Segment = self.env["partner.segment"].with_context(segment_short_name=True)
        result = {}
        for assignment in self:
            segment_id, metric_values = said.get(assignment.partner_id.id, (None, {}))
            values = {
                "assignment": assignment,
                "scheme": scheme,
                "engine_segment": Segment.browse(segment_id),
                "rows": assignment._explain_rules(scheme, assignment.partner_id, metric_values),
            }
            values["say"] = assignment._explanation_head(values["engine_segment"])
            result[assignment.id] = values
        return result

    def _explanation_head(self, segment, placed=True):
        """The first sentences: the lock, and what the engine says (or, when
        it cannot say it from what the reader may see, what the last run said)."""
        said = {
            "segment": strong(segment.display_name if segment else self.env._("no segment")),
            "scheme": self.scheme_id.name,
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
        if not placed:
            said["head"] = (
                Markup(self.env._("The last run placed it in %(segment)s (%(scheme)s).")) % said
            )
        elif self.locked:
            said["head"] = Markup(self.env._("The engine would say %(segment)s, because:")) % said
        else:
            said["head"] = (
                Markup(self.env._("The engine says %(segment)s (%(scheme)s), because:")) % said
            )
        return said

    def _explain_companies(self, scheme):
        """(the companies whose records the values shown count, whether
        these are fewer than the engine counts): the scheme's, or every
        company's, when the reader may see them all; else only the reader's."""
        engine = metrics.scheme_companies(scheme)
        if self.env.su:
            return engine, False
        viewer = set(self.env.companies.ids)
        if engine is None:
            # sudo: only counts the companies, nothing of them is shown
            others = (
                self.env["res.company"]
                .sudo()
                .with_context(active_test=False)
                .search_count([("id", "not in", sorted(viewer))])
            )
            if not others:
                return None, False
            return sorted(viewer), True
        return sorted(viewer & set(engine)), not set(engine) <= viewer

    def _explain_ranking(self, scheme):
        """The values of the explanations of a Pareto or quantile scheme:
        each partner's value, computed for these partners only, placed
        against the stored boundaries (:func:`.explain.place`)."""
        metric = scheme.metric_id
        readable = metrics_read.readable_by(metric, self.env)
        companies, fewer = self._explain_companies(scheme)
        # sudo: the engine's reading of the records the metric counts, for
        # these partners only, of the companies the reader may see, and only
        # when the reader may read every field the metric reads
        env = self.env(su=True)
        placed, rows = engine_explain.place(
            env, scheme.with_env(env), self.partner_id.ids if readable else [], companies
        )
        Segment = self.env["partner.segment"].with_context(segment_short_name=True)
        result = {}
        for assignment in self:
            value, segment_id, member = rows.get(assignment.partner_id.id, (None, None, False))
            last = assignment.computed_segment_id or assignment.segment_id
            known = readable and placed is not None and member
            engine_segment = Segment.browse(segment_id) if known else last
            values = {
                "assignment": assignment,
                "scheme": scheme,
                "engine_segment": engine_segment,
                "rows": [],
            }
            say = assignment._explanation_head(
                engine_segment.with_context(segment_short_name=True), known
            )
            lines = []
            if not readable:
                lines.append(
                    self.env._(
                        "You may not read what this scheme ranks by (%(metric)s): its values "
                        "and boundaries are not shown.",
                        metric=metric.name,
                    )
                )
            elif not member:
                lines.append(
                    self.env._(
                        "The scheme no longer classifies this partner (its partner filter or "
                        "its company): the next run takes it out of the scheme."
                    )
                )
            else:
                lines += assignment._explain_placement(scheme, placed, value, segment_id, last)
                if fewer:
                    lines.append(
                        self.env._(
                            "Only the records of your companies are counted here; the engine "
                            "counts those of every company, so it may place this partner "
                            "elsewhere."
                        )
                    )
            say["lines"] = lines
            if readable and member and placed is not None:
                say["rule"] = _ranking_rule(self.env, scheme)
            values["say"] = say
            result[assignment.id] = values
        return result

    def _explain_placement(self, scheme, placed, value, segment_id, last):
        """The sentences of one partner's value against the boundaries."""
        metric = scheme.metric_id
        shown = metrics_read._as_float(metric, value)  # pylint: disable=protected-access
        lines = [
            Markup(self.env._("This partner's value of %(metric)s: %(value)s."))
            % {"metric": metric.name, "value": strong(metric._format_value(shown))}
        ]
        if placed is None:
            lines.append(
                self.env._(
                    "This scheme has no boundaries from a full run that fit its settings: "
                    "its next full run ranks every partner again and stores them."
                )
            )
            return lines
        lines.append(
            self.env._(
                "Boundaries stored by the last full run: %(boundaries)s.",
                boundaries="; ".join(_boundary_texts(self.env, scheme, placed)),
            )
        )
        if segment_id is None:
            if scheme.no_activity == "exclude":
                lines.append(
                    self.env._(
                        "This partner has no activity to be ranked by (no value, or zero): the "
                        "scheme leaves such partners out of the ranking, so it gets no segment "
                        "here."
                    )
                )
            else:
                lines.append(
                    self.env._(
                        "This partner has no value to be ranked by, so it gets no segment here."
                    )
                )
        if (segment_id or False) != last.id:
            lines.append(
                self.env._(
                    "Its values changed since the last run placed it in %(segment)s: the next "
                    "run moves it.",
                    segment=last.with_context(segment_short_name=True).display_name
                    if last
                    else self.env._("no segment"),
                )
            )
        return lines

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
                if value is None and zero_default(metric):
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
                        # a metric whose fields the reader may not read: no value
                        "value": metric._format_value(value)
                        if metrics_read.readable_by(metric, self.env)
                        else self.env._("not shown"),
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
        if not self.env.user.has_group(SEGMENTATION_USER):
            raise AccessError(
                self.env._("Only segmentation users see why a partner is in its segment.")
            )
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
