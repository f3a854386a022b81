# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Five customers ranked by a Pareto and a quantile scheme on 12-month
revenue, with a tie, an old buyer and a prospect: the fixture of the Why?
and no-activity tests."""

from .common import SegmentationCase


class RankingCase(SegmentationCase):
    """Big 1,000, Tie 1 and Tie 2 300 each, Old nothing in 12 months (5,000
    400 days ago), Prospect nothing. Total 1,600: Big has 0 % ranked before
    it, the two 300s 62.5 % before their tie group, under 70 %: all three A
    (ranked by partner id, the second would have had 81.25 % before it: C);
    C the rest. Two quantile buckets, highest first: Big and the ties in TOP,
    the zeros in LOW. Scheme codes ``<prefix>_abc`` and ``<prefix>_q``."""

    prefix = "test_rank"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.big, cls.tie1, cls.tie2, cls.old, cls.prospect = (
            cls.make_partner(name) for name in ("Big", "Tie 1", "Tie 2", "Old", "Prospect")
        )
        cls.make_invoice(cls.big, 1000)
        cls.make_invoice(cls.tie1, 300)
        cls.make_invoice(cls.tie2, 300)
        cls.make_invoice(cls.old, 5000, days_ago=400)
        cls.everyone = cls.big | cls.tie1 | cls.tie2 | cls.old | cls.prospect
        cls.pareto = cls.make_scheme(
            f"{cls.prefix}_abc",
            "pareto",
            [{"name": "A", "pareto_cutoff": 70}, {"name": "C", "pareto_cutoff": 100}],
            metric=cls.revenue,
        )
        cls.quantile = cls.make_scheme(
            f"{cls.prefix}_q",
            "quantile",
            [
                {"name": "TOP", "quantile_from": 1, "quantile_to": 1},
                {"name": "LOW", "quantile_from": 2, "quantile_to": 2},
            ],
            metric=cls.revenue,
            quantile_count=2,
        )
