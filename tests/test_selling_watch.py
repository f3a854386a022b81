# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""My customers to watch: each salesperson sees their own customers who
entered a watched segment (in the last 30 days, still there), with the
segment they left and their 12-month revenue, and plans an activity from
the list; a salesperson who sees all documents sees everyone's; the weekly
summary is one e-mail per salesperson, never one per customer."""

from odoo import fields
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .common import SegmentationCase


@tagged("post_install", "-at_install")
class TestSellingWatch(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.seller1 = new_test_user(
            cls.env,
            "watch_sales1",
            groups="sales_team.group_sale_salesman",
            name="Rasa Seller",
            email="rasa@example.com",
        )
        cls.seller2 = new_test_user(
            cls.env,
            "watch_sales2",
            groups="sales_team.group_sale_salesman",
            name="Ivan Seller",
            email="ivan@example.com",
        )
        cls.head = new_test_user(
            cls.env,
            "watch_head",
            groups="sales_team.group_sale_salesman_all_leads",
            name="Head of Sales",
        )
        cls.employee = new_test_user(cls.env, "watch_employee", groups="base.group_user")
        cls.a1 = cls.make_partner("Alytaus Prekyba", user_id=cls.seller1.id)
        cls.a2 = cls.make_partner("Kaunas Market", user_id=cls.seller1.id)
        cls.b1 = cls.make_partner("Plovdiv Stores", user_id=cls.seller2.id)
        cls.steady = cls.make_partner("Steady Buyer", user_id=cls.seller1.id)
        # revenue dated from the real day: the list counts 12 months back from it
        days = (cls.today - fields.Date.today()).days
        cls.make_invoice(cls.a1, 1200, days_ago=days + 10)
        cls.make_invoice(cls.a1, 300, days_ago=days + 400)  # older than 12 months
        cls.scheme = cls.make_scheme(
            "test_lifecycle",
            "rules",
            [
                {
                    "name": "At risk",
                    "code": "RISK",
                    "partner_domain": "[('ref', '=', 'LATE')]",
                    "watch": True,
                },
                {"name": "Regular"},
            ],
        )
        cls.at_risk, cls.regular = cls.scheme.segment_ids.sorted("sequence")
        cls.Watch = cls.env["partner.segment.watch"]

    def setUp(self):
        super().setUp()
        self.recompute(self.scheme)  # everyone Regular
        (self.a1 | self.a2 | self.b1).ref = "LATE"
        self.recompute(self.scheme)  # three enter At risk

    def test_each_salesperson_sees_own(self):
        lines = self.Watch.with_user(self.seller1).search([])
        self.assertEqual(lines.partner_id, self.a1 | self.a2)
        line = lines.filtered(lambda line: line.partner_id == self.a1)
        self.assertEqual(line.segment_id, self.at_risk)
        self.assertEqual(line.from_segment_id, self.regular)
        self.assertEqual(line.revenue_12m, 1200.0)
        self.assertEqual(self.Watch.with_user(self.seller2).search([]).partner_id, self.b1)
        # (the demo's customers may be watched too: only the test's are compared)
        mine = [("partner_id", "in", (self.a1 | self.a2 | self.b1 | self.steady).ids)]
        self.assertEqual(
            self.Watch.with_user(self.head).search(mine).partner_id, self.a1 | self.a2 | self.b1
        )
        with self.assertRaises(AccessError):
            self.Watch.with_user(self.employee).search([])
        # not watched any more once they leave the segment
        self.a2.ref = False
        self.recompute(self.scheme)
        self.assertEqual(self.Watch.with_user(self.seller1).search([]).partner_id, self.a1)

    def test_plan_activity(self):
        line = self.Watch.with_user(self.seller1).search([("partner_id", "=", self.a1.id)])
        action = line.action_plan_activity()
        activity = (
            self.env["mail.activity"]
            .with_user(self.seller1)
            .with_context(**action["context"])
            .create({"activity_type_id": self.env.ref("mail.mail_activity_data_call").id})
        )
        self.assertEqual(activity.res_model, "res.partner")
        self.assertEqual(activity.res_id, self.a1.id)
        self.assertEqual(activity.user_id, self.seller1)
        self.assertIn("At risk", activity.summary)

    def test_weekly_summary_one_mail_per_salesperson(self):
        mails = self.Watch._cron_weekly_summary()
        # (the demo's salespersons may get theirs: only the test's are compared)
        mails = mails.filtered(
            lambda mail: any(a in mail.email_to for a in ("rasa@example.com", "ivan@example.com"))
        )
        self.assertEqual(len(mails), 2, "one per salesperson, not one per customer")
        by_user = {mail.email_to: mail for mail in mails}
        mail1 = next(m for to, m in by_user.items() if "rasa@example.com" in to)
        self.assertIn("Alytaus Prekyba", mail1.body_html)
        self.assertIn("Kaunas Market", mail1.body_html)
        self.assertNotIn("Plovdiv", mail1.body_html)
        self.assertIn("2 this week", mail1.subject)
