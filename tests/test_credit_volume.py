# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Credit and payment behaviour (``credit``) and volume in units
(``volume_units``) on hand-computed examples."""

from odoo import Command
from odoo.exceptions import ValidationError
from odoo.tests import tagged

from .common import SegmentationCase, on_reference_days


@tagged("post_install", "-at_install")
class TestCredit(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.scheme = cls.env.ref("partner_segmentation.scheme_credit")
        cls.good = cls.make_partner("Pays early")
        cls.late = cls.make_partner("Pays late")
        cls.risky = cls.make_partner("Owes a lot")
        cls.limited = cls.make_partner("Over the limit")
        # good: due 60 days ago, paid 65 days ago -> 0 days late
        cls.pay(cls.invoice(cls.good, 1000, due=-60), days_ago=65)
        # late: 20 and 10 days late -> 15 on average
        cls.pay(cls.invoice(cls.late, 1000, due=-100), days_ago=80)
        cls.pay(cls.invoice(cls.late, 500, due=-40), days_ago=30)
        # risky: 1000 overdue for 50 days, 400 not yet due -> 71.43 % overdue
        cls.invoice(cls.risky, 1000, due=-50)
        cls.invoice(cls.risky, 400, due=10)
        # limited: 1200 open, not yet due, against a limit of 1000 -> 120 %
        cls.invoice(cls.limited, 1200, due=20)
        cls.limited.credit_limit = 1000
        cls.partners = cls.good | cls.late | cls.risky | cls.limited

    @classmethod
    def invoice(cls, partner, amount, due):
        return cls.make_invoice(
            partner,
            amount,
            days_ago=max(-due, 0) + 30,
            invoice_date_due=cls.days_ago(-due),
            invoice_payment_term_id=False,
        )

    @classmethod
    def pay(cls, move, days_ago):
        cls.env["account.payment.register"].with_context(
            active_model="account.move", active_ids=move.ids
        ).create({"payment_date": cls.days_ago(days_ago)})._create_payments()
        return move

    def values(self, code):
        metric = self.env.ref(f"partner_segmentation.metric_{code}")
        values = metric.values_for_partners(self.partners)
        return [values[p.id] and round(values[p.id], 2) for p in self.partners]

    @on_reference_days
    def test_paid_date(self):
        move = self.good.invoice_ids.filtered(lambda m: m.move_type == "out_invoice")
        self.assertEqual(move.payment_state, "paid")
        self.assertEqual(move.segment_paid_date, self.days_ago(65))

    @on_reference_days
    def test_metrics_hand_computed(self):
        self.assertEqual(self.values("open_amount"), [0, 0, 1400, 1200])
        self.assertEqual(self.values("overdue_amount"), [0, 0, 1000, 0])
        self.assertEqual(self.values("overdue_share"), [None, None, 71.43, 0])
        # days late over invoices due in the last 12 months (not yet due: left out)
        self.assertEqual(self.values("days_late_12m"), [0, 15, 50, None])
        self.assertEqual(self.values("credit_limit"), [None, None, None, 1000])
        self.assertEqual(self.values("credit_limit_use"), [None, None, None, 120])

    @on_reference_days
    def test_segments(self):
        self.recompute(self.scheme, partners=self.partners)
        self.assertEqual(
            self.codes(self.partners, self.scheme), ["GOOD", "WATCH", "RISK", "RISK_LIMIT"]
        )
        self.assertIn("prepayment", self.segment_of(self.risky, self.scheme).strategy)

    def test_days_late_needs_two_dates(self):
        metric = self.env.ref("partner_segmentation.metric_days_late_12m")
        with self.refused(ValidationError, "end date field to measure days late"):
            metric.end_date_field_id = False
        metric.invalidate_recordset()
        self.assertTrue(metric.end_date_field_id)


@tagged("post_install", "-at_install")
class TestVolumeUnits(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.metric = cls.env.ref("partner_segmentation.metric_units_12m")
        cls.pieces = cls.env["product.product"].create(
            {
                "name": "Widget (pieces)",
                "type": "consu",
                "uom_id": cls.env.ref("uom.product_uom_unit").id,
            }
        )
        cls.kilos = cls.env["product.product"].create(
            {
                "name": "Flour (kg)",
                "type": "consu",
                "uom_id": cls.env.ref("uom.product_uom_kgm").id,
                "uom_po_id": cls.env.ref("uom.product_uom_kgm").id,
            }
        )
        dozen = cls.env.ref("uom.product_uom_dozen")
        unit = cls.env.ref("uom.product_uom_unit")
        kgm = cls.env.ref("uom.product_uom_kgm")
        # units bought in the last 12 months, by hand:
        # p1: 2 dozen + 6 units = 30 (the 500 kg of flour do not count)
        # p2: 10;  p3: 5 (and 100 more 400 days ago, out of the window);  p4: 1
        lines = {
            1: [(cls.pieces, 2, dozen, 20), (cls.pieces, 6, unit, 200), (cls.kilos, 500, kgm, 30)],
            2: [(cls.pieces, 10, unit, 40)],
            3: [(cls.pieces, 5, unit, 60), (cls.pieces, 100, unit, 400)],
            4: [(cls.pieces, 1, unit, 5)],
        }
        cls.partners = cls.env["res.partner"]
        for i, specs in lines.items():
            partner = cls.make_partner(f"Volume {i}")
            cls.partners |= partner
            for product, qty, uom, days in specs:
                cls.order(partner, product, qty, uom, days)
        cls.prospect = cls.make_partner("Volume prospect")  # never ordered: not classified
        cls.scheme = cls.env.ref("partner_segmentation.scheme_volume_units").copy(
            {"code": "test_volume_units", "name": "Volume (test)"}
        )
        # the shipped scheme's partners, limited to this test's
        cls.scheme.partner_domain = (
            f"['&', ('category_id', 'in', [{cls.tag.id}]), "
            "'|', ('sale_order_ids.state', '=', 'sale'), "
            "('child_ids.sale_order_ids.state', '=', 'sale')]"
        )

    @classmethod
    def order(cls, partner, product, qty, uom, days):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": product.id,
                            "product_uom_qty": qty,
                            "product_uom": uom.id,
                            "price_unit": 1.0,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        order.date_order = cls.days_ago(days)
        cls._dated["sale_order"].append(order.id)
        return order

    @on_reference_days
    def test_units_converted_to_product_unit(self):
        values = self.metric.values_for_partners(self.partners | self.prospect)
        self.assertEqual([values[p.id] for p in self.partners], [30, 10, 5, 1])
        self.assertEqual(values[self.prospect.id], 0)

    @on_reference_days
    def test_quartiles(self):
        self.recompute(self.scheme)
        self.assertEqual(self.codes(self.partners, self.scheme), ["Q1", "Q2", "Q3", "Q4"])
        self.assertFalse(self.segment_of(self.prospect, self.scheme))
