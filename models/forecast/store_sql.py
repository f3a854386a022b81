# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the customers' figures a forecast keeps between runs
(``partner_segment_forecast_customer``, see :mod:`.store`): the check of
each customer's records, the figures of the customers whose check changed,
and the customers' (x, t_x, T, m) of a day from the kept figures.

A customer's check is the number of their counted records and the
exclusive or of each record's id with its last change (``write_date``, in
microseconds): a record added, removed (deleted, cancelled, archived, no
longer matching the source's filter, dated after the day, moved to another
customer) or written since changes it; its order does not.

Statements are :class:`odoo.tools.SQL` objects: user input arrives as
parameters or as SQL built by the ORM (domains).
"""

from odoo.tools import SQL

from .scoring_sql import select_days

TABLE = SQL.identifier("partner_segment_forecast_customer")
MARK_TABLE = SQL.identifier("partner_segment_forecast_mark")
CHECK_TABLE = SQL.identifier("psseg_fc_check")
CHANGED_TABLE = SQL.identifier("psseg_fc_changed")


def _stamp(id_column, write_column):
    return SQL(
        "BIT_XOR(%s::bigint # COALESCE((date_part('epoch', %s) * 1000000)::bigint, 0))",
        id_column,
        write_column,
    )


def select_check(query, contact_column, date_column, id_column, write_column, day):
    """SELECT partner_id, records, stamp: each customer's check of their
    records counted as of ``day``, from ``query`` (the ORM's query of the
    counted records; ``contact_column``: their partner).  The records are
    checked per partner first, then per commercial partner: one join of
    the partners, not one per record (6 s instead of 14 s for 10M orders)."""
    query.add_where(SQL("%s::date <= %s", date_column, day))
    query.groupby = SQL("1")
    query.order = None
    contacts = query.select(
        SQL("%s AS contact_id", contact_column),
        SQL("COUNT(*) AS records"),
        SQL("%s AS stamp", _stamp(id_column, write_column)),
    )
    return SQL(
        """
        SELECT p.commercial_partner_id AS partner_id, SUM(c.records)::bigint AS records,
               BIT_XOR(c.stamp) AS stamp
          FROM (%s) c
          JOIN res_partner p ON p.id = c.contact_id
      GROUP BY p.commercial_partner_id
        """,
        contacts,
    )


def select_figures(
    query, partner_column, contact_column, date_column, value, id_column, write_column, day, only
):
    """SELECT partner_id, first_day, last_day, days, spend, first_spend,
    records, stamp of the customers with a record counted as of ``day``
    (``only``: those of that table's ``partner_id``, else every customer;
    ``contact_column``: the records' own partner).

    One grouping by (commercial partner, day), then by partner, as the
    scoring's (:func:`.scoring_sql.select_customers`): a day's spend is
    summed as float8, the first day's spend is the second element of the
    smallest [day, spend] array."""
    query.add_where(SQL("%s::date <= %s", date_column, day))
    if only is not None:
        # the records of their partners: read through the index of the
        # records' partner, not by a scan of every record (13 s at 10M orders)
        query.add_where(
            SQL(
                "%s IN (SELECT p.id FROM res_partner p WHERE p.commercial_partner_id IN"
                " (SELECT partner_id FROM %s))",
                contact_column,
                only,
            )
        )
    days = select_days(
        query,
        partner_column,
        date_column,
        value,
        SQL("COUNT(*) AS records"),
        SQL("%s AS stamp", _stamp(id_column, write_column)),
    )
    return SQL(
        """
        SELECT d.partner_id, MIN(d.day), MAX(d.day), COUNT(*), SUM(d.spend),
               (MIN(ARRAY[(d.day - %(day)s::date)::float8, d.spend]))[2],
               SUM(d.records)::bigint, BIT_XOR(d.stamp)
          FROM (%(days)s) d
      GROUP BY d.partner_id
        """,
        day=day,
        days=days,
    )


def insert_figures(forecast_id, scope, figures):
    return SQL(
        "INSERT INTO %s (forecast_id, scope, partner_id, first_day, last_day, days, spend,"
        " first_spend, records, stamp) SELECT %s, %s, f.* FROM (%s) f",
        TABLE,
        forecast_id,
        scope,
        figures,
    )


def try_lock(forecast_id):
    """The forecast's kept figures to this transaction, until its end, if
    no other holds them."""
    return SQL(
        "SELECT pg_try_advisory_xact_lock(hashtext('partner_segment_forecast_customer'), %s)",
        forecast_id,
    )


def has_figures(forecast_id, scope):
    return SQL(
        "SELECT EXISTS (SELECT 1 FROM %s WHERE forecast_id = %s AND scope = %s)",
        TABLE,
        forecast_id,
        scope,
    )


def fill_changed(forecast_id, scope, check):
    """The customers whose check differs from the kept one (or who have no
    row yet) in CHANGED_TABLE, the kept rows of those and of the customers
    without counted records any more deleted, then SELECT how many
    changed.  ``check``: :func:`select_check`.  Each statement a join (the
    two deletions apart: a NOT EXISTS under an OR is a subquery run for
    every kept row)."""
    return SQL(
        """
        DROP TABLE IF EXISTS %(check)s, %(changed)s;
        CREATE TEMP TABLE %(check)s ON COMMIT DROP AS %(select)s;
        ANALYZE %(check)s;
        CREATE TEMP TABLE %(changed)s ON COMMIT DROP AS
            SELECT c.partner_id
              FROM %(check)s c
         LEFT JOIN %(table)s s
                ON s.forecast_id = %(forecast)s AND s.scope = %(scope)s
               AND s.partner_id = c.partner_id
             WHERE s.partner_id IS NULL OR s.records <> c.records OR s.stamp <> c.stamp;
        %(delete_changed)s;
        DELETE FROM %(table)s s
         WHERE s.forecast_id = %(forecast)s AND s.scope = %(scope)s
           AND NOT EXISTS (SELECT 1 FROM %(check)s c WHERE c.partner_id = s.partner_id);
        SELECT COUNT(*) FROM %(changed)s
        """,
        check=CHECK_TABLE,
        changed=CHANGED_TABLE,
        table=TABLE,
        select=check,
        forecast=forecast_id,
        scope=scope,
        delete_changed=_delete_changed(forecast_id, scope),
    )


def _delete_changed(forecast_id, scope):
    """CHANGED_TABLE analyzed, and the kept rows of its customers deleted
    (they are grouped again)."""
    return SQL(
        """
        ANALYZE %(changed)s;
        DELETE FROM %(table)s s
         USING %(changed)s c
         WHERE s.forecast_id = %(forecast)s AND s.scope = %(scope)s
           AND s.partner_id = c.partner_id
        """,
        changed=CHANGED_TABLE,
        table=TABLE,
        forecast=forecast_id,
        scope=scope,
    )


def drop_work_tables():
    return SQL("DROP TABLE IF EXISTS %s, %s", CHECK_TABLE, CHANGED_TABLE)


def delete_figures(forecast_ids):
    """Forget the kept figures of ``forecast_ids``, and how far they were."""
    return SQL(
        "DELETE FROM %s WHERE forecast_id = ANY(%s); DELETE FROM %s WHERE forecast_id = ANY(%s)",
        TABLE,
        list(forecast_ids),
        MARK_TABLE,
        list(forecast_ids),
    )


# ----------------------------------------------------------------------
# The quick check: what was written since the kept figures were made
# ----------------------------------------------------------------------
def delete_marks():
    return SQL("DELETE FROM %s", MARK_TABLE)


def read_mark(forecast_id, scope):
    """SELECT day, since of the kept figures (no row: none marked yet)."""
    return SQL(
        "SELECT day, since FROM %s WHERE forecast_id = %s AND scope = %s",
        MARK_TABLE,
        forecast_id,
        scope,
    )


def select_since():
    """SELECT the moment from which a change may be unseen by this
    transaction: its start, or the start of the oldest transaction still
    open in the database (one that commits later wrote its records with
    its own start as their ``write_date``).  UTC, as Odoo's dates."""
    return SQL(
        """
        SELECT LEAST(now(), MIN(a.xact_start)) AT TIME ZONE 'UTC'
          FROM pg_stat_activity a
         WHERE a.datname = current_database()
        """
    )


def write_mark(forecast_id, scope, day, since):
    return SQL(
        """
        INSERT INTO %(mark)s (forecast_id, scope, day, since)
        VALUES (%(forecast)s, %(scope)s, %(day)s, %(since)s)
        ON CONFLICT (forecast_id, scope) DO UPDATE SET day = EXCLUDED.day, since = EXCLUDED.since
        """,
        mark=MARK_TABLE,
        forecast=forecast_id,
        scope=scope,
        day=day,
        since=since,
    )


def select_candidates(query, contact_column, date_column, write_column, since, low, high):
    """SELECT partner_id: the commercial partners whose figures may have
    changed since ``since``: those of the records written since or dated
    after ``low`` up to ``high`` (``query``: every record of the source's
    table, counted or not: a record cancelled or moved out of the
    source's filter is written too), and those of the contacts written
    since (a contact moved to another company).  One scan of the records,
    no grouping of them."""
    query.add_where(
        SQL(
            "(%s >= %s OR (%s::date > %s AND %s::date <= %s))",
            write_column,
            since,
            date_column,
            low,
            date_column,
            high,
        )
    )
    query.order = None
    contacts = query.select(SQL("DISTINCT %s", contact_column))
    return SQL(
        """
        SELECT p.commercial_partner_id AS partner_id
          FROM res_partner p
         WHERE p.id IN (%(contacts)s)
         UNION
        SELECT p.commercial_partner_id
          FROM res_partner p
         WHERE p.write_date >= %(since)s
        """,
        contacts=contacts,
        since=since,
    )


def fill_candidates(forecast_id, scope, candidates):
    """The customers of ``candidates`` (:func:`select_candidates`) in
    CHANGED_TABLE, their kept rows deleted, then SELECT how many."""
    return SQL(
        """
        DROP TABLE IF EXISTS %(changed)s;
        CREATE TEMP TABLE %(changed)s ON COMMIT DROP AS
            SELECT DISTINCT c.partner_id FROM (%(select)s) c WHERE c.partner_id IS NOT NULL;
        %(delete_changed)s;
        SELECT COUNT(*) FROM %(changed)s
        """,
        changed=CHANGED_TABLE,
        select=candidates,
        delete_changed=_delete_changed(forecast_id, scope),
    )


def totals_match(forecast_id, scope, query, date_column, id_column, write_column, day):
    """SELECT whether the records counted as of ``day`` (``query``: the
    ORM's query of the counted records) are, in number and in the check
    of their ids and last changes, those the kept figures came from: a
    record deleted, a change made before the last mark that it did not
    see, a contact moved from one company to another, all show here.  One
    aggregate of the records, not grouped."""
    query.add_where(SQL("%s::date <= %s", date_column, day))
    query.order = None
    totals = query.select(SQL("COUNT(*)"), _stamp(id_column, write_column))
    return SQL(
        """
        SELECT r.records = k.records AND r.stamp IS NOT DISTINCT FROM k.stamp
          FROM (%(totals)s) r (records, stamp),
               (SELECT COALESCE(SUM(s.records), 0)::bigint, BIT_XOR(s.stamp)
                  FROM %(table)s s
                 WHERE s.forecast_id = %(forecast)s AND s.scope = %(scope)s) k (records, stamp)
        """,
        totals=totals,
        table=TABLE,
        forecast=forecast_id,
        scope=scope,
    )


def select_customers(forecast_id, scope, day, universe):
    """SELECT partner_id, x, t_x, t, m, actual (0) of the kept customers of
    the partners of ``universe`` (an SQL subquery of commercial partner
    ids) as of ``day``: the same figures as
    :func:`.scoring_sql.select_customers` gives from the records."""
    return SQL(
        """
        SELECT s.partner_id,
               (s.days - 1)::float8 AS x,
               (s.last_day - s.first_day)::float8 AS t_x,
               (%(day)s::date - s.first_day)::float8 AS t,
               (s.spend - s.first_spend) / NULLIF(s.days - 1, 0) AS m,
               0::float8 AS actual
          FROM %(table)s s
         WHERE s.forecast_id = %(forecast)s AND s.scope = %(scope)s
           AND s.partner_id IN (%(universe)s)
        """,
        table=TABLE,
        day=day,
        forecast=forecast_id,
        scope=scope,
        universe=universe,
    )
