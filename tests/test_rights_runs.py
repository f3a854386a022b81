# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a run triggered by a restricted user may set off: segment actions
wait for the scheduled run, and the test-only reference day is refused from
an RPC call."""

import datetime
from unittest.mock import patch

from odoo import fields
from odoo.modules import module
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import config

from ..engine import common
from ..engine import run as engine_run
from .test_rights import RightsCase


@tagged("post_install", "-at_install")
class TestSegmentActionsDeferred(RightsCase):
    """Segment actions are chosen by Settings administrators; a run that a
    salesperson or a segmentation manager starts leaves them to the next
    scheduled run, which runs them as the scheduled action's user."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        # an action only an administrator could do: set a system parameter
        cls.action = cls.env["ir.actions.server"].create(
            {
                "name": "Segmentation test: mark entered partners",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": "env['ir.config_parameter'].set_param("
                "'psseg.test.entered', ','.join(str(i) for i in sorted(records.ids)) + "
                "',' + (env['ir.config_parameter'].get_param('psseg.test.entered') or ''))",
            }
        )
        cls.big.on_enter_action_id = cls.action

    def scheduled_run(self):
        """What the daily job and the run cron do together, in the test's
        transaction: a run of every active scheme, triggered by the scheduler."""
        schemes = self.Scheme.search([("active", "=", True)])
        return engine_run.run(self.env, schemes, trigger="cron")

    def entered(self):
        value = self.env["ir.config_parameter"].get_param("psseg.test.entered") or ""
        return sorted(int(i) for i in value.split(",") if i)

    def test_salesperson_run_defers_actions_to_the_scheduled_run(self):
        self.customer.with_user(self.salesperson).action_segment_recompute()
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        self.assertEqual(self.entered(), [], "nothing ran with the salesperson's run")
        run = self.env["partner.segment.run"].search([], limit=1)
        self.assertTrue(run.actions_pending)
        # the scheduled run (its user: the superuser here) runs them, once
        self.scheduled_run()
        self.assertEqual(self.entered(), [self.customer.id])
        self.assertFalse(run.actions_pending)
        self.scheduled_run()
        self.assertEqual(self.entered(), [self.customer.id], "not twice")

    def test_manager_run_defers_actions(self):
        self.scheme.with_user(self.manager).action_recompute()
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        self.assertEqual(self.entered(), [])
        self.scheduled_run()
        self.assertEqual(self.entered(), [self.customer.id])

    def test_settings_admin_run_runs_actions_at_once(self):
        self.scheme.with_user(self.env.ref("base.user_admin")).action_recompute()
        self.assertEqual(self.entered(), [self.customer.id])


@tagged("post_install", "-at_install")
class TestReferenceDayFromRpc(HttpCase):
    """``segmentation_today`` pins the day of a run in tests only: an RPC
    call that passes it gets the real day."""

    def test_rpc_cannot_pin_the_day(self):
        manager = new_test_user(
            self.env,
            "seg_rpc_manager",
            groups="base.group_user,partner_segmentation.group_segmentation_manager",
        )
        tag = self.env["res.partner.category"].create({"name": "RPC day"})
        partner = self.env["res.partner"].create(
            {"name": "RPC Day Co", "is_company": True, "category_id": [(4, tag.id)]}
        )
        scheme = self.env["partner.segment.scheme"].create(
            {
                "name": "RPC day",
                "code": "test_rpc_day",
                "partner_domain": f"[('category_id', 'in', [{tag.id}])]",
                "segment_ids": [(0, 0, {"name": "All", "code": "ALL"})],
            }
        )
        self.authenticate(manager.login, manager.login)
        self.make_jsonrpc_request(
            "/web/dataset/call_kw/partner.segment.scheme/action_recompute",
            {
                "model": "partner.segment.scheme",
                "method": "action_recompute",
                "args": [scheme.ids],
                "kwargs": {"context": {"segmentation_today": "2020-01-01"}},
            },
        )
        assignment = self.env["partner.segment.assignment"].search(
            [("partner_id", "=", partner.id), ("scheme_id", "=", scheme.id)]
        )
        self.assertTrue(assignment, "the call ran")
        self.assertNotEqual(assignment.date_assigned, datetime.date(2020, 1, 1))
        # the day of the request: the caller's, in the caller's time zone
        today = fields.Date.context_today(manager.with_user(manager).with_context(tz=manager.tz))
        self.assertEqual(assignment.date_assigned, today)


@tagged("post_install", "-at_install")
class TestReferenceDay(RightsCase):
    def test_pinned_in_tests_only(self):
        env = self.env(context=dict(self.env.context, segmentation_today="2020-01-01"))
        self.assertEqual(common.today_of(env), datetime.date(2020, 1, 1))
        with (
            patch.dict(config.options, {"test_enable": False}),
            patch.object(module, "current_test", False),
        ):
            self.assertEqual(common.today_of(env), fields.Date.context_today(env.user))
