# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reports at the bench's size: the refresh a full run ends with, the reads
behind each report's pivot and graph, the Preview of a scheme with changed
cut-offs, the Why? of one assignment and the HTML of the PDF summary.

Run by bench/run.sh after cron_limits.py (which leaves the base classified);
everything is rolled back.  Appends its table to bench/results-<size>.md.
"""

import datetime
import socket
import sys
import time
from pathlib import Path
from unittest.mock import patch

from odoo import SUPERUSER_ID, Command, api

sys.path.insert(0, str(Path(__file__).parent))
import server as server_process
from floor import time_floor

from bench import open_bench, write_results


def timed(function, repeat=3):
    """Best of ``repeat`` wall-clock times of ``function()`` and its last result."""
    best, result = None, None
    for _ in range(repeat):
        t0 = time.perf_counter()
        result = function()
        spent = time.perf_counter() - t0
        best = spent if best is None else min(best, spent)
    return best, result


def summary_pdf(args, env, report, schemes):
    """The whole PDF summary of ``schemes`` as a user gets it: the HTML, then
    wkhtmltopdf, which loads the report's styles and fonts from a running
    server (started here on the bench database, stopped after).  Best of
    three wall-clock times and the PDF."""
    port = server_process.free_port()
    log = Path(f"/tmp/psseg_reports_pdf_{args.db}.log")
    log.unlink(missing_ok=True)
    server = server_process.start(args.conf, args.db, log, f"--http-port={port}")
    try:
        deadline = time.monotonic() + 180
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"the server for the PDF did not start: see {log}") from None
                time.sleep(1)
        # wkhtmltopdf fetches the styles from this server (rolled back with the rest)
        env["ir.config_parameter"].set_param("report.url", f"http://127.0.0.1:{port}")
        Report = env["ir.actions.report"]
        return timed(lambda: Report._render_qweb_pdf(report.report_name, schemes.ids)[0])
    finally:
        server_process.stop(server)


def main():
    args, registry = open_bench()
    from odoo.addons.partner_segmentation.engine import (
        classify,
        common,
        metrics,
        preview_kept,
        run_state,
    )
    from odoo.addons.partner_segmentation.engine import preview as engine_preview
    from odoo.addons.partner_segmentation.engine import run as engine_run

    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        schemes = env["partner.segment.scheme"].search([])
        abc = env.ref("partner_segmentation.scheme_value_abc")
        lifecycle = env.ref("partner_segmentation.scheme_lifecycle")
        # classified after the base was loaded (the install's demo run does not count)
        cr.execute(
            """SELECT EXISTS (SELECT FROM partner_segment_run r, ir_config_parameter p
                               WHERE p.key = 'bench.stamp' AND NOT r.partial
                                 AND r.date_start > p.write_date)"""
        )
        if not cr.fetchone()[0]:
            engine_run.run(env, schemes)
            cr.commit()
        today = datetime.date.today()
        floor = time_floor(cr, today)
        assignments = env["partner.segment.assignment"].search_count([])

        last_run = env["partner.segment.run"].search(
            [("partial", "=", False)], order="id desc", limit=1
        )

        def refresh():  # the reports' after-run steps a full run ends with
            for step in schemes.REPORT_STEPS:
                getattr(schemes, step)(last_run)

        spent, _r = timed(refresh, repeat=1)
        rows.append(("Report refresh at the end of a full run (its after-run steps)", spent, ""))
        cr.execute("SELECT COUNT(*) FROM partner_segment_report_revenue")
        revenue_rows = cr.fetchone()[0]

        def read(model, domain, groupby, aggregates, context=None):
            Report = env[model].with_context(**(context or {}))
            return lambda: Report._read_group(domain, groupby, aggregates)

        on_abc = [("scheme_id", "=", abc.id)]
        reads = [
            (
                "Distribution: Value ABC by segment (partners, revenue, shares)",
                read(
                    "partner.segment.report.distribution",
                    on_abc,
                    ["segment_id"],
                    ["partner_count:sum", "revenue:sum", "partner_share:sum", "revenue_share:sum"],
                ),
            ),
            (
                "Distribution: every scheme by segment and salesperson",
                read(
                    "partner.segment.report.distribution",
                    [],
                    ["scheme_id", "segment_id", "user_id"],
                    ["partner_count:sum", "revenue:sum"],
                ),
            ),
            (
                "Sizes over time: Value ABC by day and segment",
                read(
                    "partner.segment.report.size",
                    on_abc,
                    ["date:day", "segment_id"],
                    ["partner_count:sum", "revenue:sum"],
                ),
            ),
            (
                "Migration: Lifecycle, from × to over the last 30 days",
                read(
                    "partner.segment.report.migration",
                    [("scheme_id", "=", lifecycle.id)],
                    ["from_segment_id", "to_segment_id"],
                    ["partner_count:sum", "revenue:sum"],
                    {
                        "migration_date_from": str(today - datetime.timedelta(days=30)),
                        "migration_date_to": str(today),
                    },
                ),
            ),
            (
                "Pareto curve: Value ABC, every point",
                read(
                    "partner.segment.report.pareto",
                    on_abc,
                    ["customer_percent", "segment_id"],
                    ["metric_share:max"],
                ),
            ),
            (
                "Overlap: Value ABC × Lifecycle",
                read(
                    "partner.segment.report.overlap",
                    [*on_abc, ("other_scheme_id", "=", lifecycle.id)],
                    ["segment_id", "other_segment_id"],
                    ["partner_count:sum", "revenue:sum"],
                ),
            ),
            (
                "Product ABC per customer group: by segment and class",
                read(
                    "partner.segment.report.product",
                    [("group_kind", "=", "segment")],
                    ["segment_id", "abc_class"],
                    ["revenue:sum"],
                ),
            ),
        ]
        for label, function in reads:
            spent, _r = timed(function)
            rows.append((label, spent, ""))

        segment_a = abc.segment_ids.sorted("pareto_cutoff")[:1]
        Wizard = env["partner.segment.preview.wizard"]
        if classify.kept_ranking(abc) is None:
            # the preview looks new cut-offs up in the ranking a full run of
            # the day kept: a base classified another day (or before the
            # ranking was kept) runs Value ABC again first
            spent, _r = timed(lambda: engine_run.run(env, abc), repeat=1)
            cr.commit()
            print(f"Value ABC run again to keep its ranking ({spent:.1f} s)")

        def preview():
            return Wizard.preview_scheme(
                abc.id, {"segment_ids": [Command.update(segment_a.id, {"pareto_cutoff": 70})]}
            )

        spent, action = timed(preview)
        looked_up = Wizard.browse(action["res_id"])
        rows.append(
            (
                "Preview: Value ABC with A up to 70 %, looked up in the kept ranking "
                f"({looked_up.move_count:,} partners would move)",
                spent,
                "≤ 2 s at 1M",
            )
        )
        # the same preview in the sandbox (the engine's stages, as before the
        # ranking was kept, and as any other edit still is)
        with patch.object(preview_kept, "preview", return_value=None):
            spent, action = timed(preview)
        sandbox = Wizard.browse(action["res_id"])
        same = all(
            getattr(sandbox, name) == getattr(looked_up, name)
            for name in ("partner_count", "move_count")
        )
        rows.append(
            (
                "Preview: the same in the sandbox, every stage of the engine "
                f"({sandbox.move_count:,} partners would move"
                f"{'' if same else ', NOT THE SAME AS LOOKED UP'})",
                spent,
                "",
            )
        )
        # what keeping the ranking adds to a full run: each ranking scheme's
        # classification statement with and without it (its metric computed
        # once before, in the sandbox: nothing stays)
        keep_rows = []
        with engine_preview.sandbox(env):
            state = run_state.of(env)
            for scheme in schemes.filtered(lambda s: s.method in s._ranking_methods()):
                metrics.compute_metrics(
                    env,
                    classify.scheme_metrics(scheme),
                    None,
                    common.today_of(env),
                    {},
                    metrics.scheme_companies(scheme),
                )

                def classify_scheme(keep, scheme=scheme):
                    state.ranking_run = last_run.id if keep else None
                    return classify.classify(env, scheme, None)

                without, partners = timed(lambda: classify_scheme(False))
                kept, _r = timed(lambda: classify_scheme(True))
                keep_rows.append((scheme.code, partners, without, kept))
        added = sum(kept - without for _c, _p, without, kept in keep_rows)
        rows.append(
            (
                "Full run: the ranking kept by the classification of "
                f"{len(keep_rows)} ranking schemes, added in all "
                f"({', '.join(f'{c} {w:.2f} → {k:.2f} s' for c, _p, w, k in keep_rows)})",
                added,
                "",
            )
        )
        # Why? as a segmentation user of every company who may read invoices
        # (the values are computed with their rights): one assignment, then a
        # page of 80 read at once
        analyst = env["res.users"].create(
            {
                "name": "Bench analyst",
                "login": "bench_why_analyst",
                "company_ids": [Command.set(env["res.company"].search([]).ids)],
                "groups_id": [
                    Command.set(
                        [
                            env.ref("partner_segmentation.group_segmentation_user").id,
                            env.ref("account.group_account_invoice").id,
                        ]
                    )
                ],
            }
        )
        Assignment = env["partner.segment.assignment"].with_user(analyst)
        page = Assignment.search(on_abc, limit=80, order="partner_id desc")

        def explain(assignments):
            def read():
                assignments.invalidate_recordset(["explanation_html"])
                return assignments.read(["explanation_html"])

            return read

        spent, _r = timed(explain(page[:1]))
        rows.append(
            ("Why? of one Value ABC assignment (a segmentation user)", spent, "≤ 0.1 s at 1M")
        )
        spent, _r = timed(explain(page))
        rows.append((f"Why? of {len(page)} Value ABC assignments read at once", spent, ""))
        report = env.ref("partner_segmentation.action_report_segmentation_summary")
        spent, _r = timed(
            lambda: env["ir.actions.report"]._render_qweb_html(report.report_name, abc.ids)
        )
        rows.append(("Segmentation summary of Value ABC: the PDF's HTML", spent, ""))
        spent, pdf = summary_pdf(args, env, report, abc)
        rows.append(
            (
                f"Segmentation summary of Value ABC: the whole PDF ({len(pdf) // 1024} KB)",
                spent,
                "≤ 2 s",
            )
        )
        cr.rollback()

    write_results(
        args.size,
        [
            f"### Reports ({args.size}): {assignments:,} assignments, "
            f"{revenue_rows:,} partners with 12-month revenue",
            "",
            "Best of three (the refresh once), warm cache; the SQL floor of the same "
            f"base is {floor:.2f} s.",
            "",
            "| measure | time | against the floor | target |",
            "| --- | --- | --- | --- |",
            *(
                f"| {label} | {spent:.3f} s | {spent / floor:.2f}× | {target} |"
                for label, spent, target in rows
            ),
        ],
    )


if __name__ == "__main__":
    main()
