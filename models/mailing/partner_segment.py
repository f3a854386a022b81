# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.osv import expression


class PartnerSegment(models.Model):
    """Mailing by segment: who a segment's mailing reaches, and its wizard."""

    _inherit = "partner.segment"

    @api.model
    def _recipient_domain(self, segments, include_contacts=True):
        """res.partner domain of the partners in ``segments``: OR within a
        scheme, AND between schemes; with their contacts or not.  It names
        the segments, so it is evaluated when used (a mailing's recipients are
        those of the day it is sent)."""
        field = "segment_ids" if include_contacts else "segment_assignment_ids.segment_id"
        clauses = [
            [(field, "in", segments.filtered(lambda s, sc=scheme: s.scheme_id == sc).ids)]
            for scheme in segments.scheme_id
        ]
        return expression.AND([*clauses, [("email", "!=", False)]]) if clauses else []

    def _all_readable(self):
        """Whether the current user may read every one of these segments (a
        list or a mailing may follow only those: a segment of another
        company would bring that company's contacts).  The superuser may."""
        return self.env.su or not (self - self._filtered_access("read"))

    def action_mailing_wizard(self):
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Mailing by Segment"),
            "res_model": "partner.segment.mailing.wizard",
            "view_mode": "form",
            "target": "new",
            "context": {"default_segment_ids": self.ids},
        }
