# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Schemes, segments and conditions refuse bad input with a clear message."""

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.service.model import _as_validation_error
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestValidation(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")

    def assertIntegrity(self, message, func):
        with self.assertRaises(IntegrityError) as caught, mute_logger("odoo.sql_db"):
            func()
            self.env.flush_all()
        self.assertIn(message, str(_as_validation_error(self.env, caught.exception)))

    def test_unique_codes(self):
        self.assertIntegrity(
            "A scheme with this code already exists",
            lambda: self.make_scheme("lifecycle", "rules", []),
        )
        scheme = self.make_scheme("test_unique", "rules", [{"name": "X"}])
        self.assertIntegrity(
            "A segment with this code already exists in the scheme",
            lambda: scheme.write({"segment_ids": [Command.create({"name": "Y", "code": "X"})]}),
        )
        # the same segment code in another scheme is fine
        self.make_scheme("test_unique_2", "rules", [{"name": "X"}])

    def test_one_assignment_per_partner_and_scheme(self):
        partner = self.make_partner("Once")
        scheme = self.make_scheme("test_once", "rules", [{"name": "X"}, {"name": "Y"}])
        x, y = scheme.segment_ids.sorted("sequence")
        self.Assignment.create(
            {"partner_id": partner.id, "scheme_id": scheme.id, "segment_id": x.id}
        )
        self.assertIntegrity(
            "A partner has one assignment per scheme",
            lambda: self.Assignment.create(
                {"partner_id": partner.id, "scheme_id": scheme.id, "segment_id": y.id}
            ),
        )

    def test_bad_codes_and_domains(self):
        with self.assertRaisesRegex(ValidationError, "The scheme code 'a b' is not valid"):
            self.make_scheme("a b", "rules", [])
        with self.assertRaisesRegex(ValidationError, "The segment code 'x/y' is not valid"):
            self.make_scheme("test_codes", "rules", [{"name": "X", "code": "x/y"}])
        with self.assertRaisesRegex(
            ValidationError, "The domain in scheme 'test_dom' is not valid"
        ):
            self.make_scheme("test_dom", "rules", [], partner_domain="[('nope', '=', 1)]")
        with self.assertRaisesRegex(ValidationError, "The domain in segment 'X' is not valid"):
            self.make_scheme("test_dom2", "rules", [{"name": "X", "partner_domain": "[(1, 2)"}])

    def test_ranking_needs_a_metric(self):
        with self.assertRaisesRegex(ValidationError, "choose its ranking metric"):
            self.make_scheme("test_nometric", "pareto", [{"name": "A", "pareto_cutoff": 100}])

    def test_pareto_cutoffs(self):
        with self.assertRaisesRegex(ValidationError, "must be above 0 and at most 100 \\(got 120"):
            self.make_scheme(
                "test_p1", "pareto", [{"name": "A", "pareto_cutoff": 120}], metric=self.revenue
            )
        with self.assertRaisesRegex(ValidationError, "must be above 0 and at most 100 \\(got 0"):
            self.make_scheme(
                "test_p2", "pareto", [{"name": "A", "pareto_cutoff": 0}], metric=self.revenue
            )
        with self.assertRaisesRegex(ValidationError, "strictly increasing; 80.0 appears twice"):
            self.make_scheme(
                "test_p3",
                "pareto",
                [{"name": "A", "pareto_cutoff": 80}, {"name": "B", "pareto_cutoff": 80}],
                metric=self.revenue,
            )

    def test_quantile_buckets(self):
        with self.assertRaisesRegex(ValidationError, "needs at least 2 quantile buckets"):
            self.make_scheme(
                "test_q1", "quantile", [{"name": "Q"}], metric=self.revenue, quantile_count=1
            )
        with self.assertRaisesRegex(ValidationError, "1 ≤ from ≤ to ≤ 4 \\(got 3 to 5\\)"):
            self.make_scheme(
                "test_q2",
                "quantile",
                [{"name": "Q", "quantile_from": 3, "quantile_to": 5}],
                metric=self.revenue,
                quantile_count=4,
            )
        with self.assertRaisesRegex(ValidationError, "Bucket 2 belongs to both 'Q1' and 'Q2'"):
            self.make_scheme(
                "test_q3",
                "quantile",
                [
                    {"name": "Q1", "quantile_from": 1, "quantile_to": 2},
                    {"name": "Q2", "quantile_from": 2, "quantile_to": 3},
                ],
                metric=self.revenue,
                quantile_count=3,
            )

    def test_between_and_policy(self):
        with self.assertRaisesRegex(
            ValidationError, "'between' needs the first value \\(10.0\\) to be at most"
        ):
            self.make_scheme(
                "test_between",
                "rules",
                [{"name": "X", "conditions": [(self.revenue, "between", 10, 5)]}],
            )
        scheme = self.make_scheme(
            "test_between_ok",
            "rules",
            [{"name": "X", "conditions": [(self.revenue, "between", 5, 10)]}],
        )
        self.assertEqual(
            scheme.segment_ids.condition_ids.display_name,
            "Invoiced revenue, last 12 months between 5 – 10",
        )
        with self.assertRaisesRegex(ValidationError, "cannot be negative"):
            scheme.segment_ids.contact_frequency = -1

    def test_operators(self):
        partners = {v: self.make_partner(f"Op {v}") for v in (0, 5, 10)}
        for value, partner in partners.items():
            if value:
                self.make_invoice(partner, value)
        days = self.env.ref("partner_segmentation.metric_days_since_last_order")
        self.make_order(partners[10], days_ago=3)
        expected = {
            (">", 5): [10],
            (">=", 5): [5, 10],
            ("<", 5): [0],
            ("<=", 5): [0, 5],
            ("=", 5): [5],
            ("!=", 5): [0, 10],
            ("between", 1): [5],
        }
        for index, ((operator, value), matching) in enumerate(expected.items()):
            scheme = self.make_scheme(
                f"test_op_{index}",
                "rules",
                [{"name": "M", "conditions": [(self.revenue, operator, value, 9)]}],
            )
            self.recompute(scheme)
            got = sorted(v for v, p in partners.items() if self.segment_of(p, scheme))
            self.assertEqual(got, matching, f"operator {operator} {value}")
        for operator, matching in (("set", [10]), ("not set", [0, 5])):
            scheme = self.make_scheme(
                f"test_op_{operator.replace(' ', '_')}",
                "rules",
                [{"name": "M", "conditions": [(days, operator, 0)]}],
            )
            self.recompute(scheme)
            got = sorted(v for v, p in partners.items() if self.segment_of(p, scheme))
            self.assertEqual(got, matching, f"operator {operator}")

    def test_segment_partner_domain_and_fallback(self):
        vip = self.make_partner("Domain VIP", ref="VIP-1")
        other = self.make_partner("Domain other")
        scheme = self.make_scheme(
            "test_segdomain",
            "rules",
            [{"name": "Tagged", "partner_domain": "[('ref', '=like', 'VIP-%')]"}, {"name": "Rest"}],
        )
        self.recompute(scheme)
        self.assertEqual(self.codes(vip | other, scheme), ["Tagged", "Rest"])
