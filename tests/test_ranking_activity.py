# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""No activity is not a rank: the scheme option for partners without a
value (or with zero), what the shipped schemes do with them, and how Why?
and the preview state the tie rule."""

import importlib.util
import pathlib

from odoo.addons.partner_segmentation.engine import classify
from odoo.addons.partner_segmentation.engine import explain as engine_explain
from odoo.tests import Form, new_test_user, tagged

from .common_ranking import RankingCase


@tagged("post_install", "-at_install")
class TestRankingActivity(RankingCase):
    prefix = "test_activity"

    def test_option_is_validated_and_on_the_form(self):
        count = self.Scheme.search_count([])
        with self.assertRaisesRegex(ValueError, "Wrong value"):
            self.Scheme.create(
                {
                    "name": "Bad",
                    "code": "test_bad_activity",
                    "method": "quantile",
                    "metric_id": self.revenue.id,
                    "no_activity": "sometimes",
                }
            )
        self.assertEqual(self.Scheme.search_count([]), count, "nothing saved")
        with self.assertRaisesRegex(ValueError, "Wrong value"):
            self.quantile.no_activity = "never"
        self.assertEqual(self.quantile.no_activity, "rank", "the default, unchanged")
        with Form(self.quantile) as form:
            self.assertFalse(form._get_modifier("no_activity", "invisible"))
            form.method = "rules"
            self.assertTrue(form._get_modifier("no_activity", "invisible"), "rules rank nobody")
            form.method = "quantile"
            form.no_activity = "exclude"
        self.assertEqual(self.quantile.no_activity, "exclude")

    def test_quantiles_rank_or_leave_out_the_inactive(self):
        # ranked: Big 1000, Tie 300 (×2), Old 0, Prospect 0: 2 buckets of 3 and 2;
        # the 300s rank 2 (bucket 1), the 0s rank 4 (bucket 2)
        self.recompute(self.quantile)
        self.assertEqual(self.codes(self.everyone, self.quantile), ["TOP"] * 3 + ["LOW"] * 2)
        # left out: Big, Tie, Tie in 2 buckets of 2 and 1: the 300s rank 2, in
        # bucket 1 with Big; bucket 2 stays empty
        self.quantile.no_activity = "exclude"
        self.assertTrue(self.quantile.ranking_boundaries)
        self.assertIsNone(classify.stored_boundaries(self.quantile), "they no longer fit")
        run = self.recompute(self.quantile, partners=self.old)
        self.assertEqual(self.codes(self.old, self.quantile), [None], "ranked again: left out")
        self.assertEqual(run.change_count, 1)
        self.recompute(self.quantile)
        self.assertEqual(
            self.codes(self.everyone, self.quantile), ["TOP", "TOP", "TOP", None, None]
        )
        # a partner placed against the boundaries: no activity, no segment
        newcomer = self.make_partner("Newcomer")
        self.recompute(self.quantile, partners=newcomer | self.tie2)
        self.assertEqual(self.codes(newcomer | self.tie2, self.quantile), [None, "TOP"])

    def test_pareto_leaves_out_the_inactive_and_keeps_ties_up(self):
        self.recompute(self.pareto)
        self.assertEqual(self.codes(self.everyone, self.pareto), ["A", "A", "A", "C", "C"])
        self.pareto.no_activity = "exclude"
        self.recompute(self.pareto)
        self.assertEqual(self.codes(self.everyone, self.pareto), ["A", "A", "A", None, None])
        refunds = self.make_partner("Refunds")
        self.make_invoice(refunds, 50, refund=True)
        self.recompute(self.pareto, partners=refunds)
        self.assertEqual(self.codes(refunds, self.pareto), ["C"], "net refunds are activity")

    def explanation(self, partner, scheme):
        assignment = partner.segment_assignment_ids.filtered(lambda a: a.scheme_id == scheme)
        return str(assignment.explanation_html)

    def test_why_states_the_tie_rule(self):
        self.recompute(self.pareto | self.quantile)
        html = self.explanation(self.tie2, self.pareto)
        self.assertRegex(html, r"A from [^;]*300\.00; C: the rest")
        self.assertIn("the value of a boundary belongs to its segment", html)
        html = self.explanation(self.tie1, self.quantile)
        self.assertRegex(html, r"TOP from [^;]*300\.00")
        self.assertIn("the buckets it passes over stay empty", html)
        # left out: no segment, the scheme says why
        self.quantile.no_activity = "exclude"
        self.recompute(self.quantile)
        placed, rows = engine_explain.place(self.env, self.quantile, (self.old | self.tie2).ids)
        self.assertEqual(rows[self.old.id][1], None)
        self.assertEqual(rows[self.tie2.id][1], self.segment_of(self.tie2, self.quantile).id)
        self.assertIsNotNone(placed)

    def test_preview_shows_the_rule_and_who_leaves(self):
        self.recompute(self.pareto)
        manager = new_test_user(
            self.env,
            "activity_manager",
            groups="partner_segmentation.group_segmentation_manager,sales_team.group_sale_manager",
        )
        Wizard = self.env["partner.segment.preview.wizard"].with_user(manager)
        action = Wizard.preview_scheme(self.pareto.id, {"no_activity": "exclude"})
        wizard = Wizard.browse(action["res_id"])
        self.assertEqual((wizard.scheme_method, wizard.scheme_no_activity), ("pareto", "exclude"))
        self.assertEqual(wizard.move_count, 2)
        self.assertEqual(wizard.move_line_ids.mover_ids, self.old | self.prospect)
        self.assertFalse(wizard.move_line_ids.to_segment_id, "to no segment")
        self.assertEqual(self.pareto.no_activity, "rank", "nothing saved")
        arch = " ".join(wizard.get_views([(False, "form")])["views"]["form"]["arch"].split())
        self.assertIn("placed by the share of the partners ranked before all of them", arch)
        self.assertIn("the buckets it passes over stay empty", arch)

    def test_shipped_schemes_on_windowed_metrics_leave_the_inactive_out(self):
        ref = self.env.ref
        modes = {
            code: ref(f"partner_segmentation.scheme_{code}").no_activity
            for code in ("value_abc", "volume_units", "rfm_r", "rfm_f", "rfm_m")
        }
        self.assertEqual(
            modes,
            {
                "value_abc": "exclude",
                "volume_units": "exclude",
                "rfm_r": "rank",
                "rfm_f": "rank",
                "rfm_m": "rank",
            },
        )
        # zero units in 12 months is never a volume
        volume = ref("partner_segmentation.scheme_volume_units")
        buyers = (
            f"['&', ('category_id', 'in', [{self.tag.id}]), ('sale_order_ids.state', '=', 'sale')]"
        )
        volume.partner_domain = buyers
        recent, lapsed = self.make_partner("Recent buyer"), self.make_partner("Lapsed buyer")
        self.make_order(recent, amount=10, days_ago=20)
        self.make_order(lapsed, amount=10, days_ago=400)
        self.recompute(volume)
        self.assertEqual(self.codes(recent | lapsed, volume), ["Q1", None])
        abc = ref("partner_segmentation.scheme_value_abc")
        abc.partner_domain = self.domain
        self.recompute(abc)
        self.assertEqual(self.codes(self.everyone, abc), ["A", "A", "A", None, None])

    def test_migration_leaves_out_the_inactive_in_existing_databases(self):
        """A database installed before the option keeps its noupdate schemes:
        the migration sets the two on 12-month metrics, and only those."""
        path = pathlib.Path(__file__).parent.parent / "migrations/18.0.1.1.0/post-migrate.py"
        spec = importlib.util.spec_from_file_location("psseg_migration_1_1", path)
        migration = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(migration)
        schemes = self.Scheme.search([("method", "!=", "rules")])
        schemes.no_activity = "rank"  # as the new column's default fills it
        self.env.flush_all()
        migration.migrate(self.env.cr, "18.0.1.0.0")
        self.env.invalidate_all()
        self.assertEqual(
            sorted(schemes.filtered(lambda s: s.no_activity == "exclude").mapped("code")),
            ["value_abc", "volume_units"],
        )

    def test_fewer_partners_than_buckets_and_one_value_for_all(self):
        scheme = self.make_scheme(
            "test_activity_q5",
            "quantile",
            [{"name": f"Q{i}", "quantile_from": i, "quantile_to": i} for i in range(1, 6)],
            metric=self.revenue,
            quantile_count=5,
            no_activity="exclude",
        )
        # three ranked in five buckets: Big rank 1 (bucket 1), the 300s rank 2
        self.recompute(scheme)
        self.assertEqual(self.codes(self.everyone, scheme), ["Q1", "Q2", "Q2", None, None])
        self.assertEqual(scheme.ranking_boundaries["edges"], [[1, "1000.00"], [2, "300.00"]])
        run = self.recompute(scheme, partners=self.everyone)
        self.assertEqual(run.change_count, 0, "placed where the full run put them")
        # one value for everyone ranked: one bucket, the others empty
        self.make_invoice(self.big, 700, refund=True)
        self.recompute(scheme)
        self.assertEqual(self.codes(self.everyone, scheme), ["Q1", "Q1", "Q1", None, None])
        self.assertEqual(self.recompute(scheme).change_count, 0)
