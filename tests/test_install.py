# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo.tests import TransactionCase, tagged


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The module is installed and extends res.partner as DESIGN.md says."""

    def test_module_installed(self):
        module = self.env["ir.module.module"].search([("name", "=", "partner_segmentation")])
        self.assertEqual(module.state, "installed")
        self.assertEqual(module.latest_version, "18.0.1.1.0")

    def test_partner_segment_ids_searchable(self):
        field = self.env["res.partner"]._fields["segment_ids"]
        self.assertEqual(field.type, "many2many")
        self.assertEqual(field.comodel_name, "partner.segment")
        self.assertTrue(field.store, "segment_ids is stored so that mailing domains can use it")
        fields_info = self.env["res.partner"].fields_get(["segment_ids"], ["searchable"])
        self.assertTrue(fields_info["segment_ids"]["searchable"])
        segment = self.env.ref("partner_segmentation.segment_abc_a")
        partner = self.env["res.partner"].create({"name": "Searchable Ltd", "is_company": True})
        self.env["partner.segment.assignment"].set_manual(partner, segment, "test")
        found = self.env["res.partner"].search([("segment_ids", "in", segment.ids)])
        self.assertIn(partner, found)

    def test_daily_cron(self):
        cron = self.env.ref("partner_segmentation.ir_cron_segment_recompute")
        self.assertTrue(cron.active)
        self.assertEqual((cron.interval_number, cron.interval_type), (1, "days"))
        self.assertIn("_cron_recompute", cron.code)

    def test_demo_fills_every_shipped_segment(self):
        module = self.env["ir.module.module"].search([("name", "=", "partner_segmentation")])
        if not module.demo:
            self.skipTest("installed without demo data")
        shipped = self.env["ir.model.data"].search(
            [("module", "=", "partner_segmentation"), ("model", "=", "partner.segment")]
        )
        segments = self.env["partner.segment"].browse(shipped.mapped("res_id"))
        self.assertEqual(len(segments), 63)
        empty = segments.filtered(lambda s: not s.partner_count)
        self.assertFalse(empty, f"segments without members: {empty.mapped('display_name')}")
        # the stories the demo tells
        lost = self.env.ref("partner_segmentation.segment_life_lost")
        mgc = self.env.ref("partner_segmentation.segment_growth_mgc")
        hot = self.env.ref("partner_segmentation.segment_prospect_a")
        self.assertTrue(lost.partner_count and mgc.partner_count and hot.partner_count)
        contact = self.env["res.partner"].search(
            [("parent_id", "!=", False), ("parent_id.segment_ids", "in", lost.ids)], limit=1
        )
        self.assertIn(lost, contact.segment_ids, "contacts of a lost customer carry its segment")
        # the win-back campaign is the sales manager's, who has an address to send from
        campaign = self.env["partner.segment.winback.campaign"].search(
            [("segment_ids", "in", lost.ids)], limit=1
        )
        self.assertEqual(campaign.user_id, self.env.ref("base.user_admin"))
        self.assertTrue(campaign.user_id.email)
