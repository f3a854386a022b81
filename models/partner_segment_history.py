# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentHistory(models.Model):
    """One change of a partner's segment in a scheme (written in bulk).

    An audit trail: written by the addon only (recomputes and the override
    methods, as superuser after checking the user's rights), never created,
    edited or deleted by hand; the ACLs grant read only."""

    _name = "partner.segment.history"
    _inherit = ["partner.segment.engine.record"]
    _description = "Segment Change"
    _order = "date desc, id desc"
    _rec_name = "to_segment_id"

    partner_id = fields.Many2one(
        "res.partner", required=True, ondelete="cascade", index=True, readonly=True
    )
    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="scheme_id.company_id")
    from_segment_id = fields.Many2one(
        "partner.segment", string="From", ondelete="set null", readonly=True
    )
    to_segment_id = fields.Many2one(
        "partner.segment", string="To", ondelete="set null", readonly=True
    )
    date = fields.Datetime(required=True, default=fields.Datetime.now, readonly=True, index=True)
    cause = fields.Selection(
        [("recompute", "Computed"), ("manual", "Set by hand"), ("merge", "Partner merge")],
        required=True,
        readonly=True,
    )
    run_id = fields.Many2one("partner.segment.run", ondelete="set null", readonly=True)
    user_id = fields.Many2one(
        "res.users", string="By", readonly=True, default=lambda self: self.env.user
    )
    note = fields.Char(readonly=True)

    metric_value = fields.Float(
        string="Ranking Value",
        readonly=True,
        help="Pareto and quantile schemes: the value of the ranking metric the partner "
        "was ranked by when the change was made.",
    )

    def init(self):
        # a run's notes, actions and counts read its rows by partner
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS partner_segment_history_run_partner_idx "
            "ON partner_segment_history (run_id, partner_id) WHERE run_id IS NOT NULL"
        )

    def _engine_write_message(self):
        return self.env._("The segment history is written by the segmentation engine only.")
