# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a user sees of values and runs: the recompute notification, metric
values formatted as counts, days and money (also in the partner's metric
table), a partner's recompute that leaves the full run's facts, the side
panel's full names, and mailing lists that follow a manual override (its
lock shown without an emoji)."""

import re

from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestValuesAndFeedback(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.orders = cls.env.ref("partner_segmentation.metric_order_count_12m")
        cls.days = cls.env.ref("partner_segmentation.metric_days_since_last_order")
        cls.big = cls.make_partner("Big", email="big@fixes.example")
        cls.small = cls.make_partner("Small", email="small@fixes.example")
        cls.make_invoice(cls.big, 5000)
        cls.make_invoice(cls.small, 50)
        cls.scheme = cls.make_scheme(
            "test_fixes",
            "rules",
            [
                {"name": "Large", "conditions": [(cls.revenue, ">=", 1000)]},
                {"name": "Small", "conditions": [(cls.revenue, ">", 0)]},
            ],
        )
        cls.large, cls.small_seg = cls.scheme.segment_ids.sorted("sequence")

    def test_recompute_notification_counts_segments(self):
        action = self.scheme.with_context(segmentation_today="2026-06-30").action_recompute()
        self.assertEqual(action["tag"], "display_notification")
        message = action["params"]["message"]
        self.assertIn("Partners classified: 2;", message)
        self.assertIn("test_fixes: Large 1 · Small 1", message)

    def test_values_formatted_as_integers_and_money(self):
        usd = self.env.ref("base.USD")
        self.assertEqual(self.orders._format_value(3.0), "3")
        self.assertEqual(self.days._format_value(1234.0), "1,234 days")
        money = self.revenue._format_value(12345.5, currency=usd)
        self.assertIn("12,345.50", money)
        self.assertIn("$", money)
        self.assertEqual(self.revenue._format_value(None), "–")
        self.env["res.lang"]._activate_lang("fr_FR")
        french = self.revenue.with_context(lang="fr_FR")._format_value(12345.5, currency=usd)
        self.assertIn("345,50", french, "decimal comma in French")
        self.assertNotIn("12,345", french)
        self.assertTrue(self.revenue._is_money())
        self.assertFalse(self.orders._is_money())

    def test_partner_metric_table_formats_values(self):
        self.assertEqual(self.env.company.currency_id, self.env.ref("base.USD"))
        html = str(self.big.with_context(segmentation_today="2026-06-30").segment_metric_html)
        rows = {
            name: value.replace("\xa0", " ")
            for name, value in re.findall(
                r"<td>([^<]*)</td>\s*<td class=\"text-end\">([^<]*)</td>", html
            )
        }
        # the company's currency (USD: the symbol first), not a unit, and the exact amount
        self.assertEqual(rows["Invoiced revenue, last 12 months"], "$ 5,000.00")
        self.assertEqual(rows["Open invoice amount"], "$ 5,000.00")
        self.assertEqual(rows["Invoiced revenue, previous 12 months"], "$ 0.00")
        self.assertEqual(rows["Confirmed orders, last 12 months"], "0", "a count: no decimals")
        self.assertEqual(rows["Revenue growth"], "–", "no revenue a year ago: no value")

    def test_manual_override_resyncs_following_lists(self):
        self.recompute(self.scheme)
        follow = self.env["mailing.list"].create(
            {
                "name": "Large customers",
                "segment_ids": [(6, 0, self.large.ids)],
                "segment_sync": True,
                "segment_include_contacts": False,
            }
        )
        follow._sync_segments()
        self.assertEqual(follow.contact_ids.mapped("email"), ["big@fixes.example"])
        self.env["partner.segment.assignment"].set_manual(self.small, self.large, "key account")
        self.assertEqual(
            sorted(follow.contact_ids.mapped("email")),
            ["big@fixes.example", "small@fixes.example"],
            "the list follows the override at once",
        )
        assignment = self.small.segment_assignment_ids.filtered(
            lambda a: a.scheme_id == self.scheme
        )
        self.assertEqual(assignment.display_name, self.large.display_name, "no emoji lock")
        assignment.action_unlock()
        self.assertEqual(follow.contact_ids.mapped("email"), ["big@fixes.example"])

    def test_partner_recompute_keeps_the_full_runs_facts(self):
        full = self.recompute(self.scheme)
        self.assertFalse(full.partial)
        facts = (self.scheme.last_run_date, self.scheme.last_run_changes)
        self.assertEqual(facts[1], 2)
        self.make_invoice(self.small, 5000)
        self.big.with_context(segmentation_today="2026-06-30").action_segment_recompute()
        run = self.env["partner.segment.run"].search([], limit=1)
        self.assertTrue(run.partial)
        self.assertEqual(run.trigger, "partner")
        self.small.with_context(segmentation_today="2026-06-30").action_segment_recompute()
        self.assertEqual(self.segment_of(self.small, self.scheme), self.large)
        self.assertEqual(
            (self.scheme.last_run_date, self.scheme.last_run_changes),
            facts,
            "a one-partner run leaves the last full run's facts",
        )

    def test_side_panel_full_names_and_scheme_sequence(self):
        self.recompute(self.scheme)
        self.scheme.sequence = -1  # before every shipped scheme, though "test_fixes" sorts last
        result = self.env["res.partner"].search_panel_select_multi_range(
            "segment_ids", group_by="scheme_id", enable_counters=True
        )
        values = {v["id"]: v for v in result["values"]}
        large = values[self.large.id]
        self.assertEqual(large["display_name"], "Large", "the scheme is the group")
        self.assertEqual(large["group_name"], "test_fixes")
        self.assertEqual(large["group_sequence"], min(v["group_sequence"] for v in values.values()))
