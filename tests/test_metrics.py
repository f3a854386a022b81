# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Metrics: aggregates, windows, companies, formulas, and their validation."""

from unittest.mock import patch

from odoo.addons.partner_segmentation.engine import common, run_sql
from odoo.addons.partner_segmentation.engine import metrics as engine_metrics
from odoo.addons.partner_segmentation.engine import metrics_sql as Q
from odoo.exceptions import ValidationError
from odoo.tests import Form, tagged

from .common import SegmentationCase, on_reference_days


@tagged("post_install", "-at_install")
class TestMetricValues(SegmentationCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.alpha = cls.make_partner("Alpha")
        cls.beta = cls.make_partner("Beta")
        cls.empty = cls.make_partner("Empty")
        cls.contact = cls.env["res.partner"].create(
            {"name": "Alpha buyer", "parent_id": cls.alpha.id}
        )
        cls.make_invoice(cls.alpha, 1000, days_ago=10)
        cls.make_invoice(cls.alpha, 300, days_ago=100)
        cls.make_invoice(cls.alpha, 200, days_ago=50, refund=True)
        cls.make_invoice(cls.alpha, 700, days_ago=500)  # previous year
        cls.make_invoice(cls.contact, 50, days_ago=5)  # counts for Alpha
        cls.make_order(cls.beta, 100, days_ago=400)
        cls.make_order(cls.beta, 300, days_ago=200)
        cls.make_order(cls.beta, 500, days_ago=20)
        cls.env["sale.order"].create({"partner_id": cls.beta.id})  # a quotation: not counted
        cls.partners = cls.alpha | cls.beta | cls.empty

    def values(self, xmlid):
        metric = self.env.ref(f"partner_segmentation.{xmlid}")
        values = metric.values_for_partners(self.partners)
        return [values[p.id] for p in self.partners]

    @on_reference_days
    def test_invoiced_revenue_window_refunds_contacts(self):
        self.assertEqual(self.values("metric_revenue_12m"), [1150.0, 0.0, 0.0])
        self.assertEqual(self.values("metric_revenue_prev_12m"), [700.0, 0.0, 0.0])

    @on_reference_days
    def test_order_aggregates(self):
        self.assertEqual(self.values("metric_order_count_12m"), [0.0, 2.0, 0.0])
        self.assertEqual(self.values("metric_order_count_total"), [0.0, 3.0, 0.0])
        self.assertEqual(self.values("metric_order_amount_12m"), [0.0, 800.0, 0.0])
        self.assertEqual(self.values("metric_avg_order_value_12m"), [None, 400.0, None])
        self.assertEqual(self.values("metric_days_since_last_order"), [None, 20.0, None])
        self.assertEqual(self.values("metric_days_since_first_order"), [None, 400.0, None])

    @on_reference_days
    def test_engine_scans_each_source_once_with_the_same_values(self):
        """The engine computes the metrics that share a source (model, domain,
        partner field, company) in one scan, each within its own window: its
        values are those each metric reads on its own."""
        metrics = self.Metric.search([])
        env = self.env(su=True)
        self.env.flush_all()
        self.env.cr.execute(run_sql.CREATE_WORK_TABLES)
        with patch.object(Q, "insert_values", wraps=Q.insert_values) as insert:
            done = engine_metrics.compute_metrics(env, metrics, None, common.today_of(env), {})
        self.assertEqual(set(done), set(metrics.ids))
        aggregates = metrics.filtered(lambda m: m.kind == "aggregate")
        sources = {engine_metrics.source_key(m) for m in aggregates}
        self.assertLess(len(sources), len(aggregates))
        self.assertEqual(insert.call_count, len(sources))
        self.assert_stored_values_are_read_values(metrics)
        # each metric's values lie together (readers read their blocks
        # through the block-range index on the metric, see ANALYZE_VALUES)
        self.env.cr.execute("SELECT metric_id FROM psseg_value ORDER BY ctid")
        order = [metric_id for (metric_id,) in self.env.cr.fetchall()]
        runs = [m for k, m in enumerate(order) if k == 0 or order[k - 1] != m]
        self.assertEqual(len(runs), len(set(order)))
        self.assertGreater(len(runs), len(sources))

    def test_chosen_partners_read_each_table_once_with_the_same_values(self):
        """For chosen partners, the sources of one table (invoices: revenue,
        open amounts, payment delay) are read in one scan, each aggregate
        over the records of its own domain; a domain that needs a join of
        its own (an invoice line's entry) is scanned alone.  The values are
        those each metric reads on its own."""
        line_field = self.env["ir.model.fields"]._get
        line = {
            "model_id": self.env["ir.model"]._get_id("account.move.line"),
            "partner_field_id": line_field("account.move.line", "partner_id").id,
            "value_field_id": line_field("account.move.line", "quantity").id,
            "aggregate": "sum",
        }
        self.Metric.create(
            {
                **line,
                "name": "Posted units",
                "code": "test_posted_units",
                "source_domain": "[('move_id.state', '=', 'posted'), "
                "('display_type', '=', 'product')]",
            }
        )
        self.Metric.create(
            {
                **line,
                "name": "Product lines",
                "code": "test_product_lines",
                "aggregate": "count",
                "value_field_id": False,
                "source_domain": "[('display_type', '=', 'product')]",
            }
        )
        metrics = self.Metric.search([])
        env = self.env(su=True)
        self.env.flush_all()
        self.env.cr.execute(run_sql.CREATE_WORK_TABLES)
        today = common.today_of(env)
        with patch.object(Q, "insert_values", wraps=Q.insert_values) as insert:
            engine_metrics.compute_metrics(env, metrics, self.partners.ids, today, {})
        aggregates = metrics.filtered(lambda m: m.kind == "aggregate")
        sources = {engine_metrics.source_key(m) for m in aggregates}
        tables = {engine_metrics.table_key(m) for m in aggregates}
        invoices = aggregates.filtered(lambda m: m.model_id.model == "account.move")
        self.assertGreater(len({engine_metrics.source_key(m) for m in invoices}), 1)
        # one scan per table, and the two sources of invoice lines apart
        self.assertEqual(insert.call_count, len(tables) + 1)
        self.assertLess(insert.call_count, len(sources))
        self.assert_stored_values_are_read_values(metrics)
        self.env.cr.execute(
            "SELECT value FROM psseg_value v JOIN partner_segment_metric m ON m.id = v.metric_id "
            "WHERE m.code = 'test_product_lines' AND v.partner_id = %s",
            [self.alpha.id],
        )
        self.assertEqual(self.env.cr.fetchall(), [(5,)])  # four invoices, a credit note

    def assert_stored_values_are_read_values(self, metrics):
        self.env.cr.execute(
            "SELECT metric_id, partner_id, value FROM psseg_value WHERE partner_id = ANY(%s)",
            [self.partners.ids],
        )
        stored = {(m, p): float(v) for m, p, v in self.env.cr.fetchall()}
        self.assertTrue(stored)
        for metric in metrics:
            reads = metric.values_for_partners(self.partners)
            for partner in self.partners:
                value = stored.get((metric.id, partner.id))
                if value is None and engine_metrics.zero_default(metric):
                    value = 0.0
                self.assertEqual(value, reads[partner.id], f"{metric.code} of {partner.name}")

    def test_min_max_and_company(self):
        metric = self.Metric.create(
            {
                "name": "Smallest order",
                "code": "test_min_order",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "partner_field_id": self.env["ir.model.fields"]._get("sale.order", "partner_id").id,
                "value_field_id": self.env["ir.model.fields"]
                ._get("sale.order", "amount_untaxed")
                .id,
                "aggregate": "min",
                "source_domain": "[('state', '=', 'sale')]",
            }
        )
        self.assertEqual(metric.values_for_partners(self.beta), {self.beta.id: 100.0})
        metric.aggregate = "max"
        self.assertEqual(metric.values_for_partners(self.beta), {self.beta.id: 500.0})
        other_company = self.env["res.company"].create({"name": "Other Co"})
        metric.company_id = other_company
        self.assertEqual(metric.values_for_partners(self.beta), {self.beta.id: None})

    @on_reference_days
    def test_formula_growth_and_division_by_zero(self):
        growth = self.env.ref("partner_segmentation.metric_revenue_growth")
        values = growth.values_for_partners(self.partners)
        # (1150 - 700) / 700 * 100; Beta and Empty had no revenue a year ago: no value
        self.assertAlmostEqual(values[self.alpha.id], 64.2857, places=3)
        self.assertIsNone(values[self.beta.id])
        self.assertIsNone(values[self.empty.id])

    def test_formula_functions(self):
        metric = self.Metric.create(
            {
                "name": "Clamped",
                "code": "test_clamped",
                "kind": "formula",
                "formula": "max(min(revenue_12m, 1000), 10) + abs(-revenue_prev_12m) / 2 - -1",
            }
        )
        values = metric.values_for_partners(self.partners)
        self.assertEqual(values[self.alpha.id], 1000 + 350 + 1)
        self.assertEqual(metric.dependency_ids.mapped("code"), ["revenue_12m", "revenue_prev_12m"])

    def test_preview_lists_top_partners(self):
        metric = self.env.ref("partner_segmentation.metric_order_amount_12m").copy(
            {
                "code": "test_amount",
                "source_domain": f"[('partner_id.category_id', 'in', [{self.tag.id}])]",
            }
        )
        html = str(metric.preview_html)
        self.assertIn("<td>Beta</td>", html)
        self.assertIn("800.00", html)
        self.assertNotIn("Alpha", html, "no order in the window: a zero at the bottom")

    @on_reference_days
    def test_partner_metric_table(self):
        table = {row["code"]: row["value"] for row in self.contact.segment_metric_values}
        self.assertEqual(table["revenue_12m"], 1150.0, "a contact shows its company's metrics")
        self.assertIsNone(table["days_since_last_order"])

    def test_ratios_of_money_are_not_money(self):
        """A formula over amounts with a unit (such as %) is a ratio: shown
        with its unit, not as an amount in the company currency."""
        money = self.env.ref("partner_segmentation.metric_revenue_12m")
        self.assertEqual(money._format_value(1150), "$\N{NO-BREAK SPACE}1,150.00")
        for xmlid in ("metric_overdue_share", "metric_revenue_growth", "metric_share_of_wallet"):
            with self.subTest(xmlid):
                metric = self.env.ref(f"partner_segmentation.{xmlid}")
                self.assertEqual(metric._format_value(12.5), "12.50 %")


@tagged("post_install", "-at_install")
class TestMetricValidation(SegmentationCase):
    def base_values(self, **values):
        fields_ = self.env["ir.model.fields"]
        return dict(
            {
                "name": "Test metric",
                "code": "test_metric",
                "model_id": self.env["ir.model"]._get_id("sale.order"),
                "partner_field_id": fields_._get("sale.order", "partner_id").id,
                "date_field_id": fields_._get("sale.order", "date_order").id,
                "value_field_id": fields_._get("sale.order", "amount_total").id,
                "aggregate": "sum",
            },
            **values,
        )

    def assertInvalid(self, message, **values):
        values.setdefault("code", f"test_metric_{self.Metric.search_count([])}")
        with self.assertRaisesRegex(ValidationError, message):
            self.Metric.create(self.base_values(**values))

    def test_valid_metric(self):
        metric = self.Metric.create(self.base_values(window_days=30, offset_days=30))
        self.assertEqual(metric.kind, "aggregate")

    def test_bad_codes(self):
        self.assertInvalid("is not valid: use lower-case", code="Revenue 12m")
        self.assertInvalid("is not valid: use lower-case", code="1st")
        self.assertInvalid("is not valid: use lower-case", code="a;drop table")

    def test_duplicate_code(self):
        from psycopg2 import IntegrityError

        from odoo.service.model import _as_validation_error
        from odoo.tools import mute_logger

        with self.assertRaises(IntegrityError) as caught, mute_logger("odoo.sql_db"):
            self.Metric.create(self.base_values(code="revenue_12m"))
        self.assertIn(
            "A metric with this code already exists",
            str(_as_validation_error(self.env, caught.exception)),
        )

    def test_fields_must_fit(self):
        fields_ = self.env["ir.model.fields"]
        self.assertInvalid("needs a partner field", partner_field_id=False)
        self.assertInvalid(
            "has type many2one; expected many2one → res.partner",
            partner_field_id=fields_._get("sale.order", "company_id").id,
        )
        self.assertInvalid(
            "is not a field of sale.order",
            partner_field_id=fields_._get("account.move", "partner_id").id,
        )
        self.assertInvalid(
            "has type char; expected integer / float / monetary",
            value_field_id=fields_._get("sale.order", "name").id,
        )
        self.assertInvalid(
            "has type many2one; expected date / datetime",
            date_field_id=fields_._get("sale.order", "partner_id").id,
        )
        self.assertInvalid(
            "is not stored in the database",
            value_field_id=fields_._get("sale.order", "amount_undiscounted").id,
        )
        self.assertInvalid(
            r"needs a value field for its aggregate \(Average\)",
            aggregate="avg",
            value_field_id=False,
        )
        self.assertInvalid("needs a date field", aggregate="days_since_last", date_field_id=False)
        self.assertInvalid("needs a date field", window_days=30, date_field_id=False)
        self.assertInvalid("cannot be negative", window_days=-1)
        self.assertInvalid("needs a source model", model_id=False)

    def test_bad_domains(self):
        self.assertInvalid("is not valid", source_domain="[('no_such_field', '=', 1)]")
        self.assertInvalid("is not valid", source_domain="[('state', '=', ")
        self.assertInvalid("is not valid", source_domain="__import__('os').system('true')")
        self.assertInvalid("a domain must be a list", source_domain="42")

    def test_bad_formulas(self):
        counter = iter(range(100))

        def invalid(message, formula, code=None):
            code = code or f"test_formula_{next(counter)}"
            with self.assertRaisesRegex(ValidationError, message):
                self.Metric.create(
                    {"name": "F", "code": code, "kind": "formula", "formula": formula}
                )

        invalid("The formula is empty", " ")
        invalid("not valid arithmetic", "revenue_12m +")
        invalid("Only \\+ - \\* / are allowed", "revenue_12m ** 2")
        invalid("Only \\+ - \\* / are allowed", "revenue_12m % 2")
        invalid("Only numbers are allowed", "revenue_12m + 'a'")
        invalid("can be called", "__import__('os')")
        invalid("can be called", "round(revenue_12m)")
        invalid("can be called", "abs(revenue_12m, 2)")
        invalid("is not allowed", "revenue_12m.real")
        invalid("is not allowed", "revenue_12m if 1 else 2")
        invalid("is a function", "max + 1")
        invalid("unknown metric code\\(s\\): nope", "revenue_12m + nope")
        invalid("uses itself", "test_formula + 1", code="test_formula")

    def test_formula_cycle(self):
        first = self.Metric.create(
            {"name": "F1", "code": "test_f1", "kind": "formula", "formula": "revenue_12m * 2"}
        )
        self.Metric.create(
            {"name": "F2", "code": "test_f2", "kind": "formula", "formula": "test_f1 + 1"}
        )
        with self.assertRaisesRegex(ValidationError, "form a cycle: test_f1 → test_f2 → test_f1"):
            first.formula = "test_f2 - 1"

    def test_form_onchange_model_picks_partner_field(self):
        with Form(self.Metric) as form:
            form.name = "Opportunities"
            form.code = "test_opps"
            form.model_id = self.env["ir.model"]._get("crm.lead")
            self.assertEqual(form.partner_field_id.name, "partner_id")
            form.aggregate = "count"
            form.model_id = self.env["ir.model"]._get("sale.order")
            self.assertEqual(form.partner_field_id.model, "sale.order")
