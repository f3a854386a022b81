# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError


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
    segment_company_id = fields.Many2one(
        "res.company", compute="_compute_segment_company_id", string="Segment Company"
    )

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
        if self.filtered("segment_id") and not self.env.user.has_group(
            "sales_team.group_sale_manager"
        ):
            raise AccessError(
                self.env._("Only sales administrators generate coupons for a segment.")
            )
        for wizard in self.filtered("segment_id"):
            wizard.mode = "selected"
            wizard._check_segment_program()
        return super().generate_coupons()
