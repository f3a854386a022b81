# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class SaleOrder(models.Model):
    _inherit = "sale.order"

    def action_confirm(self):
        result = super().action_confirm()
        # a confirmed order moves its customer's metrics: queue the partner
        # for a near-real-time recompute
        self.env["partner.segment.queue"]._enqueue(self)
        return result

    def _action_cancel(self):
        result = super()._action_cancel()
        self.env["partner.segment.queue"]._enqueue(self)
        return result
