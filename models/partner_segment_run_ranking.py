# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentRunRanking(models.Model):
    """The ranking of the last full run of each ranking scheme (Pareto,
    quantiles), as the classification computed it: every ranked partner's
    position (1, 2, … in ranking order), the rank of its tie group, its
    value and (Pareto) the sum of the values ranked before its tie group.
    The scheme's ``ranking_kept`` says what it was ranked by and when.

    A preview that changes only the cut-offs of such a scheme finds the new
    boundaries by looking positions up here, instead of computing every
    partner's metric and ranking everyone again (engine/preview_kept.py).

    Written and read by the engine's SQL only, in bulk (engine/classify_sql.py,
    engine/preview_kept.py): a table of its own (no ``id``, no log columns,
    no foreign key, so that writing a million rows checks none), made here,
    that nobody reads through the ORM (no access for anyone).  Unlogged:
    what it holds, the next full run writes again, and a preview that finds
    it empty (after a crash) runs the engine in the sandbox.  A scheme's
    rows are replaced by its next full run and deleted with it; uninstalling
    drops the table as any model's."""

    _name = "partner.segment.run.ranking"
    _description = "Segmentation Run: Kept Ranking"
    _auto = False
    _log_access = False

    # the columns below (NOT NULL, but value_before: quantiles have none)
    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    position = fields.Integer(readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    group_rank = fields.Integer(readonly=True)
    value = fields.Float(string="Ranking Value", readonly=True)
    value_before = fields.Float(string="Value Ranked Before", readonly=True)

    def init(self):
        self.env.cr.execute(
            """
            CREATE UNLOGGED TABLE IF NOT EXISTS partner_segment_run_ranking (
                scheme_id integer NOT NULL,
                position integer NOT NULL,
                partner_id integer NOT NULL,
                group_rank integer NOT NULL,
                value numeric NOT NULL,
                value_before numeric
            );
            CREATE UNIQUE INDEX IF NOT EXISTS partner_segment_run_ranking_position_idx
                ON partner_segment_run_ranking (scheme_id, position);
            """
        )
