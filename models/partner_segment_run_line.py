# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentRunLine(models.Model):
    """One scheme in a run: where it stands and what it changed.  Written by
    the engine only (as superuser, see engine/run_steps.py); seen by whoever
    sees its run."""

    _name = "partner.segment.run.line"
    _inherit = ["partner.segment.engine.record"]
    _description = "Segmentation Run: Scheme"
    _order = "run_id, sequence, id"
    _rec_name = "scheme_id"

    run_id = fields.Many2one(
        "partner.segment.run", required=True, ondelete="cascade", index=True, readonly=True
    )
    sequence = fields.Integer(readonly=True)
    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, ondelete="cascade", readonly=True
    )
    state = fields.Selection(
        [
            ("pending", "Pending"),
            ("writing", "Writing"),
            ("done", "Done"),
            ("failed", "Failed"),
        ],
        default="pending",
        required=True,
        readonly=True,
    )
    dependent = fields.Boolean(
        string="Follows Another Scheme",
        readonly=True,
        help="Added to the run because its conditions test a scheme the run recomputes: "
        "recomputed for the partners whose tested segment changed in the run.",
    )
    cursor = fields.Integer(readonly=True, help="The last partner id written.")
    partner_count = fields.Integer(string="Classified", readonly=True)
    entered = fields.Integer(
        readonly=True, help="Partners that entered a segment of the scheme (new or moved)."
    )
    left = fields.Integer(
        readonly=True,
        help="Partners that left a segment of the scheme (moved or no longer classified).",
    )
    stayed = fields.Integer(readonly=True, help="Classified partners whose segment stayed.")
    change_count = fields.Integer(string="Changes", readonly=True)
    duration = fields.Float(string="Duration (s)", readonly=True, digits=(16, 3))
    error = fields.Text(readonly=True)

    def _engine_write_message(self):
        return self.env._("Segmentation runs are recorded by the engine only.")

    def action_view_history(self):
        """The history rows this run wrote for this scheme."""
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id(
            "partner_segmentation.action_partner_segment_history"
        )
        action.update(
            {
                "domain": [("run_id", "=", self.run_id.id), ("scheme_id", "=", self.scheme_id.id)],
                "context": {},
                "name": self.env._("Changes: %s", self.scheme_id.name),
            }
        )
        return action
