# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Preview before applying, and why a customer is where it is."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SizeAndParetoCase


@tagged("post_install", "-at_install")
class TestPreviewAndExplanation(SizeAndParetoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "preview_manager",
            groups="partner_segmentation.group_segmentation_manager,sales_team.group_sale_manager",
        )
        cls.Wizard = cls.env["partner.segment.preview.wizard"]

    def written(self):
        """What the database holds of the rules and their results."""
        self.env.flush_all()
        self.env.cr.execute(
            """SELECT (SELECT COUNT(*) FROM partner_segment_assignment),
                      (SELECT COUNT(*) FROM partner_segment_history),
                      (SELECT COUNT(*) FROM res_partner_segment_rel),
                      (SELECT array_agg(value ORDER BY id) FROM partner_segment_condition),
                      (SELECT array_agg(pareto_cutoff ORDER BY id) FROM partner_segment),
                      (SELECT MAX(write_date) FROM partner_segment_scheme),
                      (SELECT MAX(write_date) FROM partner_segment)"""
        )
        return self.env.cr.fetchone()

    def test_preview_unsaved_rules_writes_nothing(self):
        self.recompute(self.rules)
        condition = self.large.condition_ids
        before = self.written()
        # raise the Large threshold in the form, unsaved: Mid would go to Small
        values = {
            "segment_ids": [
                Command.update(
                    self.large.id,
                    {"condition_ids": [Command.update(condition.id, {"value": 2000})]},
                )
            ]
        }
        action = self.Wizard.with_user(self.manager).preview_scheme(self.rules.id, values)
        wizard = self.Wizard.browse(action["res_id"])
        counts = {
            line.segment_id: (line.current_count, line.count) for line in wizard.segment_line_ids
        }
        self.assertEqual(counts[self.large], (2, 1))
        self.assertEqual(counts[self.small_seg], (1, 2))
        self.assertEqual(wizard.move_count, 1)
        move = wizard.move_line_ids
        self.assertEqual((move.from_segment_id, move.to_segment_id), (self.large, self.small_seg))
        self.assertEqual(move.mover_ids, self.mid)
        movers = move.action_view_partners()
        self.assertEqual(movers["domain"], [("id", "in", self.mid.ids)])
        self.assertFalse(movers["context"]["create"], "a list to read: no New button")
        arch = self.env["ir.ui.view"].browse(movers["views"][0][0]).arch
        self.assertIn('create="0"', arch)
        # nothing written: the rule, the assignments, the history
        self.assertEqual(self.written(), before)
        self.assertEqual(condition.value, 1000)
        self.assertEqual(self.segment_of(self.mid, self.rules), self.large)

    def test_preview_of_a_segment_being_edited(self):
        self.recompute(self.rules)
        condition = self.large.condition_ids
        action = self.Wizard.with_user(self.manager).preview_segment(
            self.large.id, {"condition_ids": [Command.update(condition.id, {"value": 100000})]}
        )
        wizard = self.Wizard.browse(action["res_id"])
        self.assertEqual(wizard.move_count, 2)
        self.assertEqual(condition.value, 1000)

    def test_preview_of_invalid_rules_shows_the_message_and_writes_nothing(self):
        self.recompute(self.pareto)
        before, wizards = self.written(), self.Wizard.search_count([])
        a_segment = self.pareto.segment_ids.filtered(lambda s: s.name == "A")
        with self.assertRaisesRegex(ValidationError, "cut-off must be above 0 and at most 100"):
            self.Wizard.with_user(self.manager).preview_scheme(
                self.pareto.id,
                {"segment_ids": [Command.update(a_segment.id, {"pareto_cutoff": 150})]},
            )
        with self.assertRaisesRegex(ValidationError, "have the same Pareto cut-off"):
            self.Wizard.with_user(self.manager).preview_segment(
                a_segment.id, {"pareto_cutoff": 100}
            )
        self.assertEqual(a_segment.pareto_cutoff, 70)
        self.assertEqual(self.written(), before)
        self.assertEqual(self.Wizard.search_count([]), wizards)

    def test_preview_is_for_administrators(self):
        user = new_test_user(
            self.env, "preview_user", groups="partner_segmentation.group_segmentation_user"
        )
        with self.assertRaises(AccessError):
            self.Wizard.with_user(user).preview_scheme(self.rules.id, {})

    def test_why_rules(self):
        self.recompute(self.rules)
        assignment = self.mid.segment_assignment_ids.filtered(lambda a: a.scheme_id == self.rules)
        html = str(assignment.explanation_html)
        self.assertIn("The engine says", html)
        self.assertIn("Large", html)
        self.assertIn("1,500.00", html, "the partner's value")
        self.assertIn("1,000.00", html, "the threshold")
        action = assignment.action_explain()
        self.assertEqual((action["res_id"], action["target"]), (assignment.id, "new"))
        # locked: what the engine would say, and why
        self.env["partner.segment.assignment"].set_manual(self.mid, self.small_seg, "deal")
        assignment.invalidate_recordset()
        html = str(assignment.explanation_html)
        self.assertIn("Set by hand", html)
        self.assertIn("deal", html)
        self.assertIn("The engine would say", html)
        self.assertIn("Large", html)

    def test_why_pareto_and_history_keeps_the_ranking_value(self):
        self.recompute(self.pareto)
        assignment = self.big.segment_assignment_ids.filtered(lambda a: a.scheme_id == self.pareto)
        html = str(assignment.explanation_html)
        self.assertIn("5,000.00", html, "its own value")
        self.assertIn("Boundaries stored by the last full run", html)
        history = self.History.search(
            [("partner_id", "=", self.big.id), ("scheme_id", "=", self.pareto.id)]
        )
        self.assertEqual(history.metric_value, 5000.0)
        rules_history = self.History.search(
            [("partner_id", "=", self.big.id), ("scheme_id", "=", self.rules.id)]
        )
        self.assertFalse(rules_history.metric_value)
