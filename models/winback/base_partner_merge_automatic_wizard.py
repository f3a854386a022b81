# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    """Merging partners keeps one win-back line per campaign for the
    destination (Odoo's merge would delete the merged partners' lines where
    the destination has one in the same campaign)."""

    _inherit = "base.partner.merge.automatic.wizard"

    # fields a kept win-back line takes from a merged one when it has none
    WINBACK_FILL = ("churn_reason_id", "lead_id", "user_id", "segment_id")

    def _update_foreign_keys(self, src_partners, dst_partner):
        self._merge_winback_lines(src_partners, dst_partner)
        return super()._update_foreign_keys(src_partners, dst_partner)

    def _winback_line_rank(self, line, dst_partner):
        """Lower is kept first: a declined outcome (it feeds do-not-pursue),
        then any other outcome over none, one set by hand, the destination's
        own line, the oldest (steps of a campaign may add their own key
        before the destination's own line)."""
        return (
            line.outcome != "declined",
            line.outcome in ("pending", "no_answer"),
            not line.outcome_manual,
            line.partner_id != dst_partner,
            line.id,
        )

    def _winback_merge_values(self, keep, others):
        """What the kept line takes from the merged ones."""
        vals = {}
        for fname in self.WINBACK_FILL:
            source = others.filtered(fname)[:1]
            if not keep[fname] and source:
                vals[fname] = source[fname].id
        return vals

    def _merge_winback_lines(self, src_partners, dst_partner):
        # sudo: the addon's bookkeeping of a merge the user may do; without it
        # Odoo's merge deletes the merged partners' lines in SQL, whatever the
        # user's rights on them
        lines = (
            self.env["partner.segment.winback.line"]
            .sudo()
            .search([("partner_id", "in", (src_partners | dst_partner).ids)], order="id")
        )
        for rows in lines.grouped("campaign_id").values():
            rows = rows.sorted(lambda line: self._winback_line_rank(line, dst_partner))
            keep, others = rows[:1], rows[1:]
            vals = self._winback_merge_values(keep, others)
            notes = [note for note in (keep | others).mapped("churn_note") if note]
            if len(notes) > 1:
                vals["churn_note"] = "\n\n".join(dict.fromkeys(notes))
            others.unlink()
            if keep.partner_id != dst_partner:
                vals["partner_id"] = dst_partner.id
            if vals:
                keep.write(vals)
