# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime
import logging

from odoo import api, fields, models
from odoo.tools import SQL

from . import common

_logger = logging.getLogger(__name__)

# how many past days the install-time back-fill reconstructs from the history
BACKFILL_DAYS = 60


class PartnerSegmentReportSize(models.Model):
    """Segment sizes over time: one row per day, segment and partner
    dimensions, written by one grouped statement at the end of every full
    run (and back-filled from the history at install)."""

    _name = "partner.segment.report.size"
    _inherit = ["partner.segment.report.mixin"]
    _description = "Segment Sizes over Time"
    _order = "date desc, scheme_id, segment_id"
    _rec_name = "segment_id"

    date = fields.Date(required=True, readonly=True, index=True)
    scheme_id = fields.Many2one(
        "partner.segment.scheme", required=True, readonly=True, ondelete="cascade", index=True
    )
    segment_id = fields.Many2one(
        "partner.segment", required=True, readonly=True, ondelete="cascade"
    )
    partner_count = fields.Integer(string="Partners", readonly=True, aggregator="sum")
    revenue = fields.Monetary(
        string="Revenue (12 months)", readonly=True, currency_field="currency_id"
    )

    def init(self):
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS partner_segment_report_size_scheme_date_idx "
            "ON partner_segment_report_size (scheme_id, date)"
        )

    @api.model
    def _insert_day(self, day, schemes, from_history=False):
        """(Re)write the rows of ``day`` for ``schemes`` in one statement:
        from the assignments (a run), or as the history says they were at
        the end of that day (back-fill).  Revenue is the snapshot's, of the
        scheme's company, else the partner's, else the company the run ran in."""
        cr = self.env.cr
        ids = schemes.ids or [0]
        cr.execute(
            SQL(
                "DELETE FROM partner_segment_report_size WHERE date = %s AND scheme_id = ANY(%s)",
                day,
                ids,
            )
        )
        if from_history:
            source = SQL(
                """
                SELECT * FROM (
                    SELECT DISTINCT ON (h.scheme_id, h.partner_id)
                           h.scheme_id, h.partner_id, h.to_segment_id AS segment_id
                      FROM partner_segment_history h
                     WHERE h.scheme_id = ANY(%s) AND h.date < %s
                  ORDER BY h.scheme_id, h.partner_id, h.date DESC, h.id DESC
                ) last WHERE last.segment_id IS NOT NULL
                """,
                ids,
                day + datetime.timedelta(days=1),
            )
        else:
            source = SQL(
                "SELECT scheme_id, partner_id, segment_id FROM partner_segment_assignment "
                "WHERE scheme_id = ANY(%s) AND segment_id IS NOT NULL",
                ids,
            )
        # The planner multiplies the distinct values of the eight grouped
        # columns, expects about as many groups as assignments and sorts them
        # all on disk (2.4 s at 100k partners); there are a few hundred, so
        # the rows are hashed (1.4 s; a hash that outgrows memory spills to
        # disk).  For this statement only.
        cr.execute("SELECT current_setting('enable_sort'), set_config('enable_sort', 'off', true)")
        enable_sort = cr.fetchone()[0]
        dimensions = self._dimensions()
        scheme, company = common.scheme_revenue_company(SQL("a.scheme_id"), self.env.company.id)
        columns = SQL(
            "date, scheme_id, segment_id, %s, "
            "partner_count, revenue, create_uid, write_uid, create_date, write_date",
            SQL(", ").join(map(SQL.identifier, dimensions)),
        )
        select = SQL(
            """
            SELECT %(day)s::date, a.scheme_id, a.segment_id, %(dimensions)s,
                   COUNT(*), COALESCE(SUM(rev.revenue), 0),
                   %(uid)s, %(uid)s, NOW() AT TIME ZONE 'UTC', NOW() AT TIME ZONE 'UTC'
              FROM (%(source)s) a
              %(partners)s
              %(scheme)s
              %(revenue)s
          GROUP BY a.scheme_id, a.segment_id, %(group)s
            """,
            day=day,
            dimensions=SQL(", ").join(dimensions.values()),
            partners=common.partner_join(SQL("a.partner_id")),
            uid=self.env.uid,
            group=SQL(", ").join(dimensions.values()),
            source=source,
            scheme=scheme,
            revenue=common.revenue_join(SQL("a.partner_id"), company),
        )
        cr.execute(common.insert_select(SQL.identifier(self._table), columns, select))
        cr.execute(SQL("SELECT set_config('enable_sort', %s, true)", enable_sort))
        self.invalidate_model()

    @api.model
    def _backfill(self):
        """Sizes of the past days the history knows and the table does not
        (the last ``BACKFILL_DAYS`` days with changes); revenue as of each
        day, partner dimensions as of today."""
        cr = self.env.cr
        cr.execute(
            """
            SELECT DISTINCT h.date::date AS day
              FROM partner_segment_history h
             WHERE NOT EXISTS (SELECT 1 FROM partner_segment_report_size s
                                WHERE s.date = h.date::date)
          ORDER BY day DESC LIMIT %s
            """,
            [BACKFILL_DAYS],
        )
        days = sorted(row[0] for row in cr.fetchall())
        # every scheme, archived ones too (their past sizes): a handful of records
        schemes = (
            self.env["partner.segment.scheme"].with_context(active_test=False).search([])  # pylint: disable=no-search-all
        )
        for day in days:
            common.refresh_revenue(cr, day)
            self._insert_day(day, schemes, from_history=True)
        if days:
            common.refresh_revenue(cr, common.report_day(self.env))
        _logger.info("Segment sizes back-filled for %s days", len(days))
        return days
