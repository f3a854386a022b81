# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields
from odoo.tests import TransactionCase, tagged

from ..demo import align
from ..engine import run as engine_run


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

    def test_demo_does_not_depend_on_the_template_age(self):
        """Odoo's demo documents are dated relative to the day their template
        database was built; the demo moves them to its own install day, so a
        template 40 days older gives the same segments."""
        module = self.env["ir.module.module"].search([("name", "=", "partner_segmentation")])
        if not module.demo:
            self.skipTest("installed without demo data")
        schemes = self.env["partner.segment.scheme"].search([])
        today = fields.Date.context_today(self.env.user)

        def segments_after_a_run():
            self.assertTrue(engine_run.run(self.env, schemes))
            self.env.cr.execute(
                "SELECT partner_id, scheme_id, segment_id FROM partner_segment_assignment"
            )
            return set(self.env.cr.fetchall())

        self.assertEqual(align.template_age(self.env, today), 0, "aligned on install")
        fresh = segments_after_a_run()
        # a template built 40 days earlier: Odoo's demo documents 40 days older
        align.shift_odoo_demo_documents(self.env, -40)
        self.assertEqual(align.template_age(self.env, today), 40)
        self.assertNotEqual(segments_after_a_run(), fresh, "the age would change segments")
        self.assertEqual(align.align(self.env, today), 40)
        self.assertEqual(align.template_age(self.env, today), 0)
        self.assertEqual(segments_after_a_run(), fresh)

    def test_uninstall_drops_what_the_orm_does_not(self):
        """The uninstall hook drops the tables, views and functions the addon
        keeps outside the ORM (the run's results, the reports' revenue, any
        other named after it) and leaves the models' tables to Odoo, which
        drops them after the hook.  Run in a savepoint: DDL rolls back."""
        from odoo.addons.partner_segmentation import drop_own_relations

        from ..report.common import REVENUE_TABLE

        cr = self.env.cr
        cr.execute(
            """
            CREATE TABLE partner_segment_test_stray (id integer);
            CREATE VIEW psseg_test_stray_view AS SELECT 1 AS one;
            CREATE FUNCTION partner_segment_test_stray_fn(integer) RETURNS integer
                LANGUAGE sql AS 'SELECT $1';
            """
        )

        def relations():
            cr.execute(
                """
                SELECT relname FROM pg_class
                 WHERE relnamespace = current_schema()::regnamespace AND relkind IN ('r', 'v')
                   AND relname ~ '^(partner_segment|psseg_)'
                UNION ALL
                SELECT proname FROM pg_proc WHERE proname ~ '^partner_segment'
                """
            )
            return {row[0] for row in cr.fetchall()}

        before = relations()
        outside = {
            "partner_segment_test_stray",
            "psseg_test_stray_view",
            "partner_segment_test_stray_fn",
            "partner_segment_run_result",
            REVENUE_TABLE,
        }
        self.assertLessEqual(outside, before)
        self.env.flush_all()
        cr.execute("SAVEPOINT drop_own_relations")
        try:
            drop_own_relations(self.env)
            after = relations()
        finally:
            cr.execute("ROLLBACK TO SAVEPOINT drop_own_relations")
        self.assertEqual(relations(), before, "rolled back")
        self.assertFalse(outside & after, "the addon's own relations are dropped")
        self.assertEqual(after, before - outside, "the models' tables are left to Odoo")
        self.assertIn("partner_segment_assignment", after)
        self.assertIn("partner_segment_card_completeness", after, "a model's view")
