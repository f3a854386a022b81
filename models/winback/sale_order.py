# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class SaleOrder(models.Model):
    """An order of a customer in a running win-back campaign refreshes its
    line's outcome and figures."""

    _inherit = "sale.order"

    def write(self, vals):
        res = super().write(vals)
        if {"state", "date_order", "partner_id"} & vals.keys():
            # winback_open is read with the partner's other columns: orders of
            # customers outside a running win-back campaign cost no query.
            # sudo: the flag is staff-only (groups) and a portal customer may
            # sign or pay an order; it only decides whether the lines' figures
            # are refreshed, which the engine of the figures does as superuser
            partners = self.partner_id.commercial_partner_id.sudo().filtered("winback_open")
            if partners:
                self.env["partner.segment.winback.line"]._refresh_for_partners(partners)
        return res
