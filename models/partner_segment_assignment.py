# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import api, fields, models
from odoo.exceptions import AccessError, ValidationError

from ..engine import apply, common
from .rights import is_segmentation_manager


class PartnerSegmentAssignment(models.Model):
    """The current segment of a commercial partner in a scheme.

    Written in bulk by the recompute engine.  A user may lock it on a segment
    of their choice (manual override); the engine then leaves ``segment_id``
    alone until ``lock_until`` and keeps ``computed_segment_id`` up to date.
    """

    _name = "partner.segment.assignment"
    _inherit = ["partner.segment.engine.record"]
    _description = "Segment Assignment"
    _order = "scheme_sequence, scheme_id, partner_id"
    _rec_name = "segment_id"
    _check_company_auto = True

    partner_id = fields.Many2one(
        "res.partner",
        required=True,
        ondelete="cascade",
        index=True,
        readonly=True,
    )
    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, ondelete="cascade", index=True, readonly=True
    )
    company_id = fields.Many2one(related="scheme_id.company_id")
    scheme_sequence = fields.Integer(related="scheme_id.sequence")
    segment_id = fields.Many2one(
        "partner.segment",
        ondelete="cascade",
        index=True,
        domain="[('scheme_id', '=', scheme_id)]",
        check_company=True,
    )
    color = fields.Integer(related="segment_id.color")
    computed_segment_id = fields.Many2one(
        "partner.segment",
        ondelete="set null",
        readonly=True,
        help="What the last recompute says, whatever the lock.",
    )
    date_assigned = fields.Date(string="Since", readonly=True, default=fields.Date.context_today)
    locked = fields.Boolean(help="Manual override: recomputes leave this segment alone.")
    lock_reason = fields.Char(string="Reason")
    lock_until = fields.Date(
        string="Locked Until", help="The override ends after this day; empty: no end."
    )
    locked_by_id = fields.Many2one("res.users", readonly=True)
    differs = fields.Boolean(
        string="Differs from Computed",
        compute="_compute_differs",
        search="_search_differs",
    )
    user_id = fields.Many2one(related="partner_id.user_id", string="Salesperson")

    _sql_constraints = [
        (
            "partner_scheme_unique",
            "UNIQUE(partner_id, scheme_id)",
            "A partner has one assignment per scheme.",
        ),
    ]

    def _engine_write_message(self):
        return self.env._(
            "Segment assignments are kept by the segmentation engine: use a "
            "recompute, or set or end a segment by hand from the partner."
        )

    def init(self):
        # recomputes look for expired overrides among few locked rows
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS partner_segment_assignment_lock_idx "
            "ON partner_segment_assignment (scheme_id, lock_until) WHERE locked"
        )

    @api.depends("segment_id.name", "segment_id.short_name", "segment_id.scheme_id.name", "locked")
    @api.depends_context("segment_short_name", "segment_badge")
    def _compute_display_name(self):
        # the lock is drawn as an icon by the segment_tags widget (no emoji font needed)
        for assignment in self:
            assignment.display_name = assignment.segment_id.display_name or ""

    @api.depends("segment_id", "computed_segment_id")
    def _compute_differs(self):
        for assignment in self:
            assignment.differs = assignment.segment_id != assignment.computed_segment_id

    def _search_differs(self, operator, value):
        if operator not in ("=", "!=") or not isinstance(value, bool):
            raise ValidationError(self.env._("Unsupported search on 'Differs from Computed'."))
        ids = apply.assignment_ids_differing(self.env)
        positive = (operator == "=") == value
        return [("id", "in" if positive else "not in", ids)]

    @api.constrains("segment_id", "scheme_id")
    def _check_segment_scheme(self):
        for assignment in self:
            if assignment.segment_id and assignment.segment_id.scheme_id != assignment.scheme_id:
                raise ValidationError(
                    self.env._(
                        "Segment '%(segment)s' does not belong to scheme '%(scheme)s'.",
                        segment=assignment.segment_id.name,
                        scheme=assignment.scheme_id.name,
                    )
                )

    @api.constrains("partner_id")
    def _check_commercial(self):
        for assignment in self:
            if assignment.partner_id != assignment.partner_id.commercial_partner_id:
                raise ValidationError(
                    self.env._(
                        "Only commercial partners are classified; '%(contact)s' belongs "
                        "to '%(company)s'.",
                        contact=assignment.partner_id.display_name,
                        company=assignment.partner_id.commercial_partner_id.display_name,
                    )
                )

    @api.constrains("partner_id", "scheme_id")
    def _check_partner_company(self):
        # Not check_company on partner_id: Odoo's check would refuse every
        # partner of a company in a scheme of all companies (an empty company
        # there means "every company", not "shared records only").
        for assignment in self:
            scheme_company = assignment.scheme_id.company_id
            partner_company = assignment.partner_id.company_id
            if scheme_company and partner_company and partner_company != scheme_company:
                raise ValidationError(
                    self.env._(
                        "'%(partner)s' belongs to %(partner_company)s: it cannot be "
                        "classified in '%(scheme)s' of %(scheme_company)s.",
                        partner=assignment.partner_id.display_name,
                        partner_company=partner_company.display_name,
                        scheme=assignment.scheme_id.name,
                        scheme_company=scheme_company.display_name,
                    )
                )

    @api.constrains("locked", "lock_reason", "lock_until")
    def _check_lock(self):
        for assignment in self.filtered("locked"):
            if not (assignment.lock_reason or "").strip():
                raise ValidationError(
                    self.env._(
                        "Say why the segment of '%(partner)s' is set by hand.",
                        partner=assignment.partner_id.display_name,
                    )
                )
            if assignment.lock_until and assignment.lock_until < common.today_of(self.env):
                raise ValidationError(
                    self.env._(
                        "The override of '%(partner)s' cannot end in the past.",
                        partner=assignment.partner_id.display_name,
                    )
                )

    # ------------------------------------------------------------------
    # Manual overrides
    # ------------------------------------------------------------------
    @api.model
    def set_manual(self, partner, segment, reason, lock_until=False):
        """Lock ``partner`` on ``segment`` (in its scheme) for ``reason``;
        returns the assignment.

        A segmentation user may set a segment by hand on any partner they may
        read, to a segment they may read; the assignment and its history are
        then written by the addon's own path (as superuser: nobody writes
        them by hand)."""
        self._check_override_rights(partner.commercial_partner_id, segment)
        assignment = self.sudo()._set_manual(partner.sudo(), segment.sudo(), reason, lock_until)
        return assignment.with_env(self.env)

    def _set_manual(self, partner, segment, reason, lock_until=False):
        partner = partner.commercial_partner_id
        # the engine's day, as the lock's end is checked against it
        today = common.today_of(self.env)
        assignment = self.search(
            [("partner_id", "=", partner.id), ("scheme_id", "=", segment.scheme_id.id)]
        )
        old = assignment.segment_id
        values = {
            "segment_id": segment.id,
            "locked": True,
            "lock_reason": reason,
            "lock_until": lock_until or False,
            "locked_by_id": self.env.uid,
        }
        if assignment:
            assignment.write(values)
        else:
            assignment = self.create(
                dict(
                    values,
                    partner_id=partner.id,
                    scheme_id=segment.scheme_id.id,
                    date_assigned=today,
                )
            )
        if old != segment:
            assignment.date_assigned = today
            assignment._log_manual_change(old, segment, reason)
        apply.sync_partner_segments(self.env, partner._segmentation_members())
        return assignment

    def action_unlock(self):
        """End overrides: the segment goes back to what the engine computed
        (no computed segment: the assignment goes).  Their user may end the
        overrides they set, a segmentation manager any, also on a prospect no
        run has classified."""
        locked = self.filtered("locked")
        self._check_override_rights(locked.partner_id, locked.segment_id)
        if not is_segmentation_manager(self.env):
            others = locked.filtered(lambda a: a.locked_by_id != self.env.user)
            if others:
                raise AccessError(
                    self.env._(
                        "Only the user who set it or a segmentation administrator may end "
                        "the override of '%(partner)s' in '%(scheme)s'.",
                        partner=others[0].partner_id.display_name,
                        scheme=others[0].scheme_id.name,
                    )
                )
        ended = [(a.partner_id.display_name, a.computed_segment_id.display_name) for a in locked]
        locked.sudo()._unlock()
        if len(ended) == 1 and ended[0][1]:
            message = self.env._(
                "Override ended: %(partner)s is back in %(segment)s, the computed segment.",
                partner=ended[0][0],
                segment=ended[0][1],
            )
        elif len(ended) == 1:
            message = self.env._(
                "Override ended: %(partner)s has no computed segment in this scheme.",
                partner=ended[0][0],
            )
        else:
            message = self.env._("Overrides ended: %(count)s.", count=len(ended))
        return {
            "type": "ir.actions.client",
            "tag": "display_notification",
            "params": {
                "message": message,
                "type": "success",
                "next": {"type": "ir.actions.client", "tag": "soft_reload"},
            },
        }

    def _date_entered_before_override(self, segment):
        """The day the partner entered ``segment`` before the override that
        moved it away, when the history shows it (else False)."""
        self.ensure_one()
        if not segment:
            return False
        rows = self.env["partner.segment.history"].search(
            [("partner_id", "=", self.partner_id.id), ("scheme_id", "=", self.scheme_id.id)],
            order="date desc, id desc",
            limit=20,
        )
        for index, row in enumerate(rows):
            if row.cause == "manual" and row.from_segment_id == segment:
                entry = rows[index + 1 : index + 2]
                return bool(entry) and entry.to_segment_id == segment and entry.date.date()
        return False

    def _unlock(self):
        for assignment in self.filtered("locked"):
            partner = assignment.partner_id
            old, new = assignment.segment_id, assignment.computed_segment_id
            since = old != new and assignment._date_entered_before_override(new)
            if old != new:
                assignment._log_manual_change(old, new, self.env._("Override ended"))
            if new:
                assignment.write(
                    {
                        "locked": False,
                        "lock_reason": False,
                        "lock_until": False,
                        "locked_by_id": False,
                        "segment_id": new.id,
                        "date_assigned": (since or common.today_of(self.env))
                        if old != new
                        else assignment.date_assigned,
                    }
                )
            else:
                assignment.unlink()
            apply.sync_partner_segments(self.env, partner._segmentation_members())

    def _check_override_rights(self, partners, segments):
        if self.env.su:
            return
        if not self.env.user.has_group("partner_segmentation.group_segmentation_user"):
            raise AccessError(
                self.env._("Only segmentation users may set or end a segment by hand.")
            )
        partners.check_access("read")
        segments.check_access("read")
        self.check_access("read")

    def _log_manual_change(self, old, new, note):
        self.ensure_one()
        self.env["partner.segment.history"].create(
            {
                "partner_id": self.partner_id.id,
                "scheme_id": self.scheme_id.id,
                "from_segment_id": old.id,
                "to_segment_id": new.id,
                "cause": "manual",
                "note": note,
            }
        )
