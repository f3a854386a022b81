# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The customers' figures a forecast keeps between runs.

A full scoring needs every customer's (x, t_x, T, m): grouped from the
records, that is a grouping of every record by (customer, day), then by
customer, each day.  The figures they follow from (first and last purchase
day, purchase days, spend, the first day's spend) change only with the
customer's records, so they are kept (``partner.segment.forecast.customer``)
and each run groups again only the customers whose records changed since.
Which ones: those of the records and contacts written since the figures
were last brought up to date (their mark, ``partner.segment.forecast.mark``)
and of the records dated between the mark's day and the run's, found by
one scan of the records without grouping them; then one aggregate of every
counted record checks the totals (how many, and the check of their ids
and last changes) against the kept figures'.  When they disagree (a record
deleted, a contact moved to another company, a change committed by a
transaction older than the mark), every customer is checked: a grouping of
every record by customer tells which changed (see :mod:`.store_sql`).  The
figures of the day then follow from the kept ones and the day.

What changes a record without its ``write_date`` (SQL that bypasses the
ORM and keeps it) is not seen until the forecast's source is edited, which
forgets the kept figures.  A source model without ``write_date`` keeps
nothing: its customers are grouped from the records each time, as they
are on PostgreSQL before 14.
"""

import collections
import logging
import time

from psycopg2 import errors

from odoo.tools import SQL

from ...engine import common, metrics
from . import store_sql as Q

_logger = logging.getLogger(__name__)

# how long a run or a fit waits for the kept figures another transaction
# holds before it groups the records itself (a few seconds' wait against
# a grouping of every record: over a minute at 10M orders)
LOCK_WAIT = 15

# the fields of a forecast whose change makes the kept figures wrong
SOURCE_FIELDS = (
    "model_id",
    "partner_field_id",
    "date_field_id",
    "value_field_id",
    "source_domain",
    "company_id",
)


def _scope(forecast, companies):
    return forecast._companies_key(companies) or ""


# the counted records of a forecast's source, as the ORM queries them:
# their query and the SQL of their partner, date, value, id and last change
Records = collections.namedtuple("Records", "query contact date value id write")


def records(forecast, metric, companies):
    """:class:`Records` of the forecast's counted records (``metric``: its
    source as a metric, see :func:`.scoring.source_metric`): those of the
    forecast's company or, without one, of ``companies`` (ids; None: every
    company) and of none."""
    model, query = metrics.source_query(forecast.env, metric, companies)

    def column(field):
        return model._field_to_sql(query.table, field.name, query)

    value = metrics.value_sql(metric, query.table, column) if forecast.value_field_id else None
    return Records(
        query,
        column(forecast.partner_field_id),
        column(forecast.date_field_id),
        value,
        SQL.identifier(query.table, "id"),
        SQL.identifier(query.table, "write_date"),
    )


def commercial_partner(forecast, query):
    """The SQL of the commercial partner of ``query``'s records: each
    record counts for its partner's commercial partner (one join)."""
    partner = query.join(
        query.table, forecast.partner_field_id.name, "res_partner", "id", "psseg_fc_partner"
    )
    return SQL.identifier(partner, "commercial_partner_id")


def refresh(forecast, metric, day, companies=None):
    """Bring the kept figures of ``forecast`` (``metric``: its source as a
    metric) for ``companies`` up to ``day``: grouped from every record the
    first time, then only for the customers whose check changed.  Returns
    False (nothing kept, nothing written) when the source cannot be
    checked, or when another transaction still holds the same figures
    after LOCK_WAIT seconds (a run beside a fit): the caller then groups
    the records."""
    env = forecast.env
    cr = env.cr
    # BIT_XOR, the check's aggregate, came with PostgreSQL 14 (Odoo 18 runs on 12)
    if not env[metric.model_id.model]._log_access or cr._cnx.server_version < 140000:
        return False
    scope = _scope(forecast, companies)
    env.flush_all()
    if not _lock(cr, forecast.id):
        return False
    try:
        with cr.savepoint(flush=False):
            _bring_up_to_date(forecast, metric, day, companies, scope)
    except (errors.UniqueViolation, errors.SerializationFailure):
        # rows another transaction wrote since this one began: left to it
        _logger.info("Forecast %s: the kept figures are being written elsewhere", forecast.id)
        return False
    return True


def _lock(cr, forecast_id):
    """The forecast's kept figures to this transaction: waited for up to
    LOCK_WAIT seconds (another run or fit ending; the statement of a worker
    just killed, until PostgreSQL sees its client gone, see
    :func:`...engine.run_sql.watch_client`), else False."""
    deadline = time.monotonic() + LOCK_WAIT
    while True:
        cr.execute(Q.try_lock(forecast_id))
        if cr.fetchone()[0]:
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.5)


def _bring_up_to_date(forecast, metric, day, companies, scope):
    cr = forecast.env.cr
    cr.execute(Q.select_since())
    since = cr.fetchone()[0]
    cr.execute(Q.has_figures(forecast.id, scope))
    if not cr.fetchone()[0]:
        _group(forecast, metric, day, companies, scope, None)
    elif not _quick_check(forecast, metric, day, companies, scope):
        rec = records(forecast, metric, companies)
        check = Q.select_check(rec.query, rec.contact, rec.date, rec.id, rec.write, day)
        cr.execute(Q.fill_changed(forecast.id, scope, check))
        changed = cr.fetchone()[0]
        _logger.info("Forecast %s: the figures of %s customers grouped again", forecast.id, changed)
        if changed:
            _group(forecast, metric, day, companies, scope, Q.CHANGED_TABLE)
    cr.execute(Q.write_mark(forecast.id, scope, day, since))
    cr.execute(Q.drop_work_tables())


def _quick_check(forecast, metric, day, companies, scope):
    """Group again the customers of what was written since the kept
    figures were marked (records, contacts) and of the records dated
    between the mark's day and ``day``, then check the totals of every
    counted record against the kept ones: True when they agree, False
    (nothing marked, or a change unseen: a record deleted, a transaction
    older than the mark) for the full check, customer by customer."""
    cr = forecast.env.cr
    cr.execute(Q.read_mark(forecast.id, scope))
    mark = cr.fetchone()
    if not mark:
        return False
    mark_day, since = mark
    # every record of the table, counted or not, through the ORM's columns
    Model = forecast.env[metric.model_id.model].sudo()  # sudo: engine work, no rule applies
    query = Model._where_calc([], active_test=False)

    def column(fname):
        return Model._field_to_sql(query.table, fname, query)

    candidates = Q.select_candidates(
        query,
        column(forecast.partner_field_id.name),
        column(forecast.date_field_id.name),
        column("write_date"),
        since,
        min(mark_day, day),
        max(mark_day, day),
    )
    cr.execute(Q.fill_candidates(forecast.id, scope, candidates))
    changed = cr.fetchone()[0]
    if changed:
        _group(forecast, metric, day, companies, scope, Q.CHANGED_TABLE)
    # two scans, not one grouped by what was written: PostgreSQL 15 does
    # not aggregate the candidates' list in parallel, nor estimate such a
    # grouping (one scan, grouped: 7.4 s at 10M orders; two: 5 s)
    rec = records(forecast, metric, companies)
    cr.execute(Q.totals_match(forecast.id, scope, rec.query, rec.date, rec.id, rec.write, day))
    if cr.fetchone()[0]:
        _logger.info("Forecast %s: the figures of %s customers grouped again", forecast.id, changed)
        return True
    _logger.info(
        "Forecast %s: changes not seen since the mark, every customer checked", forecast.id
    )
    return False


def _group(forecast, metric, day, companies, scope, only):
    """Group and keep the figures of the customers of ``only`` (a table of
    ``partner_id``; None: every customer)."""
    rec = records(forecast, metric, companies)
    partner = commercial_partner(forecast, rec.query)
    figures = Q.select_figures(
        rec.query, partner, rec.contact, rec.date, rec.value, rec.id, rec.write, day, only
    )
    cr = forecast.env.cr
    cr.execute(Q.insert_figures(forecast.id, scope, figures))
    if cr.rowcount > common.ANALYZE_THRESHOLD:
        # the kept rows' statistics, for the plans that read them next in
        # this transaction (autovacuum sees them only after the commit)
        cr.execute(SQL("ANALYZE %s", Q.TABLE))


def select_customers(forecast, day, companies, universe):
    """SELECT partner_id, x, t_x, t, m, actual of the forecast's customers
    among the partners of ``universe`` (an SQL subquery of commercial
    partner ids) as of ``day``, from the kept figures (see :func:`refresh`)."""
    return Q.select_customers(forecast.id, _scope(forecast, companies), day, universe)


def unmark(env):
    """Have the next refresh of every forecast check every customer (records
    moved between partners by SQL, as a merge of partners does)."""
    env.cr.execute(Q.delete_marks())


def forget(forecasts):
    """Forget the kept figures of ``forecasts`` (their source changed)."""
    if forecasts:
        forecasts.env.cr.execute(Q.delete_figures(forecasts.ids))
