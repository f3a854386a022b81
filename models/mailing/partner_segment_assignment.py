# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models


class PartnerSegmentAssignment(models.Model):
    """Mailing by segment: a segment changed by hand moves the partner in the
    mailing lists that follow it at once, as a run does."""

    _inherit = "partner.segment.assignment"

    @api.model
    def set_manual(self, partner, segment, reason, lock_until=False):
        before = self.search(
            [
                ("partner_id", "=", partner.commercial_partner_id.id),
                ("scheme_id", "=", segment.scheme_id.id),
            ]
        ).segment_id
        assignment = super().set_manual(partner, segment, reason, lock_until)
        self._sync_following_lists(before | segment)
        return assignment

    def action_unlock(self):
        before = self.segment_id
        res = super().action_unlock()
        self._sync_following_lists(before | self.exists().segment_id)
        return res

    @api.model
    def _sync_following_lists(self, segments):
        if not segments:
            return
        # sudo: the lists are synced as after a run, whoever moved the partner;
        # only the lists that follow these segments are touched, each
        # searching its members with its owner's rights
        lists = (
            self.env["mailing.list"]
            .sudo()
            .search([("segment_sync", "=", True), ("segment_ids", "in", segments.ids)])
        )
        lists._sync_segments()
