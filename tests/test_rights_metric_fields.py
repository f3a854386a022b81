# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Metrics and Odoo's field groups, tried over XML-RPC: a plain employee
read credit limits and open invoice amounts in the partner's metric table,
and a segmentation manager could copy any restricted field into a metric."""

from odoo import Command
from odoo.tests import new_test_user, tagged

from .test_rights_companies_reports import CompaniesRpcCase

# the shipped metrics over fields or models a plain employee may not read
HIDDEN = ("credit_limit", "credit_limit_use", "open_amount", "overdue_amount", "revenue_12m")


@tagged("post_install", "-at_install")
class TestMetricFieldGroups(CompaniesRpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.employee_a = new_test_user(
            cls.env,
            "seg_plain_employee_a",
            groups="base.group_user",
            company_id=cls.company_a.id,
            company_ids=[Command.set(cls.company_a.ids)],
        )
        cls.customer.credit_limit = 65432.0
        cls.make_invoice(cls.customer, 1234, days_ago=5)  # open: unpaid
        cls.fields = cls.env["ir.model.fields"]
        cls.Metric.create(  # over what every employee may read
            {
                "name": "Contacts",
                "code": "contacts_visible",
                "model_id": cls.env["ir.model"]._get_id("res.partner"),
                "partner_field_id": cls.fields._get("res.partner", "commercial_partner_id").id,
                "aggregate": "count",
            }
        )

    def metric_rows(self, user):
        rows = self.json_rpc(
            user, "res.partner", "read", self.customer.ids, ["segment_metric_values"]
        )
        return {row["code"]: row["value"] for row in rows[0]["segment_metric_values"]}

    def test_employee_sees_no_value_of_fields_they_may_not_read(self):
        as_engine = {row["code"]: row["value"] for row in self.customer.segment_metric_values}
        self.assertEqual(as_engine["credit_limit"], 65432.0, "the value exists")
        self.assertGreater(as_engine["open_amount"], 0)
        self.assertRpcRefused(
            'not have enough rights to access the fields "credit_limit"',
            self.employee_a,
            "res.partner",
            "read",
            self.customer.ids,
            ["credit_limit"],
        )
        shown = self.metric_rows(self.employee_a)
        for code in HIDDEN:
            with self.subTest(code):
                self.assertNotIn(code, shown)
        html = self.rpc(
            self.employee_a, "res.partner", "read", self.customer.ids, ["segment_metric_html"]
        )[0]["segment_metric_html"]
        self.assertNotIn("65,432", html)
        self.assertNotIn("Credit limit", html)
        self.assertIn("contacts_visible", shown, "metrics over what they may read still show")
        self.assertRpcRefused(
            "may not read what metric",
            self.employee_a,
            "partner.segment.metric",
            "values_for_partners",
            self.env.ref("partner_segmentation.metric_credit_limit").ids,
            self.customer.ids,
        )

    def test_manager_may_not_copy_a_restricted_field(self):
        credit_limit = self.fields._get("res.partner", "credit_limit")
        values = {
            "name": "Limits",
            "code": "copied_limit",
            "model_id": self.env["ir.model"]._get_id("res.partner"),
            "partner_field_id": self.fields._get("res.partner", "commercial_partner_id").id,
            "value_field_id": credit_limit.id,
            "aggregate": "max",
        }
        self.assertFalse(self.manager.has_group("account.group_account_invoice"))
        self.assertRpcRefused(
            r"Metric 'Limits' uses fields you may not read: credit_limit\.",
            self.manager,
            "partner.segment.metric",
            "create",
            [values],
        )
        self.assertFalse(
            self.Metric.with_context(active_test=False).search([("code", "=", "copied_limit")])
        )
        # nor turned into one: an existing metric of theirs pointed at it
        own = self.rpc(
            self.manager,
            "partner.segment.metric",
            "create",
            [dict(values, code="own_metric", value_field_id=False, aggregate="count")],
        )
        self.assertRpcRefused(
            "uses fields you may not read: credit_limit",
            self.manager,
            "partner.segment.metric",
            "write",
            own,
            {"value_field_id": credit_limit.id, "aggregate": "max"},
        )
        self.env.invalidate_all()
        self.assertFalse(self.Metric.browse(own).value_field_id)
        # a model they may not read at all
        self.assertRpcRefused(
            "which you may not read",
            self.manager,
            "partner.segment.metric",
            "create",
            [
                {
                    "name": "Open amounts",
                    "code": "copied_open",
                    "model_id": self.env["ir.model"]._get_id("account.move"),
                    "partner_field_id": self.fields._get("account.move", "partner_id").id,
                    "aggregate": "count",
                }
            ],
        )
        self.assertFalse(
            self.Metric.with_context(active_test=False).search([("code", "=", "copied_open")])
        )
