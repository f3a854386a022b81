# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Forecasts at work: the inputs of a fit (distinct customers' figures with
their counts, from SQL), the values of forecast metrics per customer (SQL,
from the fitted parameters) and the back-test.  The math is in
:mod:`.fitting`, the SQL in :mod:`.scoring_sql`.

The source is read the way the engine reads a metric's: the ORM's query for
the source domain (``active`` and companies apply, records of the
forecast's company or, without one, of every company), grouped by
commercial partner, for the partners the forecast's partner filter keeps
(the universe a scheme with that filter would classify).
"""

import contextlib
import datetime
import tempfile

import numpy as np

from odoo.tools import SQL

from ...engine import classify, run_sql
from . import fitting, store
from . import scoring_sql as Q

# the customers of the forecast being scored, one per transaction at a time
CUSTOMERS_TABLE = "psseg_fc_customers"
# which forecast CUSTOMERS_TABLE holds, in the cursor's cache
CUSTOMERS_KEY = "partner_segmentation.forecast_customers"


# the work memory of the customers' statements: their grouping by (partner,
# day) holds about 130 bytes per group (123 MB for the 934k groups of 1M
# orders) where the hash may use twice work_mem (hash_mem_multiplier): no
# spill to disk at 1M orders (at 10M it spills, in fewer batches)
WORK_MEM = "128MB"


@contextlib.contextmanager
def work_mem(cr):
    """More work memory for the statements of the block (a run's steps have
    the engine's, a fit or a back-test from the form the server's): the
    customers' days are grouped in memory, not on disk."""
    cr.execute(run_sql.raise_work_mem(WORK_MEM))
    previous = cr.fetchone()[0]
    try:
        yield
    finally:
        cr.execute(run_sql.restore_work_mem(previous))


def source_metric(forecast):
    """A metric that is never saved, with the forecast's source: the engine
    builds its query, converts its amounts and checks it as a metric's."""
    return forecast.env["partner.segment.metric"].new(
        {
            "name": forecast.name,
            "code": "forecast",
            "kind": "aggregate",
            "aggregate": "sum" if forecast.value_field_id else "count",
            "model_id": forecast.model_id.id,
            "partner_field_id": forecast.partner_field_id.id,
            "date_field_id": forecast.date_field_id.id,
            "value_field_id": forecast.value_field_id.id,
            "source_domain": forecast.source_domain,
            "company_id": forecast.company_id.id,
        }
    )


def select_customers(forecast, day, partner_ids=None, until=None, companies=None, universe=None):
    """SELECT partner_id, x, t_x, t, m, actual of the forecast's customers
    as of ``day`` (``actual``: their purchase days after it, up to
    ``until``), counting the records of the forecast's company or, without
    one, of ``companies`` (ids; None: every company) and of none, among
    the partners of ``universe`` (a work table of the forecast's partner
    filter; by default its subquery)."""
    env = forecast.env
    rec = store.records(forecast, source_metric(forecast), companies)
    partner = store.commercial_partner(forecast, rec.query)
    # the forecast has a partner filter and a company, as a scheme has
    if universe is None:
        universe = classify._universe(env, forecast)
    else:
        universe = SQL("SELECT u.id FROM %s u", universe)
    return Q.select_customers(
        rec.query,
        partner,
        rec.date,
        rec.value,
        day,
        until or day,
        universe,
        partner_ids,
    )


# COPY's binary format: a header of 19 bytes (signature, flags, extension
# length), then per row a 16-bit field count and, per field, its 32-bit
# length and its value (float8, big-endian), then a 16-bit -1
COPY_HEADER = 19
COPY_TRAILER = 2
# rows converted at a time: their bytes and their numbers held at once
READ_CHUNK = 200_000


def read_rows(cr, select, width):
    """The rows of ``select`` (``width`` numbers each) as a float array of
    ``width`` columns, NULL as NaN, through a binary COPY into a temporary
    file that numpy reads: a million rows cost their numbers, not a
    million Python tuples, nor their text (formatted by PostgreSQL and
    parsed again: 4 s for 1.5M rows of 6 numbers, against 0.3 s)."""
    names = SQL(", ").join(SQL.identifier(f"c{i}") for i in range(width))
    floats = SQL(", ").join(
        SQL("COALESCE(%s::float8, 'NaN')", SQL.identifier("r", f"c{i}")) for i in range(width)
    )
    row = np.dtype(
        [("fields", ">i2")]
        + [item for i in range(width) for item in ((f"l{i}", ">i4"), (f"v{i}", ">f8"))]
    )
    with tempfile.TemporaryFile() as data:
        cr.copy_expert(
            cr.mogrify(
                SQL(
                    "COPY (SELECT %s FROM (%s) r (%s)) TO STDOUT WITH (FORMAT binary)",
                    floats,
                    select,
                    names,
                )
            ).decode(),
            data,
        )
        size = data.tell()
        count = (size - COPY_HEADER - COPY_TRAILER) // row.itemsize
        if count < 0 or COPY_HEADER + count * row.itemsize + COPY_TRAILER != size:
            raise ValueError(f"Unexpected COPY output of {size} bytes")
        rows = np.empty((count, width))
        data.seek(COPY_HEADER)
        for start in range(0, count, READ_CHUNK):
            chunk = np.fromfile(data, dtype=row, count=min(READ_CHUNK, count - start))
            if (chunk["fields"] != width).any():
                raise ValueError("Unexpected COPY output: rows of another width")
            for i in range(width):
                rows[start : start + len(chunk), i] = chunk[f"v{i}"]
        return rows


def fit_inputs(forecast, day, companies=None, customers=None):
    """{"x", "t_x", "T", "weights", "spend_x", "spend_m", "spend_weights"}:
    the distinct inputs of the purchase and spend models as of ``day``,
    with how many customers share each, from the customers' figures kept
    between runs (of ``companies``, see :func:`select_customers`), or from
    ``customers``, the work table of those customers a run has filled."""
    cr = forecast.env.cr
    forecast.env.flush_all()
    with work_mem(cr):
        if customers is not None:
            rows = read_rows(cr, Q.select_inputs(customers), 6)
        elif store.refresh(forecast, source_metric(forecast), day, companies):
            # from the figures kept between runs, brought up to date
            universe = classify._universe(forecast.env, forecast)
            kept = store.select_customers(forecast, day, companies, universe)
            rows = read_rows(cr, Q.select_inputs(SQL("(%s)", kept)), 6)
        else:  # grouped from the records
            grouped = select_customers(forecast, day, companies=companies)
            rows = read_rows(cr, Q.select_inputs(SQL("(%s)", grouped)), 6)
    triples = rows[rows[:, 5] == 0]
    spends = rows[(rows[:, 5] == 1) & (rows[:, 0] > 0) & (rows[:, 3] > 0)]
    return {
        "x": triples[:, 0],
        "t_x": triples[:, 1],
        "T": triples[:, 2],
        "weights": triples[:, 4],
        "spend_x": spends[:, 0],
        "spend_m": spends[:, 3],
        "spend_weights": spends[:, 4],
    }


def _ages(cr, customers, params, horizon):
    """(xs, ts, ns): N(x, T) of each distinct (x, T) of ``customers``,
    those that cannot be evaluated left out (their customers get no value)."""
    cr.execute(Q.select_ages(customers))
    pairs = np.array(cr.fetchall(), dtype=float).reshape(-1, 2)
    factor = fitting.purchase_factor(params, pairs[:, 0], pairs[:, 1], float(horizon))
    keep = np.isfinite(factor)
    return pairs[keep, 0].tolist(), pairs[keep, 1].tolist(), factor[keep].tolist()


def _measure_select(metric, customers, companies=None):
    """SELECT partner_id, value of forecast ``metric`` over ``customers``,
    or None when its forecast gives no value (not fitted for ``companies``,
    or no spend model for a revenue)."""
    forecast = metric.forecast_id
    params = forecast._purchase_params(companies)
    if params is None:
        return None
    gg = None
    if metric.forecast_measure == "predicted_revenue":
        gg = forecast._spend_params(companies)
        if gg is None:
            return None
    ages = None
    if metric.forecast_measure in ("expected_orders", "predicted_revenue"):
        ages = _ages(metric.env.cr, customers, params, metric.horizon_days)
    return Q.select_measure(
        customers, metric.forecast_measure, params, metric.horizon_days, ages, gg
    )


def compute_values(metrics_, partner_ids, today, companies=None, fit=False):
    """Fill ``psseg_value`` for forecast ``metrics_`` (superuser) from the
    records of ``companies`` (ids; None: every company) with the fit for
    them: the customers of each forecast are read once into a work table.
    With ``fit`` (a full run), a forecast not yet fitted for ``today`` is
    fitted first, on the same work table: one reading of the customers'
    figures per forecast and run, not one for the fit and one for the
    scores (the fit's records are the scores' when every partner is
    scored, see :meth:`_companies_key`).  Every partner's figures come from
    those kept between runs (:mod:`.store`)."""
    env = metrics_.env
    cr = env.cr
    table = SQL.identifier(CUSTOMERS_TABLE)
    for forecast in metrics_.forecast_id:
        refit = fit and partner_ids is None and forecast._fit_day(companies) != today
        if not refit and forecast._purchase_params(companies) is None:
            continue
        env.flush_all()
        # every partner: the forecast's partners in a universe table, as a
        # scheme's (often the same filter: filled once for both in a run)
        universe = None if partner_ids is not None else classify._fill_universe(env, forecast)
        with work_mem(cr):
            # every partner: from the figures kept between runs, grouped
            # again for the customers whose records changed
            kept = universe is not None and store.refresh(
                forecast, source_metric(forecast), today, companies
            )
            if kept:
                select = store.select_customers(
                    forecast, today, companies, SQL("SELECT u.id FROM %s u", universe)
                )
            else:
                select = select_customers(
                    forecast, today, partner_ids, companies=companies, universe=universe
                )
            cr.execute(Q.create_customers(CUSTOMERS_TABLE, select))
        if refit:
            forecast._fit_for_run(today, companies, customers=table)
        for metric in metrics_.filtered(lambda m, f=forecast: m.forecast_id == f):
            select = _measure_select(metric, table, companies)
            if select is not None:
                cr.execute(
                    SQL(
                        "INSERT INTO psseg_value (metric_id, partner_id, value) "
                        "SELECT %s, s.partner_id, s.value FROM (%s) s WHERE s.value IS NOT NULL",
                        metric.id,
                        select,
                    )
                )
        cr.execute(SQL("DROP TABLE %s", table))


def select_values(metric, partner_ids, today, companies=None):
    """SELECT partner_id, value of forecast ``metric``, without writing
    (reads: a partner's figures, a metric's preview, formulas over it),
    from the records of ``companies`` (None: every company)."""
    customers = SQL(
        "(%s)", select_customers(metric.forecast_id, today, partner_ids, companies=companies)
    )
    select = _measure_select(metric, customers, companies)
    if select is None:
        return SQL("SELECT NULL::integer AS partner_id, NULL::numeric AS value WHERE FALSE")
    return select


def backtest(forecast, today, days):
    """Fit on the history up to ``days`` before ``today`` and predict the
    purchase days of the last ``days``: [(repeat purchase days before the
    cut-off 0…7 (7: 7 or more), customers, actual, predicted)] and the fit.
    Raises :class:`.fitting.FitError` when the history is too short."""
    cutoff = today - datetime.timedelta(days=days)
    cr = forecast.env.cr
    customers = select_customers(forecast, cutoff, until=today)
    forecast.env.flush_all()
    with work_mem(cr):
        rows = read_rows(cr, Q.select_backtest(customers), 5)
    x, t_x, T, weights, actual = rows.T
    forecast._check_enough(x, T, weights)
    fit = fitting.bgnbd_fit(x, t_x, T, weights)
    params = (fit["r"], fit["alpha"], fit["a"], fit["b"])
    predicted = fitting.expected_purchases(params, x, t_x, T, float(days)) * weights
    groups = np.minimum(x, 7).astype(int)
    lines = []
    for group in range(8):
        mask = groups == group
        if np.any(mask):
            lines.append(
                (
                    group,
                    int(weights[mask].sum()),
                    float(actual[mask].sum()),
                    float(np.nansum(predicted[mask])),
                )
            )
    return lines, fit
