# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import models


class PartnerSegmentScheme(models.Model):
    """Mailing by segment: the scheme's mailing button, and the mailing lists
    that follow the segments after every run."""

    _inherit = "partner.segment.scheme"

    def _after_recompute(self, run):
        res = super()._after_recompute(run)
        # sudo: the lists that follow these schemes are synced whoever ran
        # the recompute (the run itself is the engine's, see engine/run.py);
        # each list searches its members with its owner's rights
        # (mailing.list._segment_owner_env)
        lists = (
            self.env["mailing.list"]
            .sudo()
            .search([("segment_sync", "=", True), ("segment_ids.scheme_id", "in", self.ids)])
        )
        lists._sync_segments()
        return res

    def action_mailing_wizard(self):
        self.ensure_one()
        return self.segment_ids.action_mailing_wizard()
