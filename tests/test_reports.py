# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reports: distribution, Pareto curve, overlap, product ABC per group;
rights, empty filters and the PDF summary (sizes over time and migration:
test_report_sizes.py)."""

import random

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged
from odoo.tools import SQL

from .common import TODAY, on_reference_days
from .common_reports import ReportsCase


@tagged("post_install", "-at_install")
class TestReports(ReportsCase):
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

    # -- Pareto ------------------------------------------------------------
    @on_reference_days
    def test_pareto_curve_and_boundary_rule(self):
        # a customer without revenue: ranked (last segment), not on the curve
        idle = self.make_partner("Idle", customer_type="retail")
        self.recompute(self.schemes)
        self.assertEqual(self.segment_of(idle, self.pareto), self.seg_c)
        Pareto = self.env["partner.segment.report.pareto"]
        curve = Pareto.search(
            [("scheme_id", "=", self.pareto.id), ("kind", "=", "curve")], order="customer_percent"
        )
        # from the origin to exactly 100 % of the four partners with revenue,
        # never falling
        self.assertEqual(curve.mapped("customer_percent"), [0, 25, 50, 75, 100])
        shares = curve.mapped("metric_share")
        self.assertEqual(shares[0], 0.0)
        self.assertEqual(shares[-1], 100.0)
        self.assertEqual(shares, sorted(shares))
        self.assertEqual(curve.mapped("customer_share")[-1], 100.0)
        # each point names the partner ranked there (none at the origin)
        self.assertEqual(
            curve.partner_id.sorted("name").mapped("name"), sorted(["Big", "Mid", "Small", "Tiny"])
        )
        self.assertFalse(curve[0].partner_id)
        self.assertEqual(curve[1].partner_id, self.big)
        self.assertNotIn(idle, curve.partner_id)
        # the partners without revenue are counted, per segment, off the curve
        none = Pareto.search([("scheme_id", "=", self.pareto.id), ("kind", "=", "none")])
        self.assertEqual((none.segment_id, none.partner_count), (self.seg_c, 1))
        boundaries = Pareto.search(
            [("scheme_id", "=", self.pareto.id), ("kind", "=", "boundary")],
            order="customer_share",
        )
        # revenue 7000 / 3000 / 800 / 200 of 11000: Big alone is 63.6 % > 60 %,
        # it crosses the A cut-off and stays in A
        self.assertEqual(boundaries.segment_id, self.seg_a | self.seg_b | self.seg_c)
        first = boundaries[0]
        self.assertEqual(first.segment_id, self.seg_a)
        self.assertEqual(first.partner_id, self.big, "the partner that ends segment A")
        self.assertEqual(first.partner_count, 1)
        self.assertLess(first.metric_share_before, first.cutoff)
        self.assertGreater(first.metric_share, first.cutoff)
        for boundary in boundaries:
            self.assertLess(boundary.metric_share_before, boundary.cutoff)
        self.assertEqual(boundaries[-1].partner_id, self.tiny)
        self.assertEqual(boundaries[-1].metric_share, 100.0)
        self.assertEqual(self.segment_of(self.big, self.pareto), self.seg_a)

    def test_pareto_curve_of_many_partners_with_ties_and_zeros(self):
        """The curve as documented, on 265 classified partners with ties,
        zeros, negative and missing values: the partners with a positive
        value ranked by value then partner (several per percent), the origin,
        a point for the last partner of each percent, a boundary for the last
        of each segment, the share before a tie group of the partners ranked
        strictly before it; the others counted per segment, off the curve."""
        rng = random.Random(25)
        segments = [self.seg_a.id, self.seg_b.id, self.seg_c.id, None]
        # the curve's points name their partner: real partners, in id order
        partner_ids = self.env["res.partner"].create([{"name": f"P{i}"} for i in range(265)]).ids
        rows = [
            (
                pid,
                segments[min(i // 80, 2)] if i % 17 else None,
                rng.choice([None, 0, -5, 10, 10, 10, 25, 100, rng.randint(1, 500)]),
            )
            for i, pid in enumerate(sorted(partner_ids), 1)
        ]
        ranked = SQL(
            "SELECT * FROM (VALUES %s) AS t(partner_id, segment_id, value)",
            SQL(", ").join(SQL("(%s, %s::int, %s::numeric)", *row) for row in rows),
        )
        Pareto = self.env["partner.segment.report.pareto"]
        Pareto._refresh(self.pareto, lambda scheme: ranked, self.today)
        items = sorted(
            (
                (-value, pid, segment)
                for pid, segment, value in rows
                if segment and (value or 0) > 0
            ),
            key=lambda item: item[:2],
        )
        n, total = len(items), -sum(value for value, _pid, _seg in items)
        self.assertGreater(n, 100)
        curve, boundaries, cum = {0: (False, 0, 0.0, 0.0)}, [], 0
        for rn, (value, _pid, segment) in enumerate(items, 1):
            cum -= value
            before = -sum(v for v, _p, _s in items if v < value)  # greater values, ranked first
            point = (segment, rn, 100 * cum / total, 100 * before / total)
            curve[-(-100 * rn // n)] = point  # the last partner of its percent
            if rn == n or items[rn][2] != segment:
                boundaries.append(point)

        def read(kind):
            records = Pareto.search(
                [("scheme_id", "=", self.pareto.id), ("kind", "=", kind)], order="partner_count"
            )
            return [
                (
                    r.customer_percent,
                    r.segment_id.id,
                    r.partner_count,
                    r.metric_share,
                    r.metric_share_before,
                    r.date,
                )
                for r in records
            ]

        def expected(points):
            return [
                (-(-100 * rn // n), segment, rn, share, before, self.today)
                for segment, rn, share, before in points
            ]

        for kind, points in (("curve", list(curve.values())), ("boundary", boundaries)):
            got, want = read(kind), expected(points)
            self.assertEqual(len(got), len(want), kind)
            for got_row, want_row in zip(got, want, strict=True):
                self.assertEqual(got_row[:3] + got_row[5:], want_row[:3] + want_row[5:], kind)
                self.assertAlmostEqual(got_row[3], want_row[3], delta=0.006)
                self.assertAlmostEqual(got_row[4], want_row[4], delta=0.006)
        self.assertEqual(len(read("curve")), 101, "the origin and one point per percent")
        off_curve = {}
        for _pid, segment, value in rows:
            if segment and not (value or 0) > 0:
                off_curve[segment] = off_curve.get(segment, 0) + 1
        none = Pareto.search([("scheme_id", "=", self.pareto.id), ("kind", "=", "none")])
        self.assertEqual({r.segment_id.id: r.partner_count for r in none}, off_curve)

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
        # shares of a group and counts of customers do not add up across
        # products or groups: no total (a total row read "300 %")
        groups = Product.read_group(
            [("group_kind", "=", "segment")],
            ["revenue:sum", "revenue_share", "customer_count"],
            ["group_kind"],
        )
        self.assertEqual(len(groups), 1)
        self.assertNotIn("revenue_share", groups[0])
        self.assertNotIn("customer_count", groups[0])
        self.assertGreater(groups[0]["revenue"], 0)
        self.assertFalse(Product.fields_get(["revenue_share"])["revenue_share"].get("aggregator"))
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

    # -- PDF --------------------------------------------------
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
