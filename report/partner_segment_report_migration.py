# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
import datetime

from odoo import api, fields, models
from odoo.tools import SQL

from . import common

DEFAULT_DAYS = 30


class PartnerSegmentReportMigration(models.Model):
    """Migration between two days: for each partner classified in a scheme
    at the end of ``date_from`` or of ``date_to`` (as the history says),
    where it was and where it is; the partners that stayed are rows too
    (From = To), so the diagonal of the matrix reads who stayed.  The two
    days come from the context (``migration_date_from``,
    ``migration_date_to``); a month back to today by default."""

    _name = "partner.segment.report.migration"
    _inherit = ["partner.segment.report.mixin"]
    _description = "Segment Migration"
    _auto = False
    _order = "scheme_id, from_segment_id, to_segment_id"
    _rec_name = "partner_id"

    scheme_id = fields.Many2one("partner.segment.scheme", readonly=True)
    partner_id = fields.Many2one("res.partner", readonly=True)
    from_segment_id = fields.Many2one("partner.segment", string="From", readonly=True)
    to_segment_id = fields.Many2one("partner.segment", string="To", readonly=True)
    moved = fields.Boolean(
        readonly=True, help="The partner's segment at the end of the second day is another."
    )
    date = fields.Datetime(string="Last Change", readonly=True)
    partner_count = fields.Integer(string="Partners", readonly=True, aggregator="sum")
    revenue = fields.Monetary(
        string="Revenue (12 months)", readonly=True, currency_field="currency_id"
    )

    @api.model
    def _migration_days(self):
        """(date_from, date_to) of the report, from the context."""
        context = self.env.context
        date_to = fields.Date.to_date(context.get("migration_date_to")) or common.report_day(
            self.env
        )
        date_from = fields.Date.to_date(context.get("migration_date_from")) or (
            date_to - datetime.timedelta(days=DEFAULT_DAYS)
        )
        return date_from, date_to

    def _select(self):
        return SQL(
            """
            m.id, m.scheme_id, m.partner_id, m.from_segment_id, m.to_segment_id,
            m.from_segment_id IS DISTINCT FROM m.to_segment_id AS moved, m.date,
            %(dimensions)s, 1 AS partner_count, COALESCE(rev.revenue, 0) AS revenue
            """,
            dimensions=self._select_dimensions(),
        )

    def _from(self):
        """Each partner's last change up to the end of the second day gives
        its segment then; when that change falls after the first day, its
        last change before gives where it was (else it stayed)."""
        date_from, date_to = self._migration_days()
        one_day = datetime.timedelta(days=1)
        return SQL(
            """
            (SELECT l.id, l.scheme_id, l.partner_id, l.to_segment_id, l.date,
                    CASE WHEN l.date >= %(start)s THEN f.segment_id
                         ELSE l.to_segment_id END AS from_segment_id
               FROM (SELECT DISTINCT ON (h.scheme_id, h.partner_id)
                            h.id, h.scheme_id, h.partner_id, h.to_segment_id, h.date
                       FROM partner_segment_history h
                      WHERE h.date < %(end)s
                   ORDER BY h.scheme_id, h.partner_id, h.date DESC, h.id DESC) l
               LEFT JOIN LATERAL (
                     SELECT b.to_segment_id AS segment_id
                       FROM partner_segment_history b
                      WHERE l.date >= %(start)s
                        AND b.scheme_id = l.scheme_id AND b.partner_id = l.partner_id
                        AND b.date < %(start)s
                   ORDER BY b.date DESC, b.id DESC LIMIT 1) f ON TRUE) m
            %(partners)s
            %(revenue)s
            """,
            partners=common.partner_join(SQL("m.partner_id")),
            start=date_from + one_day,
            end=date_to + one_day,
            revenue=common.revenue_join(
                SQL("m.partner_id"),
                common.revenue_company(SQL("m.scheme_id"), self.env.company.id),
            ),
        )

    def _where(self):
        # unclassified on both days: not in the matrix
        return SQL("(m.to_segment_id IS NOT NULL OR m.from_segment_id IS NOT NULL)")

    @property
    def _table_query(self):
        return self._query()

    def init(self):
        # the segment a partner had before a day: its last change before it
        self.env.cr.execute(
            "CREATE INDEX IF NOT EXISTS partner_segment_history_report_idx "
            "ON partner_segment_history (scheme_id, partner_id, date)"
        )
