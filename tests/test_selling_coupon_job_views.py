# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Coupon jobs in their list: a sales administrator opens them from the
segment and from the coupon program and sees the jobs of their companies
only, every field read-only (the coupons cron writes them); a salesperson
reads none, neither in the ORM nor over RPC, and is shown no count."""

from odoo import Command
from odoo.exceptions import AccessError
from odoo.tests import new_test_user, tagged

from .test_selling_coupons import SegmentCouponsCase


@tagged("post_install", "-at_install")
class TestSegmentCouponJobViews(SegmentCouponsCase):
    @classmethod
    def setUpClass(cls):
        super().setUpClass()
        cls.manager_a = new_test_user(
            cls.env,
            "seg_coupon_manager_a",
            groups="sales_team.group_sale_manager",
            name="Coupon Manager A",
            company_ids=[Command.set(cls.company.ids)],
            company_id=cls.company.id,
        )
        Job = cls.env["partner.segment.coupon.job"]
        cls.job_a = Job.create(
            {
                "program_id": cls.program.id,
                "segment_id": cls.big.id,
                "user_id": cls.sales_manager.id,
                "company_id": cls.company.id,
                "coupon_qty": 5000,
                "done_count": 2000,
                "state": "running",
            }
        )
        cls.job_b = Job.create(
            {
                "program_id": cls.program_other.id,
                "segment_id": cls.big.id,
                "user_id": cls.sales_manager.id,
                "company_id": cls.company2.id,
                "coupon_qty": 3000,
                "state": "failed",
                "error": "no code",
            }
        )
        cls.columns = [
            "program_id",
            "segment_id",
            "state",
            "progress",
            "display_name",
            "done_count",
            "coupon_qty",
            "user_id",
            "create_date",
            "date_done",
            "error",
        ]

    def test_manager_of_company_a_sees_only_its_jobs_read_only(self):
        Job = self.env["partner.segment.coupon.job"].with_user(self.manager_a)
        fields = Job.fields_get(self.columns, ["readonly"])
        self.assertEqual(set(fields), set(self.columns))
        self.assertTrue(all(f["readonly"] for f in fields.values()), "read-only for users")
        rows = Job.search_read([("segment_id", "=", self.big.id)], self.columns)
        self.assertEqual([r["id"] for r in rows], self.job_a.ids)
        self.assertEqual(rows[0]["state"], "running")
        self.assertEqual((rows[0]["done_count"], rows[0]["coupon_qty"]), (2000, 5000))
        self.assertEqual(rows[0]["progress"], 40.0)
        self.assertEqual(rows[0]["display_name"], f"{self.program.name} – {self.big.display_name}")
        self.assertEqual(rows[0]["user_id"][0], self.sales_manager.id)
        with self.refused(AccessError):
            Job.browse(self.job_b.id).read(["state"])
        with self.refused(AccessError):
            Job.browse(self.job_a.id).write({"state": "done"})
        # the same over RPC, as the web client's list calls it
        self.assertEqual(
            self.rpc(
                self.manager_a, "partner.segment.coupon.job", "fields_get", self.columns
            ).keys(),
            set(self.columns),
        )
        rows = self.rpc(
            self.manager_a,
            "partner.segment.coupon.job",
            "search_read",
            [("segment_id", "=", self.big.id)],
            ["state", "error"],
        )
        self.assertEqual([r["id"] for r in rows], self.job_a.ids)

    def test_opened_from_the_segment_and_the_program(self):
        segment = self.big.with_user(self.manager_a)
        self.assertEqual(segment.coupon_job_count, 1, "the other company's job not counted")
        action = segment.action_view_coupon_jobs()
        self.assertEqual(action["res_model"], "partner.segment.coupon.job")
        Job = self.env["partner.segment.coupon.job"].with_user(self.manager_a)
        self.assertEqual(Job.search(action["domain"]), self.job_a)
        program = self.program.with_user(self.manager_a)
        self.assertEqual(program.segment_coupon_job_count, 1)
        action = program.action_view_segment_coupon_jobs()
        self.assertEqual(Job.search(action["domain"]), self.job_a)
        # both buttons are in the forms; the list, form and search views load
        for model, button in (
            ("partner.segment", "action_view_coupon_jobs"),
            ("loyalty.program", "action_view_segment_coupon_jobs"),
        ):
            arch = self.env[model].with_user(self.manager_a).get_views([(False, "form")])
            self.assertIn(button, arch["views"]["form"]["arch"])
        views = Job.get_views([(False, "list"), (False, "form"), (False, "search")])
        self.assertIn('create="0"', views["views"]["list"]["arch"])
        self.assertIn('edit="0"', views["views"]["form"]["arch"])

    def test_salesperson_reads_no_job_and_no_count(self):
        Job = self.env["partner.segment.coupon.job"].with_user(self.salesperson)
        with self.refused(AccessError):
            Job.search_read([], ["state"])
        self.assertRpcRefused(
            "not allowed to access",
            self.salesperson,
            "partner.segment.coupon.job",
            "search_read",
            [],
            ["state"],
        )
        segment = self.big.with_user(self.salesperson)
        self.assertNotIn("coupon_job_count", segment.fields_get())
        arch = segment.get_views([(False, "form")])["views"]["form"]["arch"]
        self.assertNotIn("action_view_coupon_jobs", arch)
