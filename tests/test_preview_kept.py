# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The preview of new cut-offs of a ranking scheme, looked up in the ranking
its last full run kept, says exactly what the engine run in the sandbox says
(on data with ties, zeros, refunds, partners of another company, a locked
partner); anything it cannot look up goes to the sandbox; nobody reads the
kept ranking; deleting a scheme deletes it."""

from unittest.mock import patch

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..engine import preview as engine_preview
from ..engine import preview_kept
from .common import SegmentationCase
from .test_ranking_ties import OLD_BUYERS, PROSPECTS, RETAIL


@tagged("post_install", "-at_install")
class TestPreviewKept(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.customers = cls.env["res.partner"]
        for i, amounts in enumerate(RETAIL):
            partner = cls.make_partner(f"Kept {i + 1:02d}")
            for k, amount in enumerate(amounts):
                cls.make_invoice(partner, abs(amount), days_ago=5 + 7 * k, refund=amount < 0)
            cls.customers |= partner
        for i in range(OLD_BUYERS):
            partner = cls.make_partner(f"Kept old {i + 1}")
            cls.make_invoice(partner, 100, days_ago=400)
            cls.customers |= partner
        for i in range(PROSPECTS):
            cls.customers |= cls.make_partner(f"Kept prospect {i + 1}")
        # partners of another company: outside a scheme of this company
        cls.other_company = cls.env["res.company"].create({"name": "Kept Other Co"})
        cls.others = cls.make_partner("Kept other 1", company_id=cls.other_company.id)
        cls.others |= cls.make_partner("Kept other 2", company_id=cls.other_company.id)
        cls.manager = new_test_user(
            cls.env,
            "kept_manager",
            groups="partner_segmentation.group_segmentation_manager,sales_team.group_sale_manager",
        )
        cls.Wizard = cls.env["partner.segment.preview.wizard"]

    def pareto(self, code, cutoffs, no_activity="rank", **values):
        return self.make_scheme(
            code,
            "pareto",
            [{"name": f"P{c}", "pareto_cutoff": c} for c in cutoffs],
            metric=self.revenue,
            no_activity=no_activity,
            **values,
        )

    def quantile(self, code, buckets, segments, order="desc", no_activity="rank"):
        return self.make_scheme(
            code,
            "quantile",
            [
                {"name": f"Q{lo}-{hi}", "quantile_from": lo, "quantile_to": hi}
                for lo, hi in segments
            ],
            metric=self.revenue,
            quantile_count=buckets,
            quantile_order=order,
            no_activity=no_activity,
        )

    # -- the two paths ------------------------------------------------------------
    def lines(self, action):
        wizard = self.Wizard.browse(action["res_id"])
        return {
            "partners": wizard.partner_count,
            "moves": wizard.move_count,
            "segments": sorted(
                (line.segment_id.id, line.name, line.current_count, line.count)
                for line in wizard.segment_line_ids
            ),
            "move_lines": sorted(
                (
                    line.from_segment_id.id,
                    line.to_segment_id.id,
                    line.name,
                    line.count,
                    tuple(sorted(line.mover_ids.ids)),
                )
                for line in wizard.move_line_ids
            ),
        }

    def fast(self, scheme, values):
        """The preview of ``values`` looked up in the kept ranking (the
        sandbox's engine must not run)."""
        with patch.object(engine_preview, "preview", side_effect=AssertionError("the sandbox ran")):
            return self.lines(self.Wizard.with_user(self.manager).preview_scheme(scheme.id, values))

    def full(self, scheme, values):
        """The same preview by the engine in the sandbox."""
        with patch.object(preview_kept, "preview", return_value=None):
            return self.lines(self.Wizard.with_user(self.manager).preview_scheme(scheme.id, values))

    def assertSame(self, scheme, values):
        """Both paths say the same; returns what they say."""
        fast, full = self.fast(scheme, values), self.full(scheme, values)
        self.assertEqual(fast, full)
        return full

    def assertSameForEach(self, scheme, edits):
        """:meth:`assertSame` for each of ``edits``, most of which move
        partners (a test of edits that move nobody would prove little)."""
        moved = 0
        for values in edits:
            with self.subTest(values=values):
                moved += bool(self.assertSame(scheme, values)["moves"])
        self.assertGreater(moved, len(edits) // 2, "edits that move partners")

    def assertSandbox(self, scheme, values):
        """``values`` cannot be looked up: the sandbox's engine runs, and
        says what it always said."""
        with patch.object(engine_preview, "preview", wraps=engine_preview.preview) as sandbox:
            got = self.lines(self.Wizard.with_user(self.manager).preview_scheme(scheme.id, values))
        self.assertEqual(sandbox.call_count, 1, "the sandbox ran")
        self.assertEqual(got, self.full(scheme, values))

    @staticmethod
    def cutoffs(scheme, **by_name):
        segments = {s.name: s for s in scheme.segment_ids}
        return {
            "segment_ids": [
                Command.update(segments[name].id, {"pareto_cutoff": cutoff})
                for name, cutoff in by_name.items()
            ]
        }

    # -- the same answers ---------------------------------------------------------
    def test_pareto_cutoffs(self):
        scheme = self.pareto("test_kept_abc", [50, 80, 100], company_id=self.env.company.id)
        self.recompute(scheme)
        self.assertTrue(scheme.sudo().ranking_kept)
        edits = (
            {"P50": 70},  # A up to 70 %
            {"P50": 20, "P80": 40},
            {"P50": 90, "P80": 95},
            {"P50": 5},
            {"P80": 99.5},
        )
        self.assertSameForEach(scheme, [self.cutoffs(scheme, **edit) for edit in edits])
        # a new segment, an archived one
        add = {
            "segment_ids": [
                Command.create({"name": "P30", "code": "P30", "pareto_cutoff": 30, "sequence": 5})
            ]
        }
        p80 = scheme.segment_ids.filtered(lambda s: s.name == "P80")
        archive = {"segment_ids": [Command.update(p80.id, {"active": False})]}
        self.assertSameForEach(scheme, [add, archive])
        self.assertEqual(self.assertSame(scheme, {})["moves"], 0, "nothing changed")

    def test_pareto_without_activity_left_out(self):
        scheme = self.pareto("test_kept_abc_x", [40, 75, 100], no_activity="exclude")
        self.recompute(scheme)
        edits = ({"P40": 60}, {"P40": 10, "P75": 99}, {"P75": 45})
        self.assertSameForEach(scheme, [self.cutoffs(scheme, **edit) for edit in edits])

    def test_quantile_buckets(self):
        scheme = self.quantile("test_kept_q", 4, [(1, 1), (2, 2), (3, 4)])
        self.recompute(scheme)
        q1, q2, q34 = scheme.segment_ids.sorted("quantile_from")
        edits = [
            {
                "segment_ids": [
                    Command.update(q1.id, {"quantile_to": 2}),
                    Command.update(q2.id, {"quantile_from": 3, "quantile_to": 3}),
                    Command.update(q34.id, {"quantile_from": 4}),
                ]
            },
            # five buckets: the tie groups fall elsewhere
            {"quantile_count": 5, "segment_ids": [Command.update(q34.id, {"quantile_to": 5})]},
            {
                "quantile_count": 3,
                "segment_ids": [Command.update(q34.id, {"quantile_from": 3, "quantile_to": 3})],
            },
        ]
        self.assertSameForEach(scheme, edits)

    def test_quantile_ascending_without_activity(self):
        scheme = self.quantile(
            "test_kept_qa", 5, [(1, 2), (3, 3), (4, 5)], order="asc", no_activity="exclude"
        )
        self.recompute(scheme)
        low, mid, high = scheme.segment_ids.sorted("quantile_from")
        self.assertSameForEach(
            scheme,
            [
                {
                    "segment_ids": [
                        Command.update(low.id, {"quantile_to": 1}),
                        Command.update(mid.id, {"quantile_from": 2, "quantile_to": 4}),
                        Command.update(high.id, {"quantile_from": 5}),
                    ]
                },
                {
                    "quantile_count": 10,
                    "segment_ids": [Command.update(high.id, {"quantile_to": 10})],
                },
            ],
        )

    def test_locked_partner_stays(self):
        scheme = self.pareto("test_kept_lock", [50, 80, 100])
        self.recompute(scheme)
        before = self.full(scheme, self.cutoffs(scheme, P50=70))
        mover = before["move_lines"][0][4][0]
        self.env.cr.execute(
            "UPDATE partner_segment_assignment SET locked = TRUE "
            "WHERE scheme_id = %s AND partner_id = %s",
            [scheme.id, mover],
        )
        self.env.invalidate_all()
        after = self.assertSame(scheme, self.cutoffs(scheme, P50=70))
        self.assertEqual(after["moves"], before["moves"] - 1)

    # -- what the figures are of --------------------------------------------------
    def basis(self, scheme, values, kept=True):
        """(basis, run, date) of the preview of ``values``, by the kept
        ranking (``kept``) or in the sandbox."""
        if kept:  # the sandbox's engine must not run
            patched = patch.object(engine_preview, "preview", side_effect=AssertionError("sandbox"))
        else:
            patched = patch.object(preview_kept, "preview", return_value=None)
        with patched:
            action = self.Wizard.with_user(self.manager).preview_scheme(scheme.id, values)
        wizard = self.Wizard.browse(action["res_id"])
        if wizard.basis_run_id:  # its name shown as the run is named
            self.assertEqual(wizard.basis_run_name, wizard.basis_run_id.display_name)
        else:
            self.assertFalse(wizard.basis_run_name)
        return wizard.basis, wizard.basis_run_id, wizard.basis_date

    def test_basis_names_the_run(self):
        scheme = self.pareto("test_kept_basis", [50, 80, 100])
        edit = self.cutoffs(scheme, P50=70)
        Run = self.env["partner.segment.run"]
        self.assertEqual(self.basis(scheme, edit, kept=False), ("today", Run, False))  # never run
        self.recompute(scheme)
        run = self.recompute(scheme)  # the last full run: its ranking is the one kept
        # when it read the data: started (from the queue), else requested (at once)
        read_at = run.date_begin or run.date_start
        self.assertTrue(read_at)
        self.assertEqual(self.basis(scheme, edit), ("kept", run, read_at))
        # the same edit in the sandbox: today's data, no run claimed
        self.assertEqual(self.basis(scheme, edit, kept=False), ("today", Run, False))
        # a partial run keeps nothing but leaves the full run's ranking standing
        self.recompute(scheme, partners=self.others[:1])
        self.assertEqual(self.basis(scheme, edit)[:2], ("kept", run))

    def test_basis_of_a_run_the_user_cannot_read(self):
        """The last full run also classified a scheme of a company the
        manager does not see: the run is hidden from them, the dialog still
        says which it was."""
        scheme = self.pareto("test_kept_basis_mc", [50, 100])
        hidden = self.pareto("test_kept_basis_oc", [50, 100], company_id=self.other_company.id)
        run = self.recompute(scheme | hidden)
        with self.refused(AccessError):
            run.with_user(self.manager).read(["date_start"])
        action = self.Wizard.with_user(self.manager).preview_scheme(
            scheme.id, self.cutoffs(scheme, P50=70)
        )
        wizard = self.Wizard.with_user(self.manager).browse(action["res_id"])
        [shown] = wizard.web_read({"basis": {}, "basis_run_name": {}, "basis_date": {}})
        self.assertEqual(shown["basis"], "kept")
        self.assertEqual(shown["basis_run_name"], run.display_name)
        self.assertEqual(shown["basis_date"], run.date_begin or run.date_start)

    # -- what cannot be looked up -------------------------------------------------
    def test_sandbox_when_the_ranking_changes(self):
        scheme = self.pareto("test_kept_other", [50, 80, 100])
        self.recompute(scheme)
        edits = [
            {"metric_id": self.env.ref("partner_segmentation.metric_revenue_prev_12m").id},
            {"no_activity": "exclude"},
            {
                "partner_domain": (
                    f"[('category_id', 'in', [{self.tag.id}]), ('name', 'ilike', 'Kept 0')]"
                )
            },
            {"company_id": self.env.company.id},
        ]
        for values in edits:
            with self.subTest(values=values):
                self.assertSandbox(scheme, values)

    def test_sandbox_without_a_current_ranking(self):
        scheme = self.pareto("test_kept_none", [50, 80, 100])
        edit = self.cutoffs(scheme, P50=70)
        self.assertSandbox(scheme, edit)  # never run
        self.recompute(scheme, partners=self.customers[:3])  # a partial run keeps nothing
        self.assertFalse(scheme.sudo().ranking_kept)
        self.assertSandbox(scheme, edit)
        self.recompute(scheme)
        self.fast(scheme, edit)
        # another day: the metrics' windows moved
        tomorrow = self.Wizard.with_context(segmentation_today="2099-01-01")
        with patch.object(engine_preview, "preview", wraps=engine_preview.preview) as sandbox:
            tomorrow.with_user(self.manager).preview_scheme(scheme.id, edit)
        self.assertEqual(sandbox.call_count, 1)
        # a later run changed an assignment: the kept ranking no longer says who is where
        self.make_invoice(self.customers[0], 50000, days_ago=1)
        run = self.recompute(scheme, partners=self.customers[0])
        self.assertTrue(run.change_count)
        self.assertSandbox(scheme, edit)
        self.recompute(scheme)
        self.assertSame(scheme, edit)
        # its rows gone (the table is unlogged: a crash empties it)
        self.env.cr.execute(
            "DELETE FROM partner_segment_run_ranking WHERE scheme_id = %s", [scheme.id]
        )
        self.assertSandbox(scheme, edit)

    def test_rules_go_to_the_sandbox(self):
        scheme = self.make_scheme(
            "test_kept_rules",
            "rules",
            [{"name": "Big", "conditions": [(self.revenue, ">=", 1000)]}, {"name": "Rest"}],
        )
        self.recompute(scheme)
        self.assertFalse(scheme.sudo().ranking_kept)
        self.assertSandbox(scheme, {})

    # -- rights and lifetime ------------------------------------------------------
    def test_nobody_reads_the_kept_ranking(self):
        scheme = self.pareto("test_kept_rights", [50, 100])
        self.recompute(scheme)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM partner_segment_run_ranking WHERE scheme_id = %s", [scheme.id]
        )
        self.assertEqual(
            self.env.cr.fetchone()[0],
            len(self.customers | self.others),
            "every ranked partner (the scheme is of no company)",
        )
        Ranking = self.env["partner.segment.run.ranking"]
        for user in (self.manager, self.env.ref("base.user_admin")):
            with self.subTest(user=user.login), self.refused(AccessError):
                Ranking.with_user(user).search_read([], ["partner_id"])
        with self.refused(AccessError):
            scheme.with_user(self.manager).read(["ranking_kept"])
        user = new_test_user(
            self.env, "kept_user", groups="partner_segmentation.group_segmentation_user"
        )
        with self.refused(AccessError, "Only segmentation administrators"):
            self.Wizard.with_user(user).preview_scheme(scheme.id, self.cutoffs(scheme, P50=70))

    def test_deleted_with_its_scheme(self):
        scheme = self.pareto("test_kept_unlink", [50, 100])
        self.recompute(scheme)
        scheme_id = scheme.id
        scheme.unlink()
        self.env.cr.execute(
            "SELECT COUNT(*) FROM partner_segment_run_ranking WHERE scheme_id = %s", [scheme_id]
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)

    def test_a_run_writes_the_kept_rows_that_changed(self):
        """A full run writes the kept rows that differ from the last run's
        (none when nothing changed), deletes those beyond its last position,
        and leaves the same ranking as one written from nothing (here
        everyone moves down one place: a customer climbs to the top)."""
        cr = self.env.cr
        schemes = self.pareto("test_kept_rewrite_p", [50, 80, 100]) | self.quantile(
            "test_kept_rewrite_q", 4, [(1, 2), (3, 4)]
        )

        def kept():
            cr.execute(
                "SELECT scheme_id, position, partner_id, group_rank, value, value_before"
                "  FROM partner_segment_run_ranking WHERE scheme_id = ANY(%s)"
                " ORDER BY scheme_id, position",
                [schemes.ids],
            )
            return cr.fetchall()

        def written():
            self.env.flush_all()
            cr.execute(
                "SELECT n_tup_ins + n_tup_upd + n_tup_del FROM pg_stat_xact_user_tables"
                " WHERE relname = 'partner_segment_run_ranking'"
            )
            return cr.fetchone()[0]

        def from_nothing():
            cr.execute(
                "DELETE FROM partner_segment_run_ranking WHERE scheme_id = ANY(%s)", [schemes.ids]
            )
            self.recompute(schemes)
            return kept()

        self.recompute(schemes)
        first = kept()
        self.assertIn(self.customers[0].id, [row[2] for row in first])
        before = written()
        self.recompute(schemes)
        self.assertEqual(written(), before, "nothing changed, nothing written")
        self.assertEqual(kept(), first)
        # one customer climbs to the top, one leaves the schemes' partners
        climber, leaving = self.customers[-1], self.customers[0]
        self.make_invoice(climber, 10**6, days_ago=3)
        leaving.active = False
        before = written()
        self.recompute(schemes)
        changed, after = written() - before, kept()
        self.assertEqual(len(after), len(first) - 2)
        self.assertNotIn(leaving.id, [row[2] for row in after])
        self.assertIn((schemes[0].id, 1, climber.id), [row[:3] for row in after])
        self.assertGreater(changed, 0)
        self.assertEqual(after, from_nothing())
