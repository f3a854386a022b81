# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class AccountMove(models.Model):
    _inherit = "account.move"

    def _post(self, soft=True):
        posted = super()._post(soft=soft)
        # a posted invoice or credit note (reversals too) moves its customer's
        # metrics: queue the partner for a near-real-time recompute
        self.env["partner.segment.queue"]._enqueue(
            posted.filtered(lambda move: move.is_invoice(include_receipts=True))
        )
        return posted

    def button_draft(self):
        invoices = self.filtered(lambda move: move.is_invoice(include_receipts=True))
        result = super().button_draft()
        self.env["partner.segment.queue"]._enqueue(invoices)
        return result
