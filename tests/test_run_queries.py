# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The number of queries of a recompute does not grow with the number of
partners: no per-partner loop."""

from unittest.mock import patch

from odoo import Command
from odoo.addons.partner_segmentation.engine import common
from odoo.addons.partner_segmentation.engine import run as engine_run
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestQueryCount(SegmentationCase):
    """The number of queries of a recompute does not grow with the number of
    partners (no per-partner loop)."""

    def _scheme_with_partners(self, count, code):
        tag = self.env["res.partner.category"].create({"name": code})
        self.env["res.partner"].create(
            [
                {
                    "name": f"{code} {i}",
                    "is_company": True,
                    "annual_potential": (i % 97) * 10.0,
                    "category_id": [Command.link(tag.id)],
                }
                for i in range(count)
            ]
        )
        potential = self.env.ref("partner_segmentation.metric_annual_potential")
        order_count = self.env.ref("partner_segmentation.metric_order_count_total")
        return self.make_scheme(
            code,
            "rules",
            [
                {"name": "High", "conditions": [(potential, ">=", 500), (order_count, "=", 0)]},
                {"name": "Low", "conditions": [(potential, ">", 0)]},
                {"name": "Rest"},
            ],
            partner_domain=f"[('category_id', 'in', [{tag.id}])]",
        )

    def _queries(self, scheme):
        self.env.invalidate_all()
        # the run's records take their defaults in the user's company: read
        # once per transaction or not at all, depending on which environments
        # the ORM still holds; the same for any number of partners
        self.env.user.company_id  # noqa: B018  pylint: disable=pointless-statement
        before = self.env.cr.sql_log_count
        run = self.recompute(scheme)
        return self.env.cr.sql_log_count - before, run

    @patch.object(common, "ANALYZE_THRESHOLD", 100)  # both sizes analyze their work tables
    # and neither the written tables: whether those need it depends on their
    # statistics, which other tests' runs leave behind
    @patch.object(
        engine_run.run_steps.apply.Q,
        "WRITTEN_STATISTICS",
        SQL("SELECT name, 1e9::real FROM unnest(%s::text[]) AS t(name)", ["x"]),
    )
    def test_queries_do_not_grow_with_partners(self):
        warmup = self._scheme_with_partners(20, "qc_warmup")
        self._queries(warmup)
        small = self._scheme_with_partners(200, "qc_small")
        large = self._scheme_with_partners(2000, "qc_large")
        small_queries, small_run = self._queries(small)
        large_queries, large_run = self._queries(large)
        self.assertEqual((small_run.partner_count, large_run.partner_count), (200, 2000))
        self.assertEqual(large_run.change_count, 2000)
        self.assertEqual(large_queries, small_queries)
        # with chatter on, one note per changed partner is created in
        # batches of a thousand: a few queries per batch, none per partner
        small.post_chatter = large.post_chatter = True
        Partner = self.env["res.partner"]
        for code in ("qc_small", "qc_large"):
            Partner.search([("category_id.name", "=", code)]).write({"annual_potential": 0})
        small_queries, small_run = self._queries(small)
        large_queries, large_run = self._queries(large)
        # everyone with a potential (i % 97 != 0) falls from High/Low to Rest
        self.assertEqual((small_run.change_count, large_run.change_count), (197, 1979))
        self.assertLessEqual(large_queries - small_queries, 30)
        partner = Partner.search([("name", "=", "qc_small 1")])
        message = self.env["mail.message"].search(
            [("model", "=", "res.partner"), ("res_id", "=", partner.id)], limit=1
        )
        self.assertIn("qc_small: Low → Rest", message.body)
        self.assertEqual(message.subtype_id, self.env.ref("mail.mt_note"))
