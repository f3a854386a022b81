# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What users meet in the web client: the form modifiers of schemes,
segments and metrics, the shipped "schedule a call" segment action and the
Customers by Segment side panel (overrides: test_overrides.py)."""

import datetime

from odoo.tests import Form, tagged
from odoo.tools.safe_eval import safe_eval

from .common import CallerCase, on_reference_days


@tagged("post_install", "-at_install")
class TestPartnerUi(CallerCase):
    # -- the shipped segment action ------------------------------------------
    @on_reference_days
    def test_call_scheduled_when_a_customer_becomes_at_risk(self):
        """The brief's example: an on-enter action gives the salesperson a
        call when a customer becomes at risk, once, in one batch."""
        days_since = self.env.ref("partner_segmentation.metric_days_since_last_order")
        lifecycle = self.make_scheme(
            "test_at_risk",
            "rules",
            [
                {"name": "At risk", "code": "AT_RISK", "conditions": [(days_since, ">", 180)]},
                {"name": "Active", "conditions": [(days_since, "<=", 180)]},
            ],
        )
        at_risk = lifecycle.segment_ids.filtered(lambda s: s.code == "AT_RISK")
        at_risk.on_enter_action_id = self.env.ref(
            "partner_segmentation.action_server_segment_schedule_call"
        )
        unowned = self.make_partner("Nobody's Co")
        for partner in self.customer | unowned:
            self.make_order(partner, 500, days_ago=100)
        call = self.env.ref("mail.mail_activity_data_call")

        def calls(partner):
            return partner.activity_ids.filtered(lambda a: a.activity_type_id == call)

        self.recompute(lifecycle)
        self.assertFalse(calls(self.customer), "still active: no call")
        later = str(self.today + datetime.timedelta(days=100))
        self.recompute(lifecycle, segmentation_today=later)
        self.assertEqual(self.segment_of(self.customer, lifecycle), at_risk)
        activity = calls(self.customer)
        self.assertEqual(len(activity), 1)
        self.assertEqual(activity.user_id, self.salesperson)
        self.assertEqual(activity.summary, "Now in segment test_at_risk: At risk: call them")
        self.assertEqual(calls(unowned).user_id, self.env.user, "no salesperson: the runner")
        # staying at risk is no new entry; running the action again adds no duplicate
        self.recompute(lifecycle, segmentation_today=later)
        self.customer.with_context(segment_id=at_risk.id).action_segment_schedule_call()
        self.assertEqual(len(calls(self.customer)), 1)

    # -- form modifiers -------------------------------------------------------
    def test_scheme_form_method_parameters(self):
        with Form(self.Scheme) as form:
            form.name = "Form scheme"
            form.code = "test_form_scheme"
            form.partner_domain = self.domain
            self.assertTrue(form._get_modifier("metric_id", "invisible"))
            self.assertTrue(form._get_modifier("quantile_count", "invisible"))
            form.method = "quantile"
            self.assertFalse(form._get_modifier("metric_id", "invisible"))
            self.assertTrue(form._get_modifier("metric_id", "required"))
            self.assertFalse(form._get_modifier("quantile_count", "invisible"))
            form.method = "pareto"
            self.assertTrue(form._get_modifier("quantile_count", "invisible"))
            form.metric_id = self.revenue
            with form.segment_ids.new() as segment:
                segment.name = "A"
                segment.pareto_cutoff = 100
        self.assertEqual(form.record.segment_ids.pareto_cutoff, 100)
        self.assertEqual(form.record.segment_ids.code, "A", "made from the name")

    def test_segment_form_condition_values(self):
        with Form(self.big) as form:
            with form.condition_ids.new() as condition:
                condition.metric_id = self.revenue
                condition.operator = "between"
                self.assertFalse(condition._get_modifier("value_to", "invisible"))
                condition.value = 10
                condition.value_to = 20
            with form.condition_ids.new() as condition:
                condition.metric_id = self.revenue
                condition.operator = "set"
                self.assertTrue(condition._get_modifier("value", "invisible"))
                self.assertTrue(condition._get_modifier("value_to", "invisible"))
                with self.assertRaisesRegex(AssertionError, "invisible"):
                    condition.value = 3
        between = self.big.condition_ids.filtered(lambda c: c.operator == "between")
        self.assertEqual((between.value, between.value_to), (10, 20))

    def test_metric_form_formula_and_fields(self):
        form = Form(self.Metric)
        form.name = "Doubled revenue"
        form.code = "test_doubled_revenue"
        self.assertTrue(form._get_modifier("formula", "invisible"))
        form.kind = "formula"
        self.assertFalse(form._get_modifier("formula", "invisible"))
        self.assertFalse(form._get_modifier("model_id", "required"))
        with self.assertRaisesRegex(AssertionError, "formula"):
            form.save()
        form.formula = "revenue_12m * 2"
        metric = form.save()
        self.assertEqual(metric.dependency_ids, self.revenue)
        # the model picker offers only models with a stored link to a partner
        view = self.env.ref("partner_segmentation.partner_segment_metric_view_form")
        arch = self.Metric.get_view(view.id)["arch"]
        self.assertIn("'relation', '=', 'res.partner'", arch)
        models = self.env["ir.model"].search(
            [
                ("transient", "=", False),
                (
                    "field_id",
                    "any",
                    [
                        ("ttype", "=", "many2one"),
                        ("relation", "=", "res.partner"),
                        ("store", "=", True),
                    ],
                ),
            ]
        )
        self.assertIn("sale.order", models.mapped("model"))
        self.assertNotIn("res.currency", models.mapped("model"))

    # -- Customers by Segment -------------------------------------------------
    def test_customers_by_segment_panel(self):
        self.recompute(self.scheme)
        action = self.env.ref("partner_segmentation.action_res_partner_segmented")
        view = self.env.ref("partner_segmentation.res_partner_view_search_segment_panel")
        self.assertEqual(action.search_view_id, view)
        Partner = self.env["res.partner"]
        panel = Partner.search_panel_select_multi_range(
            "segment_ids",
            group_by="scheme_id",
            enable_counters=True,
            search_domain=[("category_id", "in", self.tag.ids)],
        )
        values = {v["id"]: v for v in panel["values"]}
        self.assertEqual(values[self.big.id]["group_name"], "test_partner_ui")
        self.assertEqual(values[self.big.id]["__count"], 1)
        domain = safe_eval(action.domain)
        self.assertEqual(
            Partner.search([*domain, ("category_id", "in", self.tag.ids)]), self.customer
        )
        self.assertFalse(
            Partner.search([*domain, ("id", "=", self.make_partner("Unclassified Co").id)]),
            "partners outside every scheme are not listed",
        )
