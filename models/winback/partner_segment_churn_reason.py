# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentChurnReason(models.Model):
    """Why a customer stopped buying, recorded so that win-back offers and
    reports can address it."""

    _name = "partner.segment.churn.reason"
    _description = "Churn Reason"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    means_declined = fields.Boolean(
        string="Counts as Declined",
        default=True,
        help="Recording this reason on a win-back line means the customer declined.",
    )

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A churn reason with this name already exists."),
    ]
