# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Customer card check (``card_check``): flags, one to-do per flagged
partner for its salesperson, completeness per salesperson."""

from unittest.mock import patch

from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from ..models import res_partner as partner_module
from .common import SegmentationCase, on_reference_days


@tagged("post_install", "-at_install")
class TestCardCheck(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.env.ref("partner_segmentation.scheme_card_check")
        cls.todo_type = cls.env.ref("partner_segmentation.mail_activity_type_card_check")
        cls.seller = new_test_user(
            cls.env, "card_seller", groups="sales_team.group_sale_salesman", name="Card Seller"
        )
        cls.other_seller = new_test_user(
            cls.env, "card_seller2", groups="sales_team.group_sale_salesman", name="Other Seller"
        )
        channel = cls.env["partner.sales.channel"].search([], limit=1)
        card = {
            "customer_type": "retail",
            "governance_type": "independent",
            "sales_channel_id": channel.id,
            "user_id": cls.seller.id,
        }
        cls.fine = cls.make_partner("Card fine", **card)
        cls.make_order(cls.fine, amount=300, days_ago=30)
        # retail with a wholesale-size average order (6000 >= 5000), governance missing
        cls.big = cls.make_partner("Card big", **dict(card, governance_type=False))
        cls.make_order(cls.big, amount=4000, days_ago=30)
        cls.make_order(cls.big, amount=8000, days_ago=60)
        # "potential" that ordered this year
        cls.potential = cls.make_partner("Card potential", customer_status="potential", **card)
        cls.make_order(cls.potential, amount=100, days_ago=100)
        # channel missing, another salesperson; a customer (the card check is
        # for customers and prospects: a partner that never bought, has no
        # opportunity and is not marked potential has no card to check)
        cls.nochannel = cls.make_partner(
            "Card no channel", **dict(card, sales_channel_id=False, user_id=cls.other_seller.id)
        )
        cls.make_order(cls.nochannel, amount=200, days_ago=20)
        cls.partners = cls.fine | cls.big | cls.potential | cls.nochannel

    def todos(self, partners=None):
        return self.env["mail.activity"].search(
            [
                ("res_model", "=", "res.partner"),
                ("res_id", "in", (partners or self.partners).ids),
                ("activity_type_id", "=", self.todo_type.id),
            ]
        )

    @on_reference_days
    def test_flags_and_one_todo_per_partner(self):
        self.recompute(self.scheme, partners=self.partners)
        self.assertEqual(
            self.codes(self.partners, self.scheme),
            ["OK", "RETAIL_WHOLESALE", "POTENTIAL_BUYING", "INCOMPLETE"],
        )
        todos = self.todos()
        self.assertEqual(len(todos), 3)
        by_partner = {todo.res_id: todo for todo in todos}
        self.assertNotIn(self.fine.id, by_partner)
        big = by_partner[self.big.id]
        self.assertEqual(big.user_id, self.seller)
        self.assertEqual(big.date_deadline, self.today, "due on the day of the run")
        # names what to correct: the contradiction and the missing field
        self.assertIn("Retail, but orders like a wholesaler", big.note)
        self.assertIn("Governance", big.note)
        self.assertIn("Sales Channel", by_partner[self.nochannel.id].note)
        self.assertEqual(by_partner[self.nochannel.id].user_id, self.other_seller)
        # a second run adds nothing
        self.recompute(self.scheme, partners=self.partners)
        self.assertEqual(self.todos(), todos)
        # the card is corrected: the partner passes, its to-do is done
        self.nochannel.sales_channel_id = self.fine.sales_channel_id
        self.recompute(self.scheme, partners=self.partners)
        self.assertEqual(self.segment_of(self.nochannel, self.scheme).code, "OK")
        self.assertFalse(self.todos(self.nochannel))
        self.assertEqual(len(self.todos()), 2)

    def test_actions_work_a_page_of_partners_at_a_time(self):
        """A first classification flags most partners at once: the actions
        read and write them a page at a time.  With pages of two, a company
        met through two contacts in two pages gets one to-do, a partner
        without a salesperson none; a second call adds none; the 'complete'
        action closes them through the contacts."""
        Partner = self.env["res.partner"]
        company = self.make_partner("Card company", user_id=self.seller.id)
        one = Partner.create({"name": "Card contact one", "parent_id": company.id})
        two = Partner.create({"name": "Card contact two", "parent_id": company.id})
        loose = self.make_partner("Card loose", user_id=self.other_seller.id)
        nobody = self.make_partner("Card nobody")
        flagged = one | loose | nobody | two | company
        with patch.object(partner_module, "ACTION_PAGE", 2):
            pages = [page.ids for page in flagged._segment_action_pages()]
            self.assertEqual(pages, [(company | loose).ids, (nobody | company).ids, company.ids])
            flagged.action_segment_card_check_todo()
            todos = self.todos(company | loose | nobody)
            self.assertEqual(sorted(todos.mapped("res_id")), sorted((company | loose).ids))
            by_partner = {todo.res_id: todo for todo in todos}
            self.assertEqual(by_partner[company.id].user_id, self.seller)
            self.assertIn("Governance", by_partner[company.id].note)
            self.assertEqual(by_partner[loose.id].user_id, self.other_seller)
            flagged.action_segment_card_check_todo()
            self.assertEqual(self.todos(company | loose | nobody), todos)
            (nobody | two | loose).action_segment_card_check_done()
        self.assertFalse(self.todos(company | loose | nobody))

    @on_reference_days
    def test_thresholds_are_conditions(self):
        condition = self.env.ref("partner_segmentation.segment_card_retail_wholesale_cond1")
        self.assertEqual(condition.metric_id.code, "avg_order_value_12m")
        condition.value = 10000  # 6000 is no longer wholesale-size
        self.recompute(self.scheme, partners=self.partners)
        self.assertEqual(self.segment_of(self.big, self.scheme).code, "INCOMPLETE")

    @on_reference_days
    def test_completeness_per_salesperson(self):
        self.recompute(self.scheme, partners=self.partners)
        Report = self.env["partner.segment.card.completeness"].with_user(self.seller)
        rows = Report._read_group(
            [("partner_id", "in", self.partners.ids)],
            ["user_id"],
            ["completeness:avg", "correct:avg", "flagged_count:sum", "__count"],
        )
        figures = {
            user: (done, correct, flagged, count) for user, done, correct, flagged, count in rows
        }
        # seller: fine (complete), big (governance missing), potential (complete, flagged)
        done, correct, flagged, count = figures[self.seller]
        self.assertEqual(count, 3)
        self.assertAlmostEqual(done, 200 / 3, places=2)
        self.assertAlmostEqual(correct, 100 / 3, places=2)
        self.assertEqual(flagged, 2)
        self.assertEqual(figures[self.other_seller][0], 0)

    def test_completeness_needs_sales_rights(self):
        employee = new_test_user(self.env, "card_employee", groups="base.group_user")
        with self.assertRaises(AccessError):
            self.env["partner.segment.card.completeness"].with_user(employee).search([])
