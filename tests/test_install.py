# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import ast
import datetime
import os
import re
from unittest.mock import patch

from odoo import Command, api, fields
from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.tests import TransactionCase, tagged

from ..demo import align
from .common import TODAY, SizeAndParetoCase


@tagged("post_install", "-at_install")
class TestInstall(TransactionCase):
    """The module is installed and extends res.partner as DESIGN.md says."""

    def test_install_ships_working_schemes_and_jobs(self):
        """The install created what the module promises (its schemes with
        their segments, its scheduled jobs) and a fresh customer gets
        segments from a run of the shipped schemes."""
        Scheme = self.env["partner.segment.scheme"]
        shipped = Scheme.browse(
            self.env["ir.model.data"]
            .search([("module", "=", "partner_segmentation"), ("model", "=", Scheme._name)])
            .mapped("res_id")
        )
        self.assertIn(self.env.ref("partner_segmentation.scheme_lifecycle"), shipped)
        self.assertIn(self.env.ref("partner_segmentation.scheme_value_abc"), shipped)
        without_segments = shipped.filtered(lambda s: not s.segment_ids)
        self.assertFalse(without_segments, without_segments.mapped("name"))
        for xmlid in (
            "ir_cron_segment_recompute",
            "ir_cron_segment_run_steps",
            "ir_cron_segment_queue",
        ):
            self.assertTrue(self.env.ref(f"partner_segmentation.{xmlid}").active, xmlid)
        # a customer created after the install, with one confirmed order
        env = self.env(context=dict(self.env.context, segmentation_today=str(TODAY)))
        partner = env["res.partner"].create({"name": "Fresh Customer Ltd", "is_company": True})
        self.assertFalse(partner.segment_ids)
        order = env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": env["product.product"]
                            .create({"name": "Install check", "list_price": 10.0})
                            .id,
                            "product_uom_qty": 1,
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = datetime.datetime.combine(TODAY, datetime.time(9)) - datetime.timedelta(
            days=20
        )
        lifecycle = env.ref("partner_segmentation.scheme_lifecycle")
        run = engine_run.run(env, lifecycle, partners=partner)
        self.assertTrue(run)
        self.assertEqual(
            env["partner.segment.assignment"].search([("partner_id", "=", partner.id)]).segment_id,
            env.ref("partner_segmentation.segment_life_new"),
        )
        self.assertIn(env.ref("partner_segmentation.segment_life_new"), partner.segment_ids)

    def test_every_test_file_is_imported(self):
        """Odoo's test runner only runs the test modules tests/__init__.py
        imports: a test file left out of it would never run."""
        package = os.path.dirname(__file__)
        files = {name[:-3] for name in os.listdir(package) if re.fullmatch(r"test_\w+\.py", name)}
        with open(os.path.join(package, "__init__.py"), encoding="utf-8") as init:
            tree = ast.parse(init.read())
        imported = {
            alias.name
            for node in ast.walk(tree)
            if isinstance(node, ast.ImportFrom) and node.level == 1 and not node.module
            for alias in node.names
        }
        self.assertIn("test_install", imported)
        self.assertEqual(sorted(files - imported), [], "test files tests/__init__.py leaves out")
        self.assertEqual(sorted(imported - files), [], "imported test modules without a file")

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

    def test_demo_fills_every_shipped_segment(self):
        module = self.env["ir.module.module"].search([("name", "=", "partner_segmentation")])
        if not module.demo:
            self.skipTest("installed without demo data")
        shipped = self.env["ir.model.data"].search(
            [("module", "=", "partner_segmentation"), ("model", "=", "partner.segment")]
        )
        segments = self.env["partner.segment"].browse(shipped.mapped("res_id"))
        self.assertEqual(len(segments), 66)
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

        # The install aligned them to its own day; a database kept since then
        # (or a suite crossing midnight) is older by the days since: align
        # them to today first, as an install today would.
        align.align(self.env, today)
        self.assertEqual(align.template_age(self.env, today), 0, "aligned today")
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
        keeps outside the ORM (any named after it) and leaves the models'
        tables to Odoo (the run's kept results and the reports' revenue
        included), which drops them after the hook.  Run in a savepoint: DDL
        rolls back."""
        from .. import drop_own_relations
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
        # tables of models without id (_auto = False), made by their init
        self.assertLessEqual({"partner_segment_run_result", REVENUE_TABLE}, after)
        self.assertIn("partner_segment_card_completeness", after, "a model's view")


@tagged("post_install", "-at_install")
class TestDailyCron(SizeAndParetoCase):
    """The daily job does what its name says: a full run of every active
    scheme, worked through by the engine's cron, its changes applied."""

    def setUp(self):
        super().setUp()
        self.registry.enter_test_mode(self.cr)
        self.addCleanup(self.registry.leave_test_mode)
        # the fixture's documents queued their customers: taken by the
        # queue's cron before the day's job (not by the run's steps here)
        self.cr.execute("DELETE FROM partner_segment_queue")

    def run_job(self, xmlid):
        """What the scheduler runs for the job ``xmlid`` (its server action,
        as its user) in a job cursor of its own, on the test's reference day."""
        try:
            with (
                patch.object(engine_run, "time_limit", lambda: 1000),
                self.registry.cursor() as cr,
            ):
                env = api.Environment(cr, self.env.uid, dict(self.env.context))
                cron = env.ref(xmlid)
                cron.ir_actions_server_id.with_user(cron.user_id).run()
        finally:
            self.env.invalidate_all()

    def test_daily_cron_runs_every_active_scheme_in_full(self):
        Run = self.env["partner.segment.run"]
        self.pareto.active = False
        before = Run.search([]).ids
        self.run_job("partner_segmentation.ir_cron_segment_recompute")
        daily = Run.search([("id", "not in", before)])
        self.assertEqual(len(daily), 1, "one run record per call")
        self.assertEqual((daily.trigger, daily.status, daily.partial), ("cron", "queued", False))
        self.assertEqual(daily.date_ref, TODAY)
        self.assertEqual(daily.scheme_ids, self.Scheme.search([("active", "=", True)]))
        self.assertIn(self.rules, daily.scheme_ids)
        self.assertFalse(self.segment_of(self.big, self.rules), "queued, not yet run")
        self.run_job(engine_run.PROCESS_CRON)
        self.assertEqual(daily.status, "done")
        everyone = [self.big, self.mid, self.small, self.none]
        self.assertEqual(self.codes(everyone, self.rules), ["Large", "Large", "Small", None])
        self.assertFalse(self.segment_of(self.big, self.pareto), "an archived scheme is left out")
        # the next day's job applies what changed since
        self.make_invoice(self.small, 5000)
        self.cr.execute("DELETE FROM partner_segment_queue")  # the day's job moves Small
        self.run_job("partner_segmentation.ir_cron_segment_recompute")
        self.run_job(engine_run.PROCESS_CRON)
        second = Run.search([("id", "not in", before + daily.ids)])
        self.assertEqual((second.trigger, second.status), ("cron", "done"))
        self.assertEqual(self.codes(everyone, self.rules), ["Large", "Large", "Large", None])
        moved = self.History.search(
            [("partner_id", "=", self.small.id), ("run_id", "=", second.id)]
        ).filtered(lambda h: h.scheme_id == self.rules)
        self.assertEqual(
            (moved.from_segment_id, moved.to_segment_id, moved.cause),
            (self.small_seg, self.large, moved.cause),
        )
