# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Partial runs of Pareto and quantile schemes: a full run stores where its
segments and buckets end (the last value in each: equal values share a
segment), and a partial run places its partners against those boundaries,
computing their metrics only.  All placements below are worked out by hand."""

from decimal import Decimal

from odoo import Command
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestRankingBoundaries(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")

    def group(self, name, revenues):
        """Partners of their own tag (created in order: ids ascending) with
        these 12-month revenues, and the domain of that tag."""
        tag = self.env["res.partner.category"].create({"name": name})
        partners = self.env["res.partner"]
        for i, revenue in enumerate(revenues):
            partner = self.make_partner(f"{name} {i + 1}", category_id=[Command.link(tag.id)])
            if revenue:
                self.make_invoice(partner, revenue)
            partners |= partner
        return tag, partners, f"[('category_id', 'in', [{tag.id}])]"

    def add(self, tag, name, revenue=0):
        partner = self.make_partner(name, category_id=[Command.link(tag.id)])
        if revenue:
            self.make_invoice(partner, revenue)
        return partner

    def edges(self, scheme):
        return [(key, Decimal(value)) for key, value in scheme.ranking_boundaries["edges"]]

    def valued_partners(self):
        """How many partners the run computed revenue for (its work table
        lives until the end of the test's transaction)."""
        self.env.cr.execute(
            "SELECT COUNT(*) FROM psseg_value WHERE metric_id = %s", [self.revenue.id]
        )
        return self.env.cr.fetchone()[0]

    # -- Pareto ----------------------------------------------------------------------
    def test_pareto_placement_against_boundaries(self):
        # ranking: P1 5000, P2 and P5 3000 (a tie group), P3 1500, P4 500;
        # total 13,000.  A while the share before is < 70 % (9,100): P1 (0),
        # P2 and P5 (5,000 before the group); B while < 90 % (11,700): P3
        # (11,000); C the rest: P4 (12,500).
        tag, (p1, p2, p3, p4, p5), domain = self.group("Pareto", [5000, 3000, 1500, 500, 3000])
        scheme = self.make_scheme(
            "test_bounds_pareto",
            "pareto",
            [
                {"name": "A", "pareto_cutoff": 70},
                {"name": "B", "pareto_cutoff": 90},
                {"name": "C", "pareto_cutoff": 100},
            ],
            metric=self.revenue,
            partner_domain=domain,
        )
        seg_a, seg_b, seg_c = scheme.segment_ids.sorted("pareto_cutoff")
        self.assertFalse(scheme.ranking_boundaries, "no full run yet")
        self.recompute(scheme)
        self.assertEqual(self.codes(p1 | p2 | p3 | p4 | p5, scheme), ["A", "A", "B", "C", "A"])
        self.assertEqual(
            self.edges(scheme),
            [(seg_a.id, 3000), (seg_b.id, 1500), (seg_c.id, 500)],
        )

        p6 = self.add(tag, "P6", 3000)  # ties A's boundary (higher id): A, as P2 and P5
        self.make_invoice(p3, 1500)  # 3,000: ties A's boundary (lower id): A
        p7 = self.add(tag, "P7", 10000)  # above every boundary
        p8 = self.add(tag, "P8", 1)  # below every boundary
        p9 = self.add(tag, "P9")  # no revenue
        self.make_invoice(p4, 500, refund=True)  # 0
        chosen = p3 | p4 | p6 | p7 | p8 | p9
        run = self.recompute(scheme, partners=chosen)
        self.assertEqual(self.codes(chosen, scheme), ["A", "C", "A", "A", "C", "C"])
        self.assertLessEqual(self.valued_partners(), len(chosen), "chosen partners only")
        self.assertEqual(run.change_count, 5, "P3 B → A and four new partners")
        self.assertEqual(self.codes(p1 | p2 | p5, scheme), ["A", "A", "A"], "others untouched")
        # a full run ranks everyone again and moves the boundaries: P7 10,000,
        # P1 5,000, P2, P3, P5, P6 3,000 (a tie group), P8 1, P4 and P9 0
        # (total 27,001): A while before < 18,900.7: the group of 3,000 has
        # 15,000 before it, so all four are A, however far past the cut-off
        # they reach (27,000); P8 has 27,000 before it, past B's 24,300.9: C.
        # B is left empty: a tie at a cut-off stays up as a whole.
        self.recompute(scheme)
        self.assertEqual(self.codes(p2 | p3 | p5 | p6 | p8, scheme), ["A", "A", "A", "A", "C"])
        self.assertEqual(self.edges(scheme), [(seg_a.id, 3000), (seg_c.id, 0)])
        self.assertFalse(seg_b.partner_count)

    def test_pareto_without_fitting_boundaries_ranks_everyone(self):
        _tag, (p1, p2, p3), domain = self.group("Pareto fallback", [5000, 3000, 2000])
        scheme = self.make_scheme(
            "test_bounds_fallback",
            "pareto",
            [{"name": "A", "pareto_cutoff": 50}, {"name": "C", "pareto_cutoff": 100}],
            metric=self.revenue,
            partner_domain=domain,
        )
        self.recompute(scheme)
        self.assertEqual(self.codes(p1 | p2 | p3, scheme), ["A", "C", "C"])
        # the cut-off moves after the full run: its boundaries no longer fit
        scheme.segment_ids.filtered(lambda s: s.code == "A").pareto_cutoff = 80
        # ranking everyone: P2 has 5,000 of 10,000 before it, under 80 %: A
        self.recompute(scheme, partners=p2)
        self.assertEqual(self.codes(p1 | p2 | p3, scheme), ["A", "A", "C"])
        self.assertGreaterEqual(self.valued_partners(), 3, "everyone's revenue")
        # and a full run stores boundaries that fit again
        self.recompute(scheme)
        self.recompute(scheme, partners=p3)
        self.assertLessEqual(self.valued_partners(), 1)

    # -- quantiles -------------------------------------------------------------------
    def test_quantile_placement_against_boundaries(self):
        # highest first, 3 buckets of 2: Q1 600, Q2 500 | Q3 400, Q4 300 |
        # Q5 200, Q6 100.  Lowest first, 2 buckets of 3: Q6, Q5, Q4 | Q3, Q2, Q1.
        tag, (q1, q2, q3, q4, q5, q6), domain = self.group(
            "Quantile", [600, 500, 400, 300, 200, 100]
        )
        desc = self.make_scheme(
            "test_bounds_desc",
            "quantile",
            [
                {"name": "H", "quantile_from": 1, "quantile_to": 1},
                {"name": "M", "quantile_from": 2, "quantile_to": 2},
                {"name": "L", "quantile_from": 3, "quantile_to": 3},
            ],
            metric=self.revenue,
            partner_domain=domain,
            quantile_count=3,
        )
        asc = self.make_scheme(
            "test_bounds_asc",
            "quantile",
            [
                {"name": "LOW", "quantile_from": 1, "quantile_to": 1},
                {"name": "HIGH", "quantile_from": 2, "quantile_to": 2},
            ],
            metric=self.revenue,
            partner_domain=domain,
            quantile_count=2,
            quantile_order="asc",
        )
        self.recompute(desc | asc)
        everyone = q1 | q2 | q3 | q4 | q5 | q6
        self.assertEqual(self.codes(everyone, desc), ["H", "H", "M", "M", "L", "L"])
        self.assertEqual(self.codes(everyone, asc), ["HIGH"] * 3 + ["LOW"] * 3)
        self.assertEqual(self.edges(desc), [(1, 500), (2, 300), (3, 100)])
        self.assertEqual(self.edges(asc), [(1, 300), (2, 600)])

        # a tied value goes where the full run put that value, whatever the ids
        self.make_invoice(q1, 100, refund=True)  # 500: ties bucket 1's end (lower id)
        q7 = self.add(tag, "Q7", 500)  # ties bucket 1's end (higher id)
        q8 = self.add(tag, "Q8", 50)  # beyond every boundary (highest first)
        q9 = self.add(tag, "Q9", 10000)  # before every boundary (highest first)
        q10 = self.add(tag, "Q10", 300)  # ties the end of bucket 2 (1 lowest first)
        q11 = self.add(tag, "Q11")  # no revenue: 0 for a sum
        chosen = q1 | q7 | q8 | q9 | q10 | q11
        self.recompute(desc | asc, partners=chosen)
        self.assertEqual(self.codes(chosen, desc), ["H", "H", "L", "H", "M", "L"])
        self.assertEqual(self.codes(chosen, asc), ["HIGH", "HIGH", "LOW", "HIGH", "LOW", "LOW"])
        self.assertLessEqual(self.valued_partners(), len(chosen))
        self.assertEqual(self.codes(q2 | q3 | q4 | q5 | q6, desc), ["H", "M", "M", "L", "L"])

    def test_boundaries_of_the_id_based_ranking_no_longer_fit(self):
        """Boundaries stored before equal values shared a segment (value and
        partner id) are not used: the partial run ranks everyone, the next
        full run stores values."""
        _tag, (p1, p2, p3), domain = self.group("Old boundaries", [5000, 3000, 3000])
        scheme = self.make_scheme(
            "test_bounds_old",
            "pareto",
            [{"name": "A", "pareto_cutoff": 70}, {"name": "C", "pareto_cutoff": 100}],
            metric=self.revenue,
            partner_domain=domain,
        )
        self.recompute(scheme)
        self.assertEqual(self.codes(p1 | p2 | p3, scheme), ["A", "A", "A"])
        key = [part for part in scheme.ranking_boundaries["key"] if part != "ties-2"]
        # as the previous version stored them: [segment, value, last partner id]
        old = {"key": key, "edges": [[scheme.segment_ids[0].id, "3000.00", p2.id]]}
        scheme.ranking_boundaries = old
        self.recompute(scheme, partners=p3)
        self.assertGreaterEqual(self.valued_partners(), 3, "everyone ranked again")
        self.assertEqual(self.codes(p3, scheme), ["A"])
        self.recompute(scheme)
        self.assertEqual(self.edges(scheme)[0][1], 3000)
