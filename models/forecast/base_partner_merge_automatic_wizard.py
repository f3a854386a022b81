# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

from . import store


class BasePartnerMergeAutomaticWizard(models.TransientModel):
    _inherit = "base.partner.merge.automatic.wizard"

    def _merge(self, partner_ids, dst_partner=None, extra_checks=True):
        # the merge moves the records of the merged partners to the one kept
        # by SQL, their last change untouched: the forecasts' next refresh
        # checks every customer rather than only what was written since
        store.unmark(self.env)
        return super()._merge(partner_ids, dst_partner=dst_partner, extra_checks=extra_checks)
