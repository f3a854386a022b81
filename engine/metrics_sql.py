# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the metrics stage.

Statements are :class:`odoo.tools.SQL` objects: user input only ever arrives
as parameters or as SQL built by the ORM (domains) or by the formula compiler.

Work table ``psseg_value(metric_id, partner_id, value)``: metric values per
commercial partner; a partner without source records has no row.
"""

from odoo.tools import SQL

# temporary tables are never analyzed by autovacuum: give the planner stats
# The values are written one metric after the other (see insert_values), and
# every reader reads a few metrics: a block-range index on the metric lets it
# read their blocks only, not the whole table (a million rows per metric at
# 1M partners).  Ranges filled after the index was made are summarized here,
# as the metrics' values are analyzed; those filled later are read always.
ANALYZE_VALUES = SQL(
    "ANALYZE psseg_value; SELECT brin_summarize_new_values('pg_temp.psseg_value_metric')"
)


def delete_values(metric_id):
    return SQL("DELETE FROM psseg_value WHERE metric_id = %s", metric_id)


# Two-phase aggregation: the source rows are first aggregated per value of
# their partner field (one pass over the big table, no join), then the
# partials are combined per commercial partner (a join of the small result).
# Metrics that share a source (model, domain, partner field, company) are
# computed in the same pass, each aggregate filtered by its own date window.
# aggregate -> (partials over value/date, combination of the partial columns
# with today).  A count is never 0 here: no matching row means no value.
# The core's aggregates: the engine reads them through the metric model's
# ``_aggregates``, which another addon extends to add one.
AGGREGATES = {
    "sum": (
        lambda v, d, e, t: [SQL("SUM(%s)", v)],
        lambda t, p: SQL("SUM(%s)::numeric", p[0]),
    ),
    "count": (
        lambda v, d, e, t: [SQL("COUNT(*)")],
        lambda t, p: SQL("NULLIF(SUM(%s), 0)::numeric", p[0]),
    ),
    "avg": (
        lambda v, d, e, t: [SQL("SUM(%s)", v), SQL("COUNT(%s)", v)],
        lambda t, p: SQL("(SUM(%s) / NULLIF(SUM(%s), 0))::numeric", p[0], p[1]),
    ),
    "min": (
        lambda v, d, e, t: [SQL("MIN(%s)", v)],
        lambda t, p: SQL("MIN(%s)::numeric", p[0]),
    ),
    "max": (
        lambda v, d, e, t: [SQL("MAX(%s)", v)],
        lambda t, p: SQL("MAX(%s)::numeric", p[0]),
    ),
    "days_since_last": (
        lambda v, d, e, t: [SQL("MAX(%s)", d)],
        lambda t, p: SQL("(%s::date - MAX(%s)::date)::numeric", t, p[0]),
    ),
    "days_since_first": (
        lambda v, d, e, t: [SQL("MIN(%s)", d)],
        lambda t, p: SQL("(%s::date - MIN(%s)::date)::numeric", t, p[0]),
    ),
    # per record: days from its date to its end date (today while it has
    # none), never below 0; averaged over the records that have a date
    "avg_days_late": (
        lambda v, d, e, t: [
            SQL("SUM(GREATEST(COALESCE(%s::date, %s::date) - %s::date, 0))", e, t, d),
            SQL("COUNT(%s)", d),
        ],
        lambda t, p: SQL("(SUM(%s)::numeric / NULLIF(SUM(%s), 0))", p[0], p[1]),
    ),
}

WINDOW_OPERATORS = ("<", "<=", ">", ">=")


def window_condition(date_column, bounds):
    """``date_column`` within ``bounds`` [(operator, value)], or None."""
    if not bounds:
        return None
    assert all(op in WINDOW_OPERATORS for op, _value in bounds)
    return SQL(" AND ").join(SQL("%s %s %s", date_column, SQL(op), value) for op, value in bounds)


def select_members(partner_ids):
    """(partner, commercial partner) of the partners whose commercial partner
    is one of ``partner_ids``."""
    return SQL(
        "SELECT id, commercial_partner_id FROM res_partner WHERE commercial_partner_id = ANY(%s)",
        list(partner_ids),
    )


def restrict_partners(query, partner_column, member_ids):
    """Only the source rows of these partners (an array literal, so that the
    planner uses the index on the partner field)."""
    query.add_where(SQL("%s = ANY(%s)", partner_column, list(member_ids)))


def select_grouped(query, partner_column, columns, today, members=None):
    """SELECT partner_id, <alias>…: aggregates of ``query`` (the ORM's query
    for the source domain) per commercial partner, in one scan.

    :param columns: list of (alias, aggregate SQL (partials, combine) as in
        ``AGGREGATES``, value column, date column, window condition or None,
        end date column)
    :param members: for chosen partners, the (partner, commercial partner)
        pairs of ``query``'s partners, joined as arrays rather than through
        res_partner (which the planner, expecting many rows, would scan)
    """
    windows = [window for _a, _agg, _v, _d, window, _e in columns]
    if all(windows):  # no row outside every window is needed
        query.add_where(SQL("(%s)", SQL(" OR ").join(SQL("(%s)", w) for w in windows)))
    query.groupby = partner_column
    query.order = None
    partials, combined = [], []
    for i, (alias, (partial, combine), value, date, window, end) in enumerate(columns):
        names = []
        for j, expr in enumerate(partial(value, date, end, today)):
            name = SQL.identifier(f"p{i}_{j}")
            if window and len(windows) > 1:
                expr = SQL("%s FILTER (WHERE %s)", expr, window)
            partials.append(SQL("%s AS %s", expr, name))
            names.append(SQL("s.%s", name))
        combined.append(SQL("%s AS %s", combine(today, names), SQL.identifier(alias)))
    inner = query.select(SQL("%s AS pid", partner_column), *partials)
    partners = SQL("res_partner AS rp")
    if members is not None:
        partners = SQL(
            "unnest(%s::int[], %s::int[]) AS rp(id, commercial_partner_id)",
            [member for member, _cp in members],
            [commercial for _m, commercial in members],
        )
    return SQL(
        """
        SELECT rp.commercial_partner_id AS partner_id, %s
          FROM (%s) s JOIN %s ON rp.id = s.pid
      GROUP BY rp.commercial_partner_id
        """,
        SQL(", ").join(combined),
        inner,
        partners,
    )


def insert_values(metric_aliases, select):
    """Fill ``psseg_value`` from a SELECT partner_id, <alias>… (one row per
    metric and partner that has a value), one metric after the other (see
    ANALYZE_VALUES).  The SELECT first lands in a table of its own: a
    CREATE TABLE … AS may scan the source in parallel, an INSERT … SELECT
    never does.

    :param metric_aliases: list of (metric id, alias)
    """
    values = SQL(" UNION ALL ").join(
        SQL(
            "SELECT %s, s.partner_id, s.%s FROM psseg_scan s WHERE s.%s IS NOT NULL",
            metric_id,
            SQL.identifier(alias),
            SQL.identifier(alias),
        )
        for metric_id, alias in metric_aliases
    )
    return SQL(
        """
        DROP TABLE IF EXISTS pg_temp.psseg_scan;
        CREATE TEMP TABLE psseg_scan ON COMMIT DROP AS %s;
        INSERT INTO psseg_value (metric_id, partner_id, value) %s;
        DROP TABLE pg_temp.psseg_scan;
        """,
        select,
        values,
    )


def select_formula(dependencies, expression):
    """SELECT partner_id, value of a formula over dependency SELECTs.

    :param dependencies: list of (alias, metric id, zero_default, select)
    """
    union = SQL(" UNION ALL ").join(
        SQL("SELECT %s AS k, d.partner_id, d.value FROM (%s) d", dep_id, select)
        for _alias, dep_id, _zero, select in dependencies
    )
    pivots = SQL(", ").join(
        SQL(
            "COALESCE(MAX(value) FILTER (WHERE k = %s), 0) AS %s"
            if zero_default
            else "MAX(value) FILTER (WHERE k = %s) AS %s",
            dep_id,
            SQL.identifier(alias),
        )
        for alias, dep_id, zero_default, _select in dependencies
    )
    return SQL(
        """
        SELECT f.partner_id, f.value FROM (
            SELECT p.partner_id, %(expr)s AS value
              FROM (SELECT partner_id, %(pivots)s FROM (%(union)s) u GROUP BY partner_id) p
        ) f WHERE f.value IS NOT NULL
        """,
        expr=expression,
        pivots=pivots,
        union=union,
    )


def select_top(select, limit):
    return SQL(
        "SELECT s.partner_id, s.value FROM (%s) s "
        "ORDER BY s.value DESC NULLS LAST, s.partner_id LIMIT %s",
        select,
        limit,
    )


def insert_formula_values(metric_id, dependency_columns, expression):
    """Fill ``psseg_value`` for a formula metric over its dependencies' values.

    :param dependency_columns: list of (alias, dependency metric id, zero_default)
    """
    pivots = SQL(", ").join(
        SQL(
            "COALESCE(MAX(value) FILTER (WHERE metric_id = %s), 0) AS %s"
            if zero_default
            else "MAX(value) FILTER (WHERE metric_id = %s) AS %s",
            dep_id,
            SQL.identifier(alias),
        )
        for alias, dep_id, zero_default in dependency_columns
    )
    dep_ids = [dep_id for _alias, dep_id, _zero in dependency_columns]
    return SQL(
        """
        INSERT INTO psseg_value (metric_id, partner_id, value)
        SELECT %(metric)s, f.partner_id, f.value
          FROM (SELECT p.partner_id, %(expr)s AS value
                  FROM (SELECT partner_id, %(pivots)s
                          FROM psseg_value
                         WHERE metric_id = ANY(%(deps)s)
                      GROUP BY partner_id) p) f
         WHERE f.value IS NOT NULL
        """,
        metric=metric_id,
        expr=expression,
        pivots=pivots,
        deps=dep_ids,
    )
