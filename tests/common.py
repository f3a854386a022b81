# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Shared set-up for the engine tests: partners, real sale orders and posted
invoices made through the ORM, and schemes limited to the test's partners so
that Odoo's and the module's demo data never interfere."""

import contextlib
import datetime

from odoo import Command
from odoo.tests import TransactionCase

TODAY = datetime.date(2026, 6, 30)


class SegmentationCase(TransactionCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.env = cls.env(
            context=dict(cls.env.context, segmentation_today=str(TODAY), tracking_disable=True)
        )
        cls.tag = cls.env["res.partner.category"].create({"name": "Segmentation test"})
        cls.product = cls.env["product.product"].create(
            {"name": "Segmentation widget", "type": "service", "list_price": 1.0, "taxes_id": False}
        )
        cls.domain = f"[('category_id', 'in', [{cls.tag.id}])]"
        cls.Metric = cls.env["partner.segment.metric"]
        cls.Scheme = cls.env["partner.segment.scheme"]
        cls.Assignment = cls.env["partner.segment.assignment"]
        cls.History = cls.env["partner.segment.history"]

    def assertRaisesRegex(self, exception, regex, func=None, *args, **kwargs):
        """Odoo's assertRaises (the block runs in a savepoint rolled back on
        the error, as a refused request is) with a check of the message, so
        that a test can then assert that nothing was saved."""
        if func is not None:
            with self.assertRaisesRegex(exception, regex):
                func(*args, **kwargs)
            return None
        return self._raises_with_message(exception, regex)

    @contextlib.contextmanager
    def _raises_with_message(self, exception, regex):
        with self.assertRaises(exception) as caught:
            yield caught
        self.assertRegex(str(caught.exception), regex)

    # -- data -------------------------------------------------------------
    @classmethod
    def make_partner(cls, name, **values):
        return cls.env["res.partner"].create(
            dict(
                {"name": name, "is_company": True, "category_id": [Command.link(cls.tag.id)]},
                **values,
            )
        )

    @classmethod
    def days_ago(cls, days):
        return TODAY - datetime.timedelta(days=days)

    @classmethod
    def make_invoice(cls, partner, amount, days_ago=10, refund=False, **values):
        """A posted customer invoice (or credit note) of one untaxed line;
        ``values``: more fields of the move (a due date, say)."""
        move = cls.env["account.move"].create(
            {
                "move_type": "out_refund" if refund else "out_invoice",
                "partner_id": partner.id,
                "invoice_date": cls.days_ago(days_ago),
                **values,
                "invoice_line_ids": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "quantity": 1,
                            "price_unit": amount,
                            "tax_ids": [Command.clear()],
                        }
                    )
                ],
            }
        )
        move.action_post()
        return move

    @classmethod
    def make_order(cls, partner, amount=100.0, days_ago=10):
        order = cls.env["sale.order"].create(
            {
                "partner_id": partner.id,
                "order_line": [
                    Command.create(
                        {
                            "product_id": cls.product.id,
                            "product_uom_qty": 1,
                            "price_unit": amount,
                            "tax_id": [Command.clear()],
                        }
                    )
                ],
            }
        )
        order.action_confirm()
        # confirmation stamps date_order with now: put it back in the past
        order.date_order = datetime.datetime.combine(cls.days_ago(days_ago), datetime.time(12))
        return order

    # -- metrics and schemes -------------------------------------------------
    @classmethod
    def make_order_count_metric(cls, name, code, **values):
        """A metric counting the sale orders of each partner (any state)."""
        return cls.env["partner.segment.metric"].create(
            {
                "name": name,
                "code": code,
                "model_id": cls.env["ir.model"]._get_id("sale.order"),
                "partner_field_id": cls.env["ir.model.fields"]._get("sale.order", "partner_id").id,
                "aggregate": "count",
                **values,
            }
        )

    @classmethod
    def make_scheme(cls, code, method, segments, metric=None, **values):
        """``segments``: list of dicts of partner.segment values; a
        ``conditions`` key holds (metric, operator, value[, value_to]) tuples."""
        seg_commands = []
        for i, seg in enumerate(segments):
            seg = dict(seg)
            conditions = seg.pop("conditions", [])
            seg.setdefault("code", seg["name"])
            seg.setdefault("sequence", (i + 1) * 10)
            seg["condition_ids"] = [
                Command.create(
                    {
                        "metric_id": cond[0].id,
                        "operator": cond[1],
                        "value": cond[2],
                        "value_to": cond[3] if len(cond) > 3 else 0.0,
                    }
                )
                for cond in conditions
            ]
            seg_commands.append(Command.create(seg))
        return cls.Scheme.create(
            dict(
                {
                    "name": code,
                    "code": code,
                    "method": method,
                    "partner_domain": cls.domain,
                    "metric_id": metric.id if metric else False,
                    "segment_ids": seg_commands,
                    "post_chatter": False,
                },
                **values,
            )
        )

    def segment_of(self, partner, scheme):
        return self.Assignment.search(
            [("partner_id", "=", partner.id), ("scheme_id", "=", scheme.id)]
        ).segment_id

    def codes(self, partners, scheme):
        return [self.segment_of(p, scheme).code or None for p in partners]

    def recompute(self, schemes, partners=None, **context):
        from odoo.addons.partner_segmentation.engine import run as engine_run

        env = self.env(context=dict(self.env.context, **context)) if context else self.env
        run = engine_run.run(
            env, schemes.with_env(env), partners=partners and partners.with_env(env)
        )
        self.assertTrue(run, "the run was not refused")
        return run


class SizeAndParetoCase(SegmentationCase):
    """Four customers by 12-month revenue (Big 5,000, Mid 1,500, Small 100,
    None nothing), a rules scheme (Large ≥ 1,000, Small > 0) and a Pareto
    scheme (A up to 70 %, C the rest) on that revenue."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.big, cls.mid, cls.small, cls.none = (
            cls.make_partner(name) for name in ("Big", "Mid", "Small", "None")
        )
        cls.make_invoice(cls.big, 5000)
        cls.make_invoice(cls.mid, 1500)
        cls.make_invoice(cls.small, 100)
        cls.rules = cls.make_scheme(
            "test_size",
            "rules",
            [
                {"name": "Large", "conditions": [(cls.revenue, ">=", 1000)]},
                {"name": "Small", "conditions": [(cls.revenue, ">", 0)]},
            ],
        )
        cls.large, cls.small_seg = cls.rules.segment_ids.sorted("sequence")
        cls.pareto = cls.make_scheme(
            "test_pareto",
            "pareto",
            [{"name": "A", "pareto_cutoff": 70}, {"name": "C", "pareto_cutoff": 100}],
            metric=cls.revenue,
        )
