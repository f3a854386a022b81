# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The reports of a two-company database, read over XML-RPC as the
company-A segmentation user who found that they showed company B's schemes,
segments and classifications."""

from odoo import Command
from odoo.addons.partner_segmentation.report import common
from odoo.tests import HttpCase, new_test_user, tagged
from odoo.tools import SQL

from .common import TODAY
from .rpc import RpcMixin
from .test_rights_companies import CompaniesCase

# the reports that have rows of A's scheme (the others: rows of two schemes,
# or of invoiced products, which only B's scheme has for the shared partner)
OWN_ROWS = (
    "partner.segment.report.distribution",
    "partner.segment.report.size",
    "partner.segment.report.migration",
)


class CompaniesRpcCase(RpcMixin, CompaniesCase, HttpCase):
    """Company A and B (see :class:`CompaniesCase`), called over XML-RPC."""


@tagged("post_install", "-at_install")
class TestReportsOfCompanies(CompaniesRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seg_user_a = new_test_user(
            cls.env,
            "seg_report_user_a",
            groups="partner_segmentation.group_segmentation_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        # the day the runs are about (pinned), for the migration report
        cls.days = {"migration_date_from": "2020-01-01", "migration_date_to": "2099-12-31"}

    def b_rows(self, model, field="scheme_id"):
        return self.env[model].with_context(**self.days).search([(field, "=", self.scheme_b.id)])

    def test_reports_show_none_of_b(self):
        cases = [
            ("partner.segment.report.distribution", "scheme_id"),
            ("partner.segment.report.size", "scheme_id"),
            ("partner.segment.report.migration", "scheme_id"),
            ("partner.segment.report.overlap", "scheme_id"),
            ("partner.segment.report.overlap", "other_scheme_id"),
            ("partner.segment.report.product", "scheme_id"),
        ]
        context = {"context": self.days}
        for model, field in cases:
            with self.subTest(model=model, field=field):
                b_rows = self.b_rows(model, field)
                self.assertTrue(b_rows, "B's rows exist (the test could not fail otherwise)")
                self.assertEqual(
                    self.rpc(
                        self.seg_user_a,
                        model,
                        "search_read",
                        [(field, "=", self.scheme_b.id)],
                        ["id"],
                        **context,
                    ),
                    [],
                )
                self.assertRpcRefused(
                    "doesn't have 'read' access",
                    self.seg_user_a,
                    model,
                    "read",
                    b_rows[:1].ids,
                    ["segment_id" if "segment_id" in b_rows._fields else "scheme_id"],
                    **context,
                )
                groups = self.rpc(
                    self.seg_user_a,
                    model,
                    "read_group",
                    [],
                    [field],
                    [field],
                    lazy=False,
                    **context,
                )
                names = str([g[field] for g in groups])
                self.assertNotIn("test_rights_b", names)
                if model in OWN_ROWS:
                    self.assertIn("test_rights", names, "A's own rows are shown")

    def test_segments_of_b_not_named_in_groups(self):
        groups = self.rpc(
            self.seg_user_a,
            "partner.segment.report.overlap",
            "read_group",
            [],
            ["other_segment_id"],
            ["other_segment_id"],
            lazy=False,
        )
        self.assertTrue(groups, "A's rows are there")
        self.assertNotIn("B buyers", str(groups))
        self.assertIn(
            "B buyers",
            str(
                self.env["partner.segment.report.overlap"]
                .search([])
                .other_segment_id.mapped("name")
            ),
        )

    def test_shares_are_of_the_partners_of_the_users_companies(self):
        """A partner of B classified in a shared scheme neither shows nor
        counts in the shares A's user sees."""
        b_only = self.make_partner("B Only Co", company_id=self.company_b.id)
        self.recompute_as(self.scheme)
        self.assertTrue(self.segment_of(b_only, self.scheme), "classified in the shared scheme")
        groups = self.rpc(
            self.seg_user_a,
            "partner.segment.report.distribution",
            "read_group",
            [("scheme_id", "=", self.scheme.id)],
            ["partner_count:sum", "partner_share:sum"],
            [],
            lazy=False,
        )
        self.assertEqual(groups[0]["partner_count"], 2, "the shared partners only")
        self.assertAlmostEqual(groups[0]["partner_share"], 100.0)

    def test_revenue_snapshot_is_per_company(self):
        """B's invoice of the shared partner is not added to its revenue in A.
        B has no chart of accounts in the test database: an invoice made in A
        is moved to B in SQL, as the snapshot reads it (company and amount)."""
        move = self.make_invoice(self.customer, 777)
        self.env.cr.execute(
            "UPDATE account_move SET company_id = %s WHERE id = %s", [self.company_b.id, move.id]
        )
        common.refresh_revenue(self.env.cr, TODAY)
        self.env.cr.execute(
            "SELECT company_id, revenue FROM partner_segment_report_revenue "
            "WHERE partner_id = %s ORDER BY company_id",
            [self.customer.id],
        )
        self.assertEqual(
            sorted(self.env.cr.fetchall()), [(self.company_a.id, 5000), (self.company_b.id, 777)]
        )
        rows = self.rpc(
            self.seg_user_a,
            "partner.segment.report.distribution",
            "search_read",
            [("scheme_id", "=", self.scheme.id), ("partner_id", "=", self.customer.id)],
            ["revenue"],
        )
        self.assertEqual([row["revenue"] for row in rows], [5000.0], "A's revenue only")
        migration = self.rpc(
            self.seg_user_a,
            "partner.segment.report.migration",
            "search_read",
            [("scheme_id", "=", self.scheme.id), ("partner_id", "=", self.customer.id)],
            ["revenue"],
            context=self.days,
        )
        self.assertEqual([row["revenue"] for row in migration], [5000.0])

    def test_sizes_show_the_revenue_of_each_schemes_company(self):
        """The sizes of a day: a scheme of B shows B's revenue of a shared
        partner, a scheme without company the partner's company's, else the
        run's company's; the scheme is joined once, with the same figures as
        the report's per-row rule (``common.revenue_company``)."""
        move = self.make_invoice(self.customer, 777)
        self.env.cr.execute(
            "UPDATE account_move SET company_id = %s WHERE id = %s", [self.company_b.id, move.id]
        )
        common.refresh_revenue(self.env.cr, TODAY)
        schemes = self.scheme | self.scheme_b
        self.env["partner.segment.report.size"]._insert_day(TODAY, schemes)
        self.env.cr.execute(
            SQL(
                """
                SELECT a.scheme_id, a.segment_id, COUNT(*), COALESCE(SUM(rev.revenue), 0)
                  FROM partner_segment_assignment a
                  %s %s
                 WHERE a.scheme_id = ANY(%s) AND a.segment_id IS NOT NULL
              GROUP BY 1, 2
                """,
                common.partner_join(SQL("a.partner_id")),
                common.revenue_join(
                    SQL("a.partner_id"),
                    common.revenue_company(SQL("a.scheme_id"), self.company_a.id),
                ),
                schemes.ids,
            )
        )
        expected = {
            (scheme, segment): (n, float(rev)) for scheme, segment, n, rev in self.env.cr.fetchall()
        }
        rows = self.env["partner.segment.report.size"]._read_group(
            [("scheme_id", "in", schemes.ids), ("date", "=", TODAY)],
            ["scheme_id", "segment_id"],
            ["partner_count:sum", "revenue:sum"],
        )
        sizes = {(scheme.id, segment.id): (n, rev) for scheme, segment, n, rev in rows}
        self.assertEqual(sizes, expected)
        b_buyers = self.scheme_b.segment_ids
        self.assertEqual(sizes[self.scheme_b.id, b_buyers.id][1], 777.0, "B's invoice only")
        self.assertEqual(sizes[self.scheme.id, self.big.id], (1, 5000.0), "A's revenue only")
