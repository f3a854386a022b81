# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customers' figures a forecast keeps between runs: the same (x, t_x,
T, m) as grouped from the records, on any day, after the records change in
every way a company's records change; only the customers whose records
changed are grouped again; an edit of the forecast's source forgets them."""

import datetime
import threading
from unittest.mock import patch

from odoo import Command
from odoo.addons.partner_segmentation.engine import run_sql
from odoo.addons.partner_segmentation.models.forecast import scoring, store, store_sql
from odoo.tests import tagged
from odoo.tools import SQL

from .test_forecast import ForecastCase

EVERYONE = SQL.identifier("res_partner")


class ForecastStoreCase(ForecastCase):
    def setUp(self):
        super().setUp()
        cr = self.env.cr
        now = cr.now()
        self.addCleanup(setattr, cr, "_now", now)
        self.env.flush_all()
        # what was written so far, as written by the earlier transactions it
        # stands for: the kept figures' mark is this transaction's start, and
        # what is written after it (by later(), a later transaction) is new
        for table in ("sale_order", "res_partner"):
            cr.execute(
                SQL(
                    "UPDATE %s SET write_date = write_date - interval '1 day'"
                    " WHERE write_date >= %s",
                    SQL.identifier(table),
                    now,
                )
            )
        self.env.invalidate_all()

    def later(self, minutes=1):
        """What follows is written by a later transaction (its write_date)."""
        cr = self.env.cr
        cr._now = cr.now() + datetime.timedelta(minutes=minutes)

    def rows(self, select):
        self.env.cr.execute(SQL("SELECT partner_id, x, t_x, t, m FROM (%s) c", select))
        return {row[0]: row[1:] for row in self.env.cr.fetchall()}

    def grouped(self, day):
        """Each customer's figures grouped from the records."""
        return self.rows(scoring.select_customers(self.forecast, day, universe=EVERYONE))

    def kept(self, day):
        """The same from the figures kept, brought up to ``day``."""
        forecast = self.forecast
        self.assertTrue(store.refresh(forecast, scoring.source_metric(forecast), day))
        everyone = SQL("SELECT u.id FROM %s u", EVERYONE)
        return self.rows(store.select_customers(forecast, day, None, everyone))

    def assert_same(self, kept, grouped):
        self.assertTrue(grouped)
        self.assertEqual(sorted(kept), sorted(grouped))
        for partner, figures in grouped.items():
            x, t_x, t, m = kept[partner]
            self.assertEqual((x, t_x, t), figures[:3], partner)
            if figures[3] is None:
                self.assertIsNone(m, partner)
            else:
                self.assertAlmostEqual(m, figures[3], delta=1e-9 * abs(figures[3]), msg=partner)

    def kept_row(self, partner):
        self.env.cr.execute(
            "SELECT first_spend, days FROM partner_segment_forecast_customer"
            " WHERE forecast_id = %s AND partner_id = %s",
            [self.forecast.id, partner.id],
        )
        return self.env.cr.fetchone()

    def mark_repeat_customer(self, grouped):
        """An unchanged repeat customer whose kept row is marked (its first
        day's spend altered), and that row: a refresh that does not group
        it again leaves the row as it is."""
        marked = next(partner for partner in self.partners[11:] if grouped[partner.id][0] > 0)
        self.env.cr.execute(
            "UPDATE partner_segment_forecast_customer SET first_spend = first_spend + 1000"
            " WHERE forecast_id = %s AND partner_id = %s",
            [self.forecast.id, marked.id],
        )
        return marked, self.kept_row(marked)

    def order(self, partner, days, amount):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "state": "sale",
                "date_order": datetime.datetime.combine(self.days_ago(days), datetime.time(9)),
                "order_line": [
                    Command.create(
                        {
                            "product_id": self.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )


@tagged("post_install", "-at_install")
class TestForecastStore(ForecastStoreCase):
    def test_kept_figures_are_the_grouped_ones(self):
        """The first time, every customer grouped: the figures of the
        records (a contact's order counted for its company, two orders on
        one day one purchase day, cancelled and later orders left out)."""
        grouped = self.grouped(self.today)
        self.assertLessEqual(set(self.partners.ids), set(grouped))  # and the demo's
        self.assert_same(self.kept(self.today), grouped)
        self.assertEqual(self.kept_row(self.partners[0])[1], grouped[self.partners[0].id][0] + 1)

    def test_only_changed_customers_are_grouped_again(self):
        grouped = self.grouped(self.today)
        self.kept(self.today)
        p = self.partners
        marked, marked_row = self.mark_repeat_customer(grouped)
        self.later()
        Order = self.env["sale.order"]
        self.order(p[3], 1, 40.0)  # a new order
        Order.search([("partner_id", "=", p[4].id), ("state", "=", "sale")], limit=1).write(
            {"state": "cancel"}
        )
        line = Order.search([("partner_id", "=", p[6].id)], limit=1).order_line
        line.price_unit += 17.5  # an amount corrected
        newcomer = self.env["res.partner"].create(
            {"name": "New customer", "is_company": True, "category_id": [Command.link(self.tag.id)]}
        )
        self.order(newcomer, 2, 80.0)
        self.contact.parent_id = p[7]  # the contact's order counts for another customer
        Order.search([("partner_id", "=", p[8].id)]).write({"state": "cancel"})  # no order left
        self.env.flush_all()
        kept = self.kept(self.today)
        grouped = self.grouped(self.today)
        self.assertNotIn(p[8].id, grouped)
        self.assertIn(newcomer.id, grouped)
        # the marked customer was not grouped again: its mark is still there
        self.assertEqual(self.kept_row(marked), marked_row)
        self.assertNotAlmostEqual(kept[marked.id][3], grouped[marked.id][3])
        kept[marked.id] = grouped[marked.id]
        self.assert_same(kept, grouped)
        # nothing changed since: nothing grouped again, the mark included
        again = self.kept(self.today)
        self.assertEqual(self.kept_row(marked), marked_row)
        again[marked.id] = grouped[marked.id]
        self.assert_same(again, grouped)

    def test_any_day(self):
        """Days after (the later order counts from its day) and before."""
        self.kept(self.today)
        for days in (1, 6, -30):
            day = self.today + datetime.timedelta(days=days)
            self.assert_same(self.kept(day), self.grouped(day))

    def test_merged_customers(self):
        """A merge moves the records by SQL (no write_date): the count tells."""
        self.kept(self.today)
        src, dst = self.partners[9], self.partners[10]
        self.later()
        self.env["base.partner.merge.automatic.wizard"].create({})._merge((dst | src).ids, dst)
        self.env.invalidate_all()
        grouped = self.grouped(self.today)
        self.assertNotIn(src.id, grouped)
        self.assert_same(self.kept(self.today), grouped)

    def test_source_edit_forgets_the_figures(self):
        self.kept(self.today)
        self.forecast.name = "Orders, renamed"
        self.assertTrue(self.kept_row(self.partners[1]))
        self.forecast.source_domain = "[('state', 'in', ('sale', 'done'))]"
        self.assertIsNone(self.kept_row(self.partners[1]))
        self.assert_same(self.kept(self.today), self.grouped(self.today))

    def test_a_run_scores_from_the_kept_figures(self):
        """A full run's forecast values are those of the records, also when
        the kept figures are brought up to date by the run."""
        metric = self.make_metric("fc_store_p_alive", "p_alive")
        self.forecast._fit(self.today)
        self.kept(self.today)
        self.later()
        self.order(self.partners[3], 1, 40.0)
        self.env.flush_all()
        self.env.cr.execute(run_sql.CREATE_WORK_TABLES)
        metric._compute_values(None, self.today)
        self.env.cr.execute(
            "SELECT partner_id, value FROM psseg_value WHERE metric_id = %s", [metric.id]
        )
        run = dict(self.env.cr.fetchall())
        self.env.cr.execute(
            SQL(
                "SELECT partner_id, value FROM (%s) v",
                scoring.select_values(metric, None, self.today),
            )
        )
        alone = {partner: value for partner, value in self.env.cr.fetchall() if value is not None}
        self.assertEqual(run.keys(), alone.keys())
        self.assertIn(self.partners[3].id, run)
        for partner, value in run.items():
            self.assertAlmostEqual(float(value), float(alone[partner]), delta=1e-9)

    def test_figures_written_elsewhere_are_left_alone(self):
        """Another transaction bringing the same figures up to date (a
        preview beside a run): nothing kept or written here, the scores
        then come from the records."""
        # a forecast of its own: this test's transaction never held its figures
        forecast = self.env["partner.segment.forecast"].create(
            self.forecast_values(name="Orders, beside a run")
        )
        metric = self.make_metric("fc_store_churn", "churn_risk", forecast=forecast)
        with self.registry.cursor() as other:
            other.execute(store_sql.try_lock(forecast.id))
            self.assertTrue(other.fetchone()[0])
            with patch.object(store, "LOCK_WAIT", 1):
                self.assertFalse(
                    store.refresh(forecast, scoring.source_metric(forecast), self.today)
                )
            self.env.cr.execute(run_sql.CREATE_WORK_TABLES)
            with patch.object(store, "LOCK_WAIT", 0):
                metric._compute_values(None, self.today)
            other.rollback()
        self.assertEqual(forecast.state, "fitted")
        self.env.cr.execute(
            "SELECT COUNT(*) FROM partner_segment_forecast_customer WHERE forecast_id = %s",
            [forecast.id],
        )
        self.assertEqual(self.env.cr.fetchone()[0], 0)
        self.env.cr.execute("SELECT COUNT(*) FROM psseg_value WHERE metric_id = %s", [metric.id])
        self.assertGreaterEqual(self.env.cr.fetchone()[0], len(self.partners))
        # the lock gone, the figures are kept again
        self.assertTrue(store.refresh(forecast, scoring.source_metric(forecast), self.today))
        self.env.cr.execute(
            "SELECT COUNT(*) FROM partner_segment_forecast_customer WHERE forecast_id = %s",
            [forecast.id],
        )
        self.assertGreaterEqual(self.env.cr.fetchone()[0], len(self.partners))

    def test_refresh_waits_for_figures_held_elsewhere(self):
        """Another transaction holding the kept figures (a run ending, the
        statement of a worker just killed): a refresh waits for them rather
        than group every record itself."""
        forecast = self.forecast
        with self.registry.cursor() as other:
            other.execute(store_sql.try_lock(forecast.id))
            self.assertTrue(other.fetchone()[0])
            released = threading.Timer(1.0, other.rollback)
            released.start()
            try:
                kept = store.refresh(forecast, scoring.source_metric(forecast), self.today)
            finally:
                released.join()
        self.assertTrue(kept)
        self.env.cr.execute(
            "SELECT COUNT(*) FROM partner_segment_forecast_customer WHERE forecast_id = %s",
            [forecast.id],
        )
        self.assertGreaterEqual(self.env.cr.fetchone()[0], len(self.partners))
