# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Each classification method on hand-computed examples from the shipped presets."""

import datetime

from odoo.tests import tagged

from .common import SegmentationCase, on_reference_days


@tagged("post_install", "-at_install")
class TestPareto(SegmentationCase):
    """Pareto: the 20 % of customers that make 80 % of turnover come first."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        # 1000 in all; cumulative share before each: 0, 50, 80, 86, 90, 93, 95.5, 97.5, 99, 99.6 %
        cls.amounts = [500, 300, 60, 40, 30, 25, 20, 15, 6, 4]
        cls.partners = cls.env["res.partner"]
        for i, amount in enumerate(cls.amounts):
            partner = cls.make_partner(f"Pareto {i + 1:02d}")
            cls.make_invoice(partner, amount, days_ago=30 + i)
            cls.partners |= partner
        # revenue outside the 12-month window does not count
        cls.make_invoice(cls.partners[-1], 10_000, days_ago=400)
        cls.idle = cls.make_partner("Pareto idle")  # no revenue at all
        cls.scheme = cls.make_scheme(
            "test_abc",
            "pareto",
            [
                {"name": "A", "pareto_cutoff": 80},
                {"name": "B", "pareto_cutoff": 95},
                {"name": "C", "pareto_cutoff": 100},
            ],
            metric=cls.revenue,
        )

    @on_reference_days
    def test_pareto_80_20(self):
        self.recompute(self.scheme)
        self.assertEqual(
            self.codes(self.partners, self.scheme),
            ["A", "A", "B", "B", "B", "B", "C", "C", "C", "C"],
        )
        self.assertEqual(self.codes(self.idle, self.scheme), ["C"], "no revenue: the rest")
        segments = {s.code: s for s in self.scheme.segment_ids}
        self.assertEqual(segments["A"].partner_count, 2, "20 % of the customers…")
        self.assertEqual(self.scheme.partner_count, 11)

    @on_reference_days
    def test_partner_crossing_cutoff_stays_up_and_ties_share(self):
        # a 2-customer tie at the top, 500 each: the group has nothing before
        # it, so both are A whatever their ids (by id, the second had 33.3 %)
        tie = self.make_partner("Pareto tie")
        self.make_invoice(tie, 500, days_ago=5)
        self.recompute(self.scheme)
        first, tie_codes = self.codes(self.partners[0], self.scheme), self.codes(tie, self.scheme)
        self.assertEqual((first, tie_codes), (["A"], ["A"]))
        # 1500 in all: 0, 33.3, 66.7 (%) before the first three → A, A, A; then 86.7 → B
        self.assertEqual(self.codes(self.partners[1:3], self.scheme), ["A", "B"])

    def test_negative_revenue_goes_to_the_rest(self):
        negative = self.make_partner("Pareto refunds")
        self.make_invoice(negative, 50, days_ago=5, refund=True)
        self.recompute(self.scheme)
        self.assertEqual(self.codes(negative, self.scheme), ["C"])
        self.assertEqual(self.codes(self.partners[:2], self.scheme), ["A", "A"])


@tagged("post_install", "-at_install")
class TestLifecycle(SegmentationCase):
    """Lifecycle stages by recency and frequency, with the
    shipped Lifecycle scheme."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.env.ref("partner_segmentation.scheme_lifecycle")
        cls.scheme.partner_domain = cls.domain
        cls.prospect = cls.make_partner("Never bought")
        cls.lost = cls.make_partner("Gone quiet")
        cls.make_order(cls.lost, days_ago=700)
        cls.make_order(cls.lost, days_ago=400)
        cls.at_risk = cls.make_partner("Slipping away")
        cls.make_order(cls.at_risk, days_ago=600)
        cls.make_order(cls.at_risk, days_ago=200)
        cls.new = cls.make_partner("Fresh customer")
        cls.make_order(cls.new, days_ago=90)
        cls.regular = cls.make_partner("Every quarter")
        for days in (500, 300, 210, 120, 40):
            cls.make_order(cls.regular, days_ago=days)
        cls.occasional = cls.make_partner("Now and then")
        for days in (500, 150, 30):
            cls.make_order(cls.occasional, days_ago=days)
        cls.draft_only = cls.make_partner("Only quotations")
        cls.env["sale.order"].create({"partner_id": cls.draft_only.id})

    @on_reference_days
    def test_stages(self):
        partners = [
            self.prospect,
            self.lost,
            self.at_risk,
            self.new,
            self.regular,
            self.occasional,
            self.draft_only,
        ]
        self.recompute(self.scheme)
        self.assertEqual(
            [self.segment_of(p, self.scheme) for p in partners],
            [
                self.env.ref(f"partner_segmentation.segment_life_{code}")
                for code in (
                    "prospect",
                    "lost",
                    "at_risk",
                    "new",
                    "regular",
                    "occasional",
                    "prospect",
                )
            ],
        )

    @on_reference_days
    def test_stage_moves_with_time(self):
        self.recompute(self.scheme)
        self.assertEqual(self.segment_of(self.new, self.scheme).code, "NEW")
        # 100 days later the new customer's first order is 190 days old and
        # its last order more than 180 days ago: at risk
        self.recompute(self.scheme, segmentation_today=self.today + datetime.timedelta(days=100))
        self.assertEqual(self.segment_of(self.new, self.scheme).code, "AT_RISK")
        history = self.History.search(
            [("partner_id", "=", self.new.id), ("scheme_id", "=", self.scheme.id)]
        )
        self.assertEqual(history.mapped("to_segment_id.code"), ["AT_RISK", "NEW"])
        self.assertEqual(history[0].from_segment_id.code, "NEW")


@tagged("post_install", "-at_install")
class TestQuantile(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.amount = cls.env.ref("partner_segmentation.metric_order_amount_12m")
        cls.partners = cls.env["res.partner"]
        for value in range(1, 11):  # order amounts 100 … 1000
            partner = cls.make_partner(f"Quintile {value:02d}")
            cls.make_order(partner, amount=value * 100, days_ago=20)
            cls.partners |= partner
        cls.scheme = cls.make_scheme(
            "test_quintiles",
            "quantile",
            [{"name": f"Q{i}", "quantile_from": i, "quantile_to": i} for i in range(1, 6)],
            metric=cls.amount,
            quantile_count=5,
        )

    @on_reference_days
    def test_quintiles_descending(self):
        self.recompute(self.scheme)
        self.assertEqual(
            self.codes(self.partners, self.scheme),
            ["Q5", "Q5", "Q4", "Q4", "Q3", "Q3", "Q2", "Q2", "Q1", "Q1"],
        )

    def test_quintiles_ascending_and_merged_buckets(self):
        self.scheme.quantile_order = "asc"
        _q1, _q2, q3, q4, q5 = self.scheme.segment_ids.sorted("sequence")
        (q4 | q5).unlink()
        q3.quantile_to = 5  # Q3 takes buckets 3 to 5
        self.recompute(self.scheme)
        self.assertEqual(
            self.codes(self.partners, self.scheme),
            ["Q1", "Q1", "Q2", "Q2", "Q3", "Q3", "Q3", "Q3", "Q3", "Q3"],
        )

    @on_reference_days
    def test_ties_are_stable(self):
        twin = self.make_partner("Quintile twin")
        self.make_order(twin, amount=600, days_ago=20)  # same as partner 6
        run1 = self.recompute(self.scheme)
        first = self.codes(self.partners | twin, self.scheme)
        run2 = self.recompute(self.scheme)
        self.assertEqual(self.codes(self.partners | twin, self.scheme), first)
        self.assertGreater(run1.change_count, 0)
        self.assertEqual(run2.change_count, 0, "same data, same answer, nothing written")
