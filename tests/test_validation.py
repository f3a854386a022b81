# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Schemes, segments and conditions refuse bad input with a clear message."""

from psycopg2 import IntegrityError

from odoo import Command
from odoo.exceptions import UserError, ValidationError
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
            ValidationError, "The partner filter of scheme 'test_dom' is not valid"
        ):
            self.make_scheme(
                "test_dom", "rules", [{"name": "X"}], partner_domain="[('nope', '=', 1)]"
            )
        with self.assertRaisesRegex(
            ValidationError, "The partner filter of segment 'X' is not valid"
        ):
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
        with self.assertRaisesRegex(
            ValidationError, "segments 'A' and 'B' have the same Pareto cut-off \\(80.0 %\\)"
        ):
            self.make_scheme(
                "test_p3",
                "pareto",
                [{"name": "A", "pareto_cutoff": 80}, {"name": "B", "pareto_cutoff": 80}],
                metric=self.revenue,
            )

    def test_quantile_buckets(self):
        with self.assertRaisesRegex(ValidationError, "needs between 2 and 1000 quantile buckets"):
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

    # -- gaps: each refused with its message, and nothing saved ----------------
    def assertRefused(self, exception, message, func, model, domain):
        """``func`` raises ``exception`` matching ``message`` and leaves no
        record of ``model`` matching ``domain``."""
        with self.assertRaisesRegex(exception, message):
            func()
        self.assertFalse(
            self.env[model].with_context(active_test=False).search(domain), "nothing saved"
        )

    def _metric_values(self, **values):
        order = self.env.ref("partner_segmentation.metric_order_count_12m")
        return dict(
            {
                "name": "Gap metric",
                "code": "test_gap",
                "model_id": order.model_id.id,
                "partner_field_id": order.partner_field_id.id,
                "date_field_id": order.date_field_id.id,
                "aggregate": "count",
            },
            **values,
        )

    def test_window_and_offset_limits(self):
        for values in ({"window_days": 36526}, {"offset_days": 40000, "window_days": 30}):
            self.assertRefused(
                ValidationError,
                "limited to 36525 days \\(a hundred years\\)",
                lambda values=values: self.Metric.create(self._metric_values(**values)),
                "partner.segment.metric",
                [("code", "=", "test_gap")],
            )
        self.assertRefused(
            ValidationError,
            "needs a date field for its window, its offset",
            lambda: self.Metric.create(self._metric_values(offset_days=30, date_field_id=False)),
            "partner.segment.metric",
            [("code", "=", "test_gap")],
        )
        metric = self.Metric.create(self._metric_values(window_days=36525))
        with self.assertRaisesRegex(ValidationError, "limited to 36525 days"):
            metric.offset_days = 99999
        self.assertEqual(metric.offset_days, 0)

    def test_formula_too_long_or_too_deep(self):
        cases = {
            "is 1[0-9]{3} characters long; at most 1000": " + ".join(["revenue_12m"] * 90),
            "nested too deep": "(" * 40 + "revenue_12m" + ")" * 40,
            "nested too deep ": "-" * 300 + "revenue_12m",
            "nested too deep  ": "+".join(["1"] * 60),
            "nested too deep   ": "(" * 300 + "1" + ")" * 300,
        }
        for message, text in cases.items():
            self.assertRefused(
                ValidationError,
                message.strip(),
                lambda text=text: self.Metric.create(
                    {"name": "Deep", "code": "test_deep", "kind": "formula", "formula": text}
                ),
                "partner.segment.metric",
                [("code", "=", "test_deep")],
            )
        # a long but shallow formula is fine
        self.Metric.create(
            {
                "name": "Shallow",
                "code": "test_shallow",
                "kind": "formula",
                "formula": "max(" + ", ".join(["revenue_12m"] * 20) + ")",
            }
        )

    def test_quantile_bounds_without_a_loop_per_bucket(self):
        self.assertRefused(
            ValidationError,
            "1 ≤ from ≤ to ≤ 5 \\(got 1 to 1000000000\\)",
            lambda: self.make_scheme(
                "test_qbig",
                "quantile",
                [{"name": "Q", "quantile_from": 1, "quantile_to": 10**9}],
                metric=self.revenue,
                quantile_count=5,
            ),
            "partner.segment.scheme",
            [("code", "=", "test_qbig")],
        )
        self.assertRefused(
            ValidationError,
            "needs between 2 and 1000 quantile buckets \\(got 1000000000\\)",
            lambda: self.make_scheme(
                "test_qbig2",
                "quantile",
                [{"name": "Q", "quantile_from": 1, "quantile_to": 10**9}],
                metric=self.revenue,
                quantile_count=10**9,
            ),
            "partner.segment.scheme",
            [("code", "=", "test_qbig2")],
        )
        # disjoint ranges out of order are fine; an overlap a range apart is not
        scheme = self.make_scheme(
            "test_qok",
            "quantile",
            [
                {"name": "Top", "quantile_from": 4, "quantile_to": 5},
                {"name": "Low", "quantile_from": 1, "quantile_to": 3},
            ],
            metric=self.revenue,
            quantile_count=5,
        )
        low = scheme.segment_ids.filtered(lambda s: s.name == "Low")
        with self.assertRaisesRegex(ValidationError, "Bucket 4 belongs to both 'Low' and 'Top'"):
            low.quantile_to = 4
        self.assertEqual(low.quantile_to, 3)

    def test_pareto_order_and_tail(self):
        self.assertRefused(
            ValidationError,
            "Pareto cut-offs must increase in the segments' order, but 'B' \\(80.0 %\\) "
            "comes after 'A' \\(95.0 %\\)",
            lambda: self.make_scheme(
                "test_porder",
                "pareto",
                [{"name": "A", "pareto_cutoff": 95}, {"name": "B", "pareto_cutoff": 80}],
                metric=self.revenue,
            ),
            "partner.segment.scheme",
            [("code", "=", "test_porder")],
        )
        # reordering the segments of a valid scheme is checked the same way
        scheme = self.make_scheme(
            "test_porder_ok",
            "pareto",
            [{"name": "A", "pareto_cutoff": 80}, {"name": "B", "pareto_cutoff": 100}],
            metric=self.revenue,
        )
        a, b = scheme.segment_ids.sorted("sequence")
        with self.assertRaisesRegex(ValidationError, "but 'A' \\(80.0 %\\) comes after 'B'"):
            a.sequence = 99
        self.assertEqual(a.sequence, 10)
        # without a 100 % segment (documented): the tail gets no segment
        top, tail = self.make_partner("Pareto top"), self.make_partner("Pareto tail")
        self.make_invoice(top, 990)
        self.make_invoice(tail, 10)  # after 99 % of the total: beyond B's 95 %
        b.pareto_cutoff = 95
        self.recompute(scheme)
        self.assertEqual(self.codes(top | tail, scheme), ["A", None])

    def test_scheme_needs_a_segment(self):
        self.assertRefused(
            ValidationError,
            "Scheme 'test_empty' has no segment",
            lambda: self.make_scheme("test_empty", "rules", []),
            "partner.segment.scheme",
            [("code", "=", "test_empty")],
        )
        # an archived scheme may be empty; activating it is refused
        scheme = self.make_scheme("test_empty_ok", "rules", [], active=False)
        with self.assertRaisesRegex(ValidationError, "has no segment"):
            scheme.active = True
        self.assertFalse(scheme.active)
        # nor may its last segment go
        scheme = self.make_scheme("test_last", "rules", [{"name": "Only"}])
        with self.assertRaisesRegex(ValidationError, "has no segment"):
            scheme.segment_ids.active = False
        with self.assertRaisesRegex(UserError, "would be left without segment"):
            scheme.segment_ids.unlink()
        self.assertEqual(scheme.segment_ids.mapped("name"), ["Only"])

    def test_colour_and_scheme_of_a_segment(self):
        self.assertRefused(
            ValidationError,
            "the colour must be one of Odoo's 12 colours \\(0 to 11\\), not 12",
            lambda: self.make_scheme("test_colour", "rules", [{"name": "X", "color": 12}]),
            "partner.segment.scheme",
            [("code", "=", "test_colour")],
        )
        one = self.make_scheme("test_move1", "rules", [{"name": "X", "color": 11}, {"name": "Y"}])
        two = self.make_scheme("test_move2", "rules", [{"name": "Z"}])
        x = one.segment_ids.filtered(lambda s: s.name == "X")
        with self.assertRaisesRegex(ValidationError, "colour must be one of"):
            x.color = -1
        self.assertEqual(x.color, 11)
        with self.assertRaisesRegex(UserError, "A segment cannot move to another scheme"):
            x.scheme_id = two
        self.assertEqual(x.scheme_id, one)
        x.write({"scheme_id": one.id, "name": "X2"})  # the same scheme is no move
