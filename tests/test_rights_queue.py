# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A salesperson's confirmed order queues its customer; the queue's run is
his doing, not the scheduler's: it leaves segment actions to the scheduled
run, as his own *Recompute segments* would."""

from unittest.mock import patch

from odoo import SUPERUSER_ID, api
from odoo.tests import HttpCase, tagged

from ..engine import run as engine_run
from .rpc import RpcMixin
from .test_rights import RightsCase


@tagged("post_install", "-at_install")
class TestQueueRunDefersActions(RpcMixin, RightsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Scheme.search([("id", "!=", cls.scheme.id)]).active = False
        cls.action = cls.env["ir.actions.server"].create(
            {
                "name": "Segmentation test: mark entered partners",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": "env['ir.config_parameter'].set_param('psseg.test.queue_entered', "
                "','.join(str(i) for i in sorted(records.ids)))",
            }
        )
        cls.big.on_enter_action_id = cls.action
        cls.queue_cron = cls.env.ref("partner_segmentation.ir_cron_segment_queue")

    def entered(self):
        return self.env["ir.config_parameter"].get_param("psseg.test.queue_entered") or ""

    def test_order_confirmed_over_rpc_queues_a_run_without_actions(self):
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        order_id = self.json_rpc(
            self.salesperson,
            "sale.order",
            "create",
            {
                "partner_id": self.customer.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 3, "price_unit": 50})
                ],
            },
        )
        self.json_rpc(self.salesperson, "sale.order", "action_confirm", [order_id])
        self.env.cr.execute("SELECT partner_id FROM partner_segment_queue")
        self.assertEqual([row[0] for row in self.env.cr.fetchall()], [self.customer.id])
        # the queue's cron carries the run out, as its own user (the superuser)
        self.assertEqual(self.queue_cron.user_id, self.env.ref("base.user_root"))
        self.env["partner.segment.queue"].with_user(self.queue_cron.user_id)._cron_process()
        run = self.env["partner.segment.run"].search([("trigger", "=", "queue")], limit=1)
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big, "classified")
        self.assertEqual(self.entered(), "", "no action ran with the queue's run")
        self.assertTrue(run.actions_pending)
        # the scheduled run runs them, once
        engine_run.run(self.env, self.Scheme.search([("active", "=", True)]), trigger="cron")
        self.assertEqual(self.entered(), str(self.customer.id))
        self.assertFalse(run.actions_pending)


@tagged("post_install", "-at_install")
class TestClicksMergeIntoOnePendingRun(RpcMixin, RightsCase, HttpCase):
    """While a run waits, a salesperson's repeated *Recompute segments* add
    to one pending run of theirs instead of queuing one run each."""

    def test_thirty_clicks_over_rpc_make_one_pending_run(self):
        Run = self.env["partner.segment.run"]
        waiting = engine_run.queue(self.env(user=self.manager), self.scheme, trigger="manual")
        before = Run.search_count([])
        # a step of the waiting run holds the engine (else each click runs at
        # once, between the steps): the clicks are queued
        with patch.object(engine_run, "try_lock", lambda env: False):
            for partner in [self.customer, self.prospect] * 15:
                self.json_rpc(
                    self.salesperson, "res.partner", "action_segment_recompute", partner.ids
                )
        self.assertEqual(Run.search_count([]), before + 1, "one run for the 30 clicks")
        clicked = Run.search([("trigger", "=", "partner")], order="id desc", limit=1)
        self.assertEqual(clicked.status, "queued")
        self.assertEqual(clicked.user_id, self.salesperson)
        self.assertEqual(
            clicked.partner_scope, {"partners": sorted((self.customer | self.prospect).ids)}
        )
        self.assertTrue(clicked.partial)
        self.assertEqual(clicked.step_count, len(clicked.line_ids) + 2)
        self.assertEqual(
            sorted(clicked.line_ids.mapped("sequence")), list(range(len(clicked.line_ids)))
        )
        # the manager's full run is another user's: left as it was
        self.assertEqual((waiting.status, waiting.partner_scope), ("queued", False))
        # both run, the merged one classifies both partners
        for _call in range(10):  # the cron's calls, each step committed
            with self.registry.cursor() as cr:
                if not engine_run.process(api.Environment(cr, SUPERUSER_ID, {})):
                    break
        self.env.invalidate_all()
        self.assertEqual(clicked.status, "done")
        self.assertEqual(self.segment_of(self.customer, self.scheme), self.big)
        self.assertEqual(self.segment_of(self.prospect, self.scheme), self.rest)

    def test_a_started_run_takes_no_more_requests(self):
        first = engine_run.queue(
            self.env(user=self.salesperson), self.scheme, self.customer, trigger="partner"
        )
        first.step_done = 1
        second = engine_run.queue(
            self.env(user=self.salesperson), self.scheme, self.prospect, trigger="partner"
        )
        self.assertNotEqual(first, second)
        self.assertEqual(first.partner_scope, {"partners": self.customer.ids})
        # a request for everyone makes the pending run a run for everyone
        third = engine_run.queue(self.env(user=self.salesperson), self.scheme, trigger="partner")
        self.assertEqual(third, second)
        self.assertEqual((second.partner_scope, second.partial), (False, False))
