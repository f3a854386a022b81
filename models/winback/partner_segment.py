# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegment(models.Model):
    """Segments whose partners win-back campaigns propose."""

    _inherit = "partner.segment"

    winback_target = fields.Boolean(
        string="Win-back Target",
        help="Partners of this segment are proposed for win-back campaigns.",
    )
