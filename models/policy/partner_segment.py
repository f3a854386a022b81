# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import ValidationError

from . import cadence


class PartnerSegment(models.Model):
    """A segment's policy at work: its contact cadence (a daily job) and its
    service policy (customers per salesperson, applied by a wizard)."""

    _inherit = "partner.segment"

    contact_frequency = fields.Integer(
        string="Touches a Year",
        help="How often the partners of this segment should be contacted (e.g. 6 to 18 a year).",
    )
    customers_per_salesperson = fields.Integer(
        help="Service policy: how many of this segment's customers one "
        "salesperson looks after (A 1:1, B 1:2, C 1:3–5).",
    )

    @api.constrains("contact_frequency", "customers_per_salesperson")
    def _check_policy(self):
        for segment in self:
            if segment.contact_frequency < 0 or segment.customers_per_salesperson < 0:
                raise ValidationError(
                    self.env._(
                        "Segment '%(name)s': touches a year and customers per "
                        "salesperson cannot be negative.",
                        name=segment.name,
                    )
                )

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
