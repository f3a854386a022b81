# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Reports over time: segment sizes per run and day (also of a run pinned to
a past day, and back-filled from history), and the migration between two
days with its wizard."""

import datetime

from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged
from odoo.tools import SQL

from .common import on_reference_days
from .common_reports import ReportsCase


@tagged("post_install", "-at_install")
class TestReportSizes(ReportsCase):
    def date_history(self, day, run=None):
        """The rules scheme's history (of ``run`` only, when given) dated on
        ``day`` at 8:00."""
        self.env.cr.execute(
            SQL(
                "UPDATE partner_segment_history SET date = %s WHERE scheme_id = %s AND %s",
                datetime.datetime.combine(day, datetime.time(8)),
                self.rules.id,
                SQL("run_id = %s", run.id) if run else SQL("TRUE"),
            )
        )

    # -- sizes over time ---------------------------------------------------
    def sizes(self, scheme, day=None):
        day = day or self.today
        return {
            segment: (count, revenue)
            for segment, count, revenue in self.grouped(
                "partner.segment.report.size",
                [("scheme_id", "=", scheme.id), ("date", "=", day)],
                ["segment_id"],
                ["partner_count:sum", "revenue:sum"],
            )
        }

    @on_reference_days
    def test_sizes_one_row_set_per_run_and_day(self):
        self.recompute(self.schemes)
        self.assertEqual(
            self.sizes(self.rules), {self.large: (2, 10000.0), self.small_seg: (2, 1000.0)}
        )
        self.recompute(self.schemes)  # the same day again: rewritten, not doubled
        self.assertEqual(self.sizes(self.rules)[self.large], (2, 10000.0))
        # the planner setting the sizes' statement changes is put back
        self.env.cr.execute("SHOW enable_sort")
        self.assertEqual(self.env.cr.fetchone()[0], "on")
        # rows are per partner dimension: two customer types in Small
        rows = self.env["partner.segment.report.size"].search(
            [("scheme_id", "=", self.rules.id), ("date", "=", self.today)]
        )
        self.assertEqual(len(rows), 3, "Large: two channels; Small: one")
        # a run of chosen partners leaves the day's sizes to the next full run
        self.make_invoice(self.tiny, 5000)
        from ..engine import run as engine_run

        engine_run.run(self.env, self.schemes, partners=self.tiny, trigger="partner")
        self.assertEqual(self.segment_of(self.tiny, self.rules), self.large)
        self.assertEqual(self.sizes(self.rules)[self.large], (2, 10000.0))

    @on_reference_days
    def test_sizes_of_a_run_pinned_to_a_past_day(self):
        """The demo's past monthly runs are pinned to their day on the server:
        their sizes are that day's, not today's."""
        from ..engine import common
        from ..engine import run as engine_run

        day = self.today + datetime.timedelta(days=1)  # the invoices still count then
        with common.pinned_day(day):
            engine_run.run(self.env, self.schemes)
        dates = set(
            self.env["partner.segment.report.size"]
            .search([("scheme_id", "=", self.rules.id)])
            .mapped("date")
        )
        self.assertEqual(dates, {day})

    @on_reference_days
    def test_sizes_back_filled_from_history(self):
        day1, day2 = (
            self.today - datetime.timedelta(days=8),
            self.today - datetime.timedelta(days=2),
        )
        self.recompute(self.rules, segmentation_today=str(day1))
        self.date_history(day1)
        self.make_invoice(self.tiny, 4000, days_ago=5)
        run2 = self.recompute(self.rules, segmentation_today=str(day2))
        # the second run's rows (stamped with the clock's time, which may be any day)
        self.date_history(day2, run2)
        # this scheme's sizes only: the demo's days keep theirs (and cost nothing)
        self.env.cr.execute(
            SQL("DELETE FROM partner_segment_report_size WHERE scheme_id = %s", self.rules.id)
        )
        self.env.invalidate_all()
        days = self.env["partner.segment.scheme"]._report_install()
        self.assertIn(day1, days)
        self.assertIn(day2, days)
        self.assertEqual(
            {s: c for s, (c, _r) in self.sizes(self.rules, day1).items()},
            {self.large: 2, self.small_seg: 2},
        )
        self.assertEqual(
            {s: c for s, (c, _r) in self.sizes(self.rules, day2).items()},
            {self.large: 3, self.small_seg: 1},
        )
        self.assertEqual(self.env["partner.segment.scheme"]._report_install(), [], "nothing twice")

    # -- migration ---------------------------------------------------------
    @on_reference_days
    def test_migration_between_two_days(self):
        day1 = self.today - datetime.timedelta(days=8)
        self.recompute(self.rules, segmentation_today=str(day1))
        self.date_history(day1)
        self.make_invoice(self.tiny, 4000, days_ago=3)
        run2 = self.recompute(self.rules)
        # the second run's rows (stamped with the clock's time, which may be any day)
        self.date_history(self.today, run2)
        Migration = self.env["partner.segment.report.migration"].with_context(
            migration_date_from=str(day1),
            migration_date_to=str(self.today),
        )
        moved = Migration.search([("scheme_id", "=", self.rules.id), ("moved", "=", True)])
        self.assertEqual(moved.partner_id, self.tiny)
        self.assertEqual((moved.from_segment_id, moved.to_segment_id), (self.small_seg, self.large))
        # who stayed is in the report too: From = To
        stayed = Migration.search([("scheme_id", "=", self.rules.id), ("moved", "=", False)])
        self.assertEqual(stayed.partner_id, self.big | self.mid | self.small)
        for row in stayed:
            self.assertEqual(row.from_segment_id, row.to_segment_id)
        cells = Migration._read_group(
            [("scheme_id", "=", self.rules.id)],
            ["from_segment_id", "to_segment_id"],
            ["partner_count:sum"],
        )
        self.assertEqual(
            sorted(cells, key=lambda c: (c[0].id, c[1].id)),
            sorted(
                [
                    (self.large, self.large, 2),
                    (self.small_seg, self.small_seg, 1),
                    (self.small_seg, self.large, 1),
                ],
                key=lambda c: (c[0].id, c[1].id),
            ),
        )
        # the partners of a cell are one click away
        action = moved.action_open_partner()
        self.assertEqual(action["res_id"], self.tiny.id)
        # days before any change: every first assignment is an entry from nowhere
        # (rows are ids of history lines, the same in both windows: the first
        # window's values must not be read from the cache)
        self.env.invalidate_all()
        early = self.env["partner.segment.report.migration"].with_context(
            migration_date_from=str(day1 - datetime.timedelta(days=5)),
            migration_date_to=str(day1),
        )
        entries = early.search([("scheme_id", "=", self.rules.id)])
        self.assertEqual(len(entries), 4)
        self.assertFalse(entries.from_segment_id)
        self.assertEqual(set(entries.mapped("moved")), {True})
        # days before the first run: nobody is classified, no row
        before = self.env["partner.segment.report.migration"].with_context(
            migration_date_from=str(day1 - datetime.timedelta(days=5)),
            migration_date_to=str(day1 - datetime.timedelta(days=1)),
        )
        self.assertFalse(before.search([("scheme_id", "=", self.rules.id)]))

    @on_reference_days
    def test_migration_wizard_opens_the_report_and_refuses_reversed_days(self):
        wizard = Form(
            self.env["partner.segment.migration.wizard"].with_context(
                segmentation_today=str(self.today)
            )
        )
        wizard.scheme_id = self.rules
        action = wizard.save().action_open_report()
        self.assertEqual(action["res_model"], "partner.segment.report.migration")
        self.assertEqual(action["context"]["migration_date_to"], str(self.today))
        self.assertEqual(action["context"]["search_default_scheme_id"], self.rules.id)
        count = self.env["partner.segment.migration.wizard"].search_count([])
        with self.assertRaises(ValidationError):
            self.env["partner.segment.migration.wizard"].create(
                {"date_from": self.today, "date_to": self.today - datetime.timedelta(days=1)}
            )
        self.assertEqual(self.env["partner.segment.migration.wizard"].search_count([]), count)
        # closed without choosing, alone (a link): the report of the default
        # days, its title naming them
        Wizard = self.env["partner.segment.migration.wizard"].with_context(
            segmentation_today=str(self.today)
        )
        action = Wizard.action_open_default_report()
        self.assertEqual(action["res_model"], "partner.segment.report.migration")
        self.assertEqual(action["context"]["migration_date_to"], str(self.today))
        self.assertEqual(
            action["context"]["migration_date_from"],
            str(self.today - datetime.timedelta(days=30)),
        )
        self.assertIn("→", action["name"])
