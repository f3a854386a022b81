# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Why? of ranking assignments: the partner's own value against the
boundaries the last full run stored, placed as a partial run places it,
for any number of assignments at once, and only for segmentation users."""

from odoo import Command
from odoo.addons.partner_segmentation.engine import classify
from odoo.addons.partner_segmentation.engine import explain as engine_explain
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common_ranking import RankingCase
from .rpc import RpcMixin


class WhyCase(RankingCase):
    """The ranking fixture, with an analyst (segmentation user of every
    company) and a plain employee."""

    prefix = "test_why"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        every_company = cls.env["res.company"].search([])
        cls.analyst = new_test_user(
            cls.env,
            "why_analyst",
            groups="partner_segmentation.group_segmentation_user,account.group_account_invoice",
            company_ids=[Command.set(every_company.ids)],
        )
        # an employee reads assignments (the partner form shows them) but is
        # no segmentation user (salespeople are: their group implies it)
        cls.employee = new_test_user(cls.env, "why_employee", groups="base.group_user")

    def assignments(self, schemes, partners=None):
        return self.Assignment.search(
            [
                ("scheme_id", "in", schemes.ids),
                ("partner_id", "in", (partners or self.everyone).ids),
            ],
            order="scheme_id, partner_id",
        )

    def said(self, assignments):
        """{(partner, scheme code): (segment code the Why? places it in, html)},
        read at once as the analyst."""
        assignments = assignments.with_user(self.analyst)
        html = {
            row["id"]: row["explanation_html"] for row in assignments.read(["explanation_html"])
        }
        explained = assignments._explanations()
        return {
            (a.partner_id.name, a.scheme_id.code): (
                explained[a.id]["engine_segment"].code or None,
                str(html[a.id]),
            )
            for a in assignments
        }


@tagged("post_install", "-at_install")
class TestWhy(WhyCase):
    def test_several_assignments_at_once_with_ties(self):
        self.recompute(self.pareto | self.quantile)
        assignments = self.assignments(self.pareto | self.quantile)
        self.assertEqual(len(assignments), 10)
        said = self.said(assignments)
        self.assertEqual(
            {key: code for key, (code, _html) in said.items()},
            {
                ("Big", "test_why_abc"): "A",
                ("Tie 1", "test_why_abc"): "A",
                ("Tie 2", "test_why_abc"): "A",
                ("Old", "test_why_abc"): "C",
                ("Prospect", "test_why_abc"): "C",
                ("Big", "test_why_q"): "TOP",
                ("Tie 1", "test_why_q"): "TOP",
                ("Tie 2", "test_why_q"): "TOP",
                ("Old", "test_why_q"): "LOW",
                ("Prospect", "test_why_q"): "LOW",
            },
        )
        _code, html = said[("Tie 2", "test_why_abc")]
        self.assertIn("The engine says", html)
        self.assertIn("300.00", html, "its own value")
        # the boundary of A is the tie's value: the tie group is all in A
        self.assertRegex(
            html, r"Boundaries stored by the last full run: A from [^;]*300\.00; C: the rest"
        )
        self.assertIn("the value of a boundary belongs to its segment", html)
        self.assertIn("A up to 70 %", html)
        self.assertNotIn("changed since", html)
        _code, html = said[("Tie 1", "test_why_q")]
        self.assertRegex(html, r"TOP from [^;]*300\.00; LOW from [^;]*0\.00; LOW: the rest")
        self.assertIn("the buckets it passes over stay empty", html)
        # what a reader sees of several assignments is what each says alone
        for assignment in assignments[:3]:
            alone = assignment.with_user(self.analyst).read(["explanation_html"])[0]
            self.assertEqual(
                str(alone["explanation_html"]),
                said[(assignment.partner_id.name, assignment.scheme_id.code)][1],
            )

    def test_values_changed_since_the_run_say_what_the_engine_would_place(self):
        self.recompute(self.pareto | self.quantile)
        self.make_invoice(self.prospect, 400)  # above A's boundary: A, TOP
        self.make_invoice(self.tie2, 250, refund=True)  # 50: below it, C; LOW from 0
        said = self.said(self.assignments(self.pareto | self.quantile))
        code, html = said[("Prospect", "test_why_abc")]
        self.assertEqual(code, "A")
        self.assertIn("400.00", html)
        self.assertIn("Its values changed since the last run placed it in C", html)
        self.assertEqual(said[("Tie 2", "test_why_abc")][0], "C")
        self.assertEqual(said[("Tie 1", "test_why_abc")][0], "A", "its value did not change")
        self.assertEqual(said[("Tie 2", "test_why_q")][0], "LOW")
        self.assertEqual(said[("Prospect", "test_why_q")][0], "TOP")
        # the assignments still say what the last run said
        self.assertEqual(self.codes(self.prospect | self.tie2, self.pareto), ["C", "A"])
        # and a partial run of these partners places them where Why? said
        self.recompute(self.pareto | self.quantile, partners=self.everyone)
        for scheme in self.pareto | self.quantile:
            for partner in self.everyone:
                with self.subTest(scheme=scheme.code, partner=partner.name):
                    self.assertEqual(
                        self.segment_of(partner, scheme).code or None,
                        said[(partner.name, scheme.code)][0],
                    )
        _code, html = self.said(self.assignments(self.pareto, self.prospect))[
            ("Prospect", "test_why_abc")
        ]
        self.assertNotIn("changed since", html)

    def test_left_out_and_no_boundaries(self):
        self.quantile.no_activity = "exclude"
        self.recompute(self.quantile)
        placed, rows = engine_explain.place(self.env, self.quantile, self.everyone.ids)
        self.assertIsNotNone(placed)
        self.assertEqual(rows[self.prospect.id][1], None, "no activity: no segment")
        self.assertEqual(rows[self.tie1.id][1:], (self.segment("TOP", self.quantile).id, True))
        # the stored boundaries no longer fit once the scheme changes: the
        # explanation says what the last run said and that they are missing
        self.quantile.quantile_order = "asc"
        self.assertIsNone(classify.stored_boundaries(self.quantile))
        said = self.said(self.assignments(self.quantile, self.tie1 | self.big))
        code, html = said[("Tie 1", "test_why_q")]
        self.assertEqual(code, "TOP", "the last run's")
        self.assertIn("The last run placed it in", html)
        self.assertIn("no boundaries from a full run that fit its settings", html)
        self.assertIn("300.00", html, "its value still shows")

    def segment(self, code, scheme):
        return scheme.segment_ids.filtered(lambda s: s.code == code)

    def test_rules_several_at_once(self):
        rules = self.make_scheme(
            "test_why_rules",
            "rules",
            [
                {"name": "Large", "conditions": [(self.revenue, ">=", 500)]},
                {"name": "Small", "conditions": []},
            ],
        )
        self.recompute(rules)
        said = self.said(self.assignments(rules))
        self.assertEqual(said[("Big", "test_why_rules")][0], "Large")
        self.assertEqual(said[("Tie 1", "test_why_rules")][0], "Small")
        self.assertIn("1,000.00", said[("Big", "test_why_rules")][1])
        self.assertIn("300.00", said[("Tie 1", "test_why_rules")][1])

    def test_values_of_the_readers_companies_only(self):
        """A scheme of no company counts every company's records; a reader
        of fewer companies sees values of theirs, and is told so."""
        self.env["res.company"].create({"name": "Why Other Co"})
        self.recompute(self.pareto)
        one = new_test_user(
            self.env,
            "why_one_company",
            groups="partner_segmentation.group_segmentation_user,account.group_account_invoice",
            company_ids=[Command.set(self.env.company.ids)],
        )
        html = str(
            self.assignments(self.pareto, self.big)
            .with_user(one)
            .read(["explanation_html"])[0]["explanation_html"]
        )
        self.assertIn("Only the records of your companies are counted here", html)
        self.assertIn("1,000.00", html, "the invoice is of their company")
        every = new_test_user(
            self.env,
            "why_every_company",
            groups="partner_segmentation.group_segmentation_user,account.group_account_invoice",
            company_ids=[Command.set(self.env["res.company"].search([]).ids)],
        )
        html = str(
            self.assignments(self.pareto, self.big)
            .with_user(every)
            .read(["explanation_html"])[0]["explanation_html"]
        )
        self.assertNotIn("Only the records of your companies", html, "a user of all of them")
        self.assertIn("1,000.00", html)

    def test_refused_to_others_and_no_value_without_field_rights(self):
        self.recompute(self.pareto)
        assignments = self.assignments(self.pareto)
        # an employee reads the assignments, not why
        self.assertTrue(assignments.with_user(self.employee).read(["segment_id"]))
        with self.assertRaisesRegex(AccessError, "explanation_html"):
            assignments.with_user(self.employee).read(["explanation_html"])
        for assignment in assignments.with_user(self.employee):
            self.assertFalse(assignment.explanation_html, "nothing computed for them")
        with self.assertRaisesRegex(AccessError, "Only segmentation users"):
            assignments[:1].with_user(self.employee).action_explain()
        # a segmentation user who may not read invoices: no value, no boundary
        blind = new_test_user(
            self.env, "why_blind", groups="partner_segmentation.group_segmentation_user"
        )
        rows = assignments.with_user(blind).read(["explanation_html"])
        self.assertEqual(len(rows), 5)
        for row in rows:
            html = str(row["explanation_html"])
            self.assertIn("You may not read what this scheme ranks by", html)
            self.assertIn("The last run placed it in", html)
            self.assertNotIn("300.00", html)
            self.assertNotIn("1,000.00", html)
            self.assertNotIn("Boundaries", html)


@tagged("post_install", "-at_install")
class TestWhyRpc(RpcMixin, WhyCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.recompute_now(cls.pareto)
        cls.portal = new_test_user(cls.env, "why_portal", groups="base.group_portal")

    @classmethod
    def recompute_now(cls, scheme):
        from ..engine import run as engine_run

        return engine_run.run(cls.env, scheme)

    def test_refused_over_rpc(self):
        ids = self.assignments(self.pareto).ids
        self.assertEqual(len(ids), 5)
        rows = self.rpc(
            self.analyst, "partner.segment.assignment", "read", ids, ["explanation_html"]
        )
        self.assertEqual(len(rows), 5, "several at once")
        self.assertTrue(
            all("Boundaries stored by the last full run" in r["explanation_html"] for r in rows)
        )
        self.assertRpcRefused(
            'enough rights to access the fields "explanation_html"',
            self.employee,
            "partner.segment.assignment",
            "read",
            ids,
            ["explanation_html"],
        )
        self.assertRpcRefused(
            "Only segmentation users",
            self.employee,
            "partner.segment.assignment",
            "action_explain",
            ids[:1],
        )
        self.assertRpcRefused(
            'enough rights to access the fields "explanation_html"',
            self.portal,
            "partner.segment.assignment",
            "read",
            ids,
            ["explanation_html"],
        )
        self.assertRpcRefused(
            "not allowed to access",
            self.portal,
            "partner.segment.assignment",
            "read",
            ids,
            ["segment_id"],
        )
        self.assertRpcRefused(
            "Only segmentation users",
            self.portal,
            "partner.segment.assignment",
            "action_explain",
            ids[:1],
        )
        found = self.rpc(
            self.employee, "partner.segment.assignment", "search_read", [("id", "in", ids)], []
        )
        self.assertTrue(found, "the employee reads the assignments")
        self.assertNotIn("explanation_html", found[0], "but not why")
