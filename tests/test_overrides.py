# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Manual overrides: the override wizard (its form, its refusals, from a
contact), overrides that end on their date, ending them from the
assignment list, and what recomputes do with them."""

import datetime
from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import CallerCase, SizeAndParetoCase, on_reference_days


@tagged("post_install", "-at_install")
class TestOverrides(CallerCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Wizard = cls.env["partner.segment.override.wizard"]

    def wizard(self, **values):
        return self.Wizard.create(
            dict(
                {
                    "partner_id": self.customer.id,
                    "scheme_id": self.scheme.id,
                    "segment_id": self.rest.id,
                    "reason": "Negotiated terms",
                },
                **values,
            )
        )

    def test_wizard_refuses_an_empty_reason(self):
        with (
            self.assertRaisesRegex(
                ValidationError, "Say why the segment of 'Caller Co' is set by hand"
            ),
            self.env.cr.savepoint(),
        ):
            self.wizard(reason="").action_confirm()
            self.env.flush_all()
        self.env.invalidate_all()
        self.assertFalse(self.Assignment.search([("partner_id", "=", self.customer.id)]))

    @on_reference_days
    def test_wizard_refuses_an_end_date_in_the_past(self):
        yesterday = self.today - datetime.timedelta(days=1)
        with self.assertRaisesRegex(
            ValidationError, "The override of 'Caller Co' cannot end in the past"
        ):
            self.wizard(lock_until=yesterday).action_confirm()

    @on_reference_days
    def test_wizard_override_ends_on_its_date(self):
        self.recompute(self.scheme)
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        until = self.today + datetime.timedelta(days=10)
        self.wizard(lock_until=until).action_confirm()
        assignment = self.customer.segment_assignment_ids
        self.assertEqual(
            (assignment.segment_id, assignment.locked, assignment.lock_until),
            (self.rest, True, until),
        )
        self.assertEqual(assignment.display_name, self.rest.display_name, "the lock is an icon")
        self.recompute(self.scheme)
        self.assertEqual(assignment.segment_id, self.rest, "the lock holds until its date")
        self.assertEqual(assignment.computed_segment_id, self.big)
        self.recompute(self.scheme, segmentation_today=str(until + datetime.timedelta(days=1)))
        self.assertFalse(assignment.locked)
        self.assertEqual(assignment.segment_id, self.big, "after its date the engine decides")

    def test_wizard_from_a_contact_sets_the_company(self):
        contact = self.env["res.partner"].create(
            {"name": "Ann Caller", "parent_id": self.customer.id}
        )
        action = contact.action_segment_override()
        self.assertEqual(action["res_model"], "partner.segment.override.wizard")
        self.assertEqual(action["context"]["default_partner_id"], self.customer.id)
        with Form(self.Wizard.with_context(**action["context"])) as form:
            form.scheme_id = self.scheme
            form.segment_id = self.big
            form.reason = "Head office decision"
        form.record.action_confirm()
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        self.assertIn(self.big, contact.segment_ids, "the contact carries the company's segment")

    # -- ending overrides from the assignment list --------------------------
    def test_override_of_a_company_partner_in_schemes_with_and_without_company(self):
        """A scheme of every company classifies partners kept by one company
        too (Odoo's check_company would say "Incompatible companies"); a
        scheme of company B refuses a partner of company A, nothing saved."""
        self.assertFalse(self.scheme.company_id)
        self.customer.company_id = self.env.company
        assignment = self.Assignment.set_manual(self.customer, self.rest, "Negotiated terms")
        self.assertEqual((assignment.partner_id, assignment.segment_id), (self.customer, self.rest))
        self.assertTrue(assignment.locked)
        other = self.env["res.company"].create({"name": "Other Co"})
        scheme_b = self.make_scheme(
            "test_override_company_b",
            "rules",
            [{"name": "All of B", "code": "ALL_B"}],
            company_id=other.id,
        )
        with self.assertRaisesRegex(ValidationError, "belongs to .*cannot be classified in"):
            self.Assignment.set_manual(self.customer, scheme_b.segment_ids, "Negotiated terms")
        self.assertFalse(self.Assignment.search([("scheme_id", "=", scheme_b.id)]), "nothing saved")

    def test_unlock_server_action_on_assignments(self):
        other = self.make_partner("Other Caller Co")
        self.recompute(self.scheme)
        self.Assignment.set_manual(self.customer, self.rest, "trial")
        self.Assignment.set_manual(other, self.big, "trial")
        assignments = self.Assignment.search(
            [("scheme_id", "=", self.scheme.id), ("locked", "=", True)]
        )
        self.assertEqual(len(assignments), 2)
        action = self.env.ref("partner_segmentation.action_server_assignment_unlock")
        action.with_context(active_model=assignments._name, active_ids=assignments.ids).run()
        self.assertFalse(assignments.filtered("locked"))
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        self.assertEqual(self.segment_of(other, self.scheme), self.rest)
        history = self.History.search(
            [("partner_id", "=", other.id), ("note", "=", "Override ended")]
        )
        self.assertEqual((history.from_segment_id, history.to_segment_id), (self.big, self.rest))


@tagged("post_install", "-at_install")
class TestOverrideWizardForm(SizeAndParetoCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.other = cls.make_scheme("test_ui_other", "rules", [{"name": "Any"}])

    def test_override_wizard(self):
        self.recompute(self.rules)
        with Form(
            self.env["partner.segment.override.wizard"].with_context(
                default_partner_id=self.small.id
            )
        ) as form:
            form.scheme_id = self.rules
            self.assertEqual(form.current_segment_id, self.small_seg)
            form.segment_id = self.large
            form.scheme_id = self.other
            self.assertFalse(form.segment_id, "changing the scheme clears the segment")
            form.scheme_id = self.rules
            form.segment_id = self.large
            form.reason = "Group buying agreement"
        form.record.action_confirm()
        assignment = self.small.segment_assignment_ids.filtered(lambda a: a.scheme_id == self.rules)
        self.assertTrue(assignment.locked)
        self.assertEqual(assignment.display_name, self.large.display_name, "the lock is an icon")
        self.assertEqual(self.small.segment_badge_ids, assignment)

    def test_override_wizard_bad_input(self):
        Wizard = self.env["partner.segment.override.wizard"]
        wizard = Wizard.create(
            {
                "partner_id": self.big.id,
                "scheme_id": self.rules.id,
                "segment_id": self.any_segment().id,
                "reason": "x",
            }
        )
        with self.assertRaisesRegex(UserError, "is not a segment of 'test_size'"):
            wizard.action_confirm()
        wizard = Wizard.create(
            {
                "partner_id": self.big.id,
                "scheme_id": self.rules.id,
                "segment_id": self.large.id,
                "reason": "   ",
            }
        )
        with self.assertRaisesRegex(ValidationError, "Say why"):
            wizard.action_confirm()
        form = Form(Wizard.with_context(default_partner_id=self.big.id))
        form.scheme_id = self.rules
        form.segment_id = self.large
        with self.assertRaisesRegex(AssertionError, "reason"):
            form.save()

    def any_segment(self):
        return self.other.segment_ids


@tagged("post_install", "-at_install")
class TestOverridesInRuns(SizeAndParetoCase):
    """What a recompute does with overrides: they survive it until their
    date, a run of chosen partners ends the expired ones, an unclassified
    partner may be set by hand, and bad overrides are refused."""

    @on_reference_days
    def test_manual_override_survives_and_expires(self):
        self.recompute(self.rules)
        assignment = self.Assignment.set_manual(
            self.small,
            self.large,
            "Strategic account",
            lock_until=self.today + datetime.timedelta(days=10),
        )
        self.assertEqual(self.history(self.small, self.rules)[0].cause, "manual")
        self.assertEqual(assignment.date_assigned, self.today, "since the day of the override")
        self.assertIn(self.large, self.small.segment_ids)
        run = self.recompute(self.rules)
        self.assertEqual(run.change_count, 0)
        self.assertEqual(assignment.segment_id, self.large, "the override holds")
        self.assertEqual(assignment.computed_segment_id, self.small_seg, "the engine's view")
        self.assertTrue(assignment.differs)
        self.assertIn(assignment, self.Assignment.search([("differs", "=", True)]))
        # the lock ends after lock_until: the engine takes over again
        self.recompute(self.rules, segmentation_today=str(self.today + datetime.timedelta(days=11)))
        self.assertFalse(assignment.locked)
        self.assertEqual(assignment.date_assigned, self.today + datetime.timedelta(days=11))
        self.assertEqual(assignment.segment_id, self.small_seg)
        self.assertEqual(self.history(self.small, self.rules)[0].cause, "recompute")
        self.assertEqual(self.small.segment_ids, self.small_seg)

    @on_reference_days
    def test_chosen_partners_expired_override_and_one_read_of_assignments(self):
        """A run of chosen partners releases the expired overrides of all its
        schemes, then reads the partners' assignments in all of them at once:
        each scheme's diff sees the released lock and its own rows."""
        both = self.rules | self.pareto
        self.recompute(both)
        assignment = self.Assignment.set_manual(
            self.small,
            self.large,
            "Until the fair",
            lock_until=self.today + datetime.timedelta(days=3),
        )
        self.mid.category_id = False  # leaves both schemes
        later = str(self.today + datetime.timedelta(days=4))
        apply_sql = engine_run.run_steps.apply.Q
        with (
            patch.object(apply_sql, "fill_current", wraps=apply_sql.fill_current) as fill,
            patch.object(apply_sql, "insert_diff", wraps=apply_sql.insert_diff) as diff,
        ):
            run = self.recompute(both, self.small | self.mid, segmentation_today=later)
        self.assertEqual(fill.call_count, 1)
        self.assertEqual([c.args[2] for c in diff.call_args_list], [True, True])
        self.assertFalse(assignment.locked)
        self.assertEqual(assignment.segment_id, self.small_seg, "the engine takes over")
        for scheme in both:
            self.assertFalse(self.mid.segment_ids & scheme.segment_ids, scheme.code)
        # Rules: Mid leaves, Small moves from its override; Pareto: Mid leaves
        self.assertEqual(run.line_ids.mapped("left"), [2, 1])
        self.assertEqual(self.codes([self.big], self.rules), ["Large"], "not chosen: as it was")

    @on_reference_days
    def test_manual_override_of_unclassified_and_unlock(self):
        assignment = self.Assignment.set_manual(self.none, self.small_seg, "Met at the fair")
        self.recompute(self.rules)
        self.assertEqual(assignment.segment_id, self.small_seg)
        self.assertFalse(assignment.computed_segment_id)
        assignment.action_unlock()
        self.assertFalse(assignment.exists(), "nothing computed: the assignment goes")
        self.assertFalse(self.none.segment_ids)

    @on_reference_days
    def test_override_validation(self):
        with self.assertRaisesRegex(ValidationError, "Say why"):
            self.Assignment.set_manual(self.big, self.large, "  ")
        with self.assertRaisesRegex(ValidationError, "cannot end in the past"):
            self.Assignment.set_manual(
                self.big, self.large, "x", lock_until=self.today - datetime.timedelta(days=1)
            )
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.big.id})
        with self.assertRaisesRegex(ValidationError, "Only commercial partners"):
            self.Assignment.create(
                {"partner_id": contact.id, "scheme_id": self.rules.id, "segment_id": self.large.id}
            )
        with self.assertRaisesRegex(ValidationError, "does not belong to scheme"):
            self.Assignment.create(
                {
                    "partner_id": self.big.id,
                    "scheme_id": self.pareto.id,
                    "segment_id": self.large.id,
                }
            )
        # the override of a contact goes to its company
        assignment = self.Assignment.set_manual(contact, self.small_seg, "Asked by the buyer")
        self.assertEqual(assignment.partner_id, self.big)
