# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError


class SaleOrder(models.Model):
    """The segments' sales warning where Odoo shows the customer's own: when
    the customer is chosen (Odoo's warning pop-up; a blocking one empties
    the customer, as Odoo's does), above the quotation, and on confirming
    (a blocking one refuses)."""

    _inherit = "sale.order"

    segment_sale_warning = fields.Text(compute="_compute_segment_sale_warning")

    @api.depends("partner_id", "state")
    def _compute_segment_sale_warning(self):
        for order in self:
            message = ""
            if order.partner_id and order.state in ("draft", "sent"):
                message = order.partner_id._segment_sale_warning()[1]
            order.segment_sale_warning = message

    @api.onchange("partner_id")
    def _onchange_partner_id_warning(self):
        res = super()._onchange_partner_id_warning()
        partner = self.partner_id
        if not partner:
            return res
        level, message = partner._segment_sale_warning()
        if level == "no-message":
            return res
        if level == "block":
            self.partner_id = False
        if res and res.get("warning"):
            message = f"{res['warning']['message']}\n\n{message}"
        return {
            "warning": {
                "title": self.env._("Warning for %s", partner.name),
                "message": message,
            }
        }

    def action_confirm(self):
        for order in self:
            level, message = order.partner_id._segment_sale_warning()
            if level == "block":
                raise UserError(
                    self.env._(
                        "%(order)s cannot be confirmed: a segment of %(partner)s blocks sales.\n"
                        "%(message)s",
                        order=order.name,
                        partner=order.partner_id.commercial_partner_id.display_name,
                        message=message,
                    )
                )
        return super().action_confirm()
