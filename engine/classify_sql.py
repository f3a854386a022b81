# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the classification stage.

Work tables: ``psseg_universe(id)`` (and ``psseg_universe_1``…), the
commercial partners a scheme classifies; ``psseg_result(partner_id,
segment_id)``, what a scheme says, per partner (read from ``psseg_value``,
see :mod:`.metrics_sql`).
"""

from odoo.tools import SQL

TRUNCATE_RESULT = SQL("TRUNCATE psseg_result, psseg_diff")
COUNT_RESULT = SQL("SELECT COUNT(*) FROM psseg_result")


def universe_table(slot):
    """The work table of a universe: ``psseg_universe`` (created with the
    other work tables), then ``psseg_universe_1``, ``psseg_universe_2``…"""
    return SQL.identifier(f"psseg_universe_{slot}" if slot else "psseg_universe")


def fill_universe(table, subquery):
    return SQL(
        """
        CREATE TEMP TABLE IF NOT EXISTS %(table)s (id integer NOT NULL) ON COMMIT DROP;
        TRUNCATE %(table)s;
        INSERT INTO %(table)s (id) %(subquery)s
        """,
        table=table,
        subquery=subquery,
    )


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


def filter_join(alias, select, universe_alias="u"):
    """LEFT JOIN of the partners a segment's partner filter keeps (``select``
    returns distinct ids), as ``<alias>.id``."""
    return SQL(
        "LEFT JOIN (%s) %s ON %s = %s",
        select,
        SQL.identifier(alias),
        SQL.identifier(alias, "id"),
        SQL.identifier(universe_alias, "id"),
    )


def filter_holds(alias):
    return SQL("%s IS NOT NULL", SQL.identifier(alias, "id"))


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


def _ranked_insert(ranked, scope_ids, edges):
    """INSERT the segments of ``ranked`` (partner_id, v, segment_id, edge_key,
    is_edge) into psseg_result.  With ``edges`` (a full run), the statement
    also returns the boundary rows: (edge key, value as text, partner id)."""
    if not edges:
        return SQL(
            """
            INSERT INTO psseg_result (partner_id, segment_id)
            SELECT partner_id, segment_id FROM (%s) x
             WHERE segment_id IS NOT NULL %s
            """,
            ranked,
            SQL("AND partner_id = ANY(%s)", list(scope_ids)) if scope_ids is not None else SQL(),
        )
    return SQL(
        """
        WITH ranked AS (%s), inserted AS (
            INSERT INTO psseg_result (partner_id, segment_id)
            SELECT partner_id, segment_id FROM ranked WHERE segment_id IS NOT NULL)
        SELECT edge_key, v::text, partner_id FROM ranked WHERE is_edge ORDER BY edge_key
        """,
        ranked,
    )


def _pareto_case(value, before, cutoffs):
    return SQL(
        "CASE %s ELSE NULL END",
        SQL(" ").join(
            SQL("WHEN TRUE THEN %s", seg)
            if cutoff >= 100
            else SQL("WHEN %s > 0 AND %s * 100 < r.total * %s THEN %s", value, before, cutoff, seg)
            for cutoff, seg in cutoffs
        ),
    )


def insert_pareto_result(universe, metric_id, cutoffs, scope_ids):
    """Rank by value (highest first, ties by partner id); a partner belongs
    to the first segment whose cut-off is above the cumulative share of the
    partners ranked before it.  The 100 % segment takes everyone else,
    including partners with no or a non-positive value.  For everyone (no
    ``scope_ids``), the statement also returns the last partner of each
    segment (its boundary): (segment, value, partner id).

    :param cutoffs: list of (cutoff percent, segment id), ascending
    """
    this = _pareto_case(SQL("r.v"), SQL("r.before"), cutoffs)
    following = _pareto_case(SQL("r.next_v"), SQL("(r.before + r.v)"), cutoffs)
    ranked = SQL(
        """
        SELECT r.partner_id, r.v, %(this)s AS segment_id, %(this)s AS edge_key,
               (%(this)s IS NOT NULL
                AND (r.next_v IS NULL OR %(following)s IS DISTINCT FROM %(this)s)) AS is_edge
          FROM (SELECT s.partner_id, s.v,
                       COALESCE(SUM(s.v) OVER (w ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING),
                                0) AS before,
                       SUM(s.v) OVER () AS total,
                       LEAD(s.v) OVER w AS next_v
                  FROM (SELECT u.id AS partner_id, GREATEST(COALESCE(v.v0, 0), 0) AS v
                          FROM %(universe)s AS u(id) %(join)s) s
                WINDOW w AS (ORDER BY s.v DESC, s.partner_id)) r
        """,
        this=this,
        following=following,
        universe=universe,
        join=values_join([(metric_id, "v0")]),
    )
    return _ranked_insert(ranked, scope_ids, scope_ids is None)


def insert_quantile_result(
    universe, metric_id, zero_default, buckets, descending, buckets_map, scope_ids
):
    """NTILE over the partners that have a value (ties by partner id).  For
    everyone (no ``scope_ids``), the statement also returns the last partner
    of each bucket (its boundary): (bucket, value, partner id).  NTILE gives
    the first (count mod n) buckets one partner more than the others: the
    last of a bucket is found from its row number without a second sort.

    :param buckets_map: list of (from bucket, to bucket, segment id)
    """
    cases = SQL(" ").join(
        SQL("WHEN t.bucket BETWEEN %s AND %s THEN %s", lo, hi, seg) for lo, hi, seg in buckets_map
    )
    ranked = SQL(
        """
        SELECT t.partner_id, t.v, CASE %(cases)s ELSE NULL END AS segment_id,
               t.bucket AS edge_key,
               CASE WHEN t.rn <= t.r * (t.q + 1) THEN mod(t.rn, t.q + 1) = 0
                    ELSE mod(t.rn - t.r * (t.q + 1), t.q) = 0 END AS is_edge
          FROM (SELECT s.partner_id, s.v, NTILE(%(n)s) OVER w AS bucket,
                       ROW_NUMBER() OVER w AS rn,
                       COUNT(*) OVER () / %(n)s AS q, mod(COUNT(*) OVER (), %(n)s) AS r
                  FROM (SELECT u.id AS partner_id, %(value)s AS v
                          FROM %(universe)s AS u(id) %(join)s) s
                 WHERE s.v IS NOT NULL
                WINDOW w AS (ORDER BY s.v %(direction)s, s.partner_id)) t
        """,
        cases=cases,
        n=buckets,
        direction=SQL("DESC") if descending else SQL("ASC"),
        value=value_expr("v0", zero_default),
        universe=universe,
        join=values_join([(metric_id, "v0")]),
    )
    return _ranked_insert(ranked, scope_ids, scope_ids is None)


# -- partial runs: partners placed against the last full run's boundaries ------


PARETO_VALUE = SQL("GREATEST(COALESCE(v.v0, 0), 0)")


def _at_or_before(value, edge_value, edge_partner, descending):
    """The partner (u.id, ``value``) ranks at or before the boundary partner:
    a better value, or the same value and a lower or equal partner id."""
    better = SQL(">") if descending else SQL("<")
    return SQL(
        "(%s %s %s::numeric OR (%s = %s::numeric AND u.id <= %s))",
        value,
        better,
        edge_value,
        value,
        edge_value,
        edge_partner,
    )


def insert_placed_result(universe, metric_id, value, edges, descending, default, guard=None):
    """Place the universe's partners against stored boundaries: the segment
    of the first boundary they do not pass, else ``default``.

    :param value: the ranking value of a partner (over ``v.v0``); a partner
        without one gets no segment
    :param edges: list of (value as text, partner id, segment id or None),
        in ranking order
    :param guard: what every boundary also asks (Pareto: a positive value)
    """
    cases = [
        SQL(
            "WHEN %s THEN %s::integer",
            SQL(" AND ").join([*filter(None, [guard]), _at_or_before(value, v, p, descending)]),
            seg,
        )
        for v, p, seg in edges
    ]
    return SQL(
        """
        INSERT INTO psseg_result (partner_id, segment_id)
        SELECT partner_id, segment_id FROM (
            SELECT u.id AS partner_id,
                   CASE WHEN %(value)s IS NULL THEN NULL %(cases)s ELSE %(default)s::integer END
                       AS segment_id
              FROM %(universe)s AS u(id) %(join)s
        ) x WHERE segment_id IS NOT NULL
        """,
        value=value,
        cases=SQL(" ").join(cases),
        default=default,
        universe=universe,
        join=values_join([(metric_id, "v0")]),
    )
