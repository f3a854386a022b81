# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Bad input sent over XML-RPC by a segmentation manager: domains whose
values are too big (a 200 MB text built by ``'x' * 200000000``), numbers
that are not finite in formulas (``1e999``), domains and conditions.  Each is
refused with a message and nothing is saved; a domain stored by SQL is
refused by the engine the same way, before it is evaluated."""

from odoo.tests import new_test_user, tagged

from ..engine import domains
from .test_rights_rpc import RpcCase


@tagged("post_install", "-at_install")
class TestBadInputRpc(RpcCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.metric = cls.env.ref("partner_segmentation.metric_revenue_12m")
        cls.condition = cls.big.condition_ids
        # a segmentation manager who may read invoices (metrics on invoices
        # are saved only by users who may read them)
        cls.manager_rpc = new_test_user(
            cls.env,
            "seg_rpc_input",
            groups="base.group_user,partner_segmentation.group_segmentation_manager,"
            "account.group_account_readonly",
        )

    def write_domain(self, text):
        self.rpc(
            self.manager_rpc,
            "partner.segment.scheme",
            "write",
            self.scheme.ids,
            {"partner_domain": text},
        )

    def test_domain_sizes_refused(self):
        too_long_text = "'" + "x" * (domains.MAX_STRING + 1) + "'"
        half = "'" + "x" * 600 + "'"
        too_many = ", ".join(["1"] * (domains.MAX_LIST + 1))
        cases = {
            "a 200 MB text": (
                "[('name', '=', 'x' * 200000000)]",
                "it multiplies ''x' \\* 200000000'; a domain may only multiply numbers",
            ),
            "a repeated list": (
                "[('id', 'in', company_ids * 100000000)]",
                "it multiplies 'company_ids \\* 100000000'",
            ),
            "a long text": (
                f"[('name', '=', {too_long_text})]",
                "it contains a text of 1001 characters; a text in a domain may have at most 1000",
            ),
            "a long text made by adding": (
                f"[('name', '=', {half} + {half})]",
                "it makes a text of 1200 characters",
            ),
            "a long list": (
                f"[('id', 'in', [{too_many}])]",
                "it contains a list of 10001 values; a list in a domain may have at most 10000",
            ),
            "a long domain": (
                "[('name', '=', 'x')]" + " " * domains.MAX_TEXT,
                "it is 100020 characters long; a domain may have at most 100000",
            ),
            "infinity": (
                "[('id', '>', 1e999)]",
                "it contains '1e999', which is not a finite number",
            ),
            "infinity by adding": (
                "[('id', '>', 1e308 + 1e308)]",
                "it makes a number that is not finite",
            ),
        }
        for name, (text, message) in cases.items():
            with (
                self.subTest(name),
                self.rpc_refused(
                    "The partner filter of scheme 'test_rights' is not valid: " + message
                ),
            ):
                self.write_domain(text)
            self.assertEqual(self.scheme.partner_domain, self.domain, "nothing saved")
        # a metric's source filter and a new scheme the same way
        with self.rpc_refused("The source filter of metric .* it multiplies"):
            self.rpc(
                self.manager_rpc,
                "partner.segment.metric",
                "write",
                self.metric.ids,
                {"source_domain": "[('name', '=', 'x' * 200000000)]"},
            )
        self.assertNotIn("200000000", self.metric.source_domain or "")
        with self.rpc_refused("it multiplies"):
            self.rpc(
                self.manager_rpc,
                "partner.segment.scheme",
                "create",
                {
                    "name": "Big",
                    "code": "test_big",
                    "partner_domain": "[('name', '=', 'x' * 999999999)]",
                    "segment_ids": [(0, 0, {"name": "All", "code": "ALL"})],
                },
            )
        self.assertFalse(self.Scheme.search([("code", "=", "test_big")]))

    def test_domains_within_the_caps_accepted(self):
        ids = ", ".join(str(self.customer.id) for _i in range(domains.MAX_LIST))
        for text in (
            f"[('id', 'in', [{ids}])]",
            "[('name', '!=', '%s')]" % ("x" * domains.MAX_STRING),
            "[('create_date', '>=', context_today() - relativedelta(days=30 * 2) * 2)]",
            "[('id', '!=', uid * 2), ('id', 'in', company_ids + [0])]",
        ):
            with self.subTest(text[:40]):
                self.write_domain(text)
                self.assertEqual(self.scheme.partner_domain, text)

    def test_stored_big_domain_refused_at_run_time(self):
        """A domain stored by SQL is refused before it is evaluated."""
        self.env.cr.execute(
            "UPDATE partner_segment_scheme SET partner_domain = %s WHERE id = %s",
            ("[('name', '=', 'x' * 999999999999)]", self.scheme.id),
        )
        self.env.invalidate_all()
        self.recompute(self.scheme)
        self.assertEqual(self.scheme.last_run_status, "failed")
        self.assertIn("a domain may only multiply numbers", self.scheme.last_run_error)
        self.assertFalse(self.segment_of(self.customer, self.scheme))

    def test_formula_constant_not_finite_refused(self):
        Metric = self.env["partner.segment.metric"]
        for name, text, number in (
            ("infinity", "revenue_12m * 1e999", "1e999"),
            ("minus infinity", "revenue_12m - -1e999", "1e999"),
            ("400 digits", "revenue_12m + 1" + "0" * 400, "1" + "0" * 29 + "…"),
        ):
            with (
                self.subTest(name),
                self.rpc_refused(f"Metric 'Inf': The number {number} is not finite or too large"),
            ):
                self.rpc(
                    self.manager_rpc,
                    "partner.segment.metric",
                    "create",
                    {"name": "Inf", "code": "test_inf", "kind": "formula", "formula": text},
                )
            self.assertFalse(Metric.search([("code", "=", "test_inf")]), "nothing saved")
        formula = Metric.create(
            {"name": "Fine", "code": "test_fine", "kind": "formula", "formula": "revenue_12m"}
        )
        with self.rpc_refused("The number 1e999 is not finite"):
            self.rpc(
                self.manager_rpc,
                "partner.segment.metric",
                "write",
                formula.ids,
                {"formula": "revenue_12m / 1e999"},
            )
        self.assertEqual(formula.formula, "revenue_12m")
        self.rpc(
            self.manager_rpc,
            "partner.segment.metric",
            "write",
            formula.ids,
            {"formula": "revenue_12m * 1e300"},
        )
        self.assertEqual(formula.formula, "revenue_12m * 1e300", "a finite number is fine")

    def test_condition_value_not_finite_refused(self):
        before = (self.condition.value, self.condition.value_to)
        for value in (float("inf"), float("-inf"), float("nan")):
            for fname in ("value", "value_to"):
                with (
                    self.subTest(value=value, field=fname),
                    self.rpc_refused("A condition's value must be a finite number"),
                ):
                    self.rpc(
                        self.manager_rpc,
                        "partner.segment.condition",
                        "write",
                        self.condition.ids,
                        {fname: value},
                    )
                self.assertEqual((self.condition.value, self.condition.value_to), before)
        with self.rpc_refused("A condition's value must be a finite number, not inf\\."):
            self.rpc(
                self.manager_rpc,
                "partner.segment.condition",
                "create",
                {"segment_id": self.rest.id, "metric_id": self.metric.id, "value": float("inf")},
            )
        self.assertFalse(self.rest.condition_ids)
