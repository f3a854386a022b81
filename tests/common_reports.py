# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Shared set-up of the report tests: four customers of two customer types
(Big 6,000 of which 1,000 of another product, Mid 3,000, Small 800, Tiny
200), a rules scheme (Large ≥ 2,000, Small > 0) and a Pareto scheme (A up
to 60 %, B up to 90 %, C the rest) on 12-month revenue."""

from odoo import Command

from .common import SegmentationCase


class ReportsCase(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.channel = cls.env["partner.sales.channel"].create({"name": "Report test channel"})
        cls.big = cls.make_partner(
            "Big", customer_type="wholesale", sales_channel_id=cls.channel.id
        )
        cls.mid = cls.make_partner("Mid", customer_type="wholesale")
        cls.small = cls.make_partner("Small", customer_type="retail")
        cls.tiny = cls.make_partner("Tiny", customer_type="retail")
        cls.other = cls.env["product.product"].create(
            {"name": "Report gadget", "type": "service", "list_price": 1.0, "taxes_id": False}
        )
        cls.make_invoice(cls.big, 6000)
        cls.make_invoice(cls.mid, 3000)
        cls.make_invoice(cls.small, 800)
        cls.make_invoice(cls.tiny, 200)
        cls.gadget_invoice(cls.big, 1000)
        cls.rules = cls.make_scheme(
            "test_report_size",
            "rules",
            [
                {"name": "Large", "conditions": [(cls.revenue, ">=", 2000)]},
                {"name": "Small", "conditions": [(cls.revenue, ">", 0)]},
            ],
        )
        cls.large, cls.small_seg = cls.rules.segment_ids.sorted("sequence")
        cls.pareto = cls.make_scheme(
            "test_report_abc",
            "pareto",
            [
                {"name": "A", "pareto_cutoff": 60},
                {"name": "B", "pareto_cutoff": 90},
                {"name": "C", "pareto_cutoff": 100},
            ],
            metric=cls.revenue,
        )
        cls.seg_a, cls.seg_b, cls.seg_c = cls.pareto.segment_ids.sorted("pareto_cutoff")
        cls.schemes = cls.rules | cls.pareto

    @classmethod
    def gadget_invoice(cls, partner, amount):
        move = cls.env["account.move"].create(
            {
                "move_type": "out_invoice",
                "partner_id": partner.id,
                "invoice_date": cls.days_ago(5),
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.other.id,
                            "quantity": 2,
                            "price_unit": amount / 2,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        cls._dated["account_move"].append(move.id)

    def grouped(self, model, domain, groupby, aggregates, **context):
        Model = self.env[model].with_context(**context) if context else self.env[model]
        return Model._read_group(domain, groupby, aggregates)
