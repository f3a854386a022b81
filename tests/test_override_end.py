# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Ending an override says so, and gives back the day the customer entered
the computed segment before the override (not the day the override ended)."""

import datetime

from odoo.tests import tagged

from .common import SizeAndParetoCase, on_reference_days


@tagged("post_install", "-at_install")
class TestOverrideEnd(SizeAndParetoCase):
    @on_reference_days
    def test_end_gives_back_the_computed_segment_and_its_day(self):
        self.recompute(self.rules)
        assignment = self.small.segment_assignment_ids.filtered(lambda a: a.scheme_id == self.rules)
        entered = self.history(self.small, self.rules)
        self.assertEqual(entered.to_segment_id, self.small_seg)
        since = datetime.date(2025, 3, 1)
        entered.flush_recordset()
        self.env.cr.execute(
            "UPDATE partner_segment_history SET date = %s WHERE id = %s",
            [datetime.datetime(2025, 3, 1, 9), entered.id],
        )
        self.env.cr.execute(
            "UPDATE partner_segment_assignment SET date_assigned = %s WHERE id = %s",
            [since, assignment.id],
        )
        self.env.invalidate_all()
        self.Assignment.set_manual(self.small, self.large, "Key account at the fair")
        self.assertEqual(assignment.date_assigned, self.today, "the override starts today")
        self.recompute(self.rules)
        self.assertEqual(assignment.computed_segment_id, self.small_seg)
        action = assignment.action_unlock()
        self.assertEqual(assignment.segment_id, self.small_seg)
        self.assertEqual(assignment.date_assigned, since, "in Small since 2025, as before")
        self.assertEqual(action["tag"], "display_notification")
        self.assertEqual(
            action["params"]["message"],
            "Override ended: Small is back in test_size: Small, the computed segment.",
        )

    @on_reference_days
    def test_end_gives_back_the_entry_day_and_says_so(self):
        """The day of the entry before the override comes back; without a
        computed segment the notification says so."""
        self.recompute(self.rules)
        assignment = self.Assignment.set_manual(self.mid, self.small_seg, "Trial")
        self.recompute(self.rules)
        self.assertEqual(assignment.computed_segment_id, self.large)
        # the entry into Large before the override is in the history: given back
        entered = self.history(self.mid, self.rules).filtered(
            lambda h: h.cause == "recompute" and h.to_segment_id == self.large
        )
        self.assertEqual(len(entered), 1)
        assignment.action_unlock()
        self.assertEqual(assignment.segment_id, self.large)
        self.assertEqual(assignment.date_assigned, entered.date.date())
        other = self.Assignment.set_manual(self.none, self.small_seg, "Met at the fair")
        action = other.action_unlock()
        self.assertIn("has no computed segment", action["params"]["message"])
