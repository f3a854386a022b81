# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class LoyaltyProgram(models.Model):
    """A coupon program opens the jobs that generate its coupons for
    segments (sales administrators)."""

    _inherit = "loyalty.program"

    segment_coupon_job_count = fields.Integer(
        "Segment Coupon Jobs",
        compute="_compute_segment_coupon_job_count",
        groups="sales_team.group_sale_manager",
    )

    def _compute_segment_coupon_job_count(self):
        # the user's own rights: the jobs of their companies
        counts = dict(
            self.env["partner.segment.coupon.job"]._read_group(
                [("program_id", "in", self.ids)], ["program_id"], ["__count"]
            )
        )
        for program in self:
            program.segment_coupon_job_count = counts.get(program, 0)

    def action_view_segment_coupon_jobs(self):
        self.ensure_one()
        return self.env["partner.segment.coupon.job"]._action_list(
            [("program_id", "=", self.id)], self.display_name
        )
