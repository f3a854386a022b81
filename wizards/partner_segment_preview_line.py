# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL


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

    def action_view_partners(self):
        self.ensure_one()
        action = self.env["ir.actions.act_window"]._for_xml_id("contacts.action_contacts")
        movers_list = self.env.ref("partner_segmentation.res_partner_view_list_segment_movers")
        action.update(
            {
                "name": self.name,
                "domain": [("id", "in", self.partner_ids.ids)],
                "view_mode": "list",
                "views": [[movers_list.id, "list"]],
                "target": "new",
                # a list to read: nobody creates a partner from a preview
                "context": {"create": False, "edit": False, "delete": False},
            }
        )
        return action
