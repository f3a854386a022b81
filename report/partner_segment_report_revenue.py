# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
from odoo import fields, models
from odoo.tools import SQL, sql

from . import common


class PartnerSegmentReportRevenue(models.Model):
    """The reports' 12-month revenue snapshot: per commercial partner and
    company, refreshed after every full run (``common.refresh_revenue``) so
    that the reports join it instead of scanning the invoices.

    Written and read by the reports' SQL only: a table of its own (no
    ``id``, no log columns), made here and filled when made, that nobody
    reads through the ORM (no access for anyone).  Uninstalling drops it
    as any model's table."""

    _name = "partner.segment.report.revenue"
    _description = "Segmentation Reports: Revenue Snapshot"
    _auto = False
    _log_access = False
    _table = common.REVENUE_TABLE

    # the columns below (the primary key: partner and company)
    partner_id = fields.Many2one("res.partner", readonly=True)
    company_id = fields.Many2one("res.company", readonly=True)
    revenue = fields.Float(string="Revenue (12 months)", readonly=True)

    def init(self):
        cr = self.env.cr
        if sql.table_exists(cr, self._table):
            return
        cr.execute(
            SQL(
                "CREATE TABLE %s (partner_id integer NOT NULL, company_id integer NOT NULL, "
                "revenue numeric, PRIMARY KEY (partner_id, company_id))",
                SQL.identifier(self._table),
            )
        )
        common.refresh_revenue(cr, common.report_day(self.env))
