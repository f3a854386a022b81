# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reports: distribution, sizes over time (per run and back-filled),
migration, Pareto curve, overlap, product ABC per group; rights, empty
filters, the PDF summary and the dashboard."""

import datetime
import json

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL

from .common import TODAY, SegmentationCase, on_reference_days


@tagged("post_install", "-at_install")
class TestReports(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.channel = cls.env["partner.sales.channel"].create({"name": "Report test channel"})
        cls.big = cls.make_partner(
            "Big", customer_type="wholesale", sales_channel_id=cls.channel.id
        )
        cls.mid = cls.make_partner("Mid", customer_type="wholesale")
        cls.small = cls.make_partner("Small", customer_type="retail")
        cls.tiny = cls.make_partner("Tiny", customer_type="retail")
        cls.other = cls.env["product.product"].create(
            {"name": "Report gadget", "type": "service", "list_price": 1.0, "taxes_id": False}
        )
        cls.make_invoice(cls.big, 6000)
        cls.make_invoice(cls.mid, 3000)
        cls.make_invoice(cls.small, 800)
        cls.make_invoice(cls.tiny, 200)
        cls.gadget_invoice(cls.big, 1000)
        cls.rules = cls.make_scheme(
            "test_report_size",
            "rules",
            [
                {"name": "Large", "conditions": [(cls.revenue, ">=", 2000)]},
                {"name": "Small", "conditions": [(cls.revenue, ">", 0)]},
            ],
        )
        cls.large, cls.small_seg = cls.rules.segment_ids.sorted("sequence")
        cls.pareto = cls.make_scheme(
            "test_report_abc",
            "pareto",
            [
                {"name": "A", "pareto_cutoff": 60},
                {"name": "B", "pareto_cutoff": 90},
                {"name": "C", "pareto_cutoff": 100},
            ],
            metric=cls.revenue,
        )
        cls.seg_a, cls.seg_b, cls.seg_c = cls.pareto.segment_ids.sorted("pareto_cutoff")
        cls.schemes = cls.rules | cls.pareto

    @classmethod
    def gadget_invoice(cls, partner, amount):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": cls.days_ago(5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.other.id,
                            "quantity": 2,
                            "price_unit": amount / 2,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        cls._dated["account_move"].append(move.id)

    def grouped(self, model, domain, groupby, aggregates, **context):
        Model = self.env[model].with_context(**context) if context else self.env[model]
        return Model._read_group(domain, groupby, aggregates)

    # -- distribution ------------------------------------------------------
    @on_reference_days
    def test_distribution_counts_revenue_and_shares(self):
        self.recompute(self.schemes)
        rows = {
            segment: (count, revenue, share, revenue_share)
            for segment, count, revenue, share, revenue_share in self.grouped(
                "partner.segment.report.distribution",
                [("scheme_id", "=", self.rules.id)],
                ["segment_id"],
                ["partner_count:sum", "revenue:sum", "partner_share:sum", "revenue_share:sum"],
            )
        }
        self.assertEqual(rows[self.large][:2], (2, 10000.0))
        self.assertEqual(rows[self.small_seg][:2], (2, 1000.0))
        self.assertAlmostEqual(rows[self.large][2], 50.0)
        self.assertAlmostEqual(rows[self.large][3], 100.0 * 10000 / 11000)
        self.assertAlmostEqual(sum(r[3] for r in rows.values()), 100.0)
        # filters on the partner dimensions
        wholesale = self.grouped(
            "partner.segment.report.distribution",
            [("scheme_id", "=", self.rules.id), ("customer_type", "=", "wholesale")],
            [],
            ["partner_count:sum"],
        )
        self.assertEqual(wholesale[0][0], 2)
        in_channel = self.env["partner.segment.report.distribution"].search(
            [("scheme_id", "=", self.rules.id), ("sales_channel_id", "=", self.channel.id)]
        )
        self.assertEqual(in_channel.partner_id, self.big)

    def test_filters_matching_nothing_are_empty_not_errors(self):
        self.recompute(self.schemes)
        for model in (
            "partner.segment.report.distribution",
            "partner.segment.report.size",
            "partner.segment.report.migration",
            "partner.segment.report.overlap",
        ):
            domain = [("scheme_id", "=", self.rules.id), ("governance_type", "=", "group")]
            groupby = ["to_segment_id"] if "migration" in model else ["segment_id"]
            self.assertEqual(self.grouped(model, domain, groupby, ["partner_count:sum"]), [], model)
            self.assertFalse(self.env[model].search(domain), model)
        self.assertFalse(
            self.env["partner.segment.report.pareto"].search([("scheme_id", "=", self.rules.id)])
        )

    # -- sizes over time ---------------------------------------------------
    def sizes(self, scheme, day=None):
        day = day or self.today
        return {
            segment: (count, revenue)
            for segment, count, revenue in self.grouped(
                "partner.segment.report.size",
                [("scheme_id", "=", scheme.id), ("date", "=", day)],
                ["segment_id"],
                ["partner_count:sum", "revenue:sum"],
            )
        }

    @on_reference_days
    def test_sizes_one_row_set_per_run_and_day(self):
        self.recompute(self.schemes)
        self.assertEqual(
            self.sizes(self.rules), {self.large: (2, 10000.0), self.small_seg: (2, 1000.0)}
        )
        self.recompute(self.schemes)  # the same day again: rewritten, not doubled
        self.assertEqual(self.sizes(self.rules)[self.large], (2, 10000.0))
        # the planner setting the sizes' statement changes is put back
        self.env.cr.execute("SHOW enable_sort")
        self.assertEqual(self.env.cr.fetchone()[0], "on")
        # rows are per partner dimension: two customer types in Small
        rows = self.env["partner.segment.report.size"].search(
            [("scheme_id", "=", self.rules.id), ("date", "=", self.today)]
        )
        self.assertEqual(len(rows), 3, "Large: two channels; Small: one")
        # a run of chosen partners leaves the day's sizes to the next full run
        self.make_invoice(self.tiny, 5000)
        from ..engine import run as engine_run

        engine_run.run(self.env, self.schemes, partners=self.tiny, trigger="partner")
        self.assertEqual(self.segment_of(self.tiny, self.rules), self.large)
        self.assertEqual(self.sizes(self.rules)[self.large], (2, 10000.0))

    @on_reference_days
    def test_sizes_of_a_run_pinned_to_a_past_day(self):
        """The demo's past monthly runs are pinned to their day on the server:
        their sizes are that day's, not today's."""
        from ..engine import common
        from ..engine import run as engine_run

        day = self.today + datetime.timedelta(days=1)  # the invoices still count then
        with common.pinned_day(day):
            engine_run.run(self.env, self.schemes)
        dates = set(
            self.env["partner.segment.report.size"]
            .search([("scheme_id", "=", self.rules.id)])
            .mapped("date")
        )
        self.assertEqual(dates, {day})

    @on_reference_days
    def test_sizes_back_filled_from_history(self):
        day1, day2 = (
            self.today - datetime.timedelta(days=8),
            self.today - datetime.timedelta(days=2),
        )
        self.recompute(self.rules, segmentation_today=str(day1))
        self.env.cr.execute(
            SQL(
                "UPDATE partner_segment_history SET date = %s WHERE scheme_id = %s",
                datetime.datetime.combine(day1, datetime.time(8)),
                self.rules.id,
            )
        )
        self.make_invoice(self.tiny, 4000, days_ago=5)
        run2 = self.recompute(self.rules, segmentation_today=str(day2))
        # the second run's rows (stamped with the clock's time, which may be any day)
        self.env.cr.execute(
            SQL(
                "UPDATE partner_segment_history SET date = %s WHERE scheme_id = %s AND run_id = %s",
                datetime.datetime.combine(day2, datetime.time(8)),
                self.rules.id,
                run2.id,
            )
        )
        # this scheme's sizes only: the demo's days keep theirs (and cost nothing)
        self.env.cr.execute(
            SQL("DELETE FROM partner_segment_report_size WHERE scheme_id = %s", self.rules.id)
        )
        self.env.invalidate_all()
        days = self.env["partner.segment.scheme"]._report_install()
        self.assertIn(day1, days)
        self.assertIn(day2, days)
        self.assertEqual(
            {s: c for s, (c, _r) in self.sizes(self.rules, day1).items()},
            {self.large: 2, self.small_seg: 2},
        )
        self.assertEqual(
            {s: c for s, (c, _r) in self.sizes(self.rules, day2).items()},
            {self.large: 3, self.small_seg: 1},
        )
        self.assertEqual(self.env["partner.segment.scheme"]._report_install(), [], "nothing twice")

    # -- migration ---------------------------------------------------------
    @on_reference_days
    def test_migration_between_two_days(self):
        day1 = self.today - datetime.timedelta(days=8)
        self.recompute(self.rules, segmentation_today=str(day1))
        self.env.cr.execute(
            SQL(
                "UPDATE partner_segment_history SET date = %s WHERE scheme_id = %s",
                datetime.datetime.combine(day1, datetime.time(8)),
                self.rules.id,
            )
        )
        self.make_invoice(self.tiny, 4000, days_ago=3)
        run2 = self.recompute(self.rules)
        # the second run's rows (stamped with the clock's time, which may be any day)
        self.env.cr.execute(
            SQL(
                "UPDATE partner_segment_history SET date = %s WHERE scheme_id = %s AND run_id = %s",
                datetime.datetime.combine(self.today, datetime.time(8)),
                self.rules.id,
                run2.id,
            )
        )
        Migration = self.env["partner.segment.report.migration"].with_context(
            migration_date_from=str(day1),
            migration_date_to=str(self.today),
        )
        moved = Migration.search([("scheme_id", "=", self.rules.id)])
        self.assertEqual(moved.partner_id, self.tiny)
        self.assertEqual((moved.from_segment_id, moved.to_segment_id), (self.small_seg, self.large))
        cells = Migration._read_group(
            [("scheme_id", "=", self.rules.id)],
            ["from_segment_id", "to_segment_id"],
            ["partner_count:sum"],
        )
        self.assertEqual(cells, [(self.small_seg, self.large, 1)])
        # the partners of a cell are one click away
        action = moved.action_open_partner()
        self.assertEqual(action["res_id"], self.tiny.id)
        # days before any change: every first assignment is an entry from nowhere
        early = self.env["partner.segment.report.migration"].with_context(
            migration_date_from=str(day1 - datetime.timedelta(days=5)),
            migration_date_to=str(day1),
        )
        entries = early.search([("scheme_id", "=", self.rules.id)])
        self.assertEqual(len(entries), 4)
        self.assertFalse(entries.from_segment_id)

    @on_reference_days
    def test_migration_wizard_opens_the_report_and_refuses_reversed_days(self):
        wizard = Form(
            self.env["partner.segment.migration.wizard"].with_context(
                segmentation_today=str(self.today)
            )
        )
        wizard.scheme_id = self.rules
        action = wizard.save().action_open_report()
        self.assertEqual(action["res_model"], "partner.segment.report.migration")
        self.assertEqual(action["context"]["migration_date_to"], str(self.today))
        self.assertEqual(action["context"]["search_default_scheme_id"], self.rules.id)
        count = self.env["partner.segment.migration.wizard"].search_count([])
        with self.assertRaises(ValidationError):
            self.env["partner.segment.migration.wizard"].create(
                {"date_from": self.today, "date_to": self.today - datetime.timedelta(days=1)}
            )
        self.assertEqual(self.env["partner.segment.migration.wizard"].search_count([]), count)

    # -- Pareto ------------------------------------------------------------
    @on_reference_days
    def test_pareto_curve_and_boundary_rule(self):
        self.recompute(self.schemes)
        Pareto = self.env["partner.segment.report.pareto"]
        curve = Pareto.search([("scheme_id", "=", self.pareto.id), ("kind", "=", "curve")])
        self.assertEqual(sorted(curve.mapped("customer_percent")), [25, 50, 75, 100])
        self.assertAlmostEqual(max(curve.mapped("metric_share")), 100.0)
        boundaries = Pareto.search(
            [("scheme_id", "=", self.pareto.id), ("kind", "=", "boundary")],
            order="customer_share",
        )
        # revenue 7000 / 3000 / 800 / 200 of 11000: Big alone is 63.6 % > 60 %,
        # it crosses the A cut-off and stays in A
        self.assertEqual(boundaries.segment_id, self.seg_a | self.seg_b | self.seg_c)
        first = boundaries[0]
        self.assertEqual(first.segment_id, self.seg_a)
        self.assertEqual(first.partner_count, 1)
        self.assertLess(first.metric_share_before, first.cutoff)
        self.assertGreater(first.metric_share, first.cutoff)
        for boundary in boundaries:
            self.assertLess(boundary.metric_share_before, boundary.cutoff)
        self.assertEqual(self.segment_of(self.big, self.pareto), self.seg_a)

    # -- overlap -----------------------------------------------------------
    def test_overlap_of_two_schemes(self):
        self.recompute(self.schemes)
        cells = self.grouped(
            "partner.segment.report.overlap",
            [("scheme_id", "=", self.pareto.id), ("other_scheme_id", "=", self.rules.id)],
            ["segment_id", "other_segment_id"],
            ["partner_count:sum", "revenue:sum"],
        )
        self.assertEqual(
            sorted((a.name, b.name, n, r) for a, b, n, r in cells),
            [
                ("A", "Large", 1, 7000.0),
                ("B", "Large", 1, 3000.0),
                ("C", "Small", 2, 1000.0),
            ],
        )
        rows = self.env["partner.segment.report.overlap"].search(
            [("scheme_id", "=", self.pareto.id), ("other_scheme_id", "=", self.rules.id)]
        )
        self.assertEqual(len(set(rows.ids)), 4, "one row, one id per partner and pair")

    # -- product ABC -------------------------------------------------------
    def test_product_abc_per_group(self):
        self.recompute(self.schemes)
        Product = self.env["partner.segment.report.product"]
        large = Product.search(
            [("group_kind", "=", "segment"), ("segment_id", "=", self.large.id)], order="rank"
        )
        self.assertEqual(large.product_id, self.product | self.other)
        self.assertEqual(large.mapped("revenue"), [9000.0, 1000.0])
        self.assertEqual(large.mapped("abc_class"), ["A", "B"])
        self.assertEqual(large[1].quantity, 2.0)
        wholesale = Product.search(
            [("group_kind", "=", "customer_type"), ("customer_type", "=", "wholesale")]
        )
        self.assertIn(self.other, wholesale.product_id)
        channel = Product.search(
            [("group_kind", "=", "channel"), ("sales_channel_id", "=", self.channel.id)],
            order="rank",
        )
        self.assertEqual(channel.mapped("customer_count"), [1, 1])
        self.assertFalse(
            Product.search(
                [
                    ("group_kind", "=", "customer_type"),
                    ("customer_type", "=", "buyer"),
                    ("product_id", "=", self.other.id),
                ]
            )
        )

    # -- rights ------------------------------------------------------------
    def test_rights(self):
        self.recompute(self.schemes)
        salesman = new_test_user(
            self.env, "report_salesman", groups="sales_team.group_sale_salesman"
        )
        seg_user = new_test_user(
            self.env, "report_seg_user", groups="partner_segmentation.group_segmentation_user"
        )
        portal = new_test_user(self.env, "report_portal", groups="base.group_portal")
        internal = new_test_user(self.env, "report_internal", groups="base.group_user")
        models = [
            "partner.segment.report.distribution",
            "partner.segment.report.size",
            "partner.segment.report.migration",
            "partner.segment.report.pareto",
            "partner.segment.report.overlap",
            "partner.segment.report.product",
        ]
        for user in (salesman, seg_user):
            for model in models:
                self.env[model].with_user(user).search_count([])
            self.assertTrue(
                self.env["partner.segment.report.distribution"]
                .with_user(user)
                ._read_group([("scheme_id", "=", self.rules.id)], ["segment_id"], ["__count"])
            )
        for user in (portal, internal):
            for model in models:
                with self.assertRaises(AccessError, msg=f"{user.login} on {model}"):
                    self.env[model].with_user(user).search_count([])
        with self.assertRaises(AccessError):
            self.env["partner.segment.report.size"].with_user(seg_user).create(
                {"date": TODAY, "scheme_id": self.rules.id, "segment_id": self.large.id}
            )

    # -- PDF and dashboard --------------------------------------------------
    def test_summary_pdf_renders(self):
        self.recompute(self.schemes)
        report = self.env.ref("partner_segmentation.action_report_segmentation_summary")
        html = report._render_qweb_html(report.report_name, self.pareto.ids)[0].decode()
        self.assertIn("Segmentation summary", html)
        self.assertIn("Pareto cut-offs", html)
        self.assertIn("crosses a cut-off stays in the upper segment", html)
        self.assertIn(
            "placed by the share of the partners ranked before all of them", " ".join(html.split())
        )
        for name in ("A", "B", "C"):
            self.assertIn(f"<td>{name}</td>", html)
        html = report._render_qweb_html(report.report_name, self.rules.ids)[0].decode()
        self.assertIn("Large", html)
        self.assertNotIn("Pareto cut-offs", html)
        pdf, kind = report.with_context(force_report_rendering=True)._render_qweb_pdf(
            report.report_name, self.rules.ids
        )
        self.assertEqual(kind, "pdf")
        self.assertTrue(pdf.startswith(b"%PDF"))

    def test_dashboard_live_and_sample(self):
        dashboard = self.env.ref("partner_segmentation.spreadsheet_dashboard_segmentation")
        data = json.loads(dashboard.spreadsheet_data)
        models = {f["data"]["metaData"]["resModel"] for f in data["sheets"][0]["figures"]}
        self.assertEqual(
            models,
            {
                "partner.segment.report.distribution",
                "partner.segment.report.size",
                "partner.segment.report.migration",
                "partner.segment.winback.line",
            },
        )
        for model in models:  # every chart's model and measure exist
            self.assertIn(model, self.env)
        self.recompute(self.schemes)
        self.assertNotIn("is_sample", dashboard.get_readonly_dashboard())
        self.env.cr.execute("DELETE FROM partner_segment_assignment")
        self.env.invalidate_all()
        sample = dashboard.get_readonly_dashboard()
        self.assertTrue(sample["is_sample"])
        self.assertEqual(len(sample["snapshot"]["sheets"][0]["figures"]), 5)
