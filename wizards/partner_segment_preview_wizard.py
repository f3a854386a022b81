# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from collections import Counter

from odoo import api, fields, models
from odoo.exceptions import AccessError

from ..engine import preview as engine_preview
from ..engine import preview_kept as engine_preview_kept


class PartnerSegmentPreviewWizard(models.TransientModel):
    """Preview before applying: how many partners each segment would hold
    with the rules as they are in the form (saved or not), and who would
    enter and leave compared with the current assignments.  The real engine
    runs against the work tables in a savepoint that is rolled back:
    nothing is written, the rules included."""

    _name = "partner.segment.preview.wizard"
    _description = "Segmentation Preview"

    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    scheme_name = fields.Char(readonly=True)
    segment_line_ids = fields.One2many(
        "partner.segment.preview.line",
        "wizard_id",
        domain=[("kind", "=", "segment")],
        string="Segments",
    )
    move_line_ids = fields.One2many(
        "partner.segment.preview.line",
        "wizard_id",
        domain=[("kind", "=", "move")],
        string="Moves",
    )
    scheme_method = fields.Selection(
        lambda self: self.env["partner.segment.scheme"]._fields["method"].selection,
        readonly=True,
    )
    scheme_no_activity = fields.Selection(
        lambda self: self.env["partner.segment.scheme"]._fields["no_activity"].selection,
        readonly=True,
    )
    partner_count = fields.Integer(string="Partners Classified", readonly=True)
    move_count = fields.Integer(string="Partners Who Would Move", readonly=True)
    # what the figures are of: the data of the last full run (its kept
    # ranking, documents added since not counted) or today's data
    basis = fields.Selection(
        [("kept", "Last Full Run"), ("today", "Today's Data")],
        string="Based On",
        readonly=True,
        default="today",
    )
    basis_run_id = fields.Many2one(
        "partner.segment.run", string="Based on Run", readonly=True, ondelete="set null"
    )
    # its name, shown: a run may also have classified schemes of companies
    # the user does not see, making the run itself unreadable to them
    basis_run_name = fields.Char(string="Based on Run Name", readonly=True)
    basis_date = fields.Datetime(string="Data As Of", readonly=True)

    @api.model
    def preview_scheme(self, scheme_id, values):
        """The preview of a scheme with the form's unsaved ``values``
        (``scheme_id`` False for a scheme not created yet)."""
        Scheme = self.env["partner.segment.scheme"]

        def apply():
            if scheme_id:
                scheme = Scheme.browse(scheme_id)
                scheme.write(values)
                return scheme
            return Scheme.create(values)

        return self._preview(apply)

    @api.model
    def preview_segment(self, segment_id, values):
        """The preview of a segment's scheme with the segment's unsaved ``values``."""
        Segment = self.env["partner.segment"]

        def apply():
            if segment_id:
                segment = Segment.browse(segment_id)
                segment.write(values)
            else:
                segment = Segment.create(values)
            return segment.scheme_id

        return self._preview(apply)

    @api.model
    def _preview(self, apply):
        if not self.env.user.has_group("partner_segmentation.group_segmentation_manager"):
            raise AccessError(self.env._("Only segmentation administrators preview rules."))
        # the rules are written with the user's rights (and checks), then the
        # engine reads as a run does; all of it is rolled back
        with engine_preview.sandbox(self.env):
            scheme = apply()
            env = self.env(su=True)
            scheme = scheme.with_env(env)
            # new cut-offs of a ranking: looked up in the ranking the last
            # full run kept; anything else: the engine in the sandbox
            found = engine_preview_kept.preview(env, scheme)
            if found:  # the movers counted, read when their list is opened
                (counts, moves), movers = found, None
                # the run whose data the kept ranking is of
                run = env["partner.segment.run"].browse(scheme.ranking_kept["run"])
                basis = {
                    "basis": "kept",
                    "basis_run_id": run.id,
                    "basis_run_name": run.display_name,
                    "basis_date": run.date_begin or run.date_start,
                }
            else:
                (counts, movers), moves = engine_preview.preview(env, scheme), None
                basis = {"basis": "today"}
            Segment = env["partner.segment"].with_context(segment_short_name=True)
            segments = scheme.segment_ids.sorted(lambda s: (s.sequence, s.id))
            current = dict(
                env["partner.segment.assignment"]._read_group(
                    [("scheme_id", "=", scheme.id), ("segment_id", "!=", False)],
                    ["segment_id"],
                    ["__count"],
                )
            )
            current = {segment.id: count for segment, count in current.items()}
            pairs = moves if moves is not None else {(a, b) for _p, a, b in movers}
            ids = set(segments.ids) | set(current) | {s for pair in pairs for s in pair if s}
            names = {s.id: s.display_name for s in Segment.browse(ids).exists()}
            order = {s.id: i for i, s in enumerate(segments)}
            scheme_id, scheme_name = scheme.id, scheme.name
            ranking = {
                "scheme_method": scheme.method,
                "scheme_no_activity": scheme.no_activity,
                **basis,
            }
        return self._create_from(
            scheme_id, scheme_name, counts, current, movers, names, order, ranking, moves
        )

    @api.model
    def _create_from(
        self, scheme_id, scheme_name, counts, current, movers, names, order, extra=None, moves=None
    ):
        """The wizard and its lines; the movers as [(partner, from, to)], or
        ``moves`` counted in the kept ranking (see :mod:`..engine.preview_kept`),
        the lines then reading their partners when opened."""
        existing = self.env["partner.segment"].browse(list(names)).exists()
        kept = set(existing.ids)
        scheme = self.env["partner.segment.scheme"].browse(scheme_id).exists()
        by_move = {}
        for partner_id, old, new in movers or ():
            by_move.setdefault((old, new), []).append(partner_id)
        none = self.env._("none")
        segment_lines = [
            {
                "kind": "segment",
                "sequence": order.get(segment_id, 1000),
                "segment_id": segment_id if segment_id in kept else False,
                "name": names.get(segment_id, none),
                "current_count": current.get(segment_id, 0),
                "count": counts.get(segment_id, 0),
            }
            for segment_id in sorted(
                set(counts) | set(current) | set(order), key=lambda s: order.get(s, 1000)
            )
        ]
        if moves is None:
            move_counts = Counter({key: len(ids) for key, ids in by_move.items()})
        else:
            move_counts = Counter({key: count for key, (count, _ranges) in moves.items()})
        move_lines = [
            {
                "kind": "move",
                "from_segment_id": old if old in kept else False,
                "to_segment_id": new if new in kept else False,
                "name": f"{names.get(old, none)} → {names.get(new, none)}",
                "count": count,
                "kept_moves": moves
                and {"scheme": scheme.id, "from": old, "to": new, "ranges": moves[old, new][1]},
            }
            for (old, new), count in move_counts.most_common()
        ]
        wizard = self.create(
            {
                "scheme_id": scheme.id,
                "scheme_name": scheme_name,
                "partner_count": sum(counts.values()),
                "move_count": sum(move_counts.values()),
                "segment_line_ids": [(0, 0, values) for values in segment_lines],
                "move_line_ids": [(0, 0, values) for values in move_lines],
                **(extra or {}),
            }
        )
        if moves is None:
            # by the keys the lines were made from: a segment the edit creates
            # is gone with the sandbox, its lines' segment empty
            lines = wizard.move_line_ids.sorted("id")
            for line, key in zip(
                lines, [key for key, _c in move_counts.most_common()], strict=True
            ):
                line._set_partners(by_move[key])
        return {
            "type": "ir.actions.act_window",
            "name": self.env._("Preview: %s", scheme_name),
            "res_model": self._name,
            "res_id": wizard.id,
            "view_mode": "form",
            "views": [[False, "form"]],
            "target": "new",
        }
