# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import UserError


class PartnerSegmentOverrideWizard(models.TransientModel):
    """Set a partner's segment in a scheme by hand, with a reason."""

    _name = "partner.segment.override.wizard"
    _description = "Set a Segment by Hand"

    partner_id = fields.Many2one("res.partner", required=True, readonly=True)
    scheme_id = fields.Many2one("partner.segment.scheme", required=True)
    current_segment_id = fields.Many2one("partner.segment", compute="_compute_current_segment_id")
    segment_id = fields.Many2one(
        "partner.segment",
        string="New Segment",
        required=True,
        domain="[('scheme_id', '=', scheme_id)]",
    )
    reason = fields.Char(required=True)
    lock_until = fields.Date(
        string="Until", help="After this day the computed segment applies again; empty: no end."
    )

    @api.depends("partner_id", "scheme_id")
    def _compute_current_segment_id(self):
        for wizard in self:
            wizard.current_segment_id = (
                self.env["partner.segment.assignment"]
                .search(
                    [
                        ("partner_id", "=", wizard.partner_id.commercial_partner_id.id),
                        ("scheme_id", "=", wizard.scheme_id.id),
                    ],
                    limit=1,
                )
                .segment_id
            )

    @api.onchange("scheme_id")
    def _onchange_scheme_id(self):
        if self.segment_id.scheme_id != self.scheme_id:
            self.segment_id = False

    def action_confirm(self):
        self.ensure_one()
        if self.segment_id.scheme_id != self.scheme_id:
            raise UserError(
                self.env._(
                    "Segment '%(segment)s' is not a segment of '%(scheme)s'.",
                    segment=self.segment_id.name,
                    scheme=self.scheme_id.name,
                )
            )
        self.env["partner.segment.assignment"].set_manual(
            self.partner_id, self.segment_id, self.reason, self.lock_until
        )
        return {"type": "ir.actions.act_window_close"}
