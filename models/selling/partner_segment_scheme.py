# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

from . import policy


class PartnerSegmentScheme(models.Model):
    """Selling policies follow the partners a run moves, in the step that
    writes the moves."""

    _inherit = "partner.segment.scheme"

    def _after_apply(self, run_id):
        res = super()._after_apply(run_id)
        policy.apply_changes(self.env, self)
        return res
