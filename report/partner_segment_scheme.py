# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
import logging

from odoo import api, models
from odoo.tools import SQL
from odoo.tools.misc import formatLang

from . import common

_logger = logging.getLogger(__name__)


class PartnerSegmentScheme(models.Model):
    _inherit = "partner.segment.scheme"

    # the reports' refresh after a full run, in steps of their own (each
    # scans the invoices, the assignments or the order lines once); the
    # Pareto curves are drawn as each scheme is classified
    REPORT_STEPS = (
        "_report_step_revenue",
        "_report_step_sizes",
        "_report_step_products",
    )

    def _after_run_steps(self, run):
        steps = super()._after_run_steps(run)
        # a run of chosen partners changes a few rows: the reports wait for the next full run
        return steps if run.partial else [*steps, *self.REPORT_STEPS]

    def _report_step(self, run, refresh):
        # superuser: the run's own bookkeeping, like the engine's writes (a
        # run's steps already run as superuser; a report never depends on
        # who asked for the run)
        env = self.env(su=True)
        try:
            with env.cr.savepoint():
                refresh(env, self.with_env(env), run.date_ref)
        except Exception:  # the reports never fail a run
            _logger.exception("Segmentation reports could not be refreshed (run %s)", run.id)

    def _report_step_revenue(self, run):
        self._report_step(run, lambda env, schemes, day: common.refresh_revenue(env.cr, day))

    def _report_step_sizes(self, run):
        self._report_step(
            run,
            lambda env, schemes, day: env["partner.segment.report.size"]._insert_day(day, schemes),
        )

    def _after_classify(self, run):
        """A full run's Pareto curve from the ranking just computed: the
        engine's result and metric values, with no second scan of the metric."""
        res = super()._after_classify(run)
        if not run.partial and self.method == "pareto" and self.metric_id:
            self._report_step(
                run,
                lambda env, schemes, day: env["partner.segment.report.pareto"]._refresh(
                    schemes, lambda scheme: scheme._report_ranked_select(), day
                ),
            )
        return res

    def _report_step_products(self, run):
        self._report_step(
            run, lambda env, schemes, day: env["partner.segment.report.product"]._refresh(day)
        )

    def action_recompute(self):
        """The notification of a recompute also says how many partners each
        segment now holds (integers in the user's language)."""
        action = super().action_recompute()
        if isinstance(action, dict) and action.get("tag") == "display_notification":
            counts = (self or self.search([("active", "=", True)]))._segment_counts_text()
            if counts:
                action["params"]["message"] = f"{action['params']['message']} {counts}"
        return action

    def _segment_counts_text(self):
        """'Scheme: Segment 12 · Segment 3' per scheme, one line each."""
        groups = self.env["partner.segment.assignment"]._read_group(
            [("scheme_id", "in", self.ids), ("segment_id", "!=", False)],
            ["segment_id"],
            ["__count"],
        )
        counts = dict(groups)
        lines = []
        for scheme in self:
            segments = scheme.segment_ids.with_context(segment_short_name=True).sorted(
                lambda s: (s.sequence, s.id)
            )
            parts = [
                f"{segment.display_name} {formatLang(self.env, counts.get(segment, 0), digits=0)}"
                for segment in segments
            ]
            lines.append(f"{scheme.name}: {' · '.join(parts)}")
        return "; ".join(lines)

    def _report_ranked_select(self):
        """SELECT partner_id, segment_id, value: this scheme's partners as the
        classification step of a full run just ranked them (the engine's work
        tables, see ``_after_classify``)."""
        return SQL(
            """
            SELECT r.partner_id, r.segment_id, v.value
              FROM psseg_result r
              LEFT JOIN psseg_value v ON v.metric_id = %s AND v.partner_id = r.partner_id
            """,
            self.metric_id.id,
        )

    @api.model
    def _report_install(self):
        """At install (and update): sizes of the past days from the history."""
        return self.env["partner.segment.report.size"]._backfill()

    @api.model
    def _demo_generate_history(self):
        """Demo data loader: a year of monthly runs before today's."""
        from ..demo import history

        history.generate(self.env)

    # ------------------------------------------------------------------
    # PDF "Segmentation summary"
    # ------------------------------------------------------------------
    def _summary_data(self):
        """What the summary PDF of this scheme shows, read with a few grouped
        queries: distribution with revenue share, the Pareto boundaries or the
        size trend, the movers of the last month, and each segment's policy."""
        self.ensure_one()
        env = self.env
        currency = env.company.currency_id
        Distribution = env["partner.segment.report.distribution"]
        groups = Distribution._read_group(
            [("scheme_id", "=", self.id)], ["segment_id"], ["partner_count:sum", "revenue:sum"]
        )
        by_segment = {segment: (count, revenue) for segment, count, revenue in groups}
        total_count = sum(count for count, _revenue in by_segment.values()) or 0
        total_revenue = sum(revenue for _count, revenue in by_segment.values()) or 0.0
        segments = self.segment_ids.with_context(segment_short_name=True).sorted(
            lambda s: (s.sequence, s.id)
        )
        distribution = []
        for segment in segments:
            count, revenue = by_segment.get(segment, (0, 0.0))
            distribution.append(
                {
                    "segment": segment,
                    "count": count,
                    "share": 100.0 * count / total_count if total_count else 0.0,
                    "revenue": revenue,
                    "revenue_share": 100.0 * revenue / total_revenue if total_revenue else 0.0,
                }
            )
        boundaries = env["partner.segment.report.pareto"].search(
            [("scheme_id", "=", self.id), ("kind", "=", "boundary")], order="customer_share"
        )
        day = common.report_day(env)
        Size = env["partner.segment.report.size"]
        size_groups = Size._read_group(
            [
                ("scheme_id", "=", self.id),
                ("date", ">", day - datetime.timedelta(days=365)),
            ],
            ["date:month", "segment_id"],
            ["partner_count:sum", "date:max"],
        )
        # the last day recorded in each month stands for the month
        last_days = {}
        for month, _segment, _count, last in size_groups:
            last_days[month] = max(last_days.get(month, last), last)
        trend_rows = Size._read_group(
            [("scheme_id", "=", self.id), ("date", "in", list(last_days.values()))],
            ["date:day", "segment_id"],
            ["partner_count:sum"],
        )
        trend_days = sorted({row[0] for row in trend_rows})
        trend = {(d, segment): count for d, segment, count in trend_rows}
        movers = env["partner.segment.history"]._read_group(
            [
                ("scheme_id", "=", self.id),
                ("date", ">=", day - datetime.timedelta(days=30)),
            ],
            ["from_segment_id", "to_segment_id"],
            ["__count"],
            order="__count desc",
            limit=10,
        )
        return {
            "scheme": self.with_context(segment_short_name=True),
            "currency": currency,
            "day": day,
            "total_count": total_count,
            "total_revenue": total_revenue,
            "distribution": distribution,
            "boundaries": boundaries.with_context(segment_short_name=True),
            "trend_days": trend_days,
            "trend": [
                {"segment": segment, "counts": [trend.get((d, segment), 0) for d in trend_days]}
                for segment in segments
            ],
            "trend_max": max(trend.values() or [0]),
            "movers": [
                {
                    "from": from_segment.with_context(segment_short_name=True),
                    "to": to_segment.with_context(segment_short_name=True),
                    "count": count,
                }
                for from_segment, to_segment, count in movers
            ],
            "segments": segments,
        }

    def action_print_summary(self):
        return self.env.ref(
            "partner_segmentation.action_report_segmentation_summary"
        ).report_action(self)
