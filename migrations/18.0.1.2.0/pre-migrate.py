# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The engine's kept results and the reports' revenue snapshot became models
whose ``init`` makes their tables as they are now; a database made before
either took its present form gets it here: the kept results' ranking value
(added for the history of large schemes), and a revenue snapshot per
company (an earlier one, a row per partner with every company's invoices
added up, is dropped: the model makes it again and fills it)."""

from odoo.tools import sql


def migrate(cr, version):
    if sql.table_exists(cr, "partner_segment_run_result") and not sql.column_exists(
        cr, "partner_segment_run_result", "value"
    ):
        sql.create_column(cr, "partner_segment_run_result", "value", "numeric")
    if sql.table_exists(cr, "partner_segment_report_revenue") and not sql.column_exists(
        cr, "partner_segment_report_revenue", "company_id"
    ):
        cr.execute("DROP TABLE partner_segment_report_revenue")
