# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import UserError


class PartnerSegmentSalespersonWizard(models.TransientModel):
    """Service policy (e.g. A 1:1, B 1:2, C 1:3–5): spread a segment's
    customers over a sales team's members, at most ``capacity`` each."""

    _name = "partner.segment.salesperson.wizard"
    _description = "Assign Salespersons to a Segment"

    segment_id = fields.Many2one("partner.segment", required=True)
    team_id = fields.Many2one("crm.team", string="Sales Team", required=True)
    capacity = fields.Integer(
        string="Customers per Salesperson",
        compute="_compute_capacity",
        store=True,
        readonly=False,
    )
    state = fields.Selection([("draft", "Draft"), ("done", "Done")], default="draft")
    kept_count = fields.Integer(readonly=True)
    assigned_count = fields.Integer(readonly=True)
    unplaced_partner_ids = fields.Many2many(
        "res.partner", string="Could not be placed", readonly=True
    )

    @api.depends("segment_id")
    def _compute_capacity(self):
        for wizard in self:
            wizard.capacity = wizard.segment_id.customers_per_salesperson or 1

    def action_assign(self):
        self.ensure_one()
        if self.capacity < 1:
            raise UserError(self.env._("A salesperson looks after at least one customer."))
        members = self.team_id.member_ids.sorted("id")
        if not members:
            raise UserError(
                self.env._("Sales team '%(team)s' has no members.", team=self.team_id.name)
            )
        partners = (
            self.env["partner.segment.assignment"]
            .search([("segment_id", "=", self.segment_id.id)])
            .partner_id.sorted("id")
        )
        load = Counter()
        kept = self.env["res.partner"]
        for partner in partners:  # existing assignments that fit are kept
            if partner.user_id in members and load[partner.user_id.id] < self.capacity:
                load[partner.user_id.id] += 1
                kept |= partner
        by_user, unplaced = {}, self.env["res.partner"]
        for partner in partners - kept:
            free = [m for m in members if load[m.id] < self.capacity]
            if not free:
                unplaced |= partner
                continue
            user = min(free, key=lambda m: (load[m.id], m.id))
            load[user.id] += 1
            by_user.setdefault(user, self.env["res.partner"])
            by_user[user] |= partner
        for user, assigned in by_user.items():
            assigned.write({"user_id": user.id})
        self.write(
            {
                "state": "done",
                "kept_count": len(kept),
                "assigned_count": sum(len(p) for p in by_user.values()),
                "unplaced_partner_ids": [(6, 0, unplaced.ids)],
            }
        )
        return {
            "type": "ir.actions.act_window",
            "res_model": self._name,
            "res_id": self.id,
            "view_mode": "form",
            "target": "new",
        }
