# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Shared set-up for the engine tests: partners, real sale orders and posted
invoices made through the ORM, and schemes limited to the test's partners so
that Odoo's and the module's demo data never interfere."""

import contextlib
import datetime
import functools

from odoo import Command, fields
from odoo.addons.partner_segmentation.engine import common
from odoo.exceptions import AccessError
from odoo.tests import TransactionCase
from odoo.tools import SQL

TODAY = datetime.date(2026, 6, 30)
# The days every date-sensitive test also runs on (see on_reference_days):
# a 1st after a 28-day February, a 31st after a 30-day month, the last day
# of a year, a leap day, and the two days Europe/Brussels changes its clocks
REFERENCE_DAYS = (
    datetime.date(2027, 3, 1),
    datetime.date(2027, 5, 31),
    datetime.date(2026, 12, 31),
    datetime.date(2028, 2, 29),
    datetime.date(2027, 3, 28),
    datetime.date(2027, 10, 31),
)
# a time zone with daylight saving time, for the user and the company
REFERENCE_TZ = "Europe/Brussels"
# the date columns of what make_invoice and make_order create
SHIFTED_COLUMNS = {
    "account_move": ("date", "invoice_date", "invoice_date_due", "segment_paid_date"),
    "account_move_line": ("date", "date_maturity", "invoice_date"),
    "sale_order": ("date_order",),
}


def on_reference_days(test):
    """Run the test on TODAY and then once on each of REFERENCE_DAYS, each a
    subTest rolled back at its end: the runs' reference day is that day,
    the class's invoices and orders are moved with it (what setUpClass made
    N days before TODAY is N days before that day), ``days_ago`` counts from
    it, and the user and the company work in Europe/Brussels.  The test
    reads its day in ``self.today``; any day it computes derives from it."""

    @functools.wraps(test)
    def on_each_day(self):
        for day in (TODAY, *REFERENCE_DAYS):
            with self.subTest(reference_day=day.isoformat()), self.reference_day(day):
                test(self)

    return on_each_day


class SegmentationCase(TransactionCase):
    # the reference day of the test's runs (see on_reference_days)
    today = TODAY

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls._dated = {"account_move": [], "sale_order": []}
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
        """Odoo's assertRaises with a check of the message (see :meth:`refused`),
        so that a test can then assert that nothing was saved."""
        if func is not None:
            with self.refused(exception, regex):
                func(*args, **kwargs)
            return None
        return self.refused(exception, regex)

    @contextlib.contextmanager
    def refused(self, exception=AccessError, regex=None):
        """The block raises ``exception`` (with a message matching ``regex``
        when given) and nothing of it stays saved: it runs in a savepoint
        rolled back on the error, as a refused request is, what it writes is
        flushed inside it (a refusal on flush counts) and the cache is
        dropped after it.  The one refusal helper of the tests; over RPC,
        :class:`.rpc.RpcMixin`'s ``rpc_refused``."""
        with self.assertRaises(exception) as caught, self.env.cr.savepoint():
            yield caught
            self.env.flush_all()
        if regex:
            self.assertRegex(str(caught.exception), regex)
        self.env.invalidate_all()

    @contextlib.contextmanager
    def reference_day(self, day):
        """Within this block the test runs on ``day`` (see on_reference_days);
        everything it does is rolled back at the end."""
        cls = type(self)
        self.env.flush_all()
        dated = {table: list(ids) for table, ids in cls._dated.items()}
        with contextlib.closing(self.env.cr.savepoint()), common.pinned_day(day):
            cls.today = day
            try:
                self._shift_dated_records(dated, (day - TODAY).days)
                # the moved invoices keep the numbers of TODAY's year: the next
                # invoice of the journal may follow them into another year
                self.env["ir.config_parameter"].set_param(
                    "sequence.mixin.constraint_start_date", "9999-12-31"
                )
                self.env.user.tz = REFERENCE_TZ
                self.env.company.partner_id.tz = REFERENCE_TZ
                yield
            finally:
                cls.today = TODAY
                self.env.invalidate_all(flush=False)

    def _shift_dated_records(self, dated, days):
        if not days:
            return
        cr = self.env.cr
        moves = dated["account_move"]
        for table, ids, key in (
            ("account_move", moves, "id"),
            ("account_move_line", moves, "move_id"),
            ("sale_order", dated["sale_order"], "id"),
        ):
            if ids:
                shifts = SQL(", ").join(
                    SQL(
                        "%s = %s + make_interval(days => %s)",
                        SQL.identifier(c),
                        SQL.identifier(c),
                        days,
                    )
                    for c in SHIFTED_COLUMNS[table]
                )
                cr.execute(
                    SQL(
                        "UPDATE %s SET %s WHERE %s = ANY(%s)",
                        SQL.identifier(table),
                        shifts,
                        SQL.identifier(key),
                        ids,
                    )
                )
        self.env.invalidate_all()

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
        return cls.today - datetime.timedelta(days=days)

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
        cls._dated["account_move"].append(move.id)
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
        cls._dated["sale_order"].append(order.id)
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
        from ..engine import run as engine_run

        env = self.env(context=dict(self.env.context, **context)) if context else self.env
        # a day asked for wins over the test's reference day
        day = fields.Date.to_date(context.get("segmentation_today")) or common.today_of(env)
        with common.pinned_day(day):
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

    def history(self, partner, scheme):
        return self.History.search([("partner_id", "=", partner.id), ("scheme_id", "=", scheme.id)])


class CallerCase(SegmentationCase):
    """A customer with a salesperson (Caller Co, 5,000 of 12-month revenue)
    and a rules scheme on that revenue (Big ≥ 1,000, Rest the others)."""

    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.revenue = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.salesperson = cls.env["res.users"].create(
            {"name": "Seg Caller", "login": "seg_caller", "email": "caller@example.com"}
        )
        cls.customer = cls.make_partner("Caller Co", user_id=cls.salesperson.id)
        cls.make_invoice(cls.customer, 5000)
        cls.scheme = cls.make_scheme(
            "test_partner_ui",
            "rules",
            [
                {"name": "Big", "conditions": [(cls.revenue, ">=", 1000)]},
                {"name": "Rest"},
            ],
        )
        cls.big, cls.rest = cls.scheme.segment_ids.sorted("sequence")
