# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Rankings on data with the shape of a real retailer's: most customers buy
once and for the same amount, a long tail of large customers, customers
with nothing in the last 12 months, refunds (a net zero, a net negative).
Property tests for every ranking method: segments follow the value, equal
values share a segment, buckets are as equal as the ties allow (exactly
the documented rule, recomputed here in Python), a second run writes
nothing, a partial run against the stored boundaries agrees with the full
run."""

from decimal import Decimal

from odoo.tests import tagged

from .common import SegmentationCase

# (invoices of the last 12 months, as amounts) per customer; a negative
# amount is a credit note.  Most buy once, most of them for the same amount.
RETAIL = (
    [[100]] * 14  # one purchase of the most common basket
    + [[40]] * 6
    + [[250]] * 4
    + [[100, 100]] * 3  # twice the common basket: 200
    + [[200]] * 2  # the same 200 in one purchase
    + [[60, 60]] * 4
    + [[150, 150, 150]] * 2
    + [[300, 450]] * 2
    + [[1200, 800, 500]]
    + [[5000, 3000, 2000, 1000]]  # the long tail
    + [[20000, 15000]]
    + [[100, -100]]  # refunded: net zero, but one invoice in the window
    + [[-50]]  # a refund only: net negative
    + [[300, -100]]  # partly refunded: 200
)
OLD_BUYERS = 5  # one invoice 400 days ago: nothing in the last 12 months
PROSPECTS = 3  # nothing ever


@tagged("post_install", "-at_install")
class TestRankingTies(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.invoices = cls.Metric.create(
            {
                "name": "Test invoices, last 12 months",
                "code": "test_invoice_count_12m",
                "model_id": cls.env["ir.model"]._get_id("account.move"),
                "partner_field_id": cls.env["ir.model.fields"]
                ._get("account.move", "partner_id")
                .id,
                "date_field_id": cls.env["ir.model.fields"]._get("account.move", "invoice_date").id,
                "aggregate": "count",
                "window_days": 365,
                "source_domain": "[('move_type', '=', 'out_invoice'), ('state', '=', 'posted')]",
            }
        )
        cls.customers = cls.env["res.partner"]
        cls.revenue_of, cls.count_of = {}, {}
        for i, amounts in enumerate(RETAIL):
            partner = cls.make_partner(f"Retail {i + 1:02d}")
            for k, amount in enumerate(amounts):
                cls.make_invoice(partner, abs(amount), days_ago=5 + 7 * k, refund=amount < 0)
            cls.customers |= partner
            cls.revenue_of[partner.id] = sum(amounts)
            cls.count_of[partner.id] = sum(1 for a in amounts if a > 0)
        for i in range(OLD_BUYERS):
            partner = cls.make_partner(f"Retail old {i + 1}")
            cls.make_invoice(partner, 100, days_ago=400)
            cls.customers |= partner
            cls.revenue_of[partner.id] = cls.count_of[partner.id] = 0
        for i in range(PROSPECTS):
            partner = cls.make_partner(f"Retail prospect {i + 1}")
            cls.customers |= partner
            cls.revenue_of[partner.id] = cls.count_of[partner.id] = 0

    # -- schemes -------------------------------------------------------------------
    def quantile(self, code, metric, buckets, order="desc", no_activity="rank", segments=None):
        segments = segments or [(b, b) for b in range(1, buckets + 1)]
        return self.make_scheme(
            code,
            "quantile",
            [
                {"name": f"B{lo}-{hi}", "quantile_from": lo, "quantile_to": hi}
                for lo, hi in segments
            ],
            metric=metric,
            quantile_count=buckets,
            quantile_order=order,
            no_activity=no_activity,
        )

    def pareto(self, code, cutoffs, no_activity="rank"):
        return self.make_scheme(
            code,
            "pareto",
            [{"name": f"P{c}", "pareto_cutoff": c} for c in cutoffs],
            metric=self.revenue,
            no_activity=no_activity,
        )

    # -- the documented rules, in Python -------------------------------------------
    @staticmethod
    def ntile(rank, rows, buckets):
        q, r = divmod(rows, buckets)
        if rank <= r * (q + 1):
            return (rank - 1) // (q + 1) + 1
        return r + (rank - 1 - r * (q + 1)) // q + 1

    def expected_buckets(self, values, buckets, descending):
        """{partner id: bucket}: a tie group in the bucket of its first rank."""
        rows = len(values)
        ordered = sorted(values.values(), reverse=descending)
        first_rank = {}
        for rank, value in enumerate(ordered, 1):
            first_rank.setdefault(value, rank)
        return {pid: self.ntile(first_rank[v], rows, buckets) for pid, v in values.items()}

    def expected_pareto(self, values, cutoffs):
        """{partner id: cut-off of its segment}: a tie group placed by the
        share of the partners ranked before the whole group."""
        points = {pid: max(v, 0) for pid, v in values.items()}
        total = sum(points.values())
        out = {}
        for pid, v in points.items():
            before = sum(w for w in points.values() if w > v)
            out[pid] = next(
                (c for c in cutoffs if c >= 100 or (v > 0 and before * 100 < total * c)), None
            )
        return out

    # -- properties ----------------------------------------------------------------
    def segments_by_partner(self, scheme):
        assignments = self.Assignment.search([("scheme_id", "=", scheme.id)])
        return {a.partner_id.id: a.segment_id for a in assignments if a.segment_id}

    def check_properties(self, scheme, values, rank_of_segment, descending=True):
        """Monotone in the value, equal values together; returns {partner id:
        segment} of the full run."""
        got = self.segments_by_partner(scheme)
        self.assertEqual(set(got), set(values), "exactly the ranked partners have a segment")
        by_value = {}
        for pid, segment in got.items():
            by_value.setdefault(values[pid], set()).add(segment)
        for value, segments in by_value.items():
            self.assertEqual(len(segments), 1, f"equal values ({value}) share a segment")
        ordered = sorted(by_value, reverse=descending)
        ranks = [rank_of_segment(next(iter(by_value[v]))) for v in ordered]
        self.assertEqual(ranks, sorted(ranks), "segments follow the value")
        return got

    def check_sizes(self, values, buckets, descending, bucket_of):
        """As equal as ties allow: without its last tie group a bucket holds
        fewer partners than the largest NTILE share, and a bucket is empty
        only after one whose last group ran past its share (or when there are
        fewer partners than buckets)."""
        rows = len(values)
        share = -(-rows // buckets)  # the largest NTILE bucket
        groups = {}  # bucket: {value: partners}
        for pid, value in values.items():
            group = groups.setdefault(bucket_of[pid], {})
            group[value] = group.get(value, 0) + 1
        for bucket in range(1, buckets + 1):
            if bucket not in groups:
                if bucket > rows:  # fewer partners than buckets
                    continue
                before = max(b for b in groups if b < bucket)
                last = (min if descending else max)(groups[before])
                self.assertGreater(groups[before][last], 1, "skipped by a tie group")
                continue
            last = (min if descending else max)(groups[bucket])
            size = sum(groups[bucket].values())
            self.assertLess(size - groups[bucket][last], share, f"bucket {bucket}")

    def check_reruns(self, scheme, got):
        """A second full run writes nothing; partial runs (tie groups at the
        boundaries, the refunds, the inactive) agree with the full run."""
        boundaries = scheme.ranking_boundaries
        self.assertEqual(self.recompute(scheme).change_count, 0, "same data, nothing written")
        self.assertEqual(scheme.ranking_boundaries, boundaries)
        self.assertTrue(all(len(edge) == 2 for edge in boundaries["edges"]), "values only")
        # every partner, in a partial run: placed against the boundaries
        run = self.recompute(scheme, partners=self.customers)
        self.assertEqual(run.change_count, 0, "a partial run places them where the full run did")
        self.assertEqual(self.segments_by_partner(scheme), got)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM psseg_value WHERE metric_id = %s", [scheme.metric_id.id]
        )
        self.assertLessEqual(self.env.cr.fetchone()[0], len(self.customers), "theirs only")

    # -- quantiles -----------------------------------------------------------------
    def test_quantiles_on_order_counts_keep_ties(self):
        """F-like: most customers bought once.  The count of 1 fills more than
        a bucket; the buckets it passes over stay empty."""
        scheme = self.quantile("test_ties_f", self.invoices, 5)
        self.recompute(scheme)
        values = dict(self.count_of)  # a count: zero for those without invoice
        expected = self.expected_buckets(values, 5, True)
        got = self.check_properties(scheme, values, lambda s: s.quantile_from)
        self.assertEqual({pid: s.quantile_from for pid, s in got.items()}, expected)
        self.check_sizes(values, 5, True, expected)
        once = [pid for pid, v in values.items() if v == 1]
        self.assertGreater(len(once), len(values) / 2, "the fixture: most buy once")
        self.assertEqual(len({got[pid] for pid in once}), 1, "one score for a single purchase")
        # 51 partners (buckets of 11, 10, 10, 10, 10): 1 with 4 invoices, 3
        # with 3, 10 with 2, 28 with 1, 9 with none; ranks 1, 2, 5, 15, 43:
        # buckets 1, 1, 1, 2 (rank 15 is past bucket 1's 11), 5 (rank 43)
        sizes = {b: list(expected.values()).count(b) for b in range(1, 6)}
        self.assertEqual(sizes, {1: 14, 2: 28, 3: 0, 4: 0, 5: 9})
        self.assertEqual(
            sorted({(b, s.code) for b, s in ((expected[p], s) for p, s in got.items())}),
            [(1, "B1-1"), (2, "B2-2"), (5, "B5-5")],
        )
        self.check_reruns(scheme, got)

    def test_quantiles_leave_out_inactive_partners(self):
        scheme = self.quantile("test_ties_f_active", self.invoices, 4, no_activity="exclude")
        self.recompute(scheme)
        values = {pid: v for pid, v in self.count_of.items() if v}
        got = self.check_properties(scheme, values, lambda s: s.quantile_from)
        buckets = {pid: s.quantile_from for pid, s in got.items()}
        self.assertEqual(buckets, self.expected_buckets(values, 4, True))
        self.check_sizes(values, 4, True, buckets)
        inactive = self.customers.filtered(lambda p: not self.count_of[p.id])
        self.assertEqual(len(inactive), OLD_BUYERS + PROSPECTS + 1, "and the refund only")
        # 42 ranked (buckets of 11, 11, 10, 10): ranks 1, 2, 5 in 1, 15 in 2
        self.assertEqual(
            sorted(s.quantile_from for s in got.values()), [1] * 14 + [2] * 28, "3, 4 empty"
        )
        self.assertFalse(set(inactive.ids) & set(got), "no activity is not a rank")
        self.check_reruns(scheme, got)

    def test_quantiles_on_revenue_both_orders(self):
        for order, descending in (("desc", True), ("asc", False)):
            for no_activity in ("rank", "exclude"):
                with self.subTest(order=order, no_activity=no_activity):
                    scheme = self.quantile(
                        f"test_ties_rev_{order}_{no_activity}",
                        self.revenue,
                        4,
                        order,
                        no_activity,
                        segments=[(1, 1), (2, 3), (4, 4)],
                    )
                    self.recompute(scheme)
                    values = {
                        pid: Decimal(v)
                        for pid, v in self.revenue_of.items()
                        if v or no_activity == "rank"
                    }
                    got = self.check_properties(
                        scheme, values, lambda s: s.quantile_from, descending
                    )
                    expected = self.expected_buckets(values, 4, descending)
                    self.check_sizes(values, 4, descending, expected)
                    for pid, segment in got.items():
                        self.assertTrue(
                            segment.quantile_from <= expected[pid] <= segment.quantile_to
                        )
                    self.check_reruns(scheme, got)

    # -- Pareto --------------------------------------------------------------------
    def test_pareto_ties_share_their_segment(self):
        for no_activity in ("rank", "exclude"):
            with self.subTest(no_activity=no_activity):
                cutoffs = [60, 80, 95, 100]
                scheme = self.pareto(f"test_ties_abc_{no_activity}", cutoffs, no_activity)
                self.recompute(scheme)
                values = {
                    pid: Decimal(v)
                    for pid, v in self.revenue_of.items()
                    if v or no_activity == "rank"
                }
                got = self.check_properties(scheme, values, lambda s: s.pareto_cutoff)
                self.assertEqual(
                    {pid: s.pareto_cutoff for pid, s in got.items()},
                    self.expected_pareto(values, cutoffs),
                )
                refund_only = self.customers[len(RETAIL) - 2]
                self.assertEqual(self.revenue_of[refund_only.id], -50)
                self.assertEqual(got[refund_only.id].pareto_cutoff, 100, "net refunds: the rest")
                self.check_reruns(scheme, got)

    def test_pareto_tie_at_the_cutoff_stays_up(self):
        # a cut-off half-way through the fourteen customers of 100: by partner
        # id, seven would have stayed up and seven gone down
        values = {pid: Decimal(v) for pid, v in self.revenue_of.items()}
        total = sum(max(v, 0) for v in values.values())
        before_group = sum(v for v in values.values() if v > 100)
        inside = (before_group + 700) * 100 / total  # half-way through the 100s
        cutoff = float(round(inside, 2))
        self.assertLess(before_group * 100, total * Decimal(str(cutoff)))
        scheme = self.pareto("test_ties_cut", [cutoff, 100])
        self.recompute(scheme)
        got = self.segments_by_partner(scheme)
        hundreds = [pid for pid, v in values.items() if v == 100]
        self.assertEqual(len(hundreds), 14)
        self.assertEqual({got[pid].pareto_cutoff for pid in hundreds}, {cutoff}, "all up")
        first_edge = scheme.ranking_boundaries["edges"][0]
        self.assertEqual(Decimal(first_edge[1]), 100, "the segment ends with the 100s")
        # the Pareto report's boundary row: the share before the whole group is
        # under the cut-off, the share with it past it
        boundary = self.env["partner.segment.report.pareto"].search(
            [("scheme_id", "=", scheme.id), ("kind", "=", "boundary")], order="customer_share"
        )[0]
        self.assertAlmostEqual(boundary.metric_share_before, float(before_group * 100 / total), 2)
        self.assertLess(boundary.metric_share_before, cutoff)
        self.assertGreater(boundary.metric_share, cutoff)
        self.check_reruns(scheme, got)
