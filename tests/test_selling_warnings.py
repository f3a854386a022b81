# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A segment's sales warning where Odoo shows the customer's own: Odoo's
warning when the customer is chosen on a quotation (a blocking one empties
the customer), above the quotation, on confirming it (a blocking one
refuses), and on the opportunity of the customer."""

from odoo.exceptions import UserError, ValidationError
from odoo.tests import Form, tagged

from .common import SegmentationCase

RISK = "Payment behaviour: over credit limit, prepayment required"


@tagged("post_install", "-at_install")
class TestSellingWarnings(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.risky = cls.make_partner("Overdue Trading SIA")
        cls.buyer = cls.env["res.partner"].create(
            {"name": "Jonas Buyer", "parent_id": cls.risky.id, "type": "contact"}
        )
        cls.fine = cls.make_partner("Punctual Foods")
        cls.make_invoice(cls.risky, 4000)
        cls.scheme = cls.make_scheme(
            "test_payment",
            "rules",
            [{"name": "Risk", "conditions": [(cls.revenue, ">=", 1000)]}, {"name": "Good"}],
        )
        cls.risk = cls.scheme.segment_ids.sorted("sequence")[0]
        cls.risk.write({"sale_warn": "warning", "sale_warn_msg": RISK})

    def setUp(self):
        super().setUp()
        self.recompute(self.scheme)
        self.assertEqual(self.segment_of(self.risky, self.scheme), self.risk)

    def order(self, partner):
        return self.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    (0, 0, {"product_id": self.product.id, "product_uom_qty": 1, "price_unit": 10})
                ],
            }
        )

    def test_warning_on_quotation_and_opportunity(self):
        form = Form(self.env["sale.order"])
        with self.assertLogs("odoo.tests.form", "WARNING") as logs:
            form.partner_id = self.buyer  # a contact: its company's segments count
        self.assertIn(RISK, "\n".join(logs.output))
        self.assertEqual(form.partner_id, self.buyer, "a warning does not block")
        self.assertIn(f"{self.risk.display_name} — {RISK}", form.segment_sale_warning)
        order = form.save()
        order.action_confirm()
        self.assertEqual(order.state, "sale")
        self.assertFalse(order.segment_sale_warning, "confirmed: no more banner")
        # no warning for another customer
        self.assertFalse(self.order(self.fine).segment_sale_warning)
        # the opportunity
        lead = self.env["crm.lead"].create(
            {"name": "Spring order", "type": "opportunity", "partner_id": self.risky.id}
        )
        self.assertIn(RISK, lead.segment_sale_warning)
        form = Form(self.env["crm.lead"].with_context(default_type="opportunity"))
        form.name = "Summer order"
        with self.assertLogs("odoo.tests.form", "WARNING") as logs:
            form.partner_id = self.risky
        self.assertIn(RISK, "\n".join(logs.output))
        self.assertIn(RISK, form.segment_sale_warning)

    def test_blocking_warning(self):
        self.risk.sale_warn = "block"
        form = Form(self.env["sale.order"])
        with self.assertLogs("odoo.tests.form", "WARNING") as logs:
            form.partner_id = self.risky
        self.assertIn(RISK, "\n".join(logs.output))
        self.assertFalse(form.partner_id, "blocked, as Odoo blocks")
        # a quotation made otherwise is not confirmed
        order = self.order(self.buyer)
        with self.assertRaisesRegex(UserError, f"cannot be confirmed.*\n.*{RISK}"):
            order.action_confirm()
        self.assertEqual(order.state, "draft", "nothing saved")
        # the partner leaves the segment: confirmed
        self.risk.condition_ids.value = 100000
        self.recompute(self.scheme)
        order.invalidate_recordset()
        order.action_confirm()
        self.assertEqual(order.state, "sale")

    def test_partner_own_warning_kept(self):
        self.risky.write({"sale_warn": "warning", "sale_warn_msg": "Ask for the PO number"})
        form = Form(self.env["sale.order"])
        with self.assertLogs("odoo.tests.form", "WARNING") as logs:
            form.partner_id = self.risky
        output = "\n".join(logs.output)
        self.assertIn("Ask for the PO number", output)
        self.assertIn(RISK, output)

    def test_warning_needs_message(self):
        with self.assertRaisesRegex(ValidationError, "a sales warning needs its message"):
            self.risk.write({"sale_warn": "block", "sale_warn_msg": "  "})
        self.env.invalidate_all()
        self.assertEqual(self.risk.sale_warn, "warning", "nothing saved")
        self.assertEqual(self.risk.sale_warn_msg, RISK)
