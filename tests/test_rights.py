# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who may do what, tried as the restricted users who would try it: domains
with plain values only, runs, overrides, the engine-only tables, the segment
actions, the test-only reference day.  Every refusal is asserted together
with the fact that nothing was saved."""

from odoo import Command
from odoo.exceptions import AccessError, ValidationError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase

DOMAIN_ATTACKS = {
    "user.sudo()": "[('id', '!=', user.sudo().id)]",
    "cr.execute": "[('id', 'in', user.env.cr.execute('UPDATE res_users SET active = false') "
    "or [])]",
    "writing groups": "[('id', '!=', user.sudo().write({'groups_id': [(4, %(system)s)]}))]",
    "reading a table through the error text": "[('name', '=', "
    "user.env['ir.config_parameter'].sudo().get_param('database.secret'))]",
    "env by another name": "[('name', '=', env['res.users'].search([]).mapped('login'))]",
    "method of a plain value": "[('id', 'in', company_ids.clear() or company_ids)]",
    "comprehension": "[('id', 'in', [c for c in company_ids])]",
    "lambda": "[('id', '=', (lambda: 1)())]",
    "dunder": "[('id', '=', ().__class__)]",
}


@tagged("post_install", "-at_install")
class RightsCase(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.system = cls.env.ref("base.group_system")
        cls.manager = new_test_user(
            cls.env,
            "seg_manager",
            groups="base.group_user,partner_segmentation.group_segmentation_manager",
            name="Segmentation Manager",
        )
        cls.salesperson = new_test_user(
            cls.env, "seg_sales", groups="sales_team.group_sale_salesman", name="Sales One"
        )
        cls.salesperson2 = new_test_user(
            cls.env, "seg_sales2", groups="sales_team.group_sale_salesman", name="Sales Two"
        )
        cls.employee = new_test_user(cls.env, "seg_employee", groups="base.group_user")
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.customer = cls.make_partner("Rights Co")
        cls.make_invoice(cls.customer, 5000)
        cls.prospect = cls.make_partner("Rights Prospect")
        cls.scheme = cls.make_scheme(
            "test_rights",
            "rules",
            [{"name": "Big", "conditions": [(cls.revenue, ">=", 1000)]}, {"name": "Rest"}],
        )
        cls.big, cls.rest = cls.scheme.segment_ids.sorted("sequence")

    def assertSaved(self, records, field, value):
        self.env.invalidate_all()
        self.assertEqual(records[field], value)


@tagged("post_install", "-at_install")
class TestDomainsPlainValues(RightsCase):
    """A segmentation manager who is not a Settings administrator writes the
    domains the engine evaluates as superuser."""

    def attacks(self):
        for name, text in DOMAIN_ATTACKS.items():
            yield name, text % {"system": self.system.id}

    def test_scheme_domain_attacks_refused_on_save(self):
        scheme = self.scheme.with_user(self.manager)
        for name, text in self.attacks():
            with (
                self.subTest(name),
                self.refused(ValidationError, "The partner filter of scheme 'test_rights'"),
            ):
                scheme.partner_domain = text
            self.assertSaved(self.scheme, "partner_domain", self.domain)
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.assertTrue(self.env.ref("base.user_admin").active, "no SQL ran")

    def test_new_scheme_with_attack_not_created(self):
        Scheme = self.Scheme.with_user(self.manager)
        for name, text in self.attacks():
            with self.subTest(name), self.refused(ValidationError):
                Scheme.create({"name": "Evil", "code": "evil", "partner_domain": text})
            self.assertFalse(self.Scheme.search([("code", "=", "evil")]))

    def test_segment_and_metric_domain_attacks_refused_on_save(self):
        segment = self.rest.with_user(self.manager)
        metric = self.revenue.with_user(self.manager)
        before = self.revenue.source_domain
        for name, text in self.attacks():
            with self.subTest(name, field="segment"), self.refused(ValidationError):
                segment.partner_domain = text
            with self.subTest(name, field="metric"), self.refused(ValidationError):
                metric.source_domain = text
            self.assertSaved(self.rest, "partner_domain", False)
            self.assertSaved(self.revenue, "source_domain", before)

    def test_refusal_says_what_is_wrong(self):
        scheme = self.scheme.with_user(self.manager)
        with self.refused(ValidationError, "it uses 'user'; a domain may only use"):
            scheme.partner_domain = "[('id', '=', user.id)]"
        with self.refused(ValidationError, "it reaches 'clear'; a domain may not call"):
            scheme.partner_domain = "[('id', 'in', company_ids.clear())]"
        with self.refused(ValidationError, "it contains"):
            scheme.partner_domain = "[('id', 'in', [c for c in company_ids])]"
        secret = self.env["ir.config_parameter"].get_param("database.secret")
        try:
            scheme.partner_domain = DOMAIN_ATTACKS["reading a table through the error text"]
        except ValidationError as exc:
            self.assertNotIn(secret, str(exc))
        else:
            self.fail("the domain was accepted")

    def test_plain_values_and_date_helpers_accepted(self):
        text = (
            "[('create_date', '>=', (context_today() - relativedelta(days=30))"
            ".strftime('%Y-%m-%d')), ('write_date', '<', datetime.datetime.now()), "
            "('company_id', 'in', company_ids + [False]), ('user_id', '!=', uid), "
            "('create_date', '<=', datetime.datetime.combine(today, datetime.time.max)), "
            "('id', '!=', -company_id)]"
        )
        self.scheme.with_user(self.manager).partner_domain = text
        self.assertSaved(self.scheme, "partner_domain", text)
        self.recompute(self.scheme)
        self.assertEqual(self.scheme.last_run_status, "done")

    def test_domain_on_data_the_manager_may_not_read_refused(self):
        """Saved with the saver's rights: a manager without sales rights may
        not classify partners by their orders (the engine would read them as
        superuser)."""
        scheme = self.scheme.with_user(self.manager)
        with self.refused(ValidationError, "The partner filter of scheme .*Sales Order"):
            scheme.partner_domain = "[('sale_order_ids.amount_total', '>', 0)]"
        self.assertSaved(self.scheme, "partner_domain", self.domain)

    def test_stored_attack_never_executed_at_run_time(self):
        """A domain stored before the check (or by SQL) is refused by the
        engine the same way: the scheme fails, nothing is executed."""
        text = DOMAIN_ATTACKS["writing groups"] % {"system": self.system.id}
        self.env.cr.execute(
            "UPDATE partner_segment_scheme SET partner_domain = %s WHERE id = %s",
            (text, self.scheme.id),
        )
        self.env.invalidate_all()
        self.recompute(self.scheme)
        self.assertEqual(self.scheme.last_run_status, "failed")
        self.assertIn("a domain is a list of conditions", self.scheme.last_run_error)
        self.assertFalse(self.manager.has_group("base.group_system"))
        self.assertFalse(self.segment_of(self.customer, self.scheme))


@tagged("post_install", "-at_install")
class TestWhoMayDoWhat(RightsCase):
    def runs(self):
        return self.env["partner.segment.run"].search_count([])

    def test_salesperson_recomputes_a_partner(self):
        before = self.runs()
        self.customer.with_user(self.salesperson).action_segment_recompute()
        self.assertEqual(self.runs(), before + 1)
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)

    def test_employee_without_segmentation_may_not_recompute(self):
        before = self.runs()
        with self.assertRaisesRegex(AccessError, "Only segmentation users"):
            self.customer.with_user(self.employee).action_segment_recompute()
        self.assertEqual(self.runs(), before)
        self.assertFalse(self.segment_of(self.customer, self.scheme))

    def test_only_managers_recompute_schemes(self):
        before = self.runs()
        for scheme in (self.scheme, self.Scheme.browse()):  # one scheme, all schemes
            with self.assertRaisesRegex(AccessError, "Only segmentation administrators"):
                scheme.with_user(self.salesperson).action_recompute()
        self.assertEqual(self.runs(), before)
        self.assertFalse(self.segment_of(self.customer, self.scheme))
        self.scheme.with_user(self.manager).action_recompute()
        self.assertEqual(self.runs(), before + 1)
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)

    def test_nobody_writes_assignments_by_hand(self):
        self.recompute(self.scheme)
        newcomer = self.make_partner("Newcomer")
        assignment = self.customer.segment_assignment_ids
        for user in (self.salesperson, self.manager):
            Assignment = self.Assignment.with_user(user)
            with self.refused():
                Assignment.create(
                    {
                        "partner_id": newcomer.id,
                        "scheme_id": self.scheme.id,
                        "segment_id": self.big.id,
                    }
                )
            with self.refused():
                assignment.with_user(user).write({"segment_id": self.rest.id})
            with self.refused():
                assignment.with_user(user).unlink()
        self.assertFalse(self.Assignment.search([("partner_id", "=", newcomer.id)]))
        self.assertSaved(assignment, "segment_id", self.big)

    def test_nobody_writes_history_by_hand(self):
        self.recompute(self.scheme)
        history = self.History.search([("partner_id", "=", self.customer.id)])
        self.assertEqual(len(history), 1)
        newcomer = self.make_partner("Newcomer")
        admin = self.env.ref("base.user_admin")
        for user in (self.salesperson, self.manager, admin):
            History = self.History.with_user(user)
            with self.refused():
                History.create(
                    {
                        "partner_id": newcomer.id,
                        "scheme_id": self.scheme.id,
                        "to_segment_id": self.big.id,
                        "cause": "manual",
                    }
                )
            with self.refused():
                history.with_user(user).write({"note": "forged"})
            with self.refused():
                history.with_user(user).unlink()
        self.assertFalse(self.History.search([("partner_id", "=", newcomer.id)]))
        self.assertSaved(history, "note", False)

    def test_nobody_records_runs_by_hand(self):
        run = self.recompute(self.scheme)
        Run = self.env["partner.segment.run"]
        before = self.runs()
        for user in (self.salesperson, self.manager):
            with self.refused():
                Run.with_user(user).create({"date_start": "2026-01-01", "status": "done"})
            with self.refused():
                run.with_user(user).write({"status": "failed"})
        self.assertEqual(self.runs(), before)
        self.assertSaved(run, "status", "done")

    def test_salesperson_sets_and_ends_own_override_on_unclassified_prospect(self):
        Assignment = self.Assignment.with_user(self.salesperson)
        assignment = Assignment.set_manual(self.prospect, self.big, "Promised a deal")
        self.assertEqual(
            (assignment.locked, assignment.locked_by_id, assignment.segment_id),
            (True, self.salesperson, self.big),
        )
        set_history = self.History.search([("partner_id", "=", self.prospect.id)])
        self.assertEqual(set_history.user_id, self.salesperson)
        assignment.action_unlock()
        self.assertFalse(assignment.exists(), "no run classified it: the assignment goes")
        history = self.History.search([("partner_id", "=", self.prospect.id)], order="id")
        self.assertEqual(
            [(h.from_segment_id, h.to_segment_id, h.user_id) for h in history],
            [
                (self.env["partner.segment"], self.big, self.salesperson),
                (self.big, self.env["partner.segment"], self.salesperson),
            ],
        )
        self.assertNotIn(self.big, self.prospect.segment_ids)

    def test_salesperson_may_not_end_someone_elses_override(self):
        assignment = self.Assignment.with_user(self.salesperson).set_manual(
            self.prospect, self.big, "Promised a deal"
        )
        with self.refused(AccessError, "Only the user who set it"):
            assignment.with_user(self.salesperson2).action_unlock()
        self.assertSaved(assignment, "locked", True)
        self.assertEqual(self.History.search_count([("partner_id", "=", self.prospect.id)]), 1)
        assignment.with_user(self.manager).action_unlock()
        self.assertFalse(assignment.exists(), "a segmentation manager ends any override")

    def test_employee_may_not_set_an_override(self):
        with self.refused(AccessError, "Only segmentation users"):
            self.Assignment.with_user(self.employee).set_manual(self.prospect, self.big, "no")
        self.assertFalse(self.segment_of(self.prospect, self.scheme))
        self.assertFalse(self.History.search([("partner_id", "=", self.prospect.id)]))

    def test_override_wizard_as_salesperson(self):
        wizard = (
            self.env["partner.segment.override.wizard"]
            .with_user(self.salesperson)
            .create(
                {
                    "partner_id": self.customer.id,
                    "scheme_id": self.scheme.id,
                    "segment_id": self.rest.id,
                    "reason": "Negotiated terms",
                }
            )
        )
        wizard.action_confirm()
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.rest)

    def test_only_settings_admins_choose_segment_actions(self):
        action = self.env.ref("partner_segmentation.action_server_segment_schedule_call")
        with self.refused():
            self.big.with_user(self.manager).write({"on_enter_action_id": action.id})
        with self.refused(AccessError, "Only Settings administrators"):
            self.Scheme.with_user(self.manager).create(
                {
                    "name": "With action",
                    "code": "with_action",
                    "segment_ids": [
                        Command.create({"name": "A", "code": "A", "on_exit_action_id": action.id})
                    ],
                }
            )
        self.assertSaved(self.big, "on_enter_action_id", self.env["ir.actions.server"])
        self.assertFalse(self.Scheme.search([("code", "=", "with_action")]))
        self.big.with_user(self.env.ref("base.user_admin")).on_enter_action_id = action
        self.assertSaved(self.big, "on_enter_action_id", action)
