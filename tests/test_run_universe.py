# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Schemes of one run with the same partner filter share the partners they
classify until the run writes something: a partner filter may test the
segments an earlier scheme of the run has just changed."""

from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import classify
from odoo.tests import tagged

from .common import SizeAndParetoCase


@tagged("post_install", "-at_install")
class TestRunUniverse(SizeAndParetoCase):
    def recompute_counting_fills(self, schemes):
        fills = []
        real = classify.Q.fill_universe
        with patch.object(classify.Q, "fill_universe", lambda q: fills.append(q) or real(q)):
            run = self.recompute(schemes)
        return run, len(fills)

    def buyers(self, code, sequence):
        return self.make_scheme(
            code,
            "rules",
            [{"name": "Buyer", "conditions": [(self.revenue, ">", 0)]}],
            sequence=sequence,
        )

    def test_same_filter_after_a_write_sees_the_new_segments(self):
        # two schemes for the partners who are not yet buyers of the first
        first, second = self.buyers("test_first", 1), self.buyers("test_second", 2)
        buyer = first.segment_ids
        not_buyers = f"['&', ('segment_ids', 'not in', [{buyer.id}]), {self.domain[1:-1]}]"
        (first | second).partner_domain = not_buyers
        run, fills = self.recompute_counting_fills(first | second)
        partners = [self.big, self.mid, self.small, self.none]
        self.assertEqual(self.codes(partners, first), ["Buyer", "Buyer", "Buyer", None])
        # the second sees the buyers the first has just written, and leaves them out
        self.assertEqual(self.codes(partners, second), [None, None, None, None])
        self.assertEqual(fills, 2, "filled again after the first scheme wrote")
        self.assertEqual(run.line_ids.mapped("partner_count"), [3, 0])

    def test_same_filter_shares_the_partners_when_nothing_is_written(self):
        same = self.rules | self.buyers("test_same", 99)
        _run, fills = self.recompute_counting_fills(same)
        self.assertEqual(fills, 2, "the first run writes: filled again")
        run, fills = self.recompute_counting_fills(same)
        self.assertEqual((run.change_count, fills), (0, 1), "one fill for both schemes")
        self.assertEqual(
            self.codes([self.big, self.small, self.none], self.rules.browse(same.ids[1])),
            ["Buyer", "Buyer", None],
        )
        # a new run starts afresh: a partner added in between is classified
        newcomer = self.make_partner("Newcomer")
        self.make_invoice(newcomer, 50)
        self.recompute(same)
        self.assertEqual(self.codes([newcomer], self.rules), ["Small"])
