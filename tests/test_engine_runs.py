# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Runs: history, segments of contacts, partial runs, failures, the run
lock, the cron (overrides in runs: test_overrides.py; the number of
queries: test_run_queries.py)."""

import datetime
from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import notify
from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.addons.partner_segmentation.engine import run_sql as Q
from odoo.tests import tagged
from odoo.tools import SQL, mute_logger

from .common import TODAY, SizeAndParetoCase, on_reference_days


@tagged("post_install", "-at_install")
class TestRuns(SizeAndParetoCase):
    def rows_written(self):
        self.env.cr.execute(
            """SELECT SUM(n_tup_ins + n_tup_upd + n_tup_del) FROM pg_stat_xact_user_tables
                WHERE relname IN ('partner_segment_assignment', 'partner_segment_history',
                                  'res_partner_segment_rel')"""
        )
        return self.env.cr.fetchone()[0]

    @on_reference_days
    def test_history_only_on_change(self):
        run = self.recompute(self.rules)
        self.assertEqual(
            self.codes([self.big, self.mid, self.small, self.none], self.rules),
            ["Large", "Large", "Small", None],
        )
        self.assertEqual((run.status, run.partner_count, run.change_count), ("done", 3, 3))
        self.assertEqual(self.history(self.big, self.rules).cause, "recompute")
        before = self.History.search_count([("scheme_id", "=", self.rules.id)])
        written = self.rows_written()
        run = self.recompute(self.rules | self.pareto)
        self.assertEqual(run.change_count, 4)  # the pareto scheme's first run: all four
        self.assertEqual(self.rows_written() - written, 4 + 4 + 4)  # assignment, history, rel
        written = self.rows_written()
        run = self.recompute(self.rules | self.pareto)
        self.assertEqual(run.change_count, 0)
        self.assertEqual(self.rows_written(), written)  # not even a no-op update
        self.assertEqual(self.History.search_count([("scheme_id", "=", self.rules.id)]), before)
        # the small one grows: exactly one new history row, from Small to Large
        self.make_invoice(self.small, 2000)
        later = self.today + datetime.timedelta(days=3)
        run = self.recompute(self.rules, segmentation_today=str(later))
        self.assertEqual(run.change_count, 1)
        dates = {
            a.partner_id: a.date_assigned
            for a in self.Assignment.search([("scheme_id", "=", self.rules.id)])
        }
        self.assertEqual(
            (dates[self.small], dates[self.big]), (later, self.today), "only on change"
        )
        last = self.history(self.small, self.rules)[0]
        self.assertEqual((last.from_segment_id, last.to_segment_id), (self.small_seg, self.large))
        self.assertEqual(last.run_id, run)
        # a partner that no longer matches anything loses its assignment
        self.make_invoice(self.small, 2100, refund=True)
        self.recompute(self.rules)
        self.assertFalse(self.segment_of(self.small, self.rules))
        self.assertFalse(self.history(self.small, self.rules)[0].to_segment_id)

    def test_work_mem_raised_for_the_run_only(self):
        """The run raises work_mem for its aggregates and puts it back; a
        higher setting is left alone."""
        seen = []
        execute = type(self.env.cr).execute

        def spy(cr, query, params=None, log_exceptions=True):
            result = execute(cr, query, params, log_exceptions)
            if "INSERT INTO psseg_value" in str(query):
                cr._obj.execute("SELECT current_setting('work_mem')")
                seen.append(cr._obj.fetchone()[0])
            return result

        for before, during in (("4MB", Q.WORK_MEM), ("256MB", "256MB")):
            seen.clear()
            self.env.cr.execute(f"SET LOCAL work_mem = '{before}'")
            with patch.object(type(self.env.cr), "execute", spy):
                self.recompute(self.rules)
            self.assertEqual(set(seen), {during})
            self.env.cr.execute("SELECT current_setting('work_mem')")
            self.assertEqual(self.env.cr.fetchone()[0], before)

    def test_schemes_with_other_partners_in_one_run(self):
        """Each scheme classifies its own partners, also when the schemes of
        a run alternate between two sets of partners."""
        two = self.make_scheme(
            "test_two",
            "rules",
            [{"name": "Any", "conditions": [(self.revenue, ">", 0)]}],
            partner_domain=f"[('id', 'in', {[self.big.id, self.small.id]})]",
        )
        self.rules.sequence, two.sequence, self.pareto.sequence = 1, 2, 3
        self.recompute(self.rules | two | self.pareto)
        partners = [self.big, self.mid, self.small, self.none]
        self.assertEqual(self.codes(partners, two), ["Any", None, "Any", None])
        self.assertEqual(self.codes(partners, self.rules), ["Large", "Large", "Small", None])
        self.assertEqual(self.codes(partners, self.pareto), ["A", "C", "C", "C"])
        # and with one partner only, the partial run's own set of partners
        self.recompute(self.rules | two | self.pareto, partners=self.mid)
        self.assertEqual(self.codes(partners, two), ["Any", None, "Any", None])
        self.assertEqual(self.codes(partners, self.pareto), ["A", "C", "C", "C"])

    @patch.object(notify, "CHATTER_BATCH", 1)
    def test_chatter_one_note_per_partner_across_pages(self):
        """Notes are created page by page; a partner's changes in several
        schemes never split over two pages or two notes.  A first
        classification gets none."""
        schemes = self.rules | self.pareto
        schemes.post_chatter = True
        partners = self.big | self.mid | self.small | self.none

        def notes(partner):
            return self.env["mail.message"].search(
                [
                    ("model", "=", "res.partner"),
                    ("res_id", "=", partner.id),
                    ("body", "ilike", "Segments changed"),
                ]
            )

        self.recompute(schemes)
        self.assertEqual([len(notes(p)) for p in partners], [0, 0, 0, 0])
        self.assertEqual(len(self.history(self.big, self.pareto)), 1, "the history says it")
        # Small takes the lead: Large and A; Big falls to C (revenue 20,100 of 26,600)
        self.make_invoice(self.small, 20000)
        self.recompute(schemes)
        self.assertEqual([len(notes(p)) for p in partners], [1, 0, 1, 0])
        self.assertIn("test_pareto: A → C", notes(self.big).body)
        self.assertNotIn("test_size", notes(self.big).body)
        self.assertIn("test_size: Small → Large", notes(self.small).body)
        self.assertIn("test_pareto: C → A", notes(self.small).body)

    def test_segment_ids_follow_assignments(self):
        contact = self.env["res.partner"].create(
            {"name": "Big's buyer", "parent_id": self.big.id, "email": "buyer@big.example"}
        )
        self.recompute(self.rules | self.pareto)
        a_seg = self.pareto.segment_ids.filtered(lambda s: s.code == "A")
        self.assertEqual(self.big.segment_ids, self.large | a_seg)
        self.assertEqual(contact.segment_ids, self.large | a_seg, "contacts carry their company's")
        Partner = self.env["res.partner"]
        self.assertIn(contact, Partner.search([("segment_ids", "in", self.large.ids)]))
        self.assertNotIn(self.none, Partner.search([("segment_ids", "in", self.large.ids)]))
        # a new contact gets the segments at once; a moved one takes its new company's
        newcomer = Partner.create({"name": "New buyer", "parent_id": self.big.id})
        self.assertEqual(newcomer.segment_ids, self.large | a_seg)
        contact.parent_id = self.small
        self.assertEqual(contact.segment_ids, self.small_seg | self.pareto.segment_ids - a_seg)
        contact.parent_id = False
        self.assertFalse(contact.segment_ids, "an individual is classified on its own")
        # contacts are never classified themselves
        self.assertFalse(self.Assignment.search([("partner_id", "=", newcomer.id)]))
        # a company that moves up takes its contacts along; one that leaves
        # the scheme's partners takes the scheme's segment off its contacts
        contact.parent_id = self.small
        self.make_invoice(self.small, 2000)
        self.recompute(self.rules)
        self.assertEqual(contact.segment_ids & self.rules.segment_ids, self.large)
        self.big.category_id = False
        self.recompute(self.rules)
        self.assertFalse(self.big.segment_ids & self.rules.segment_ids)
        self.assertEqual(newcomer.segment_ids, a_seg)

    def test_tables_grown_by_a_scheme_are_analyzed_for_the_next(self):
        """A table that a scheme's writes have at least doubled, by its
        statistics, is analyzed at once, so that the next scheme is not
        planned against an empty table; none is when few rows change."""
        apply_sql = engine_run.run_steps.apply.Q
        stale = SQL(
            "SELECT 'partner_segment_assignment', 2::real "
            "UNION ALL SELECT 'partner_segment_history', 3::real "
            "UNION ALL SELECT 'res_partner_segment_rel', 1e9::real"
        )
        common_mod = engine_run.run_steps.apply.common
        with (
            patch.object(common_mod, "ANALYZE_THRESHOLD", 0),
            patch.object(apply_sql, "WRITTEN_STATISTICS", stale),
            patch.object(apply_sql, "analyze", wraps=apply_sql.analyze) as analyze,
        ):
            run = self.recompute(self.rules)
        self.assertEqual(run.change_count, 3)
        self.assertEqual(
            [c.args for c in analyze.call_args_list],
            [("partner_segment_assignment",), ("partner_segment_history",)],
        )
        self.env.cr.execute(
            "SELECT reltuples = (SELECT COUNT(*) FROM partner_segment_assignment) FROM pg_class "
            "WHERE oid = 'partner_segment_assignment'::regclass"
        )
        self.assertTrue(self.env.cr.fetchone()[0], "the statistics count this run's rows")
        # a month of small changes (here: below the threshold) analyzes nothing
        self.make_invoice(self.small, 5000)
        with patch.object(apply_sql, "analyze", wraps=apply_sql.analyze) as analyze:
            run = self.recompute(self.rules)
        self.assertEqual((run.change_count, analyze.call_count), (1, 0))

    @on_reference_days
    def test_partial_recompute_equals_full(self):
        subset = self.mid | self.small
        self.recompute(self.rules | self.pareto, partners=subset)
        partial = {
            p: (self.segment_of(p, self.rules), self.segment_of(p, self.pareto)) for p in subset
        }
        self.assertFalse(self.segment_of(self.big, self.rules), "others are left alone")
        # Pareto still ranks against everyone: Mid is C although it is the
        # biggest of the subset
        self.assertEqual(partial[self.mid][1].code, "C")
        run = self.recompute(self.rules | self.pareto)
        full = {
            p: (self.segment_of(p, self.rules), self.segment_of(p, self.pareto)) for p in subset
        }
        self.assertEqual(partial, full)
        # new in the full run: Big in both schemes, and None in Pareto (the
        # 100 % segment takes partners without revenue; in rules it has none)
        self.assertEqual(run.change_count, 3)
        self.assertEqual(self.segment_of(self.none, self.pareto).code, "C")

    def test_partial_run_with_or_filters_equals_full(self):
        """Chosen partners: a scheme filter that is an OR (run as a UNION of
        its branches) and a segment filter (restricted to those partners)
        classify them as a full run does."""
        self.mid.ref = "M"
        self.small.ref = "S"
        scheme = self.make_scheme(
            "test_or",
            "rules",
            [
                {"name": "Ref M", "code": "M", "partner_domain": "[('ref', '=', 'M')]"},
                {"name": "Others", "code": "O"},
            ],
            partner_domain="['|', '|', ('ref', '=', 'M'), ['ref', '=', 'S'], "
            "('child_ids.name', '=', 'nobody')]",
        )
        chosen = self.big | self.mid | self.small | self.none
        self.recompute(scheme, partners=chosen)
        partial = self.codes(chosen, scheme)
        self.assertEqual(partial, [None, "M", "O", None])
        self.Assignment.search([("scheme_id", "=", scheme.id)]).sudo().unlink()
        self.recompute(scheme)
        self.assertEqual(self.codes(chosen, scheme), partial)

    def test_partner_button_recomputes_its_company(self):
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.mid.id})
        action = contact.with_context(segmentation_today=str(TODAY)).action_segment_recompute()
        self.assertEqual(action["params"]["type"], "success")
        self.assertEqual(self.segment_of(self.mid, self.rules), self.large)
        self.assertFalse(self.segment_of(self.big, self.rules))
        run = self.env["partner.segment.run"].search([], limit=1)
        self.assertEqual(run.trigger, "partner")

    def test_failing_scheme_does_not_stop_others(self):
        broken_metric = self.make_order_count_metric("Broken", "test_broken")
        broken = self.make_scheme(
            "test_broken", "rules", [{"name": "X", "conditions": [(broken_metric, ">", 0)]}]
        )
        # the source domain becomes invalid behind the validation's back
        self.env.cr.execute(
            "UPDATE partner_segment_metric SET source_domain = %s WHERE id = %s",
            ["[('no_such_field', '=', 1)]", broken_metric.id],
        )
        broken_metric.invalidate_recordset()
        with mute_logger("odoo.addons.partner_segmentation.engine.run"):
            run = self.recompute(self.rules | broken | self.pareto)
        self.assertEqual(run.status, "partial")
        self.assertIn("no_such_field", run.error)
        self.assertEqual(broken.last_run_status, "failed")
        self.assertIn("no_such_field", broken.last_run_error)
        self.assertEqual(self.rules.last_run_status, "done")
        self.assertEqual(self.pareto.last_run_status, "done")
        self.assertEqual(self.segment_of(self.big, self.rules), self.large)
        self.assertTrue(self.segment_of(self.big, self.pareto))

    def test_second_run_is_refused_while_one_runs(self):
        with self.registry.cursor() as other_cr:
            other_cr.execute(Q.TRY_RUN_LOCK)
            self.assertTrue(other_cr.fetchone()[0])
            self.assertIsNone(engine_run.run(self.env, self.rules))
            # the button does not wait: it queues the run for the cron
            action = self.rules.action_recompute()
            self.assertEqual(action["params"]["type"], "info")
            queued = self.env["partner.segment.run"].search([], limit=1)
            self.assertEqual((queued.status, queued.scheme_ids), ("queued", self.rules))
            other_cr.rollback()
        # an unfinished run goes first: no inline run until it is done
        self.assertIsNone(engine_run.run(self.env, self.rules))
        queued.status = "done"
        self.assertTrue(engine_run.run(self.env, self.rules))

    def test_cron_runs_every_active_scheme(self):
        self.pareto.active = False
        run = self.Scheme._cron_recompute()
        self.assertEqual(run.trigger, "cron")
        self.assertIn(self.rules, run.scheme_ids)
        self.assertNotIn(self.pareto, run.scheme_ids)
        # queued for the run cron, which works through it (test_run_steps)
        self.assertEqual(run.status, "queued")
        self.assertFalse(self.segment_of(self.big, self.rules))
