# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.tools import SQL

from ..engine import preview_kept as engine_preview_kept


class PartnerSegmentPreviewLine(models.TransientModel):
    """One line of a preview: a segment's partners now and with the rules,
    or a move (from → to) with the partners who would make it."""

    _name = "partner.segment.preview.line"
    _description = "Segmentation Preview Line"
    _order = "sequence, id"

    wizard_id = fields.Many2one(
        "partner.segment.preview.wizard", required=True, ondelete="cascade", index=True
    )
    kind = fields.Selection([("segment", "Segment"), ("move", "Move")], required=True)
    sequence = fields.Integer()
    name = fields.Char(readonly=True)
    segment_id = fields.Many2one("partner.segment", readonly=True)
    from_segment_id = fields.Many2one("partner.segment", string="From", readonly=True)
    to_segment_id = fields.Many2one("partner.segment", string="To", readonly=True)
    current_count = fields.Integer(string="Now", readonly=True)
    count = fields.Integer(string="With These Rules", readonly=True)
    difference = fields.Integer(compute="_compute_difference")
    partner_ids = fields.Many2many(
        "res.partner", "partner_segment_preview_line_partner_rel", "line_id", "partner_id"
    )
    # a move counted in the ranking the last full run kept: where its partners
    # are in it ({scheme, from, to, ranges}), read when the line is opened
    kept_moves = fields.Json(readonly=True)
    mover_ids = fields.Many2many(
        "res.partner", string="Partners Who Would Move", compute="_compute_mover_ids"
    )

    def _compute_difference(self):
        for line in self:
            line.difference = line.count - line.current_count

    def _set_partners(self, partner_ids):
        """The partners of a move, written in one statement (there may be many)."""
        self.ensure_one()
        self.env.cr.execute(
            SQL(
                "INSERT INTO partner_segment_preview_line_partner_rel (line_id, partner_id) "
                "SELECT %s, unnest(%s::int[])",
                self.id,
                partner_ids,
            )
        )
        self.invalidate_recordset(["partner_ids"])

    @api.depends("partner_ids", "kept_moves")
    def _compute_mover_ids(self):
        for line in self:
            line.mover_ids = line._mover_ids() if line.kind == "move" else False

    def _mover_ids(self):
        """The ids of the partners of this move."""
        self.ensure_one()
        moves = self.kept_moves
        if not moves:
            return self.partner_ids.ids
        # the kept ranking has no access for anyone: read by the engine's SQL
        # for a preview's own move (partner ids only; the list that shows
        # them applies the user's rules)
        return engine_preview_kept.movers(
            self.env, moves["scheme"], moves["from"], moves["to"], moves["ranges"]
        )

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("contacts.action_contacts")
        movers_list = self.env.ref("partner_segmentation.res_partner_view_list_segment_movers")
        action.update(
            {
                "name": self.name,
                "domain": [("id", "in", self._mover_ids())],
                "view_mode": "list",
                "views": [[movers_list.id, "list"]],
                "target": "new",
                # a list to read: nobody creates a partner from a preview
                "context": {"create": False, "edit": False, "delete": False},
            }
        )
        return action
