# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSalesChannel(models.Model):
    """Where a customer sells or buys (grocery, pharmacy, electronics…), so
    that customers can be grouped and targeted by channel."""

    _name = "partner.sales.channel"
    _description = "Customer Sales Channel"
    _order = "sequence, name"

    name = fields.Char(required=True, translate=True)
    sequence = fields.Integer(default=10)
    active = fields.Boolean(default=True)
    color = fields.Integer()

    _sql_constraints = [
        ("name_unique", "UNIQUE(name)", "A sales channel with this name already exists."),
    ]
