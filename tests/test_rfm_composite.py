# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""RFM (``rfm`` over ``rfm_r``, ``rfm_f``, ``rfm_m``) against a hand-made
quintile table, composite conditions, dependency order and bad cut points."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase, on_reference_days

# customer i (1…20): last order 10·i days ago, COUNTS[i] orders 30 days apart,
# each of 100·i.  Hand-made quintiles (4 customers each, equal values sharing
# the bucket of their first rank):
#   R (fewest days first): 1-4 R5, 5-8 R4, 9-12 R3, 13-16 R2, 17-20 R1
#   F (most orders first): five customers have 5 orders (2, 7, 12, 17, 19):
#     all five F5 (rank 1); 4, 9, 14 (4 orders, rank 6) F4 with three
#   M (order amount = COUNTS[i] · 100 · i): 2 and 5 both have 1000 (rank 16,
#     the last of bucket 4 from the top): both M2, M1 keeps three
COUNTS = [3, 5, 1, 4, 2, 3, 5, 1, 4, 2, 3, 5, 2, 4, 1, 3, 5, 2, 5, 1]
# fmt: off
EXPECTED_R = [5, 5, 5, 5, 4, 4, 4, 4, 3, 3, 3, 3, 2, 2, 2, 2, 1, 1, 1, 1]
EXPECTED_F = [3, 5, 1, 4, 2, 3, 5, 1, 4, 2, 3, 5, 2, 4, 1, 3, 5, 2, 5, 1]
EXPECTED_M = [1, 2, 1, 2, 2, 2, 4, 1, 4, 3, 3, 5, 3, 5, 2, 4, 5, 4, 5, 3]
EXPECTED_GROUP = [
    "POTENTIAL_LOYALISTS", "CHAMPIONS", "NEW", "CHAMPIONS",
    "POTENTIAL_LOYALISTS", "POTENTIAL_LOYALISTS", "LOYAL", "PROMISING",
    "LOYAL", "ABOUT_TO_SLEEP", "NEED_ATTENTION", "LOYAL",
    "HIBERNATING", "AT_RISK", "HIBERNATING", "AT_RISK",
    "CANT_LOSE", "HIBERNATING", "CANT_LOSE", "LOST",
]
# fmt: on


@tagged("post_install", "-at_install")
class TestRfm(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        ref = cls.env.ref
        cls.rfm = ref("partner_segmentation.scheme_rfm")
        cls.scores = {k: ref(f"partner_segmentation.scheme_rfm_{k}") for k in "rfm"}
        buyers = (
            f"['&', ('category_id', 'in', [{cls.tag.id}]), "
            "'|', ('sale_order_ids.state', '=', 'sale'), "
            "('child_ids.sale_order_ids.state', '=', 'sale')]"
        )
        for scheme in cls.scores.values():
            scheme.partner_domain = buyers
        cls.rfm.partner_domain = cls.domain
        cls.customers = cls.env["res.partner"]
        for i, count in enumerate(COUNTS, 1):
            partner = cls.make_partner(f"RFM {i:02d}")
            for k in range(count):
                cls.make_order(partner, amount=100 * i, days_ago=10 * i + 30 * k)
            cls.customers |= partner
        cls.prospect = cls.make_partner("RFM prospect")
        cls.all_schemes = cls.rfm | cls.scores["r"] | cls.scores["f"] | cls.scores["m"]

    def scores_of(self, key):
        return [
            int(code[1:]) if code else None for code in self.codes(self.customers, self.scores[key])
        ]

    @on_reference_days
    def test_hand_made_quintiles_and_groups(self):
        self.rfm.sequence = 0  # listed first, computed after the scores it tests
        run = self.recompute(self.all_schemes)
        self.assertEqual(run.status, "done")
        self.assertEqual(self.scores_of("r"), EXPECTED_R)
        self.assertEqual(self.scores_of("f"), EXPECTED_F)
        self.assertEqual(self.scores_of("m"), EXPECTED_M)
        self.assertEqual(self.codes(self.customers, self.rfm), EXPECTED_GROUP)
        self.assertFalse(self.segment_of(self.prospect, self.scores["r"]))
        self.assertFalse(self.segment_of(self.prospect, self.rfm))
        # every group has its strategy and cadence
        for segment in self.rfm.segment_ids:
            self.assertTrue(segment.strategy and segment.contact_frequency, segment.name)
        # same data, same answer, nothing written
        self.assertEqual(self.recompute(self.all_schemes).change_count, 0)

    def test_order_follows_dependencies(self):
        self.rfm.sequence = 0
        ordered = self.all_schemes._ordered_by_dependencies().ids
        self.assertLess(ordered.index(self.scores["r"].id), ordered.index(self.rfm.id))
        self.assertLess(ordered.index(self.scores["f"].id), ordered.index(self.rfm.id))
        # without dependencies, the sequence decides
        self.assertLess(ordered.index(self.rfm.id), ordered.index(self.scores["m"].id))

    @on_reference_days
    def test_partial_run_recomputes_dependents(self):
        self.recompute(self.all_schemes)
        lost = self.customers[-1]
        self.assertEqual(self.segment_of(lost, self.rfm).code, "LOST")
        self.make_order(lost, amount=2000, days_ago=1)
        # only the recency score, only this customer: RFM follows for them
        run = self.recompute(self.scores["r"], partners=lost)
        self.assertEqual(self.segment_of(lost, self.scores["r"]).code, "R5")
        self.assertEqual(self.segment_of(lost, self.rfm).code, "NEW")
        self.assertIn(self.rfm, run.scheme_ids)
        # nothing changed: the dependent scheme is not touched
        before = self.rfm.last_run_date
        self.recompute(self.scores["f"], partners=self.customers[0])
        self.assertEqual(self.rfm.last_run_date, before)

    def test_cut_points_editable(self):
        # a small base: three buckets, R 5 / R 3 / R 1 only
        r = self.scores["r"]
        seg = {s.code: s for s in r.segment_ids}
        r.write(
            {
                "quantile_count": 3,
                "segment_ids": [
                    Command.update(seg["R5"].id, {"quantile_from": 1, "quantile_to": 1}),
                    Command.update(seg["R4"].id, {"active": False}),
                    Command.update(seg["R3"].id, {"quantile_from": 2, "quantile_to": 2}),
                    Command.update(seg["R2"].id, {"active": False}),
                    Command.update(seg["R1"].id, {"quantile_from": 3, "quantile_to": 3}),
                ],
            }
        )
        self.recompute(r)
        codes = self.codes(self.customers, r)
        self.assertEqual(codes[:7], ["R5"] * 7)
        self.assertEqual(codes[-6:], ["R1"] * 6)


@tagged("post_install", "-at_install")
class TestCompositeValidation(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.metric = cls.env.ref("partner_segmentation.metric_order_count_12m")
        cls.alpha = cls.make_scheme("test_alpha", "rules", [{"name": "A1"}, {"name": "A2"}])
        cls.beta = cls.make_scheme("test_beta", "rules", [{"name": "B1"}, {"name": "B2"}])
        cls.Condition = cls.env["partner.segment.condition"]

    def segment_condition(self, segment, scheme, segments):
        return self.Condition.create(
            {
                "segment_id": segment.id,
                "condition_type": "segment",
                "ref_scheme_id": scheme.id,
                "ref_segment_ids": [Command.set(segments.ids)],
            }
        )

    @on_reference_days
    def test_composite_condition_classifies(self):
        partner = self.make_partner("Composite")
        self.make_order(partner, days_ago=5)
        b1 = self.beta.segment_ids.sorted("sequence")[0]
        b1.condition_ids = [
            Command.create({"metric_id": self.metric.id, "operator": ">=", "value": 1})
        ]
        a1 = self.alpha.segment_ids.sorted("sequence")[0]
        self.segment_condition(a1, self.beta, b1)
        self.recompute(self.alpha | self.beta)
        self.assertEqual(self.segment_of(partner, self.beta), b1)
        self.assertEqual(self.segment_of(partner, self.alpha), a1)
        # "is none of"
        a1.condition_ids.segment_operator = "not in"
        self.recompute(self.alpha | self.beta)
        self.assertEqual(self.segment_of(partner, self.alpha).name, "A2")
        self.assertIn("test_beta is none of B1", a1.condition_ids.display_name)

    def test_rights(self):
        """A segmentation administrator who is not a Settings admin builds a
        composite condition; a segmentation user may not."""
        manager = new_test_user(
            self.env,
            "composite_manager",
            groups="base.group_user,partner_segmentation.group_segmentation_manager",
        )
        user = new_test_user(
            self.env, "composite_user", groups="partner_segmentation.group_segmentation_user"
        )
        a1 = self.alpha.segment_ids[0]
        values = {
            "segment_id": a1.id,
            "condition_type": "segment",
            "ref_scheme_id": self.beta.id,
            "ref_segment_ids": [Command.set(self.beta.segment_ids[:1].ids)],
        }
        with self.assertRaises(AccessError):
            self.Condition.with_user(user).create(values)
        condition = self.Condition.with_user(manager).create(values)
        self.assertEqual(condition.ref_scheme_id, self.beta)

    def test_cycle_refused_naming_schemes(self):
        a1 = self.alpha.segment_ids[0]
        b1 = self.beta.segment_ids[0]
        self.segment_condition(a1, self.beta, b1)
        with self.refused(ValidationError, "cycle: test_beta → test_alpha → test_beta"):
            self.segment_condition(b1, self.alpha, a1)
        self.assertFalse(b1.condition_ids)
        with self.refused(ValidationError, "cycle: test_alpha → test_alpha"):
            self.segment_condition(self.alpha.segment_ids[1], self.alpha, a1)

    def test_unknown_or_archived_scheme(self):
        a1 = self.alpha.segment_ids[0]
        with self.refused(ValidationError, "does not exist"):
            self.Condition.create(
                {"segment_id": a1.id, "condition_type": "segment", "ref_scheme_id": 987654321}
            )
        self.beta.active = False
        with self.refused(ValidationError, "test_beta', which is archived"):
            self.segment_condition(a1, self.beta, self.beta.segment_ids[0])
        self.assertFalse(a1.condition_ids)
        with self.refused(ValidationError, "needs a metric"):
            self.Condition.create({"segment_id": a1.id, "condition_type": "metric"})
        with self.refused(ValidationError, "needs at least one segment"):
            self.Condition.create(
                {"segment_id": a1.id, "condition_type": "segment", "ref_scheme_id": self.alpha.id}
            )
        self.assertFalse(a1.condition_ids)

    def test_tested_scheme_cannot_be_archived(self):
        self.segment_condition(self.alpha.segment_ids[0], self.beta, self.beta.segment_ids[0])
        with self.refused(ValidationError, "cannot be archived.*test_alpha"):
            self.beta.active = False
        self.assertTrue(self.beta.active)

    def test_quantile_gap_and_overlap(self):
        amount = self.env.ref("partner_segmentation.metric_order_amount_12m")
        scheme = self.make_scheme(
            "test_q_gap",
            "quantile",
            [{"name": f"Q{i}", "quantile_from": i, "quantile_to": i} for i in range(1, 5)],
            metric=amount,
            quantile_count=4,
        )
        q1, _q2, _q3, q4 = scheme.segment_ids.sorted("sequence")
        with self.refused(ValidationError, r"bucket\(s\) 4 belong to no segment"):
            scheme.write({"segment_ids": [Command.delete(q4.id)]})
        self.assertTrue(q4.exists())
        with self.refused(ValidationError, "Bucket 2 belongs to both"):
            scheme.write({"segment_ids": [Command.update(q1.id, {"quantile_to": 2})]})
        self.assertEqual(q1.quantile_to, 1)
        with self.refused(ValidationError, r"bucket\(s\) 5 belong to no segment"):
            scheme.quantile_count = 5
        self.assertEqual(scheme.quantile_count, 4)

    def test_pareto_gap(self):
        revenue = self.env.ref("partner_segmentation.metric_revenue_12m")
        with self.refused(ValidationError, "stops at 95.0 %; one must reach 100 %"):
            self.make_scheme(
                "test_p_gap",
                "pareto",
                [{"name": "A", "pareto_cutoff": 80}, {"name": "B", "pareto_cutoff": 95}],
                metric=revenue,
            )
        self.assertFalse(self.Scheme.search([("code", "=", "test_p_gap")]))
