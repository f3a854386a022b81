# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class CrmLead(models.Model):
    _inherit = "crm.lead"

    winback_campaign_id = fields.Many2one(
        "partner.segment.winback.campaign",
        string="Win-back Campaign",
        index="btree_not_null",
        ondelete="set null",
        readonly=True,
    )
