# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the forecasts: each customer's (x, t_x, T, m) from the source
records, the distinct inputs a fit sums its likelihood over, and each
measure per customer from the fitted parameters.

A customer's purchase days are the distinct days (``date::date``, as the
metrics' days-since aggregates count them) on which their commercial partner
has at least one counted record, up to the reference day; the spend of a
day is the sum of its records' values.  x = purchase days - 1, t_x = days
from the first to the last, T = days from the first to the reference day,
m = the mean spend of the purchase days after the first (none when x = 0).

Statements are :class:`odoo.tools.SQL` objects: user input arrives as
parameters or as SQL built by the ORM (domains).
"""

from odoo.tools import SQL

# exp() of PostgreSQL raises on overflow and on underflow: arguments are
# clamped where the result is then 0 or 1 to double precision anyway
EXP_LIMIT = 700


def select_customers(query, partner_column, date_column, value, day, until, universe, partner_ids):
    """SELECT partner_id, x, t_x, t, m (and ``actual``: purchase days after
    ``day`` up to ``until``, for a back-test) of the customers of
    ``universe`` (an SQL subquery of commercial partner ids) with a purchase
    day on or before ``day``.

    One grouping of the source records by (commercial partner, day) feeds
    every figure: ``query`` joins the partners, so that the records are
    grouped once by the day of their commercial partner, and the spend of
    the first purchase day (left out of ``m``) is the second element of the
    smallest [day, spend] array: no window, no second sort.  The universe
    filters the grouped days, not the records: joined to the records, its
    semi-join (estimated at a few rows whatever it holds) leads the planner
    to read the records partner by partner through the partner index (30 s
    of random reads at 1M orders) instead of one sequential scan.

    :param query: the ORM's query of the counted source records, joined to
        their partner (``partner_column``: its ``commercial_partner_id``)
    :param value: SQL of a record's value, or None (no spend)
    :param partner_ids: only these commercial partners, or None
    """
    query.add_where(SQL("%s::date <= %s", date_column, until))
    if partner_ids is not None:
        query.add_where(SQL("%s = ANY(%s)", partner_column, list(partner_ids)))
    days = select_days(query, partner_column, date_column, value)
    return SQL(
        """
        SELECT d.partner_id,
               (COUNT(*) FILTER (WHERE d.day <= %(day)s) - 1)::float8 AS x,
               (MAX(d.day) FILTER (WHERE d.day <= %(day)s) - MIN(d.day))::float8 AS t_x,
               (%(day)s::date - MIN(d.day))::float8 AS t,
               ((SUM(d.spend) FILTER (WHERE d.day <= %(day)s)
                 - (MIN(ARRAY[(d.day - %(day)s::date)::float8, d.spend]))[2])
                 / NULLIF(COUNT(*) FILTER (WHERE d.day <= %(day)s) - 1, 0)) AS m,
               (COUNT(*) FILTER (WHERE d.day > %(day)s))::float8 AS actual
          FROM (%(days)s) d
         WHERE d.partner_id IN (%(universe)s)
      GROUP BY d.partner_id
        HAVING MIN(d.day) <= %(day)s
        """,
        day=day,
        days=days,
        universe=universe,
    )


def select_days(query, partner_column, date_column, value, *columns):
    """SELECT partner_id, day, spend (and ``columns``) of ``query``'s
    records grouped by (commercial partner, day).

    A day's spend is summed as float8: a numeric sum keeps a state of about
    465 bytes per (partner, day) group (434 MB for the 934k groups of 1M
    orders, spilled to disk at the engine's work_mem) where a float8 sum
    keeps 8; a day of one record (most of them) has the same value either
    way."""
    query.groupby = SQL("1, 2")
    query.order = None
    spend = SQL("SUM((%s)::float8)", value) if value is not None else SQL("NULL::float8")
    return query.select(
        SQL("%s AS partner_id", partner_column),
        SQL("%s::date AS day", date_column),
        SQL("%s AS spend", spend),
        *columns,
    )


def create_customers(table, select):
    return SQL(
        "DROP TABLE IF EXISTS %(t)s; CREATE TEMP TABLE %(t)s ON COMMIT DROP AS %(s)s; "
        "ANALYZE %(t)s",
        t=SQL.identifier(table),
        s=select,
    )


def select_inputs(customers):
    """The distinct inputs of both models in one pass over ``customers`` (a
    table, or a subquery in parentheses):
    rows (x, t_x, T, m, customers, spend row) grouped by (x, t_x, T) for the
    purchase model (spend row 0, m NULL) and by (x, m) for the spend model
    (spend row 1, t_x and T NULL), NULL read as NaN by COPY."""
    return SQL(
        """
        SELECT c.x, c.t_x, c.t, c.m, COUNT(*), GROUPING(c.t_x, c.t)::int / 3
          FROM %s c
      GROUP BY GROUPING SETS ((c.x, c.t_x, c.t), (c.x, c.m))
        """,
        customers,
    )


def select_backtest(customers):
    """x, t_x, T, how many customers share them and their purchase days
    after the cut-off."""
    return SQL(
        "SELECT c.x, c.t_x, c.t, COUNT(*), SUM(c.actual) FROM (%s) c GROUP BY 1, 2, 3",
        customers,
    )


def select_ages(customers):
    """The distinct (x, T): the expected purchases' hypergeometric part
    depends on them only."""
    return SQL("SELECT DISTINCT c.x, c.t FROM %s c", customers)


def _p_alive(params):
    r, alpha, a, b = params
    log_odds = SQL(
        "(ln(%(a)s) - ln(%(b)s + c.x - 1)"
        " + (%(r)s + c.x) * (ln(%(al)s + c.t) - ln(%(al)s + c.t_x)))",
        a=a,
        b=b,
        r=r,
        al=alpha,
    )
    return SQL(
        "(CASE WHEN c.x = 0 THEN 1.0 ELSE 1.0 / (1.0 + exp(LEAST(GREATEST(%s, -%s), %s))) END)",
        log_odds,
        EXP_LIMIT,
        EXP_LIMIT,
    )


def _buys_if_active(params, horizon):
    r, alpha, _a, _b = params
    return SQL(
        "(1.0 - exp(GREATEST(-(%(r)s + c.x) * ln(1.0 + %(h)s / (%(al)s + c.t)), -%(lim)s)))",
        r=r,
        h=float(horizon),
        al=alpha,
        lim=EXP_LIMIT,
    )


def _spend(gg):
    p, q, v = gg
    return SQL(
        "(CASE WHEN c.x > 0 AND c.m > 0"
        " THEN %(p)s * (%(v)s + c.x * c.m) / (%(p)s * c.x + %(q)s - 1)"
        " ELSE %(p)s * %(v)s / (%(q)s - 1) END)",
        p=p,
        q=q,
        v=v,
    )


def _float_array(values):
    """An array literal of finite floats, parsed at once by PostgreSQL: a
    list parameter becomes ARRAY[…] of one constant per element, which for
    the tens of thousands of distinct (x, T) of 100k customers cost a second to parse
    and plan.  repr() gives the shortest digits that read back the same
    double."""
    return "{" + ",".join(map(repr, map(float, values))) + "}"


def select_measure(customers, measure, params, horizon=0, ages=None, gg=None):
    """SELECT partner_id, value of ``measure`` for the customers of
    ``customers`` (a table or subquery aliased ``c``-compatible).

    :param params: (r, alpha, a, b) in days
    :param ages: for expected purchases: (xs, ts, ns), the factor N(x, T) of
        each distinct (x, T), E = N(x, T) × P(alive)
    :param gg: (p, q, v) for the predicted revenue
    """
    params = tuple(float(v) for v in params)
    alive = _p_alive(params)
    join = SQL("")
    if measure == "p_alive":
        value = SQL("100.0 * %s", alive)
    elif measure == "churn_risk":
        value = SQL("100.0 * (1.0 - %s * %s)", alive, _buys_if_active(params, horizon))
    else:
        xs, ts, ns = ages
        join = SQL(
            "JOIN unnest(%s::float8[], %s::float8[], %s::float8[]) AS n(x, t, n)"
            " ON n.x = c.x AND n.t = c.t",
            _float_array(xs),
            _float_array(ts),
            _float_array(ns),
        )
        value = SQL("n.n * %s", alive)
        if measure == "predicted_revenue":
            value = SQL("%s * %s", value, _spend(tuple(float(v) for v in gg)))
    return SQL("SELECT c.partner_id, (%s)::numeric AS value FROM %s c %s", value, customers, join)
