# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models

from ...engine import cadence


class PartnerSegment(models.Model):
    """A segment's policy at work: its contact cadence (a daily job) and its
    service policy (customers per salesperson, applied by a wizard)."""

    _inherit = "partner.segment"

    def action_salesperson_wizard(self):
        self.ensure_one()
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Assign Salespersons"),
            "res_model": "partner.segment.salesperson.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_segment_id": self.id},
        }

    @api.model
    def _cron_contact_cadence(self):
        """Daily: one follow-up activity for each partner whose segment asks
        for more contact than it had (typically 6 to 18 touches a year)."""
        return cadence.schedule(self.env)
