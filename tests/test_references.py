# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What refers to metrics, segments and partners stays whole: a metric in use
is neither deleted, archived nor renamed; a segment with partners is archived
before it goes and overrides never vanish; merging partners keeps one
assignment per scheme; a partner that becomes a contact loses its own."""

from odoo.exceptions import UserError
from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestReferences(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        order = cls.env.ref("partner_segmentation.metric_order_count_12m")
        cls.base = cls.Metric.create(
            {
                "name": "Ref base",
                "code": "test_ref_base",
                "model_id": order.model_id.id,
                "partner_field_id": order.partner_field_id.id,
                "aggregate": "count",
                "source_domain": "[('state', '=', 'sale')]",
            }
        )
        cls.formula = cls.Metric.create(
            {
                "name": "Ref double",
                "code": "test_ref_double",
                "kind": "formula",
                "formula": "test_ref_base * 2",
            }
        )
        cls.scheme = cls.make_scheme(
            "test_refs",
            "rules",
            [
                {"name": "Many", "conditions": [(cls.base, ">=", 2)]},
                {"name": "Few", "conditions": [(cls.base, ">=", 1)]},
                {"name": "None"},
            ],
        )
        cls.many, cls.few, cls.none = cls.scheme.segment_ids.sorted("sequence")

    def test_metric_in_use_is_not_deleted_archived_or_renamed(self):
        ranking = self.make_scheme(
            "test_refs_rank",
            "quantile",
            [
                {"name": "Q1", "quantile_from": 1, "quantile_to": 1},
                {"name": "Q2", "quantile_from": 2, "quantile_to": 2},
            ],
            metric=self.base,
            quantile_count=2,
        )
        users = (
            f"scheme '{ranking.display_name}' ranks by it.*"
            "segment 'test_refs: Many' tests it.*"
            "formula metric 'Ref double' names it"
        )
        with self.assertRaisesRegex(UserError, f"'Ref base' cannot be deleted: .*{users}"):
            self.base.unlink()
        self.assertTrue(self.base.exists())
        with self.assertRaisesRegex(UserError, f"'Ref base' cannot be archived: .*{users}"):
            self.base.active = False
        self.assertTrue(self.base.active)
        with self.assertRaisesRegex(
            UserError, "code 'test_ref_base' cannot be changed: formula metric\\(s\\) 'Ref double'"
        ):
            self.base.code = "test_ref_renamed"
        self.assertEqual(self.base.code, "test_ref_base")
        self.assertEqual(self.formula.dependency_ids, self.base)
        # once nothing uses it, it goes
        self.formula.formula = "2"
        self.base.code = "test_ref_renamed"
        ranking.active = False
        ranking.metric_id = self.revenue
        self.scheme.segment_ids.condition_ids.metric_id = self.revenue
        self.base.active = False
        self.base.unlink()
        self.assertFalse(self.base.exists())

    def test_segment_with_partners_is_archived_first(self):
        partner = self.make_partner("Ref partner")
        locked = self.make_partner("Ref locked")
        self.recompute(self.scheme)
        self.assertEqual(self.segment_of(partner, self.scheme), self.none)
        with self.assertRaisesRegex(UserError, "'test_refs: None' has partners: archive it first"):
            self.none.unlink()
        self.assertTrue(self.none.exists())
        # archived: the next run moves its partners; then it may go
        self.scheme.segment_ids.filtered(lambda s: s == self.few).condition_ids.unlink()
        self.none.active = False
        self.recompute(self.scheme)
        self.assertEqual(self.segment_of(partner, self.scheme), self.few)
        # a partner set on it by hand is never dropped silently
        self.Assignment.set_manual(locked, self.many, "key account")
        self.many.active = False
        with self.assertRaisesRegex(
            UserError, "'test_refs: Many' cannot be deleted: 1 partner\\(s\\) are set on it by hand"
        ):
            self.many.unlink()
        self.assertEqual(self.segment_of(locked, self.scheme), self.many)
        self.none.unlink()
        self.assertFalse(self.none.exists())

    def test_partner_merge_keeps_one_assignment_per_scheme(self):
        other = self.make_scheme("test_refs_other", "rules", [{"name": "Any"}])
        dst = self.make_partner("Merge destination")
        src = self.make_partner("Merge source")
        self.make_order(src, days_ago=5)
        self.make_order(src, days_ago=6)
        self.recompute(self.scheme | other)
        self.assertEqual(self.codes(dst | src, self.scheme), ["None", "Many"])
        # the source is locked in the first scheme: the lock wins
        self.Assignment.set_manual(src, self.few, "agreed with the buyer")
        wizard = self.env["base.partner.merge.automatic.wizard"].create({})
        wizard._merge((dst | src).ids, dst)
        self.assertFalse(src.exists())
        assignments = self.Assignment.search([("partner_id", "=", dst.id)])
        self.assertEqual(
            sorted((a.scheme_id.code, a.segment_id.name, a.locked) for a in assignments),
            [("test_refs", "Few", True), ("test_refs_other", "Any", False)],
        )
        self.assertEqual(dst.segment_ids, self.few | other.segment_ids)
        history = self.History.search([("partner_id", "=", dst.id), ("cause", "=", "merge")])
        self.assertEqual((history.from_segment_id, history.to_segment_id), (self.none, self.few))
        self.assertIn("Merge source", history.note)
        # a locked destination wins over a locked source; nothing else left
        src2 = self.make_partner("Merge second")
        self.recompute(self.scheme)
        self.Assignment.set_manual(dst, self.many, "ours")
        self.Assignment.set_manual(src2, self.none, "theirs")
        wizard._merge((dst | src2).ids, dst)
        self.assertEqual(self.segment_of(dst, self.scheme), self.many)
        self.assertFalse(self.Assignment.search([("partner_id", "=", src2.id)]))

    def test_partner_that_becomes_a_contact_loses_its_assignments(self):
        company = self.make_partner("Ref company")
        former = self.make_partner("Ref former company")
        locked = self.make_partner("Ref former locked")
        self.recompute(self.scheme)
        self.assertTrue(self.segment_of(former, self.scheme))
        self.Assignment.set_manual(locked, self.many, "key account")
        (former | locked).write({"is_company": False, "parent_id": company.id})
        self.recompute(self.scheme)
        self.assertFalse(
            self.Assignment.search([("partner_id", "in", (former | locked).ids)]),
            "no assignment of their own, locked or not",
        )
        self.assertEqual(former.segment_ids, company.segment_ids)
        self.assertEqual(locked.segment_ids, company.segment_ids)
        gone = self.History.search([("partner_id", "=", locked.id)], limit=1)
        self.assertEqual(gone.from_segment_id, self.many)
        self.assertFalse(gone.to_segment_id)
