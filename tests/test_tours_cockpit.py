# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The cockpit on the demo data, at desktop and phone sizes: its figures
(computed here from the records, as the manager reads them), a figure
opening exactly its customers, the salesperson filter changing a figure;
and the marketer's path from Email Marketing to a mailing by segment."""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tests import new_test_user, tagged

from .test_tours import SegmentationTourCase


def percent(value):
    """As the cockpit shows a share (one decimal, no trailing zero)."""
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


@tagged("post_install", "-at_install")
class TestCockpitTour(SegmentationTourCase):
    browser_size = "1440x900"

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager = new_test_user(
            cls.env,
            "tour_cockpit_manager",
            groups="sales_team.group_sale_manager,partner_segmentation.group_segmentation_user",
            # the headless browser's time zone: the cockpit's period ends on
            # the day of the request's context, the figures below on the user's
            tz="UTC",
        )

    def money(self, value):
        currency = self.env.company.currency_id
        amount = f"{round(value):,}"
        if currency.position == "after":
            return f"{amount}\u00a0{currency.symbol}"
        return f"{currency.symbol}\u00a0{amount}"

    def expected(self):
        """The figures, from the records the manager may read."""
        env = self.env(user=self.manager)
        ref = self.env.ref
        risk = ref("partner_segmentation.segment_life_at_risk") | ref(
            "partner_segmentation.segment_life_lost"
        )
        a = ref("partner_segmentation.segment_abc_a")
        today = fields.Date.context_today(self.manager.with_context(tz=self.manager.tz))
        date_from = today - relativedelta(years=1, days=-1)
        revenue = dict(
            env["account.move"]._read_group(
                [
                    ("move_type", "in", ("out_invoice", "out_refund")),
                    ("state", "=", "posted"),
                    ("invoice_date", ">=", date_from),
                    ("invoice_date", "<=", today),
                ],
                ["commercial_partner_id"],
                ["amount_untaxed_signed:sum"],
            )
        )
        Partner = env["res.partner"]

        def members(segments, user=None):
            domain = [("user_id", "=", user.id)] if user else []
            return Partner.search(
                [
                    ("parent_id", "=", False),
                    ("segment_assignment_ids.segment_id", "in", segments.ids),
                    *domain,
                ]
            )

        total = sum(revenue.values())
        a_revenue = sum(revenue.get(p, 0) for p in members(a))
        at_risk = members(risk)
        lines = env["partner.segment.winback.line"].search(
            [("date_start", ">=", date_from), ("date_start", "<=", today)]
        )
        won = lines.filtered(lambda line: line.outcome == "won_back")
        # the salesperson with the most customers at risk or lost
        salesperson = max(
            at_risk.user_id, key=lambda u: len(at_risk.filtered(lambda p, u=u: p.user_id == u))
        )
        self.assertGreater(len(at_risk), len(members(risk, salesperson)))
        return {
            "a_share": percent(a_revenue / total),
            "abc_a": len(members(a)),
            "at_risk": len(at_risk),
            "revenue_at_risk": self.money(sum(revenue.get(p, 0) for p in at_risk)),
            "winback_rate": percent(len(won) / len(lines) if lines else 0),
            "salesperson_id": salesperson.id,
            "salesperson_at_risk": len(members(risk, salesperson)),
        }

    def test_cockpit(self):
        expected = self.expected()
        self.assertGreater(expected["at_risk"], 0)
        self.start_tour_expecting(
            "/odoo/action-partner_segmentation.action_cockpit",
            "partner_segmentation_cockpit",
            login=self.manager.login,
            **expected,
        )


@tagged("post_install", "-at_install")
class TestCockpitTourMobile(TestCockpitTour):
    browser_size = "390x844"
    touch_enabled = True


@tagged("post_install", "-at_install")
class TestMarketerPathTour(SegmentationTourCase):
    def test_marketer_path(self):
        marketer = new_test_user(
            self.env, "tour_path_marketer", groups="mass_mailing.group_mass_mailing_user"
        )
        self.assertFalse(marketer.has_group("partner_segmentation.group_segmentation_user"))
        lost, customer, _silent = self._lost_customers()
        self.start_tour_expecting(
            "/odoo", "partner_segmentation_marketer_path", login=marketer.login, recipients=1
        )
        mailing = self.env["mailing.mailing"].search([("subject", "=", "Come back to us")])
        self.assertEqual(mailing.segment_ids, lost)
        self.assertEqual(mailing.create_uid, marketer)
        self.assertIn(customer.id, mailing._get_recipients())

    def test_marketer_menus(self):
        """The marketer sees Segments and Mailing by Segment in Email
        Marketing, and no Segmentation menu elsewhere."""
        marketer = new_test_user(
            self.env, "tour_menu_marketer", groups="mass_mailing.group_mass_mailing_user"
        )
        visible = self.env["ir.ui.menu"].with_user(marketer)._visible_menu_ids()
        ref = self.env.ref
        for xmlid in ("menu_mass_mailing_segments", "menu_mass_mailing_by_segment"):
            self.assertIn(ref(f"partner_segmentation.{xmlid}").id, visible)
        self.assertNotIn(ref("partner_segmentation.menu_segmentation_root").id, visible)
