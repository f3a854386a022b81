# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.addons.base.models.res_partner import WARNING_HELP, WARNING_MESSAGE
from odoo.exceptions import ValidationError

from . import policy

# a policy change on a segment with more members than this is applied by the
# selling cron, in committed ranges of this many partners, not in the request
POLICY_STEP_PARTNERS = 20000


class PartnerSegment(models.Model):
    """Segments where selling happens: the pricelist and payment terms of
    their customers, a warning on their quotations and opportunities, and a
    watch flag for the salespersons' lists."""

    _inherit = "partner.segment"

    pricelist_id = fields.Many2one(
        "product.pricelist",
        tracking=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="Set on the customers that enter the segment (unless they have a pricelist "
        "set by hand) and put back when they leave it.",
    )
    payment_term_id = fields.Many2one(
        "account.payment.term",
        string="Payment Terms",
        tracking=True,
        domain="[('company_id', 'in', [company_id, False])]",
        help="Set on the customers that enter the segment (unless they have payment terms "
        "set by hand) and put back when they leave it.",
    )
    policy_priority = fields.Integer(
        default=10,
        tracking=True,
        help="When segments of several schemes of a customer set a pricelist or payment "
        "terms, the one with the highest priority wins; on equal priorities, the scheme "
        "listed first.",
    )
    policy_pending = fields.Boolean(
        readonly=True,
        copy=False,
        help="A change of the policy is being applied to the segment's customers.",
    )
    policy_cursor = fields.Integer(readonly=True, copy=False)
    sale_warn = fields.Selection(
        WARNING_MESSAGE,
        string="Sales Warning",
        default="no-message",
        required=True,
        tracking=True,
        help=WARNING_HELP,
    )
    sale_warn_msg = fields.Text(string="Message for Sales", translate=True)
    watch = fields.Boolean(
        tracking=True,
        help="The customers who enter this segment appear on their salesperson's "
        "list of customers to watch for 30 days.",
    )
    coupon_job_count = fields.Integer(
        "Coupon Jobs",
        compute="_compute_coupon_job_count",
        groups="sales_team.group_sale_manager",
    )

    def _compute_coupon_job_count(self):
        # the user's own rights: the jobs of their companies
        counts = dict(
            self.env["partner.segment.coupon.job"]._read_group(
                [("segment_id", "in", self.ids)], ["segment_id"], ["__count"]
            )
        )
        for segment in self:
            segment.coupon_job_count = counts.get(segment, 0)

    @api.constrains("pricelist_id", "payment_term_id", "scheme_id")
    def _check_policy_company(self):
        for segment in self.filtered(lambda s: s.company_id):
            for value in (segment.pricelist_id, segment.payment_term_id):
                if value.company_id and value.company_id != segment.company_id:
                    raise ValidationError(
                        self.env._(
                            "Segment '%(segment)s' belongs to %(company)s: '%(value)s' of "
                            "%(other)s cannot be its policy.",
                            segment=segment.display_name,
                            company=segment.company_id.name,
                            value=value.display_name,
                            other=value.company_id.name,
                        )
                    )

    @api.constrains("sale_warn", "sale_warn_msg")
    def _check_sale_warn(self):
        for segment in self:
            if segment.sale_warn != "no-message" and not (segment.sale_warn_msg or "").strip():
                raise ValidationError(
                    self.env._(
                        "Segment '%(segment)s': a sales warning needs its message.",
                        segment=segment.display_name,
                    )
                )

    def write(self, vals):
        policy_fields = {"pricelist_id", "payment_term_id", "policy_priority"}
        changed = self.browse()
        if policy_fields & set(vals):
            changed = self.filtered(
                lambda s: any(
                    (s[name].id if name != "policy_priority" else s[name]) != (vals[name] or 0)
                    for name in policy_fields & set(vals)
                )
            )
        res = super().write(vals)
        if changed:
            changed._apply_policy_change()
        return res

    def action_segment_coupons(self):
        """Coupons for this segment: Odoo's coupon generation, for the
        segment's customers (sales administrators: they create coupons)."""
        self.ensure_one()
        view = self.env.ref("partner_segmentation.loyalty_generate_wizard_view_form_segment")
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Coupons for this Segment"),
            "res_model": "loyalty.generate.wizard",
            "view_mode": "form",
            "views": [(view.id, "form")],
            "target": "new",
            "context": {"default_segment_id": self.id, "default_mode": "selected"},
        }

    def action_view_coupon_jobs(self):
        """The coupon jobs of this segment (sales administrators)."""
        self.ensure_one()
        return self.env["partner.segment.coupon.job"]._action_list(
            [("segment_id", "=", self.id)], self.display_name
        )

    def _apply_policy_change(self):
        """Apply a changed policy to the segments' customers: at once when
        they are few, else by the selling cron in committed steps."""
        for segment in self:
            # sudo: counting the members the engine writes for, whoever changed the policy
            members = (
                self.env["partner.segment.assignment"]
                .sudo()
                .search_count([("segment_id", "=", segment.id)], limit=POLICY_STEP_PARTNERS + 1)
            )
            if members <= POLICY_STEP_PARTNERS and not segment.policy_pending:
                policy.apply_segment(self.env, segment)
            else:
                segment.sudo().write({"policy_pending": True, "policy_cursor": 0})
        if self.filtered("policy_pending"):
            # sudo: queueing the engine's own cron job, whoever changed the policy
            self.env.ref("partner_segmentation.ir_cron_segment_policies").sudo()._trigger()

    @api.model
    def _cron_apply_policies(self):
        """Apply changed policies of large segments, a range of customers per
        committed step (resumes where a killed worker left off)."""
        segments = self.with_context(active_test=False).search([("policy_pending", "=", True)])
        done, remaining = 0, len(segments)
        for segment in segments:
            while True:
                upto = policy.apply_segment(
                    self.env, segment, segment.policy_cursor, POLICY_STEP_PARTNERS
                )
                segment.write({"policy_cursor": upto or 0, "policy_pending": upto is not None})
                done += 1
                self.env["ir.cron"]._notify_progress(done=done, remaining=remaining)
                # a committed step per range of customers (cron work: a killed
                # worker resumes from the saved cursor)
                self.env.cr.commit()  # pylint: disable=invalid-commit
                if upto is None:
                    remaining -= 1
                    break
