# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, models
from odoo.exceptions import AccessError


class PartnerSegmentEngineRecord(models.AbstractModel):
    """Records that the segmentation engine keeps (assignments, history,
    runs): nobody creates or edits one by hand.  The addon writes them as
    superuser, after checking the user's own rights where a user asks for
    it (overrides, recomputes)."""

    _name = "partner.segment.engine.record"
    _description = "Segmentation: Kept by the Engine"
    # whether users with the access right may delete records by hand
    _engine_unlink_by_hand = False

    @api.model_create_multi
    def create(self, vals_list):
        self._check_engine_write()
        return super().create(vals_list)

    def write(self, vals):
        self._check_engine_write()
        return super().write(vals)

    def unlink(self):
        if not self._engine_unlink_by_hand:
            self._check_engine_write()
        return super().unlink()

    def _check_engine_write(self):
        if not self.env.su:
            raise AccessError(self._engine_write_message())

    def _engine_write_message(self):
        return self.env._("These records are kept by the segmentation engine only.")
