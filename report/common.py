# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the segmentation reports share: the join of the partner whose
dimensions every report can be filtered and grouped by (the dimensions:
``partner.segment.report.mixin``), the reference day of a run, and the
12-month revenue snapshot the reports read instead of the invoices."""

import datetime

from odoo.tools import SQL

from ..engine.common import today_of

# the snapshot's table (partner.segment.report.revenue)
REVENUE_TABLE = "partner_segment_report_revenue"
REVENUE_DAYS = 365


def insert_select(table, columns, select):
    """INSERT INTO ``table`` (``columns``, SQL) the rows of ``select`` (the
    same columns, in order) through a temporary table: a CREATE TABLE … AS
    may run the SELECT in parallel, an INSERT … SELECT never does."""
    return SQL(
        """
        DROP TABLE IF EXISTS pg_temp.psseg_report_rows;
        CREATE TEMP TABLE psseg_report_rows (%(columns)s) ON COMMIT DROP AS %(select)s;
        INSERT INTO %(table)s (%(columns)s) SELECT * FROM psseg_report_rows;
        DROP TABLE pg_temp.psseg_report_rows
        """,
        table=table,
        columns=columns,
        select=select,
    )


def partner_join(partner_column):
    """JOIN of the partner ``p`` and its salesperson ``pu`` on ``partner_column``."""
    return SQL(
        "JOIN res_partner p ON p.id = %s LEFT JOIN res_users pu ON pu.id = p.user_id",
        partner_column,
    )


def report_day(env):
    """The day a run is about: the engine's reference day (pinned by tests
    and by the demo's past runs only, never by an RPC call)."""
    return today_of(env)


def refresh_revenue(cr, day):
    """12-month invoiced revenue (untaxed, credit notes deducted, in the
    company's currency) per commercial partner and company up to ``day``:
    one grouped scan of the posted customer invoices, kept so that reports
    join it instead of the invoices.  Per company: a report shows a partner
    the revenue of one company, never other companies' added to it.  The
    table is ``partner.segment.report.revenue``'s."""
    table = SQL.identifier(REVENUE_TABLE)
    cr.execute(SQL("TRUNCATE %s", table))
    select = SQL(
        """
        SELECT m.commercial_partner_id, m.company_id, SUM(m.amount_untaxed_signed)
          FROM account_move m
         WHERE m.move_type IN ('out_invoice', 'out_refund')
           AND m.state = 'posted'
           AND m.commercial_partner_id IS NOT NULL
           AND m.invoice_date > %s AND m.invoice_date <= %s
      GROUP BY m.commercial_partner_id, m.company_id
        """,
        day - datetime.timedelta(days=REVENUE_DAYS),
        day,
    )
    cr.execute(insert_select(table, SQL("partner_id, company_id, revenue"), select))
    cr.execute(SQL("ANALYZE %s", table))


def revenue_company(scheme_column, company_id, partner="p"):
    """SQL of the company whose revenue a report row shows: the scheme's, else
    the partner's (alias ``partner``), else ``company_id`` (SQL or an id: the
    viewer's current company for the reports read live)."""
    return SQL(
        "COALESCE((SELECT rs.company_id FROM partner_segment_scheme rs WHERE rs.id = %s), %s, %s)",
        scheme_column,
        SQL.identifier(partner, "company_id"),
        company_id,
    )


def scheme_revenue_company(scheme_column, company_id, partner="p"):
    """(JOIN, company SQL): the company whose revenue a report row of the
    scheme ``scheme_column`` shows, as :func:`revenue_company` says, for a
    statement over many rows: the scheme joined once (a small table,
    hashed), where :func:`revenue_company`'s subquery runs once per row (a
    million times for the sizes of 13 schemes at 100k partners)."""
    return (
        SQL("JOIN partner_segment_scheme rs ON rs.id = %s", scheme_column),
        SQL("COALESCE(rs.company_id, %s, %s)", SQL.identifier(partner, "company_id"), company_id),
    )


def revenue_join(partner_column, company):
    """LEFT JOIN of the revenue snapshot as ``rev`` on ``partner_column`` and
    the company ``company`` (SQL, see :func:`revenue_company`)."""
    return SQL(
        "LEFT JOIN %s rev ON rev.partner_id = %s AND rev.company_id = %s",
        SQL.identifier(REVENUE_TABLE),
        partner_column,
        company,
    )


def report_query(report):
    """SELECT ``_select`` (and the columns of ``_select_additional_fields``)
    FROM ``_from`` WHERE ``_where`` GROUP BY ``_group_by`` of ``report``, an
    SQL-view report built from its parts as ``sale.report`` is (a part
    that is None is left out)."""
    select = [report._select()] + [
        SQL("%s AS %s", sql, SQL.identifier(name))
        for name, sql in report._select_additional_fields().items()
    ]
    query = SQL("SELECT %s FROM %s", SQL(", ").join(select), report._from())
    where, group_by = report._where(), report._group_by()
    if where:
        query = SQL("%s WHERE %s", query, where)
    if group_by:
        query = SQL("%s GROUP BY %s", query, group_by)
    return query
