# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Near-real-time recompute: invoices, orders and opportunities queue their
commercial partner with at most one query, and the queue's cron recomputes
just the queued partners."""

from unittest.mock import patch

from odoo import Command
from odoo.addons.partner_segmentation.models import partner_segment_queue
from odoo.addons.partner_segmentation.models.partner_segment_queue import PartnerSegmentQueue
from odoo.tests import tagged
from odoo.tools import mute_logger

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentQueue(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Queue = cls.env["partner.segment.queue"]
        cls.cron = cls.env.ref("partner_segmentation.ir_cron_segment_queue")
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        # only this test's scheme runs
        cls.Scheme.search([]).active = False
        cls.scheme = cls.make_scheme(
            "test_queue_size",
            "rules",
            [
                {"name": "Large", "conditions": [(cls.revenue, ">=", 1000)]},
                {"name": "Small", "conditions": [(cls.revenue, ">", 0)]},
            ],
        )
        cls.company = cls.make_partner("Queue Co")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Queue buyer", "parent_id": cls.company.id}
        )
        cls.other = cls.make_partner("Queue Other")
        cls.env.flush_all()

    def setUp(self):
        super().setUp()
        # what the set-up's own invoices and orders queued
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [self.cron.id])

    # -- helpers --------------------------------------------------------------
    def queued(self):
        self.env.cr.execute("SELECT partner_id FROM partner_segment_queue ORDER BY partner_id")
        return [row[0] for row in self.env.cr.fetchall()]

    def triggers(self):
        self.env.cr.execute(
            "SELECT call_at FROM ir_cron_trigger WHERE cron_id = %s", [self.cron.id]
        )
        return [row[0] for row in self.env.cr.fetchall()]

    def draft_invoice(self, partner, amount):
        return self.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": self.days_ago(5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )

    def draft_order(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 10}
                    )
                ],
            }
        )

    def extra_queries(self, make, act):
        """Queries ``act`` costs with the queue minus without it, each on a
        fresh record made by ``make``: the least of three tries each, after a
        warm-up of both (a try may pay for a cache another test emptied; the
        least is what the statement costs)."""
        counts = {True: [], False: []}
        for hooked in (True, False) * 4:
            record = make()
            self.env.flush_all()
            self.env.invalidate_all()
            record = record.browse(record.id)
            before = self.env.cr.sql_log_count
            if hooked:
                act(record)
            else:
                with patch.object(PartnerSegmentQueue, "_enqueue", lambda *args, **kw: None):
                    act(record)
            self.env.flush_all()
            counts[hooked].append(self.env.cr.sql_log_count - before)
        return min(counts[True][1:]) - min(counts[False][1:])

    # -- queueing --------------------------------------------------------------
    def test_posted_invoice_queues_its_commercial_partner_once(self):
        invoice = self.draft_invoice(self.contact, 500)
        self.assertEqual(self.queued(), [], "a draft queues nothing")
        invoice.action_post()
        self.assertEqual(self.queued(), [self.company.id], "the company, not the contact")
        self.assertEqual(len(self.triggers()), 1, "the cron is triggered, due at once")
        # more in the same transaction: no duplicate row, no second trigger
        self.draft_invoice(self.company, 10).action_post()
        self.draft_invoice(self.other, 10).action_post()
        self.assertEqual(self.queued(), sorted([self.company.id, self.other.id]))
        self.assertEqual(len(self.triggers()), 1)

    def test_each_event_queues(self):
        invoice = self.draft_invoice(self.company, 100)
        invoice.action_post()
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        invoice.button_draft()  # un-posted
        self.assertEqual(self.queued(), [self.company.id])
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        invoice.action_post()
        invoice._reverse_moves([{"invoice_date": self.days_ago(1)}]).action_post()
        self.assertEqual(self.queued(), [self.company.id], "posted credit note")

        order = self.draft_order(self.other)
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        order.action_confirm()
        self.assertEqual(self.queued(), [self.other.id], "confirmed order")
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        order._action_cancel()
        self.assertEqual(self.queued(), [self.other.id], "cancelled order")

        lead = self.env["crm.lead"].create(
            {"name": "Deal", "type": "opportunity", "partner_id": self.contact.id}
        )
        self.assertEqual(self.queued(), sorted([self.company.id, self.other.id]), "new deal")
        for act in (
            lambda: lead.write({"probability": 55}),
            lead.action_set_lost,
            lead.action_set_won,
        ):
            self.env.cr.execute("DELETE FROM partner_segment_queue")
            act()
            self.assertEqual(self.queued(), [self.company.id])
        self.env.cr.execute("DELETE FROM partner_segment_queue")
        lead.write({"description": "notes"})
        self.assertEqual(self.queued(), [], "other changes queue nothing")

    def test_what_does_not_queue(self):
        journal = self.env["account.journal"].search(
            [("type", "=", "general"), ("company_id", "=", self.env.company.id)], limit=1
        )
        account = self.env["account.account"].search(
            [("company_ids", "in", self.env.company.id), ("account_type", "=", "income")], limit=1
        )
        entry = self.env["account.move"].create(
            {
                "move_type": "entry",
                "journal_id": journal.id,
                "partner_id": self.company.id,
                "line_ids": [
                    Command.create({"account_id": account.id, "debit": 10}),
                    Command.create({"account_id": account.id, "credit": 10}),
                ],
            }
        )
        entry.action_post()
        self.assertEqual(self.queued(), [], "a journal entry is no invoice")
        # archiving the queue's cron switches near-real-time off
        self.cron.active = False
        self.cron.flush_recordset()
        self.draft_invoice(self.company, 100).action_post()
        self.assertEqual(self.queued(), [])
        self.assertEqual(self.triggers(), [])

    def test_at_most_one_extra_query_per_write(self):
        post = self.extra_queries(
            lambda: self.draft_invoice(self.company, 100), lambda move: move.action_post()
        )
        confirm = self.extra_queries(
            lambda: self.draft_order(self.company), lambda order: order.action_confirm()
        )

        def make_lead():
            return self.env["crm.lead"].create(
                {"name": "Deal", "type": "opportunity", "partner_id": self.company.id}
            )

        probability = self.extra_queries(make_lead, lambda lead: lead.write({"probability": 42}))
        won = self.extra_queries(make_lead, lambda lead: lead.action_set_won())
        self.assertEqual((post, confirm, probability, won), (1, 1, 1, 1))

    # -- the cron ------------------------------------------------------------------
    def test_cron_recomputes_the_queued_partners_only(self):
        self.draft_invoice(self.contact, 1500).action_post()
        self.draft_invoice(self.other, 50).action_post()
        self.env.cr.execute(
            "DELETE FROM partner_segment_queue WHERE partner_id = %s", [self.other.id]
        )
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        self.Queue.with_context(ir_cron_progress_id=progress.id)._cron_process()
        self.assertEqual(self.segment_of(self.company, self.scheme).code, "Large")
        self.assertFalse(self.segment_of(self.other, self.scheme), "not queued: left alone")
        self.assertEqual(self.queued(), [])
        run = self.env["partner.segment.run"].search([], limit=1)
        self.assertEqual((run.trigger, run.status), ("queue", "done"))
        self.assertEqual((progress.done, progress.remaining), (1, 0))

    def test_cron_takes_a_batch_and_reports_the_rest(self):
        for partner in (self.company, self.other):
            self.draft_invoice(partner, 1500).action_post()
        progress = self.env["ir.cron.progress"].create({"cron_id": self.cron.id})
        self.Queue.with_context(ir_cron_progress_id=progress.id)._cron_process(limit=1)
        self.assertEqual((progress.done, progress.remaining), (1, 1))
        self.assertEqual(self.segment_of(self.company, self.scheme).code, "Large")
        self.assertEqual(self.queued(), [self.other.id])

    @mute_logger("odoo.addons.partner_segmentation.models.partner_segment_queue")
    def test_busy_engine_keeps_the_queue_and_retries(self):
        self.draft_invoice(self.company, 1500).action_post()
        self.env.cr.execute("DELETE FROM ir_cron_trigger WHERE cron_id = %s", [self.cron.id])
        with patch.object(PartnerSegmentQueue, "_recompute", lambda self, ids: None):
            self.Queue._cron_process()
        self.assertEqual(self.queued(), [self.company.id], "put back")
        self.assertFalse(self.segment_of(self.company, self.scheme))
        (call_at,) = self.triggers()
        self.assertGreater(call_at, self.env.cr.now())
        self.assertEqual(partner_segment_queue.RETRY_DELAY.total_seconds(), 60)
