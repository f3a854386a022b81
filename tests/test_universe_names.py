# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who the shipped schemes classify (customers and prospects, never the
database's companies or internal users, not vendors we only buy from), the
count the scheme form shows, and segments named "Scheme: Segment"."""

from lxml import etree

from odoo import Command
from odoo.addons.partner_segmentation.engine import classify, domains
from odoo.exceptions import UserError
from odoo.tests import Form, new_test_user, tagged
from odoo.tools import SQL
from odoo.tools.safe_eval import safe_eval

from .common import SegmentationCase

# the shipped schemes of customers and prospects, and those of buyers only
CUSTOMER_SCHEMES = (
    "value_abc",
    "size",
    "lifecycle",
    "prospect_likelihood",
    "growth",
    "wallet_volume",
    "card_check",
)
BUYER_SCHEMES = ("rfm_r", "rfm_f", "rfm_m", "rfm", "volume_units")
# schemes whose segments take every partner they consider (rules schemes
# such as Customer size leave out the partners no segment's conditions fit)
# the schemes that classify their whole universe (Value ABC and Volume in
# units leave out the partners with no revenue or no unit in 12 months;
# rules schemes those their rules miss)
COVERING_SCHEMES = ("lifecycle", "card_check", "rfm_r", "rfm_f", "rfm_m", "rfm", "credit")


@tagged("post_install", "-at_install")
class TestShippedUniverse(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        make = cls.make_partner
        # never classified, whatever they did
        cls.own = cls.env.company.partner_id
        cls.own.category_id = [Command.link(cls.tag.id)]
        cls.sister = cls.env["res.company"].create({"name": "Sister company"}).partner_id
        cls.sister.category_id = [Command.link(cls.tag.id)]
        cls.make_order(cls.sister, 300)
        cls.make_invoice(cls.sister, 300)
        staff = new_test_user(cls.env, login="seg_staff", groups="base.group_user")
        cls.staff = staff.partner_id
        cls.staff.category_id = [Command.link(cls.tag.id)]
        cls.make_invoice(cls.staff, 50)
        former = new_test_user(cls.env, login="seg_former", groups="base.group_user")
        cls.former = former.partner_id
        cls.former.category_id = [Command.link(cls.tag.id)]
        cls.make_order(cls.former, 70)
        former.active = False
        # not customers nor prospects
        cls.vendor = make("Vendor we buy from")
        cls.env["account.move"].create(
            {
                "move_type": "in_invoice",
                "partner_id": cls.vendor.id,
                "invoice_date": cls.days_ago(5),
                "invoice_line_ids": [
                    Command.create({"name": "Supplies", "quantity": 1, "price_unit": 400})
                ],
            }
        ).action_post()
        cls.nothing = make("Nothing at all")
        cls.quoted = make("Quotation only")
        cls.env["sale.order"].create(
            {
                "partner_id": cls.quoted.id,
                "order_line": [Command.create({"product_id": cls.product.id, "price_unit": 9})],
            }
        )
        cls.lead_only = make("Lead, no opportunity")
        Lead = cls.env["crm.lead"]
        Lead.create({"name": "A lead", "type": "lead", "partner_id": cls.lead_only.id})
        # customers and prospects
        cls.potential = make("Marked potential", customer_status="potential")
        cls.prospect = make("Open opportunity")
        Lead.create({"name": "Deal", "type": "opportunity", "partner_id": cls.prospect.id})
        cls.lost = make("Lost opportunity")
        Lead.create(
            {"name": "Lost deal", "type": "opportunity", "partner_id": cls.lost.id}
        ).action_set_lost()
        cls.buyer = make("Buyer through a contact")
        cls.buyer_contact = cls.env["res.partner"].create(
            {"name": "Buyer's contact", "parent_id": cls.buyer.id}
        )
        cls.make_order(cls.buyer_contact, 200)
        cls.invoiced = make("Invoiced")
        cls.make_invoice(cls.invoiced, 500)
        cls.refunded = make("Credit note only")
        cls.make_invoice(cls.refunded, 80, refund=True)
        cls.customers = (
            cls.potential | cls.prospect | cls.lost | cls.buyer | cls.invoiced | cls.refunded
        )
        cls.never = cls.own | cls.sister | cls.staff | cls.former
        cls.not_customers = cls.vendor | cls.nothing | cls.quoted | cls.lead_only
        cls.mine = cls.customers | cls.never | cls.not_customers
        cls.shipped = cls.Scheme.browse(
            cls.env["ir.model.data"]
            .search([("module", "=", "partner_segmentation"), ("model", "=", cls.Scheme._name)])
            .mapped("res_id")
        ).filtered("active")

    def scheme(self, code):
        return self.shipped.filtered(lambda s: s.code == code)

    def classified(self, scheme):
        """Which of this test's partners ``scheme`` gave a segment."""
        return self.Assignment.search(
            [
                ("scheme_id", "=", scheme.id),
                ("segment_id", "!=", False),
                ("partner_id", "in", self.mine.ids),
            ]
        ).partner_id

    def form_count(self, scheme):
        """The count the scheme form shows under its partner filter: the
        domain widget counts with the context of the form's field."""
        arch = etree.fromstring(self.Scheme.get_view(view_type="form")["arch"])
        (node,) = arch.xpath("//field[@name='partner_domain'][not(ancestor::field)]")
        context = safe_eval(node.get("context"), {"company_id": scheme.company_id.id})
        domain = domains.eval_domain(self.env, scheme.partner_domain)
        return self.env["res.partner"].with_context(**context).search_count(domain)

    def test_shipped_schemes_classify_customers_and_prospects(self):
        self.assertEqual(
            sorted(self.shipped.mapped("code")),
            sorted([*CUSTOMER_SCHEMES, *BUYER_SCHEMES, "credit", "churn_risk"]),
        )
        self.recompute(self.shipped)
        for code in CUSTOMER_SCHEMES:
            classified = self.classified(self.scheme(code))
            with self.subTest(scheme=code):
                self.assertFalse(classified - self.customers, "only customers and prospects")
        for code in ("lifecycle", "card_check"):
            with self.subTest(scheme=code):
                self.assertEqual(self.classified(self.scheme(code)), self.customers)
        # Value ABC leaves out the customers and prospects with no invoiced
        # revenue in 12 months (no activity is not a rank)
        revenue = self.env.ref("partner_segmentation.metric_revenue_12m")
        values = revenue.values_for_partners(self.customers)
        active = self.customers.filtered(lambda p: values.get(p.id))
        self.assertTrue(active and active != self.customers)
        self.assertEqual(self.classified(self.scheme("value_abc")), active)
        for code in BUYER_SCHEMES:
            with self.subTest(scheme=code):
                # the sister company and a former colleague bought too: never classified
                self.assertEqual(self.classified(self.scheme(code)), self.buyer)
        # churn risk: buyers whose forecast gives a value (none below the
        # forecast's minimum), never the sister company or a former colleague
        churn = self.classified(self.scheme("churn_risk"))
        self.assertFalse(churn - self.buyer, "churn risk classifies buyers only")
        credit = self.classified(self.scheme("credit"))
        self.assertFalse(credit & self.never, "the credit scheme leaves out own partners too")
        self.assertEqual(credit & self.invoiced, self.invoiced)
        # what a marketer sees: the prospects are prospects, our own are nobody
        lifecycle = self.scheme("lifecycle")
        prospects = self.env.ref("partner_segmentation.segment_life_prospect")
        for partner in self.potential | self.prospect | self.lost:
            self.assertEqual(self.segment_of(partner, lifecycle), prospects, partner.name)
        for partner in self.never | self.not_customers:
            self.assertFalse(partner.segment_ids, partner.name)
        self.assertEqual(self.buyer_contact.segment_ids, self.buyer.segment_ids)

    def test_form_count_is_the_runs_universe(self):
        self.recompute(self.shipped)
        for scheme in self.shipped:
            count = self.form_count(scheme)
            self.env.cr.execute(
                SQL("SELECT COUNT(*) FROM (%s) u", classify._universe(self.env, scheme))
            )
            with self.subTest(scheme=scheme.code):
                self.assertEqual(count, self.env.cr.fetchone()[0])
                self.assertGreaterEqual(count, scheme.partner_count)
                if scheme.code in COVERING_SCHEMES:
                    self.assertEqual(count, scheme.partner_count)
        # the list the filter opens: the same partners, none of our own
        lifecycle = self.scheme("lifecycle")
        listed = (
            self.env["res.partner"]
            .with_context(segmentation_universe={"company_id": False})
            .search(domains.eval_domain(self.env, lifecycle.partner_domain))
        )
        self.assertEqual(listed & self.mine, self.customers)
        self.assertEqual(len(listed), lifecycle.partner_count)

    def test_form_count_follows_an_unsaved_filter_and_the_company(self):
        lifecycle = self.scheme("lifecycle")
        Partner = self.env["res.partner"]
        everyone = Partner.with_context(segmentation_universe={"company_id": False})
        # a filter of every partner: still neither own partners nor contacts
        found = everyone.search([("id", "in", self.mine.ids + self.buyer_contact.ids)])
        self.assertEqual(found, self.customers | self.not_customers)
        self.assertEqual(everyone.search_count([("id", "in", self.mine.ids)]), len(found))
        # a scheme of another company: that company's partners and shared ones
        other = self.env["res.company"].create({"name": "Other company"})
        self.potential.company_id = other
        self.prospect.company_id = self.env.company
        of_other = Partner.with_context(segmentation_universe={"company_id": other.id})
        domain = domains.eval_domain(self.env, lifecycle.partner_domain)
        self.assertEqual(of_other.search(domain) & self.mine, self.customers - self.prospect)
        # without the context: the plain search, contacts and own partners included
        self.assertIn(self.own, Partner.search([("id", "in", self.mine.ids)]))

    def test_filter_runs_as_branches_and_a_partial_run_agrees(self):
        Partner = self.env["res.partner"]
        domain = classify.inline_searches(Partner, [("customer_or_prospect", "=", True)])
        # one branch per source: orders, invoices, opportunities, the card
        self.assertEqual(len(classify.or_branches(domain)), 4)
        self.assertEqual(
            Partner.search([*domain, ("id", "in", self.mine.ids)]),
            Partner.search([("customer_or_prospect", "=", True), ("id", "in", self.mine.ids)]),
        )
        lifecycle = self.scheme("lifecycle")
        self.recompute(lifecycle, self.mine)
        partial = {p: self.segment_of(p, lifecycle) for p in self.mine}
        self.recompute(lifecycle)
        self.assertEqual(partial, {p: self.segment_of(p, lifecycle) for p in self.mine})
        self.assertEqual(self.classified(lifecycle), self.customers)

    def test_customer_or_prospect_field(self):
        everyone = self.mine | self.buyer_contact
        self.assertEqual(
            everyone.filtered("customer_or_prospect"), self.customers | self.buyer_contact
        )
        Partner = self.env["res.partner"].with_context(active_test=False)
        self.assertEqual(
            Partner.search([("id", "in", everyone.ids), ("customer_or_prospect", "=", False)]),
            self.never | self.not_customers,
        )
        self.assertEqual(
            Partner.search([("id", "in", everyone.ids), ("customer_or_prospect", "!=", True)]),
            self.never | self.not_customers,
        )
        # a quotation confirmed makes a customer, at once
        order = self.quoted.sale_order_ids
        order.action_confirm()
        self.quoted.invalidate_recordset(["customer_or_prospect"])
        self.assertTrue(self.quoted.customer_or_prospect)
        with self.assertRaisesRegex(UserError, "Unsupported search on 'Customer or Prospect'"):
            Partner.search([("customer_or_prospect", "in", [True])])

    def test_own_partners_are_left_out_of_any_scheme(self):
        """A scheme of every partner (the default filter) leaves out the
        database's companies and internal users too."""
        scheme = self.make_scheme("test_all", "rules", [{"name": "All"}], partner_domain="[]")
        self.recompute(scheme)
        self.assertEqual(self.classified(scheme), self.customers | self.not_customers)


@tagged("post_install", "-at_install")
class TestSegmentNames(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.Segment = cls.env["partner.segment"]
        ref = cls.env.ref
        cls.abc_a = ref("partner_segmentation.segment_abc_a")
        cls.life_lost = ref("partner_segmentation.segment_life_lost")
        cls.rfm_lost = ref("partner_segmentation.segment_rfm_lost")

    def names(self, text, operator="ilike"):
        return [name for _id, name in self.Segment.name_search(text, operator=operator)]

    def test_full_name_finds_the_segment(self):
        self.assertEqual(self.abc_a.display_name, "Value ABC: A")
        self.assertEqual(self.names("Value ABC: A"), ["Value ABC: A"])
        self.assertEqual(self.names("value abc:a"), ["Value ABC: A"])
        self.assertEqual(self.names("Value ABC: A", operator="="), ["Value ABC: A"])
        self.assertEqual(self.names("Value ABC:"), ["Value ABC: A", "Value ABC: B", "Value ABC: C"])
        self.assertEqual(self.names("Lifecycle: Lost"), ["Lifecycle: Lost"])
        self.assertEqual(self.names("Value ABC: Lost"), [])
        self.assertEqual(self.names("Nothing: A"), [])
        # a segment name with a colon of its own
        self.assertEqual(
            self.names("Payment behaviour: Risk: over"),
            ["Payment behaviour: Risk: over credit limit"],
        )
        self.assertEqual(
            self.names("Risk: over credit"), ["Payment behaviour: Risk: over credit limit"]
        )

    def test_a_name_finds_it_in_every_scheme(self):
        lost = self.Segment.search([("display_name", "ilike", "Lost")])
        self.assertIn(self.life_lost, lost)
        self.assertIn(self.rfm_lost, lost)
        names = self.names("Lost")
        self.assertIn("Lifecycle: Lost", names)
        self.assertIn("RFM: Lost", names)
        # the scheme's name still finds its segments
        self.assertEqual(len(self.names("Value ABC")), 3)

    def test_negative_search_leaves_out_the_full_name(self):
        others = self.Segment.search([("display_name", "not ilike", "Value ABC: A")])
        self.assertNotIn(self.abc_a, others)
        self.assertIn(self.env.ref("partner_segmentation.segment_abc_b"), others)
        self.assertIn(self.life_lost, others)
        others = self.Segment.search([("display_name", "!=", "Value ABC: A")])
        self.assertNotIn(self.abc_a, others)
        self.assertIn(self.env.ref("partner_segmentation.segment_abc_b"), others)

    def test_mailing_wizard_finds_and_shows_the_full_name(self):
        wizard = Form(self.env["partner.segment.mailing.wizard"])
        Wizard = self.env["partner.segment.mailing.wizard"]
        field = Wizard._fields["segment_ids"]
        self.assertEqual(field.comodel_name, "partner.segment")
        found = self.Segment.name_search("Value ABC: A", args=field.get_domain_list(Wizard))
        self.assertEqual(found, [(self.abc_a.id, "Value ABC: A")])
        wizard.segment_ids.add(self.abc_a)
        self.assertEqual(wizard.segment_ids[0].display_name, "Value ABC: A")

    def test_badges_show_the_scheme(self):
        partner = self.make_partner("Badged")
        self.make_invoice(partner, 1000)
        self.recompute(self.env.ref("partner_segmentation.scheme_value_abc"), partner)
        self.assertEqual(
            partner.segment_badge_ids.mapped("display_name"),
            [partner.segment_badge_ids.segment_id.display_name],
        )
        self.assertRegex(partner.segment_badge_ids.display_name, r"^Value ABC: [ABC]$")
