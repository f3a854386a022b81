# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a recompute does besides classifying: one chatter note per partner
that moved, and the segments' on-enter / on-exit actions run once per batch
(overrides: test_overrides.py)."""

from odoo.tests import tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSegmentActions(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.salesperson = cls.env["res.users"].create(
            {"name": "Seg Seller", "login": "seg_seller", "email": "seller@example.com"}
        )
        cls.big = cls.make_partner("Big Co", user_id=cls.salesperson.id)
        cls.small = cls.make_partner("Small Co")
        cls.make_invoice(cls.big, 5000)
        cls.make_invoice(cls.small, 100)
        cls.scheme = cls.make_scheme(
            "test_ui",
            "rules",
            [
                {"name": "Large", "conditions": [(cls.revenue, ">=", 1000)]},
                {"name": "Small", "conditions": [(cls.revenue, ">", 0)]},
            ],
        )
        cls.large, cls.small_seg = cls.scheme.segment_ids.sorted("sequence")
        cls.other = cls.make_scheme("test_ui_other", "rules", [{"name": "Any"}])

    def test_chatter_one_note_per_partner(self):
        self.scheme.post_chatter = True
        self.other.post_chatter = True
        Message = self.env["mail.message"]

        def notes(partner):
            return Message.search([("model", "=", "res.partner"), ("res_id", "=", partner.id)])

        before = {partner: len(notes(partner)) for partner in (self.big, self.small)}
        self.recompute(self.scheme | self.other)
        self.assertEqual(self.segment_of(self.small, self.scheme), self.small_seg)
        self.assertEqual(
            {partner: len(notes(partner)) for partner in (self.big, self.small)},
            before,
            "a first classification gets no note: its history row says it",
        )
        self.assertEqual(
            self.History.search([("partner_id", "=", self.small.id)]).mapped("from_segment_id"),
            self.env["partner.segment"],
        )
        # later changes: one note for both schemes (Small grows; it leaves the other)
        self.make_invoice(self.small, 2000)
        self.other.partner_domain = (
            f"[('category_id', 'in', [{self.tag.id}]), ('id', '!=', {self.small.id})]"
        )
        self.recompute(self.scheme | self.other)
        found = notes(self.small)
        self.assertEqual(len(found) - before[self.small], 1, "one note for both schemes")
        self.assertIn("test_ui: Small → Large", found[0].body)
        self.assertIn("test_ui_other: Any → none", found[0].body)
        self.assertEqual(len(notes(self.big)), before[self.big], "Big did not move")
        # nothing changes: no new note; chatter off: no note
        self.recompute(self.scheme | self.other)
        self.assertEqual(len(notes(self.small)), len(found))
        self.scheme.post_chatter = False
        self.make_invoice(self.big, 4950, refund=True)
        self.recompute(self.scheme)
        self.assertEqual(self.segment_of(self.big, self.scheme), self.small_seg)
        self.assertEqual(len(notes(self.big)), before[self.big])

    def test_segment_actions_run_once_per_batch(self):
        enter = self.env["ir.actions.server"].create(
            {
                "name": "Follow up large customers",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": (
                    "env['ir.config_parameter'].set_param("
                    "'seg_test.enter_batch', ','.join(map(str, records.ids)))\n"
                    "for partner in records:\n"
                    "    partner.activity_schedule('mail.mail_activity_data_todo', "
                    "user_id=partner.user_id.id or env.uid, summary='Now a large customer')"
                ),
            }
        )
        leave = self.env["ir.actions.server"].create(
            {
                "name": "Note who left",
                "model_id": self.env["ir.model"]._get_id("res.partner"),
                "state": "code",
                "code": "env['ir.config_parameter'].set_param("
                "'seg_test.exit_batch', ','.join(map(str, records.ids)))",
            }
        )
        self.large.on_enter_action_id = enter
        self.small_seg.on_exit_action_id = leave
        mid = self.make_partner("Mid Co")
        self.make_invoice(mid, 3000)
        self.recompute(self.scheme)
        Param = self.env["ir.config_parameter"]
        self.assertEqual(Param.get_param("seg_test.enter_batch"), f"{self.big.id},{mid.id}")
        activity = self.big.activity_ids.filtered(lambda a: a.summary == "Now a large customer")
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertFalse(Param.get_param("seg_test.exit_batch"))
        self.make_invoice(self.small, 2000)
        self.recompute(self.scheme)
        self.assertEqual(Param.get_param("seg_test.exit_batch"), str(self.small.id))
        self.assertEqual(Param.get_param("seg_test.enter_batch"), str(self.small.id))
