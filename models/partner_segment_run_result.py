# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models


class PartnerSegmentRunResult(models.Model):
    """What the classification of a large scheme says (and the ranking value
    the history keeps), kept by a run for its write steps, a range of
    partner ids each (see engine/run_steps.py).

    Written and read by the engine's SQL only, in bulk (engine/run_sql.py),
    and dropped as each scheme is written: a table of its own (no ``id``,
    no log columns), made here, that nobody reads through the ORM (no
    access for anyone).  Uninstalling drops it as any model's table."""

    _name = "partner.segment.run.result"
    _description = "Segmentation Run: Kept Result"
    _auto = False
    _log_access = False

    # the columns below (NOT NULL; only the run is a foreign key: its results
    # go with it)
    run_id = fields.Many2one(
        "partner.segment.run", required=True, ondelete="cascade", readonly=True
    )
    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    segment_id = fields.Many2one("partner.segment", readonly=True)
    value = fields.Float(string="Ranking Value", readonly=True)

    def init(self):
        self.env.cr.execute(
            """
            CREATE TABLE IF NOT EXISTS partner_segment_run_result (
                run_id integer NOT NULL REFERENCES partner_segment_run(id) ON DELETE CASCADE,
                scheme_id integer NOT NULL,
                partner_id integer NOT NULL,
                segment_id integer NOT NULL,
                value numeric
            );
            CREATE INDEX IF NOT EXISTS partner_segment_run_result_idx
                ON partner_segment_run_result (run_id, scheme_id, partner_id);
            """
        )
