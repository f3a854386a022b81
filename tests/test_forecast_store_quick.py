# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The quick check of the kept figures: the customers of what was written
since the last refresh are grouped again, without grouping every record
by customer; what it cannot see (a record deleted, a change older than
the mark, a contact moved, a merge) shows in the totals, and every
customer is then checked."""

import datetime
from unittest.mock import patch

import numpy as np

from odoo.addons.partner_segmentation.models.forecast import scoring, store, store_sql
from odoo.tests import tagged

from .test_forecast_store import ForecastStoreCase


@tagged("post_install", "-at_install")
class TestForecastQuickCheck(ForecastStoreCase):
    def refreshed(self, day):
        """The kept figures brought up to ``day`` and whether every customer
        was checked (the full check's grouping of every record)."""
        with patch.object(store_sql, "select_check", wraps=store_sql.select_check) as check:
            kept = self.kept(day)
        return kept, check.called

    def mark(self):
        self.env.cr.execute(
            "SELECT day, since FROM partner_segment_forecast_mark WHERE forecast_id = %s",
            [self.forecast.id],
        )
        return self.env.cr.fetchone()

    def test_what_was_written_since_is_grouped_again(self):
        """New, cancelled and corrected orders, a new customer: only their
        customers grouped again, no full check; a customer nothing was
        written for keeps its row as it is (marked to tell)."""
        kept, full = self.refreshed(self.today)
        self.assertTrue(full is False and kept)
        self.assertEqual(self.mark()[0], self.today)
        grouped = self.grouped(self.today)
        p = self.partners
        marked, marked_row = self.mark_repeat_customer(grouped)
        self.later()
        Order = self.env["sale.order"]
        self.order(p[3], 1, 40.0)
        Order.search([("partner_id", "=", p[4].id), ("state", "=", "sale")], limit=1).write(
            {"state": "cancel"}
        )
        Order.search([("partner_id", "=", p[6].id)], limit=1).order_line.price_unit += 17.5
        Order.search([("partner_id", "=", p[8].id)]).write({"state": "cancel"})
        newcomer = self.env["res.partner"].create({"name": "New customer", "is_company": True})
        self.order(newcomer, 2, 80.0)
        self.env.flush_all()
        kept, full = self.refreshed(self.today)
        self.assertFalse(full)
        grouped = self.grouped(self.today)
        self.assertNotIn(p[8].id, grouped)
        self.assertIn(newcomer.id, grouped)
        self.assertEqual(self.kept_row(marked), marked_row)
        self.assertIsNone(self.kept_row(p[8]))
        kept[marked.id] = grouped[marked.id]
        self.assert_same(kept, grouped)

    def test_records_dated_between_the_marks_day_and_the_next(self):
        """An order dated ahead, written before the mark: it counts from its
        day on, and no longer when a refresh goes back before it."""
        ahead = self.order(self.partners[2], -3, 55.0)
        self.env.flush_all()
        self.env.cr.execute(
            "UPDATE sale_order SET write_date = write_date - interval '1 day' WHERE id = %s",
            [ahead.id],
        )
        self.refreshed(self.today)
        for days in (5, 1, 4):
            day = self.today + datetime.timedelta(days=days)
            kept, full = self.refreshed(day)
            self.assertFalse(full, day)
            self.assert_same(kept, self.grouped(day))

    def assert_full_check(self):
        kept, full = self.refreshed(self.today)
        self.assertTrue(full)
        self.assert_same(kept, self.grouped(self.today))

    def test_a_record_deleted_checks_every_customer(self):
        self.refreshed(self.today)
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.partners[5].id), ("state", "=", "sale")], limit=1
        )
        self.env.cr.execute("DELETE FROM sale_order WHERE id = %s", [order.id])
        self.env.invalidate_all()
        self.assert_full_check()

    def test_a_change_older_than_the_mark_checks_every_customer(self):
        """A transaction that began before the refresh and committed after
        it: its write_date is older than the mark."""
        self.refreshed(self.today)
        since = self.mark()[1]
        order = self.env["sale.order"].search(
            [("partner_id", "=", self.partners[6].id), ("state", "=", "sale")], limit=1
        )
        self.env.cr.execute(
            "UPDATE sale_order SET amount_untaxed = amount_untaxed + 9, write_date = %s"
            " WHERE id = %s",
            [since - datetime.timedelta(seconds=5), order.id],
        )
        self.env.invalidate_all()
        self.assert_full_check()

    def test_a_contact_moved_checks_every_customer(self):
        """The company a contact leaves is not among what was written."""
        self.refreshed(self.today)
        self.later()
        self.contact.parent_id = self.partners[7]
        self.env.flush_all()
        self.assert_full_check()

    def test_a_merge_checks_every_customer(self):
        """A merge moves the records by SQL: the marks are dropped."""
        self.refreshed(self.today)
        src, dst = self.partners[9], self.partners[10]
        self.later()
        self.env["base.partner.merge.automatic.wizard"].create({})._merge((dst | src).ids, dst)
        self.env.invalidate_all()
        self.assertIsNone(self.mark())
        self.assert_full_check()
        self.assertEqual(self.mark()[0], self.today)

    def test_a_new_order_of_a_contact(self):
        """Written since: its company grouped again, no full check."""
        self.refreshed(self.today)
        self.later()
        self.order(self.contact, 1, 12.0)
        self.env.flush_all()
        kept, full = self.refreshed(self.today)
        self.assertFalse(full)
        grouped = self.grouped(self.today)
        self.assertEqual(
            grouped[self.contact.commercial_partner_id.id][0] + 1,
            self.kept_row(self.contact.commercial_partner_id)[1],
        )
        self.assert_same(kept, grouped)

    def test_a_fit_reads_the_kept_figures(self):
        """A fit from the form reads the kept figures (joined to its
        customer filter) and gives the same inputs as from the records."""
        kept = scoring.fit_inputs(self.forecast, self.today)
        with patch.object(store, "refresh", return_value=False):
            grouped = scoring.fit_inputs(self.forecast, self.today)
        self.assertGreater(len(kept["x"]), 10)
        order_k = np.lexsort((kept["T"], kept["t_x"], kept["x"]))
        order_g = np.lexsort((grouped["T"], grouped["t_x"], grouped["x"]))
        for key in ("x", "t_x", "T", "weights"):
            np.testing.assert_array_equal(kept[key][order_k], grouped[key][order_g])
        np.testing.assert_allclose(np.sort(kept["spend_m"]), np.sort(grouped["spend_m"]))
