# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the classification stage.

Work tables: ``psseg_universe(id)``, the commercial partners a scheme
classifies; ``psseg_result(partner_id, segment_id)``, what a scheme says,
per partner (read from ``psseg_value``, see :mod:`.metrics_sql`).
"""

from odoo.tools import SQL

TRUNCATE_RESULT = SQL("TRUNCATE psseg_result, psseg_diff")
COUNT_RESULT = SQL("SELECT COUNT(*) FROM psseg_result")
UNIVERSE = SQL("psseg_universe")
ANALYZE_UNIVERSE = SQL("ANALYZE psseg_universe")


def fill_universe(subquery):
    return SQL("TRUNCATE psseg_universe; INSERT INTO psseg_universe (id) %s", subquery)


def values_join(metric_aliases, universe_alias="u"):
    """One LEFT JOIN bringing the values of the metrics as columns of ``v``
    (one pass over psseg_value, however many metrics).

    :param metric_aliases: list of (metric id, column alias)
    """
    if len(metric_aliases) == 1:
        ((metric_id, alias),) = metric_aliases
        values = SQL(
            "SELECT partner_id, value AS %s FROM psseg_value WHERE metric_id = %s",
            SQL.identifier(alias),
            metric_id,
        )
    else:
        values = SQL(
            "SELECT partner_id, %s FROM psseg_value WHERE metric_id = ANY(%s) GROUP BY partner_id",
            SQL(", ").join(
                SQL("MAX(value) FILTER (WHERE metric_id = %s) AS %s", mid, SQL.identifier(alias))
                for mid, alias in metric_aliases
            ),
            [metric_id for metric_id, _alias in metric_aliases],
        )
    return SQL(
        "LEFT JOIN (%s) v ON v.partner_id = %s", values, SQL.identifier(universe_alias, "id")
    )


def value_expr(alias, zero_default):
    """The value of the metric brought as ``alias`` by :func:`values_join`."""
    column = SQL.identifier("v", alias)
    return SQL("COALESCE(%s, 0)", column) if zero_default else column


CONDITION_OPERATORS = {
    ">": lambda x, a, b: SQL("%s > %s", x, a),
    ">=": lambda x, a, b: SQL("%s >= %s", x, a),
    "<": lambda x, a, b: SQL("%s < %s", x, a),
    "<=": lambda x, a, b: SQL("%s <= %s", x, a),
    "=": lambda x, a, b: SQL("%s = %s", x, a),
    "!=": lambda x, a, b: SQL("%s <> %s", x, a),
    "between": lambda x, a, b: SQL("%s BETWEEN %s AND %s", x, a, b),
    "set": lambda x, a, b: SQL("%s IS NOT NULL", x),
    "not set": lambda x, a, b: SQL("%s IS NULL", x),
}


def in_subquery(subquery):
    return SQL("u.id IN %s", subquery)


def insert_rules_result(universe, joins, cases, scope_ids):
    """First matching segment wins: one CASE over the universe."""
    return SQL(
        """
        INSERT INTO psseg_result (partner_id, segment_id)
        SELECT partner_id, segment_id FROM (
            SELECT u.id AS partner_id, CASE %(cases)s ELSE NULL END AS segment_id
              FROM %(universe)s AS u(id) %(joins)s
             %(scope)s
        ) r WHERE segment_id IS NOT NULL
        """,
        cases=SQL(" ").join(SQL("WHEN %s THEN %s", cond, seg) for cond, seg in cases),
        universe=universe,
        joins=SQL(" ").join(joins),
        scope=SQL("WHERE u.id = ANY(%s)", list(scope_ids)) if scope_ids is not None else SQL(),
    )


def insert_pareto_result(universe, metric_id, cutoffs, scope_ids):
    """Rank by value (highest first, ties by partner id); a partner belongs
    to the first segment whose cut-off is above the cumulative share of the
    partners ranked before it.  The 100 % segment takes everyone else,
    including partners with no or a non-positive value.

    :param cutoffs: list of (cutoff percent, segment id), ascending
    """
    cases = SQL(" ").join(
        SQL("WHEN TRUE THEN %s", seg)
        if cutoff >= 100
        else SQL("WHEN r.v > 0 AND r.before * 100 < r.total * %s THEN %s", cutoff, seg)
        for cutoff, seg in cutoffs
    )
    return SQL(
        """
        INSERT INTO psseg_result (partner_id, segment_id)
        SELECT partner_id, segment_id FROM (
            SELECT r.partner_id, CASE %(cases)s ELSE NULL END AS segment_id
              FROM (SELECT s.partner_id, s.v,
                           COALESCE(SUM(s.v) OVER (ORDER BY s.v DESC, s.partner_id
                                ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS before,
                           SUM(s.v) OVER () AS total
                      FROM (SELECT u.id AS partner_id, GREATEST(COALESCE(v.v0, 0), 0) AS v
                              FROM %(universe)s AS u(id) %(join)s) s) r
             %(scope)s
        ) x WHERE segment_id IS NOT NULL
        """,
        cases=cases,
        universe=universe,
        join=values_join([(metric_id, "v0")]),
        scope=SQL("WHERE r.partner_id = ANY(%s)", list(scope_ids))
        if scope_ids is not None
        else SQL(),
    )


def insert_quantile_result(
    universe, metric_id, zero_default, buckets, descending, buckets_map, scope_ids
):
    """NTILE over the partners that have a value (ties by partner id).

    :param buckets_map: list of (from bucket, to bucket, segment id)
    """
    cases = SQL(" ").join(
        SQL("WHEN q.bucket BETWEEN %s AND %s THEN %s", lo, hi, seg) for lo, hi, seg in buckets_map
    )
    return SQL(
        """
        INSERT INTO psseg_result (partner_id, segment_id)
        SELECT partner_id, segment_id FROM (
            SELECT q.partner_id, CASE %(cases)s ELSE NULL END AS segment_id
              FROM (SELECT s.partner_id,
                           NTILE(%(n)s) OVER (ORDER BY s.v %(direction)s, s.partner_id) AS bucket
                      FROM (SELECT u.id AS partner_id, %(value)s AS v
                              FROM %(universe)s AS u(id) %(join)s) s
                     WHERE s.v IS NOT NULL) q
             %(scope)s
        ) x WHERE segment_id IS NOT NULL
        """,
        cases=cases,
        n=buckets,
        direction=SQL("DESC") if descending else SQL("ASC"),
        value=value_expr("v0", zero_default),
        universe=universe,
        join=values_join([(metric_id, "v0")]),
        scope=SQL("WHERE q.partner_id = ANY(%s)", list(scope_ids))
        if scope_ids is not None
        else SQL(),
    )
