# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The cockpit's figures (partner.segment.cockpit.get_cockpit_data), exact
on a few customers of one salesperson in two companies: invoices and a
credit note, the shipped Value ABC and Lifecycle schemes, a win-back
campaign with an order, segment changes; each figure's domain finds what
it counts; the filters change the figures; who may not is refused."""

import datetime

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import HttpCase, new_test_user, tagged

from .common import SegmentationCase
from .rpc import RpcMixin

COCKPIT = "partner.segment.cockpit"


@tagged("post_install", "-at_install")
class CockpitCase(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.company_a = cls.env.company
        cls.company_b = cls.env["res.company"].create(
            {"name": "Cockpit B", "currency_id": cls.company_a.currency_id.id}
        )
        both = {"company_ids": [Command.set((cls.company_a | cls.company_b).ids)]}
        cls.seller = new_test_user(
            cls.env,
            "cockpit_seller",
            groups="sales_team.group_sale_salesman_all_leads",
            company_id=cls.company_a.id,
            **both,
        )
        cls.team = cls.env["crm.team"].create(
            {"name": "Cockpit Team", "member_ids": [Command.link(cls.seller.id)]}
        )
        cls.manager = new_test_user(
            cls.env,
            "cockpit_manager",
            groups="sales_team.group_sale_salesman_all_leads,"
            "partner_segmentation.group_segmentation_user,account.group_account_readonly",
            company_id=cls.company_a.id,
            **both,
        )
        seller = {"user_id": cls.seller.id}
        cls.alpha = cls.make_partner("Cockpit Alpha", **seller)
        # Beta is A's, Gamma B's: their company is set once they are
        # invoiced and classified (a shipped scheme has no company)
        cls.beta = cls.make_partner("Cockpit Beta", **seller)
        cls.gamma = cls.make_partner("Cockpit Gamma", **seller)
        cls.other = cls.make_partner("Cockpit Other")  # another salesperson's: none
        cls.make_invoice(cls.alpha, 1000, days_ago=10)
        cls.make_invoice(cls.alpha, 200, days_ago=5, refund=True)
        cls.make_invoice(cls.beta, 400, days_ago=200)
        cls.make_invoice(cls.other, 9999, days_ago=10)
        # B has no chart of accounts in the test database: its invoice is
        # made in A and moved to B in SQL (company and amount are what count)
        move_b = cls.make_invoice(cls.gamma, 3000, days_ago=20)
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE account_move SET company_id = %s WHERE id = %s", [cls.company_b.id, move_b.id]
        )
        cls.env.invalidate_all()
        ref = cls.env.ref
        # the demo's classification by churn risk is left out: the churn
        # tile's own test classifies a customer
        cls.churn = ref("partner_segmentation.scheme_churn_risk")
        cls.env.flush_all()
        cls.env.cr.execute(
            "DELETE FROM partner_segment_assignment WHERE scheme_id = %s", [cls.churn.id]
        )
        cls.env.invalidate_all()
        cls.a = ref("partner_segmentation.segment_abc_a")
        cls.c = ref("partner_segmentation.segment_abc_c")
        cls.at_risk = ref("partner_segmentation.segment_life_at_risk")
        cls.lost = ref("partner_segmentation.segment_life_lost")
        Assignment = cls.env["partner.segment.assignment"]
        for partner, segment in (
            (cls.alpha, cls.a),
            (cls.beta, cls.c),
            (cls.gamma, cls.a),
            (cls.beta, cls.at_risk),
            (cls.gamma, cls.lost),
            (cls.other, cls.lost),
        ):
            Assignment.set_manual(partner, segment, "cockpit test")
        cls.beta.company_id = cls.company_a
        cls.gamma.company_id = cls.company_b
        # the changes happened three days before the reference day
        cls.env.flush_all()
        cls.env.cr.execute(
            "UPDATE partner_segment_history SET date = %s WHERE partner_id IN %s",
            [
                datetime.datetime.combine(cls.days_ago(3), datetime.time(9)),
                (cls.alpha | cls.beta | cls.gamma | cls.other)._ids,
            ],
        )
        campaign = cls.env["partner.segment.winback.campaign"].create(
            {"name": "Cockpit win-back", "date_start": cls.days_ago(20)}
        )
        cls.env["partner.segment.winback.line"].create(
            [
                {"campaign_id": campaign.id, "partner_id": cls.alpha.id, "outcome": "won_back"},
                {"campaign_id": campaign.id, "partner_id": cls.beta.id},
            ]
        )
        cls.make_order(cls.alpha, 250, days_ago=5)
        cls.make_order(cls.alpha, 70, days_ago=30)  # before the campaign

    def cockpit(self, user=None, companies=None, **filters):
        user = user or self.manager
        companies = companies or (self.company_a | self.company_b)
        env = self.env(user=user, context=dict(self.env.context, allowed_company_ids=companies.ids))
        return env["partner.segment.cockpit"].get_cockpit_data(
            {"user_id": self.seller.id, **filters}
        )

    def tiles(self, data):
        return {tile["key"]: tile for tile in data["tiles"]}

    def values(self, data):
        return {key: tile["value"] for key, tile in self.tiles(data).items()}

    def assertCounts(self, data, companies=None):
        """Each figure's records, searched as the user in the same companies,
        are the ones it counts."""
        companies = companies or (self.company_a | self.company_b)
        env = self.env(
            user=self.manager, context=dict(self.env.context, allowed_company_ids=companies.ids)
        )
        tiles = self.tiles(data)
        for key in ("at_risk", "churn"):
            if key in tiles:
                action = tiles[key]["action"]
                found = env[action["res_model"]].search_count(action["domain"])
                self.assertEqual(found, tiles[key]["value"], key)
        for segment in data["segments"]:
            action = segment["action"]
            self.assertEqual(
                env[action["res_model"]].search_count(action["domain"]), segment["customers"]
            )
        for mover in data["movers"]:
            action = mover["action"]
            self.assertEqual(
                env[action["res_model"]].search_count(action["domain"]), mover["count"]
            )


class TestCockpitFigures(CockpitCase):
    def test_both_companies(self):
        data = self.cockpit()
        self.assertEqual((data["date_from"], data["date_to"]), ("2025-07-01", "2026-06-30"))
        values = self.values(data)
        # revenue 800 (1,000 less the 200 credit note) + 400 + 3,000; A: 800 + 3,000
        self.assertAlmostEqual(values["a_share"], 3800 / 4200)
        self.assertEqual(self.tiles(data)["a_share"]["sub"], "Customers: 2")
        self.assertEqual(values["at_risk"], 2)
        self.assertAlmostEqual(values["revenue_at_risk"], 3400)
        self.assertAlmostEqual(values["winback_rate"], 0.5)
        self.assertAlmostEqual(values["winback_revenue"], 250)
        self.assertNotIn("churn", values, "no churn risk scheme")
        by_name = {s["name"]: (s["customers"], s["revenue"]) for s in data["segments"]}
        self.assertEqual(by_name, {"A": (2, 3800), "B": (0, 0), "C": (1, 400)})
        self.assertEqual(
            [(m["from"], m["to"], m["count"]) for m in data["movers"]],
            [("Not classified", "A", 2), ("Not classified", "C", 1)],
        )
        self.assertCounts(data)

    def test_company_a_sees_nothing_of_b(self):
        for companies, data in (
            (self.company_a, self.cockpit(companies=self.company_a)),
            (None, self.cockpit(company_id=self.company_a.id)),
        ):
            values = self.values(data)
            self.assertAlmostEqual(values["a_share"], 800 / 1200)
            self.assertEqual(values["at_risk"], 1)
            self.assertAlmostEqual(values["revenue_at_risk"], 400)
            by_name = {s["name"]: s["customers"] for s in data["segments"]}
            self.assertEqual(by_name, {"A": 1, "B": 0, "C": 1})
            self.assertEqual(
                [(m["from"], m["to"], m["count"]) for m in data["movers"]],
                [("Not classified", "A", 1), ("Not classified", "C", 1)],
            )
            self.assertCounts(data, companies)

    def test_filters_change_figures(self):
        # three months: Beta's invoice of 200 days ago is out, Gamma's (lost) in
        values = self.values(self.cockpit(period="3m"))
        self.assertAlmostEqual(values["a_share"], 1.0)
        self.assertAlmostEqual(values["revenue_at_risk"], 3000)
        # last year (2025): nothing invoiced, no campaign
        values = self.values(self.cockpit(period="last_year"))
        self.assertEqual(values["a_share"], 0.0)
        self.assertEqual(values["winback_rate"], 0.0)
        # the sales team of the salesperson, then another team: nobody
        self.assertEqual(self.values(self.cockpit(team_id=self.team.id))["at_risk"], 2)
        other_team = self.env["crm.team"].create({"name": "Cockpit Other Team"})
        self.assertEqual(self.values(self.cockpit(team_id=other_team.id))["at_risk"], 0)
        # Lifecycle chosen: its segments and movers
        lifecycle = self.env.ref("partner_segmentation.scheme_lifecycle")
        data = self.cockpit(scheme_id=lifecycle.id)
        by_code = {s["id"]: s["customers"] for s in data["segments"]}
        self.assertEqual((by_code[self.at_risk.id], by_code[self.lost.id]), (1, 1))
        self.assertEqual(
            {(m["to"], m["count"]) for m in data["movers"]}, {("At risk", 1), ("Lost", 1)}
        )
        self.assertCounts(data)

    def test_movers_counted_in_the_users_days(self):
        """The last 30 days are the user's (Auckland, UTC+12 in June): a
        change at 13:00 UTC on the eve of the first day is in, one at 13:00
        UTC on the last day is on the next day there, out."""
        self.manager.tz = "Pacific/Auckland"
        date_from, date_to = datetime.date(2026, 6, 1), datetime.date(2026, 6, 30)
        self.env.flush_all()
        for partner, moment in (
            (self.beta, datetime.datetime(2026, 5, 31, 13)),
            (self.gamma, datetime.datetime(2026, 6, 30, 13)),
        ):
            self.env.cr.execute(
                "UPDATE partner_segment_history SET date = %s WHERE partner_id = %s",
                [moment, partner.id],
            )
        data = self.cockpit(period="30d")
        self.assertEqual((data["date_from"], data["date_to"]), (str(date_from), str(date_to)))
        moved = [(m["from"], m["to"], m["count"]) for m in data["movers"]]
        self.assertEqual(moved, [("Not classified", "A", 1), ("Not classified", "C", 1)])
        self.assertCounts(data)
        # the same changes counted in UTC's days: Gamma in, Beta out
        self.manager.tz = "UTC"
        moved = [(m["from"], m["to"], m["count"]) for m in self.cockpit(period="30d")["movers"]]
        self.assertEqual(moved, [("Not classified", "A", 2)])

    def test_churn_tile_once_the_scheme_has_assignments(self):
        self.assertNotIn("churn", self.values(self.cockpit()), "no assignment yet")
        high = self.churn.segment_ids.filtered(lambda s: s.code == "CHURN_HIGH")
        self.assertEqual(len(high), 1)
        self.env["partner.segment.assignment"].set_manual(self.alpha, high, "test")
        data = self.cockpit()
        self.assertEqual(self.values(data)["churn"], 1)
        self.assertCounts(data)

    def test_refused(self):
        employee = new_test_user(self.env, "cockpit_employee", groups="base.group_user")
        with self.assertRaisesRegex(AccessError, "Only segmentation users may open the cockpit"):
            self.cockpit(user=employee, companies=self.company_a)
        # a company the user may not see, asked for by its id
        only_a = new_test_user(
            self.env,
            "cockpit_only_a",
            groups="partner_segmentation.group_segmentation_user",
            company_id=self.company_a.id,
            company_ids=[Command.set(self.company_a.ids)],
        )
        with self.assertRaisesRegex(AccessError, "may not see the figures of this company"):
            self.cockpit(user=only_a, companies=self.company_a, company_id=self.company_b.id)

    def test_without_invoice_access_no_revenue(self):
        user = new_test_user(
            self.env, "cockpit_seg_only", groups="partner_segmentation.group_segmentation_user"
        )
        values = self.values(self.cockpit(user=user, companies=self.company_a))
        self.assertNotIn("a_share", values)
        self.assertNotIn("revenue_at_risk", values)
        self.assertEqual(values["at_risk"], 1)
        self.assertAlmostEqual(values["winback_rate"], 0.5, "employees read win-back lines")


@tagged("post_install", "-at_install")
class TestCockpitRpc(RpcMixin, CockpitCase, HttpCase):
    """Over XML-RPC, as the client calls it: a user of company A sees
    nothing of company B (counts of today's segments, which no period
    changes, and the customers a figure opens); a company not theirs is
    refused, so is a user without segmentation rights."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.only_a = new_test_user(
            cls.env,
            "cockpit_rpc_a",
            groups="sales_team.group_sale_salesman_all_leads,"
            "partner_segmentation.group_segmentation_user,account.group_account_readonly",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )

    def call(self, user, **filters):
        return self.rpc(user, COCKPIT, "get_cockpit_data", {"user_id": self.seller.id, **filters})

    def test_company_a_user_sees_nothing_of_b(self):
        both = self.call(self.manager)  # both companies: B's customer is counted
        self.assertEqual(self.values(both)["at_risk"], 2)
        data = self.call(self.only_a)
        self.assertEqual(self.values(data)["at_risk"], 1)
        self.assertEqual(
            {s["name"]: s["customers"] for s in data["segments"]}, {"A": 1, "B": 0, "C": 1}
        )
        action = self.tiles(data)["at_risk"]["action"]
        found = self.rpc(
            self.only_a, action["res_model"], "search_read", action["domain"], ["name"]
        )
        self.assertEqual([row["name"] for row in found], ["Cockpit Beta"])
        self.assertNotIn("Cockpit B", [name for _id, name in data["options"]["companies"]])

    def test_refused(self):
        self.assertRpcRefused(
            "may not see the figures of this company",
            self.only_a,
            COCKPIT,
            "get_cockpit_data",
            {"company_id": self.company_b.id},
        )
        with self.rpc_refused("Access to unauthorized or invalid companies"):
            self.rpc(
                self.only_a,
                COCKPIT,
                "get_cockpit_data",
                {},
                context={"allowed_company_ids": (self.company_a | self.company_b).ids},
            )
        employee = new_test_user(self.env, "cockpit_rpc_employee", groups="base.group_user")
        self.assertRpcRefused(
            "Only segmentation users may open the cockpit",
            employee,
            COCKPIT,
            "get_cockpit_data",
            {},
        )
