# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError
from odoo.tools import SQL

from . import partner_segment_coupon_job as coupon_job


class LoyaltyGenerateWizard(models.TransientModel):
    """Coupons for this segment: Odoo's own coupon generation (mode
    *Selected Customers*) whose customers are the segment's, one coupon per
    commercial partner currently in it."""

    _inherit = "loyalty.generate.wizard"

    segment_id = fields.Many2one(
        "partner.segment",
        readonly=True,
        help="One coupon for each customer currently in this segment.",
    )
    segment_company_id = fields.Many2one("res.company", compute="_compute_segment_company_id")

    @api.model
    def default_get(self, fields_list):
        res = super().default_get(fields_list)
        # Odoo takes the program from active_id; opened from a segment, that is the segment's id
        if self.env.context.get("default_segment_id") and "program_id" in fields_list:
            res["program_id"] = self.env.context.get("default_program_id") or False
        segment = self.env["partner.segment"].browse(self.env.context.get("default_segment_id"))
        if segment and "description" in fields_list and not res.get("description"):
            res["description"] = self.env._(
                "For the customers of segment %(segment)s", segment=segment.display_name
            )
        return res

    @api.depends("segment_id")
    def _compute_segment_company_id(self):
        for wizard in self:
            wizard.segment_company_id = wizard.segment_id.company_id or self.env.company

    def _segment_partners_domain(self):
        self.ensure_one()
        return [("segment_assignment_ids.segment_id", "=", self.segment_id.id)]

    def _get_partners(self):
        if self.segment_id and self.mode == "selected":
            return self.env["res.partner"].search(self._segment_partners_domain())
        return super()._get_partners()

    @api.depends("customer_ids", "customer_tag_ids", "mode", "segment_id")
    def _compute_coupon_qty(self):
        by_segment = self.filtered(lambda w: w.segment_id and w.mode == "selected")
        for wizard in by_segment:
            wizard.coupon_qty = self.env["res.partner"].search_count(
                wizard._segment_partners_domain()
            )
        return super(LoyaltyGenerateWizard, self - by_segment)._compute_coupon_qty()

    @api.depends("program_type", "points_granted", "coupon_qty")
    def _compute_confirmation_message(self):
        # opened from a segment, the program is chosen in the wizard (Odoo's
        # message needs one)
        without = self.filtered(lambda w: not w.program_type)
        without.confirmation_message = False
        return super(LoyaltyGenerateWizard, self - without)._compute_confirmation_message()

    @api.constrains("segment_id", "program_id")
    def _check_segment_program(self):
        for wizard in self.filtered("segment_id"):
            program = wizard.program_id
            if program.program_type != "coupons":
                raise ValidationError(
                    self.env._(
                        "Coupons for segment '%(segment)s': '%(program)s' is no coupon program.",
                        segment=wizard.segment_id.display_name,
                        program=program.display_name,
                    )
                )
            if program.company_id and program.company_id != wizard.segment_company_id:
                raise ValidationError(
                    self.env._(
                        "Coupons for segment '%(segment)s' of %(company)s: program "
                        "'%(program)s' belongs to %(other)s.",
                        segment=wizard.segment_id.display_name,
                        company=wizard.segment_company_id.name,
                        program=program.display_name,
                        other=program.company_id.name,
                    )
                )

    def generate_coupons(self):
        by_segment = self.filtered("segment_id")
        if by_segment and not self.env.user.has_group("sales_team.group_sale_manager"):
            raise AccessError(
                self.env._("Only sales administrators generate coupons for a segment.")
            )
        if not by_segment:
            return super().generate_coupons()
        for wizard in by_segment:
            wizard.mode = "selected"
            wizard._check_segment_program()
        large = by_segment.filtered(lambda w: w.coupon_qty > coupon_job.COUPON_JOB_THRESHOLD)
        if large:
            return large._queue_coupon_jobs()
        count = sum(wizard.coupon_qty for wizard in by_segment)
        codes = iter(self._unique_coupon_codes(count))
        return super(
            LoyaltyGenerateWizard, self.with_context(segment_coupon_codes=codes)
        ).generate_coupons()

    def _queue_coupon_jobs(self):
        """Coupons for large segments: a job each, generated by the coupons
        cron in committed steps, not in this request."""
        if any(wizard.coupon_qty <= 0 for wizard in self):
            raise ValidationError(self.env._("Invalid quantity."))
        # sudo: jobs are written only here and by the cron; the requesting
        # user is a sales administrator (checked in generate_coupons)
        self.env["partner.segment.coupon.job"].sudo().create(
            [
                {
                    "program_id": wizard.program_id.id,
                    "segment_id": wizard.segment_id.id,
                    "points": wizard.points_granted,
                    "expiration_date": wizard.valid_until,
                    "description": wizard.description,
                    "user_id": self.env.user.id,
                    "company_id": wizard.segment_company_id.id,
                    "coupon_qty": wizard.coupon_qty,
                }
                for wizard in self
            ]
        )
        # sudo: queueing the module's own cron job
        self.env.ref("partner_segmentation.ir_cron_segment_coupons").sudo()._trigger()
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "type": "info",
                "message": self.env._(
                    "%(count)s coupons are being generated; you will be notified.",
                    count=sum(self.mapped("coupon_qty")),
                ),
                "next": {"type": "ir.actions.act_window_close"},
            },
        }

    def _get_coupon_values(self, partner):
        values = super()._get_coupon_values(partner)
        codes = self.env.context.get("segment_coupon_codes")
        code = next(codes, None) if codes is not None else None
        if code:  # else Odoo's default (customers who entered since the count)
            values["code"] = code
        return values

    def _unique_coupon_codes(self, count):
        """``count`` coupon codes of Odoo's own making, none twice and none
        of an existing coupon: Odoo's codes carry 32 random bits, so that a
        segment of 100,000 customers would, more often than not, draw one
        code twice and lose the whole batch on the unique constraint."""
        Card = self.env["loyalty.card"]
        codes = set()
        while len(codes) < count:
            new = {Card._generate_code() for _i in range(count - len(codes))} - codes
            # sudo: only whether a code is taken, in any company
            Card.sudo().flush_model(["code"])
            self.env.cr.execute(
                SQL("SELECT code FROM loyalty_card WHERE code = ANY(%s)", list(new))
            )
            codes |= new - {code for (code,) in self.env.cr.fetchall()}
        return list(codes)
