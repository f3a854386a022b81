# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models

from . import policy


class PartnerSegmentAssignment(models.Model):
    """A segment set or ended by hand moves the partner too: its selling
    policies follow."""

    _inherit = "partner.segment.assignment"

    def _set_manual(self, partner, segment, reason, lock_until=False):
        assignment = super()._set_manual(partner, segment, reason, lock_until)
        policy.apply_partners(self.env, assignment.partner_id.ids)
        return assignment

    def _unlock(self):
        partners = self.filtered("locked").partner_id
        res = super()._unlock()
        policy.apply_partners(self.env, partners.ids)
        return res
