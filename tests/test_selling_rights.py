# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Who may change a segment's selling policies: a segmentation administrator
may; a salesperson may not, through the ORM or over RPC, and nothing is
saved; nobody writes by hand what the policies set."""

from odoo.exceptions import AccessError
from odoo.tests import HttpCase, tagged

from .rpc import RpcMixin
from .test_rights import RightsCase


@tagged("post_install", "-at_install")
class TestSellingPolicyRights(RpcMixin, RightsCase, HttpCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.pricelist = cls.env["product.pricelist"].create(
            {"name": "Big customers", "company_id": cls.env.company.id}
        )

    def test_salesperson_cannot_change_policies(self):
        values = {
            "pricelist_id": self.pricelist.id,
            "sale_warn": "block",
            "sale_warn_msg": "No more credit",
            "watch": True,
            "policy_priority": 99,
        }
        for name, value in values.items():
            with self.subTest(name), self.refused(AccessError, "not allowed to modify"):
                self.big.with_user(self.salesperson).write({name: value})
            self.assertRpcRefused(
                "not allowed to modify",
                self.salesperson,
                "partner.segment",
                "write",
                [self.big.id],
                {name: value},
            )
        self.env.invalidate_all()
        self.assertFalse(self.big.pricelist_id, "nothing saved")
        self.assertEqual(self.big.sale_warn, "no-message")
        self.assertFalse(self.big.watch)
        self.assertEqual(self.big.policy_priority, 10)
        # the salesperson reads them (quotations show the warning)
        self.assertEqual(
            self.rpc(self.salesperson, "partner.segment", "read", [self.big.id], ["sale_warn"])[0][
                "sale_warn"
            ],
            "no-message",
        )

    def test_manager_changes_policies_and_values_follow(self):
        self.recompute(self.scheme)
        self.rpc(
            self.manager,
            "partner.segment",
            "write",
            [self.big.id],
            {"pricelist_id": self.pricelist.id},
        )
        self.env.invalidate_all()
        self.assertEqual(self.big.pricelist_id, self.pricelist)
        self.assertEqual(self.customer.specific_property_product_pricelist, self.pricelist)
        value = self.env["partner.segment.policy.value"].search(
            [("partner_id", "=", self.customer.id)]
        )
        self.assertEqual(value.segment_id, self.big)
        # nobody writes the record of what a policy set by hand
        with self.refused(AccessError, "written by the policies only"):
            value.with_user(self.manager).write({"value_id": 0})
        self.assertRpcRefused(
            "not allowed to modify|written by the policies only",
            self.salesperson,
            "partner.segment.policy.value",
            "unlink",
            [value.id],
        )
        self.assertTrue(value.exists())
