# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class MergePartnerAutomatic(models.TransientModel):
    """A merged win-back line keeps an exit survey: the line with an answered
    survey is kept first, and a kept line without survey takes a merged one's."""

    _inherit = "base.partner.merge.automatic.wizard"

    def _winback_line_rank(self, line, dst_partner):
        rank = super()._winback_line_rank(line, dst_partner)
        # after the outcome keys, before the destination's own line
        return (*rank[:3], line.survey_state != "answered", *rank[3:])

    def _winback_merge_values(self, keep, others):
        vals = super()._winback_merge_values(keep, others)
        surveyed = others.filtered("survey_state")[:1]
        if not keep.survey_state and surveyed:
            vals.update(
                {
                    "survey_user_input_id": surveyed.survey_user_input_id.id,
                    "survey_state": surveyed.survey_state,
                    "survey_sent_date": surveyed.survey_sent_date,
                }
            )
        return vals
