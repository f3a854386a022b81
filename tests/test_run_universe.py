# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The partners a scheme classifies: schemes of one run with the same
partner filter share them until the run writes a table the filter reads (a
partner filter may test the segments an earlier scheme of the run has just
changed, or a partner field a feature sets on the partners who changed
segment); a filter with ORs runs as a UNION of its conjunctions."""

from ast import literal_eval
from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import classify, run_state
from odoo.tests import tagged
from odoo.tools import SQL

from .common import SizeAndParetoCase, on_reference_days


@tagged("post_install", "-at_install")
class TestRunUniverse(SizeAndParetoCase):
    def recompute_counting_fills(self, schemes):
        fills = []
        real = classify.Q.fill_universe
        with patch.object(classify.Q, "fill_universe", lambda t, q: fills.append(q) or real(t, q)):
            run = self.recompute(schemes)
        return run, len(fills)

    def buyers(self, code, sequence):
        return self.make_scheme(
            code,
            "rules",
            [{"name": "Buyer", "conditions": [(self.revenue, ">", 0)]}],
            sequence=sequence,
        )

    def test_same_filter_after_a_write_sees_the_new_segments(self):
        # two schemes for the partners who are not yet buyers of the first
        first, second = self.buyers("test_first", 1), self.buyers("test_second", 2)
        buyer = first.segment_ids
        not_buyers = f"['&', ('segment_ids', 'not in', [{buyer.id}]), {self.domain[1:-1]}]"
        (first | second).partner_domain = not_buyers
        run, fills = self.recompute_counting_fills(first | second)
        partners = [self.big, self.mid, self.small, self.none]
        self.assertEqual(self.codes(partners, first), ["Buyer", "Buyer", "Buyer", None])
        # the second sees the buyers the first has just written, and leaves them out
        self.assertEqual(self.codes(partners, second), [None, None, None, None])
        self.assertEqual(fills, 2, "filled again after the first scheme wrote")
        self.assertEqual(run.line_ids.mapped("partner_count"), [3, 0])

    def test_a_feature_writing_what_the_filter_reads_fills_it_again(self):
        """A feature acting on the partners who entered a segment (here: a
        reference set through the ORM, not yet flushed) writes what the next
        scheme's filter reads: that scheme sees it."""
        first, second = self.buyers("test_first", 1), self.buyers("test_second", 2)
        (first | second).partner_domain = f"['&', ('ref', '!=', 'TAKEN'), {self.domain[1:-1]}]"
        Scheme = type(self.env["partner.segment.scheme"])
        real = Scheme._after_apply

        def after_apply(scheme, run_id):
            if scheme == first:
                scheme.env.cr.execute(
                    "SELECT partner_id FROM psseg_change WHERE scheme_id = %s", [scheme.id]
                )
                entered = [row[0] for row in scheme.env.cr.fetchall()]
                scheme.env["res.partner"].browse(entered).write({"ref": "TAKEN"})
            return real(scheme, run_id)

        with patch.object(Scheme, "_after_apply", after_apply):
            run, fills = self.recompute_counting_fills(first | second)
        partners = [self.big, self.mid, self.small, self.none]
        self.assertEqual(self.codes(partners, first), ["Buyer", "Buyer", "Buyer", None])
        self.assertEqual(self.codes(partners, second), [None, None, None, None])
        self.assertEqual(fills, 2, "filled again after the feature wrote the partners")
        self.assertEqual(run.line_ids.mapped("partner_count"), [3, 0])

    def test_a_filter_read_through_a_view_is_filled_again_after_any_write(self):
        """A view reads tables it does not name: its universe never outlives a write."""
        self.env.cr.execute("CREATE TEMP VIEW psseg_test_partners AS SELECT id FROM res_partner")
        state = run_state.RunState(inline=True)
        sql = SQL("SELECT id FROM psseg_test_partners")
        state.filled(self.env.cr, "view", "t0", sql)
        state.filled(self.env.cr, "table", "t1", SQL("SELECT id FROM res_country"))
        self.make_partner("Written")  # a table the view reads, the other filter does not
        state.forget_written(self.env)
        self.assertEqual(list(state.universes), ["table"])
        self.env["res.country"].search([], limit=1).write({"phone_code": 999})
        state.forget_written(self.env)
        self.assertEqual(state.universes, {}, "the country written: filled again")

    def test_same_filter_shares_the_partners_when_nothing_it_reads_is_written(self):
        same = self.rules | self.buyers("test_same", 99)
        run, fills = self.recompute_counting_fills(same)
        # the first run writes assignments, history and segments of partners,
        # none of which the filter (a tag of the partners) reads
        self.assertEqual((run.change_count > 0, fills), (True, 1), "one fill for both schemes")
        self.assertEqual(
            self.codes([self.big, self.small, self.none], self.rules.browse(same.ids[1])),
            ["Buyer", "Buyer", None],
        )
        run, fills = self.recompute_counting_fills(same)
        self.assertEqual((run.change_count, fills), (0, 1), "one fill for both schemes")
        self.assertEqual(
            self.codes([self.big, self.small, self.none], self.rules.browse(same.ids[1])),
            ["Buyer", "Buyer", None],
        )
        # a new run starts afresh: a partner added in between is classified
        newcomer = self.make_partner("Newcomer")
        self.make_invoice(newcomer, 50)
        self.recompute(same)
        self.assertEqual(self.codes([newcomer], self.rules), ["Small"])

    def test_a_filter_met_again_keeps_its_partners_until_evicted(self):
        """The partners of the last few filters stay in their tables: a
        filter met again after another is not filled again, unless more
        filters than there are tables came in between."""
        other = f"['&', ('id', '!=', 0), {self.domain[1:-1]}]"
        schemes = [self.buyers(f"test_slot_{i}", i) for i in range(4)]
        schemes[1].partner_domain = other  # X, Y, X, X
        every = self.rules.browse([s.id for s in schemes])
        self.recompute(every)
        _run, fills = self.recompute_counting_fills(every)
        self.assertEqual(fills, 2, "X, Y, then X from its table")
        # X, Y, Z, X: with two tables, Z takes X's, and X is filled again
        schemes[2].partner_domain = f"['&', ('id', '!=', -1), {self.domain[1:-1]}]"
        self.recompute(every)
        _run, fills = self.recompute_counting_fills(every)
        self.assertEqual(fills, 3, "X, Y, Z, then X from its table")
        with patch.object(classify, "UNIVERSE_SLOTS", 2):
            _run, fills = self.recompute_counting_fills(every)
        self.assertEqual(fills, 4, "X gave its table to Z: X again")
        for scheme in schemes:
            self.assertEqual(
                self.codes([self.big, self.small, self.none], scheme), ["Buyer", "Buyer", None]
            )

    # -- filters with ORs: a UNION of their conjunctions -----------------------------
    def test_or_branches_are_the_disjunctive_normal_form(self):
        a, b, c, x = ("a", "=", 1), ("b", "=", 2), ("c", "=", 3), ("x", "=", 0)
        self.assertEqual(classify.or_branches([]), [[]])
        self.assertEqual(classify.or_branches([a, x]), [[a, x]], "no OR: as it is")
        self.assertEqual(classify.or_branches(["|", a, ["b", "=", 2]]), [[a], [b]])
        self.assertEqual(
            classify.or_branches([x, "|", a, "|", b, c]),
            [["&", x, a], ["&", x, b], ["&", x, c]],
        )
        # a NOT goes down to the leaves first: !(a & b) is a != 1 or b != 2
        self.assertEqual(
            classify.or_branches(["!", "&", a, b]), [[("a", "!=", 1)], [("b", "!=", 2)]]
        )
        self.assertEqual(classify.or_branches(["!", "|", a, b]), [["!", "|", a, b]])
        # too many conjunctions (2**5 here): the filter runs as it is
        five = [t for k in range(5) for t in ("|", (f"a{k}", "=", 1), (f"b{k}", "=", 2))]
        self.assertEqual(classify.or_branches(five), [five])
        self.assertEqual(len(classify.or_branches(five, limit=32)), 32)

    def test_full_run_with_or_filter_classifies_what_the_orm_finds(self):
        self.mid.ref = "M"
        self.small.ref = "S"
        contact = self.env["res.partner"].create({"name": "Buyer", "parent_id": self.none.id})
        # Mid, Small, and None for its only contact, Buyer (a NOT over an OR)
        domain = (
            f"[('category_id', 'in', [{self.tag.id}]), '|', ('ref', '=', 'M'), "
            "'|', ['ref', '=', 'S'], '!', '|', ('child_ids.name', '!=', 'Buyer'), "
            "('child_ids', '=', False)]"
        )
        scheme = self.make_scheme(
            "test_or_full", "rules", [{"name": "Everyone", "code": "E"}], partner_domain=domain
        )
        self.recompute(scheme)
        expected = (
            self.env["res.partner"]
            .search([*literal_eval(domain), ("partner_share", "=", True)])
            .filtered(lambda p: p == p.commercial_partner_id)
        )
        classified = self.Assignment.search([("scheme_id", "=", scheme.id)]).partner_id
        self.assertEqual(classified, expected)
        self.assertEqual(classified, self.mid | self.small | self.none)
        self.assertNotIn(contact, classified)

    @on_reference_days
    def test_filters_count_days_from_the_reference_day(self):
        """A filter's context_today() is the run's day, as the metrics' windows."""
        old = self.make_partner("Bought 45 days ago")
        self.make_invoice(old, 3000, days_ago=45)
        recent = (
            "[('invoice_ids.invoice_date', '>=', "
            "(context_today() - relativedelta(days=30)).strftime('%Y-%m-%d'))]"
        )
        scheme = self.make_scheme(
            "test_recent",
            "rules",
            [{"name": "Recent", "partner_domain": recent}, {"name": "Earlier"}],
        )
        self.recompute(scheme)
        everyone = [self.big, self.mid, self.small, self.none, old]
        self.assertEqual(
            self.codes(everyone, scheme), ["Recent", "Recent", "Recent", "Earlier", "Earlier"]
        )

    def test_planner_estimates_the_commercial_partners(self):
        """The universe's test of a commercial partner is estimated from the
        statistics the addon keeps on the partners: most of them, not the
        0.5 % PostgreSQL assumes for a comparison of two columns (with which
        it probes each document subquery once per partner)."""
        Partner = self.env["res.partner"]
        Partner.create([{"name": f"Estimated {n}", "is_company": True} for n in range(400)])
        Partner.flush_model()
        self.env.cr.execute("ANALYZE res_partner")
        query = classify.universe_query(Partner.with_context(active_test=True), [], None)
        query.order = None

        def estimate(sql):
            self.env.cr.execute(SQL("EXPLAIN (FORMAT JSON) %s", sql))
            return self.env.cr.fetchone()[0][0]["Plan"]["Plan Rows"]

        self.env.cr.execute(SQL("SELECT COUNT(*) FROM (%s) u", query.subselect()))
        classified = self.env.cr.fetchone()[0]
        self.assertGreater(classified, 400)
        self.assertGreater(estimate(query.subselect()), classified / 2)
        # the same partners as the plain comparison, which is estimated far lower
        plain = SQL("SELECT id FROM res_partner WHERE id = commercial_partner_id")
        commercial = SQL("SELECT id FROM res_partner WHERE (id = commercial_partner_id) IS TRUE")
        self.env.cr.execute(SQL("(%s) EXCEPT (%s)", plain, commercial))
        self.assertFalse(self.env.cr.fetchall())
        self.assertLess(estimate(plain), classified / 10)
