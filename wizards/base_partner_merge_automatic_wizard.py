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
        self._merge_winback_lines(src_partners, dst_partner)
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

    # fields a kept win-back line takes from a merged one when it has none
    WINBACK_FILL = ("churn_reason_id", "lead_id", "user_id", "segment_id")

    def _winback_line_rank(self, line, dst_partner):
        """Lower is kept first: a declined outcome (it feeds do-not-pursue),
        then any other outcome over none, one set by hand, an answered exit
        survey, the destination's own line, the oldest."""
        return (
            line.outcome != "declined",
            line.outcome == "no_answer",
            not line.outcome_manual,
            line.survey_state != "answered",
            line.partner_id != dst_partner,
            line.id,
        )

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
            vals = {}
            for fname in self.WINBACK_FILL:
                source = others.filtered(fname)[:1]
                if not keep[fname] and source:
                    vals[fname] = source[fname].id
            surveyed = others.filtered("survey_state")[:1]
            if not keep.survey_state and surveyed:
                vals.update(
                    {
                        "survey_user_input_id": surveyed.survey_user_input_id.id,
                        "survey_state": surveyed.survey_state,
                        "survey_sent_date": surveyed.survey_sent_date,
                    }
                )
            notes = [note for note in (keep | others).mapped("churn_note") if note]
            if len(notes) > 1:
                vals["churn_note"] = "\n\n".join(dict.fromkeys(notes))
            others.unlink()
            if keep.partner_id != dst_partner:
                vals["partner_id"] = dst_partner.id
            if vals:
                keep.write(vals)
