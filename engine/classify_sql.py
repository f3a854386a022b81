# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the classification stage.

Work tables: ``psseg_universe(id)`` (and ``psseg_universe_1``…), the
commercial partners a scheme classifies; ``psseg_result(partner_id,
segment_id)``, what a scheme says, per partner (read from ``psseg_value``,
see :mod:`.metrics_sql`).
"""

from typing import NamedTuple

from odoo.tools import SQL

TRUNCATE_RESULT = SQL("TRUNCATE psseg_result, psseg_diff")
COUNT_RESULT = SQL("SELECT COUNT(*) FROM psseg_result")

# -- the commercial partners: a test the planner can estimate -----------------------

# A commercial partner is one whose ``commercial_partner_id`` is its own id.
# PostgreSQL estimates a comparison of two columns at 0.5 % of the rows
# whatever the data (most partners, in fact: companies and individuals),
# and with that estimate it looks a forecast's kept figures up once per
# partner instead of hashing them (0.8 s more of a fit's 5 s at 1M
# customers).  Written as a boolean test, the comparison matches the
# expression statistics below, and ANALYZE gives the planner its real share.
IS_COMMERCIAL = "(%s = %s) IS TRUE"
COMMERCIAL_STATISTICS = "psseg_res_partner_commercial"
HAS_COMMERCIAL_STATISTICS = SQL(
    "SELECT 1 FROM pg_statistic_ext WHERE stxname = %s", COMMERCIAL_STATISTICS
)
# (statistics have no figures until the table's next ANALYZE)
CREATE_COMMERCIAL_STATISTICS = SQL(
    "CREATE STATISTICS IF NOT EXISTS %s ON ((id = commercial_partner_id)) FROM res_partner;"
    " ANALYZE res_partner",
    SQL.identifier(COMMERCIAL_STATISTICS),
)


def universe_table(slot):
    """The work table of a universe: ``psseg_universe`` (created with the
    other work tables), then ``psseg_universe_1``, ``psseg_universe_2``…"""
    return SQL.identifier(f"psseg_universe_{slot}" if slot else "psseg_universe")


def fill_universe(table, subquery):
    """The table made again from ``subquery`` (its rowcount: how many): a
    CREATE TABLE … AS may run the partners' query in parallel, an
    INSERT … SELECT never does."""
    return SQL(
        """
        DROP TABLE IF EXISTS pg_temp.%(table)s;
        CREATE TEMP TABLE %(table)s ON COMMIT DROP AS SELECT u.id FROM (%(subquery)s) u
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


def value_expr(alias, zero_default, exclude_zero=False):
    """The value of the metric brought as ``alias`` by :func:`values_join`;
    with ``exclude_zero``, NULL for a value of zero (a ranking that leaves
    out the partners without activity)."""
    column = SQL.identifier("v", alias)
    value = SQL("COALESCE(%s, 0)", column) if zero_default else column
    return SQL("NULLIF(%s, 0)", value) if exclude_zero else value


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


def _ranked_insert(ranked, scope_ids, edges, keep=None):
    """INSERT the segments of ``ranked`` (partner_id, v, segment_id, edge_key,
    is_edge, pos, rk, before, total, n) into psseg_result.  With ``edges`` (a
    full run), the statement also returns the boundary rows: (edge key, value
    as text).  With ``keep`` (a scheme id), it also keeps the ranking in
    ``partner_segment_run_ranking`` (the scheme's rows that differ written,
    those beyond its last position deleted) and
    returns (edge key, value as text, is edge, total as text, n) for the
    boundaries and the first partner (see :func:`.classify.keep_ranking`)."""
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
    if keep:
        # the rows that differ from the kept ones only (none when nothing
        # changed): a ranking of a million partners is not written again
        return SQL(
            """
            WITH ranked AS (%(ranked)s), inserted AS (
                INSERT INTO psseg_result (partner_id, segment_id)
                SELECT partner_id, segment_id FROM ranked WHERE segment_id IS NOT NULL
            ), kept AS (
                INSERT INTO partner_segment_run_ranking
                       (scheme_id, position, partner_id, group_rank, value, value_before)
                SELECT %(scheme)s, r.pos, r.partner_id, r.rk, r.v, r.before
                  FROM ranked r
                  LEFT JOIN partner_segment_run_ranking o
                         ON o.scheme_id = %(scheme)s AND o.position = r.pos
                 WHERE (o.partner_id, o.group_rank, o.value, o.value_before)
                       IS DISTINCT FROM (r.partner_id, r.rk, r.v, r.before)
                ON CONFLICT (scheme_id, position) DO UPDATE
                   SET partner_id = EXCLUDED.partner_id, group_rank = EXCLUDED.group_rank,
                       value = EXCLUDED.value, value_before = EXCLUDED.value_before
            ), removed AS (
                DELETE FROM partner_segment_run_ranking
                 WHERE scheme_id = %(scheme)s AND position > (SELECT COUNT(*) FROM ranked))
            SELECT edge_key, v::text, is_edge, total::text, n
              FROM ranked WHERE is_edge OR pos = 1 ORDER BY edge_key
            """,
            scheme=keep,
            ranked=ranked,
        )
    return SQL(
        """
        WITH ranked AS (%s), inserted AS (
            INSERT INTO psseg_result (partner_id, segment_id)
            SELECT partner_id, segment_id FROM ranked WHERE segment_id IS NOT NULL)
        SELECT edge_key, v::text FROM ranked WHERE is_edge ORDER BY edge_key
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


def pareto_values(universe, metric_id, exclude_zero):
    """SELECT partner_id, v: the Pareto value of the universe's partners (no
    value and negative values count as 0); with ``exclude_zero``, the
    partners whose value is none or zero are left out."""
    return SQL(
        """
        SELECT u.id AS partner_id, GREATEST(COALESCE(v.v0, 0), 0) AS v
          FROM %(universe)s AS u(id) %(join)s %(where)s
        """,
        universe=universe,
        join=values_join([(metric_id, "v0")]),
        where=SQL("WHERE COALESCE(v.v0, 0) <> 0") if exclude_zero else SQL(),
    )


# One sort, one pass of window functions over it (all share the window w):
# RANK() is the rank of a partner's tie group (the partners strictly before
# it + 1), COUNT(*) and SUM() with w's default frame run up to the last
# partner of the group (peers included), ROW_NUMBER() = COUNT(*) on exactly
# one row of each group (its last), LEAD() from that row reads the next group.
# ROW_NUMBER() is the partner's position, RANK() its group's (kept by a full
# run, see _ranked_insert).
PARETO_RANKING = """
    SELECT s.partner_id, s.v,
           SUM(s.v) OVER w - s.v * (COUNT(*) OVER w - RANK() OVER w + 1) AS before,
           SUM(s.v) OVER w AS upto,
           SUM(s.v) OVER () AS total,
           ROW_NUMBER() OVER w = COUNT(*) OVER w AS last_of_group,
           LEAD(s.v) OVER w AS next_v,
           ROW_NUMBER() OVER w AS pos, RANK() OVER w AS rk, COUNT(*) OVER () AS n
      FROM (%(values)s) s
    WINDOW w AS (ORDER BY s.v DESC)
"""


def insert_pareto_result(universe, metric_id, cutoffs, scope_ids, exclude_zero=False, keep=None):
    """Rank by value, highest first; a partner belongs to the first segment
    whose cut-off is above the cumulative share of the partners ranked
    before its tie group (partners with an equal value share their segment:
    the group goes where its first member goes).  The 100 % segment takes
    everyone else, including partners with no or a non-positive value
    (unless ``exclude_zero`` leaves those with none or zero out).  For
    everyone (no ``scope_ids``), the statement also returns the last value
    of each segment (its boundary): (segment, value).

    :param cutoffs: list of (cutoff percent, segment id), ascending
    :param keep: the scheme id whose ranking a full run keeps (see _ranked_insert)
    """
    this = _pareto_case(SQL("r.v"), SQL("r.before"), cutoffs)
    following = _pareto_case(SQL("r.next_v"), SQL("r.upto"), cutoffs)
    ranked = SQL(
        """
        SELECT r.partner_id, r.v, %(this)s AS segment_id, %(this)s AS edge_key,
               (r.last_of_group AND %(this)s IS NOT NULL
                AND (r.next_v IS NULL OR %(following)s IS DISTINCT FROM %(this)s)) AS is_edge,
               r.pos, r.rk, r.before, r.total, r.n
          FROM (%(ranking)s) r
        """,
        this=this,
        following=following,
        ranking=SQL(PARETO_RANKING, values=pareto_values(universe, metric_id, exclude_zero)),
    )
    return _ranked_insert(ranked, scope_ids, scope_ids is None, keep)


def ntile_of(rank):
    """The bucket NTILE gives the row ``rank`` (an SQL expression over ``t``,
    at most ``t.n``) of ``t.n`` = ``t.q`` * buckets + ``t.r`` rows: the first
    ``t.r`` buckets hold one row more than the others."""
    return SQL(
        """CASE WHEN %(rank)s <= t.r * (t.q + 1) THEN (%(rank)s - 1) / (t.q + 1) + 1
                ELSE t.r + (%(rank)s - 1 - t.r * (t.q + 1)) / t.q + 1 END""",
        rank=rank,
    )


def quantile_values(universe, metric_id, value):
    return SQL(
        "SELECT u.id AS partner_id, %s AS v FROM %s AS u(id) %s",
        value,
        universe,
        values_join([(metric_id, "v0")]),
    )


def quantile_ranking(universe, metric_id, value, buckets, descending):
    """SELECT partner_id, v, rk (the rank of its tie group), upto (the
    partners ranked up to the end of its group), last_of_group, n, q, r
    (n = q * buckets + r partners with a value): one sort, one window pass."""
    return SQL(
        """
        SELECT s.partner_id, s.v, RANK() OVER w AS rk, ROW_NUMBER() OVER w AS pos,
               COUNT(*) OVER w AS upto,
               ROW_NUMBER() OVER w = COUNT(*) OVER w AS last_of_group,
               COUNT(*) OVER () AS n,
               COUNT(*) OVER () / %(buckets)s AS q, mod(COUNT(*) OVER (), %(buckets)s) AS r
          FROM (%(values)s) s
         WHERE s.v IS NOT NULL
        WINDOW w AS (ORDER BY s.v %(direction)s)
        """,
        buckets=buckets,
        values=quantile_values(universe, metric_id, value),
        direction=SQL("DESC") if descending else SQL("ASC"),
    )


def insert_quantile_result(
    universe, metric_id, value, buckets, descending, buckets_map, scope_ids, keep=None
):
    """Equal-count buckets over the partners that have a value (``value``,
    over ``v.v0``; NULL: not ranked), equal values in the same bucket: a tie
    group goes to the bucket NTILE gives its first row (its rank: the
    partners ranked strictly before it + 1), the next group starts after it;
    when one value fills more than a bucket, the buckets it passes over stay
    empty.  For everyone (no ``scope_ids``), the statement also returns the
    last value of each bucket (its boundary): (bucket, value).

    :param buckets_map: list of (from bucket, to bucket, segment id)
    :param keep: the scheme id whose ranking a full run keeps (see _ranked_insert)
    """
    cases = SQL(" ").join(
        SQL("WHEN t.bucket BETWEEN %s AND %s THEN %s", lo, hi, seg) for lo, hi, seg in buckets_map
    )
    ranked = SQL(
        """
        SELECT t.partner_id, t.v, CASE %(cases)s ELSE NULL END AS segment_id,
               t.bucket AS edge_key,
               t.last_of_group
               AND CASE WHEN t.upto = t.n THEN TRUE ELSE %(next_bucket)s <> t.bucket END AS is_edge,
               t.pos, t.rk, NULL::numeric AS before, NULL::numeric AS total, t.n
          FROM (SELECT t.*, %(bucket)s AS bucket
                  FROM (%(ranking)s) t) t
        """,
        cases=cases,
        bucket=ntile_of(SQL("t.rk")),
        next_bucket=ntile_of(SQL("(t.upto + 1)")),
        ranking=quantile_ranking(universe, metric_id, value, buckets, descending),
    )
    return _ranked_insert(ranked, scope_ids, scope_ids is None, keep)


def kept_run_current(scheme_id, run_id):
    """Whether run ``run_id`` wrote the scheme and no later run changed
    its assignments (or is writing them, or failed doing so)."""
    return SQL(
        """
        SELECT EXISTS (SELECT FROM partner_segment_run_line
                        WHERE run_id = %(run)s AND scheme_id = %(scheme)s AND state = 'done')
           AND NOT EXISTS (SELECT FROM partner_segment_run_line
                            WHERE run_id > %(run)s AND scheme_id = %(scheme)s
                              AND (state IN ('writing', 'failed') OR change_count > 0))
        """,
        run=run_id,
        scheme=scheme_id,
    )


# -- partial runs: partners placed against the last full run's boundaries ------


def pareto_value(exclude_zero):
    """The Pareto value of ``v.v0`` for a placement (NULL: left out)."""
    if exclude_zero:
        return SQL("CASE WHEN COALESCE(v.v0, 0) <> 0 THEN GREATEST(v.v0, 0) END")
    return SQL("GREATEST(COALESCE(v.v0, 0), 0)")


def _at_or_before(value, edge_value, descending):
    """The value ranks at or before the boundary value: better or equal
    (equal values share their segment, so the boundary's value is in it)."""
    return SQL("%s %s %s::numeric", value, SQL(">=") if descending else SQL("<="), edge_value)


class Placement(NamedTuple):
    """How partners are placed against stored boundaries.

    :param value: the ranking value of a partner (over ``v.v0``); a partner
        without one gets no segment
    :param edges: list of (value as text, segment id or None), in ranking order
    :param descending: whether higher values rank first
    :param default: the segment of a partner past every boundary
    :param guard: what every boundary also asks (Pareto: a positive value)
    """

    value: SQL
    edges: list
    descending: bool
    default: int | None
    guard: SQL | None


def placed_segment(placed):
    """The segment of the first boundary a partner (its value over ``v.v0``)
    does not pass, else the default one; NULL without a value."""
    cases = [
        SQL(
            "WHEN %s THEN %s::integer",
            SQL(" AND ").join(
                [*filter(None, [placed.guard]), _at_or_before(placed.value, v, placed.descending)]
            ),
            seg,
        )
        for v, seg in placed.edges
    ]
    return SQL(
        "CASE WHEN %(value)s IS NULL THEN NULL %(cases)s ELSE %(default)s::integer END",
        value=placed.value,
        cases=SQL(" ").join(cases),
        default=placed.default,
    )


def insert_placed_result(universe, metric_id, placed):
    """Place the universe's partners against stored boundaries (a
    :class:`Placement`)."""
    return SQL(
        """
        INSERT INTO psseg_result (partner_id, segment_id)
        SELECT partner_id, segment_id FROM (
            SELECT u.id AS partner_id, %(segment)s AS segment_id
              FROM %(universe)s AS u(id) %(join)s
        ) x WHERE segment_id IS NOT NULL
        """,
        segment=placed_segment(placed),
        universe=universe,
        join=values_join([(metric_id, "v0")]),
    )
