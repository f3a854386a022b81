# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class MailingSubscription(models.Model):
    _inherit = "mailing.subscription"

    segment_synced = fields.Boolean(
        string="From Segments",
        readonly=True,
        help="Added by the list's segment sync, which also removes it when the partner "
        "leaves the segments; subscriptions added by hand are never removed.",
    )
