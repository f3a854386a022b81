# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentPolicyValue(models.Model):
    """What a segment's selling policy set on a customer (its pricelist or
    payment terms, for a company): the value is the segment's while the
    customer still has it; a user who changes it makes it theirs.  Written
    by the selling policies only (set-based SQL, see policy.py)."""

    _name = "partner.segment.policy.value"
    _inherit = ["partner.segment.engine.record"]
    _description = "Value Set by a Segment Policy"
    _order = "partner_id, field, company_id"
    _rec_name = "segment_id"

    partner_id = fields.Many2one("res.partner", required=True, ondelete="cascade", readonly=True)
    company_id = fields.Many2one("res.company", required=True, ondelete="cascade", readonly=True)
    field = fields.Selection(
        [("pricelist", "Pricelist"), ("payment_term", "Payment Terms")],
        required=True,
        readonly=True,
    )
    segment_id = fields.Many2one(
        "partner.segment", required=True, ondelete="cascade", index=True, readonly=True
    )
    value_id = fields.Integer(
        string="Value Set", readonly=True, help="The pricelist or payment terms the segment set."
    )

    _sql_constraints = [
        (
            "partner_company_field_unique",
            "UNIQUE(partner_id, company_id, field)",
            "A segment policy sets one value per customer, company and field.",
        ),
    ]

    def _engine_write_message(self):
        return self.env._("The values set by segment policies are written by the policies only.")
