# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models

from ..engine import apply


class MergePartnerAutomatic(models.TransientModel):
    """Merging partners keeps one assignment per scheme for the destination.

    Odoo's merge moves every row pointing to the merged partners; where a
    unique key forbids it (one assignment per partner and scheme) it deletes
    the merged partners' rows, locked overrides included.  Before that, per
    scheme: a locked assignment wins over computed ones (the destination's
    own first), otherwise the destination keeps its own (or takes a merged
    partner's).  A change of the destination's segment is written to its
    history; the next run recomputes what is not locked."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _update_foreign_keys(self, src_partners, dst_partner):
        self._merge_segment_assignments(src_partners, dst_partner)
        res = super()._update_foreign_keys(src_partners, dst_partner)
        apply.sync_partner_segments(
            self.env,
            self.env["res.partner"]
            .with_context(active_test=False)
            .search([("id", "child_of", dst_partner.ids)])
            .ids,
        )
        return res

    def _merge_segment_assignments(self, src_partners, dst_partner):
        # The addon's own bookkeeping of a merge the user may do: assignments
        # and history are written by the addon only (no user writes them).
        Assignment = self.env["partner.segment.assignment"].sudo()
        assignments = Assignment.search(
            [("partner_id", "in", (src_partners | dst_partner).ids)], order="id"
        )
        history = []
        for scheme, rows in assignments.grouped("scheme_id").items():
            own = rows.filtered(lambda a: a.partner_id == dst_partner)
            others = rows - own
            keep = (own.filtered("locked") or others.filtered("locked") or own or others)[:1]
            old = own.segment_id
            (rows - keep).unlink()
            if keep.partner_id != dst_partner:
                keep.write({"partner_id": dst_partner.id})
                if keep.segment_id != old:
                    history.append(
                        {
                            "partner_id": dst_partner.id,
                            "scheme_id": scheme.id,
                            "from_segment_id": old.id,
                            "to_segment_id": keep.segment_id.id,
                            "cause": "merge",
                            "date": fields.Datetime.now(),
                            "note": self.env._(
                                "Merged with %(names)s",
                                names=", ".join(src_partners.mapped("display_name")),
                            ),
                        }
                    )
        if history:
            self.env["partner.segment.history"].sudo().create(history)
