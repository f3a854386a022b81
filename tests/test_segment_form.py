# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The segment form: a condition is edited in a small form showing only the
fields its test needs, and listed as one summary line."""

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentConditionForm(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.scheme = cls.make_scheme("test_condition_form", "rules", [{"name": "Regular"}])
        cls.segment = cls.scheme.segment_ids

    def test_typed_values_survive_switching_what_is_tested(self):
        with Form(self.segment) as form, form.condition_ids.new() as line:
            line.value = 180  # typed before the metric is chosen
            line.metric_id = self.revenue
            line.operator = ">"
            # testing a segment instead hides the value, which stays
            line.condition_type = "segment"
            line.condition_type = "metric"
            self.assertEqual(line.value, 180)
            line.operator = "between"
            line.value_to = 10_000_000
        condition = self.segment.condition_ids
        # the summary line the list shows
        self.assertEqual(
            condition.display_name, "Invoiced revenue, last 12 months between 180 – 10,000,000"
        )
        self.assertEqual(
            (condition.condition_type, condition.operator, condition.value, condition.value_to),
            ("metric", "between", 180, 10_000_000),
        )

    def test_a_segment_test_needs_its_scheme_and_segments(self):
        lifecycle = self.env.ref("partner_segmentation.scheme_lifecycle")
        with Form(self.segment) as form, form.condition_ids.new() as line:
            line.condition_type = "segment"
            # the value fields are not shown for a segment test
            self.assertTrue(line._get_modifier("value", "invisible"))
            self.assertTrue(line._get_modifier("ref_segment_ids", "required"))
            line.ref_scheme_id = lifecycle
            line.ref_segment_ids.add(lifecycle.segment_ids[0])
        condition = self.segment.condition_ids
        self.assertEqual(condition.ref_segment_ids, lifecycle.segment_ids[0])
        self.assertIn(lifecycle.segment_ids[0].name, condition.display_name)
        # without a segment: refused, nothing saved
        form = Form(self.segment)
        with form.condition_ids.new() as line:
            line.condition_type = "segment"
            line.ref_scheme_id = lifecycle
        with self.assertRaisesRegex(ValidationError, "needs at least one segment"):
            form.save()
        self.assertEqual(len(self.segment.condition_ids), 1)
