# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Every SQL statement of the recompute engine, in one place.

Statements are :class:`odoo.tools.SQL` objects: user input only ever arrives
as parameters or as SQL built by the ORM (domains) or by the formula compiler.

Work tables (temporary, dropped at commit):

* ``psseg_value(metric_id, partner_id, value)``: metric values per
  commercial partner; a partner without source records has no row.
* ``psseg_universe(id)``: the commercial partners a scheme classifies.
* ``psseg_result(partner_id, segment_id)``: what a scheme says, per partner.
* ``psseg_diff(assignment_id, partner_id, locked, old, new)``: where a
  scheme's result and its assignments disagree, the only rows written.
* ``psseg_change(partner_id, scheme_id, from_id, to_id)``: the changes a run
  made, for chatter messages and segment actions.
"""

from odoo.tools import SQL

ADVISORY_LOCK_KEY = 7261_0018  # "partner_segmentation" run lock

TRY_RUN_LOCK = SQL("SELECT pg_try_advisory_xact_lock(%s)", ADVISORY_LOCK_KEY)

CREATE_WORK_TABLES = SQL(
    """
    CREATE TEMP TABLE IF NOT EXISTS psseg_value (
        metric_id integer NOT NULL,
        partner_id integer NOT NULL,
        value numeric
    ) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS psseg_universe (
        id integer NOT NULL
    ) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS psseg_result (
        partner_id integer NOT NULL,
        segment_id integer NOT NULL
    ) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS psseg_diff (
        assignment_id integer,
        partner_id integer NOT NULL,
        locked boolean,
        old integer,
        new integer
    ) ON COMMIT DROP;
    CREATE TEMP TABLE IF NOT EXISTS psseg_change (
        partner_id integer NOT NULL,
        scheme_id integer NOT NULL,
        from_id integer,
        to_id integer
    ) ON COMMIT DROP;
    TRUNCATE psseg_value, psseg_universe, psseg_result, psseg_diff, psseg_change;
    """
)

# Aggregating a million source rows per partner wants more than PostgreSQL's
# default 4 MB before hashes and sorts spill to disk: raised for the run's
# transaction only, never lowered, and put back at the end of the run.
WORK_MEM = "64MB"


def raise_work_mem(size=WORK_MEM):
    """Returns the previous setting."""
    return SQL(
        """
        SELECT current_setting('work_mem'),
               CASE WHEN pg_size_bytes(current_setting('work_mem')) < pg_size_bytes(%(size)s)
                    THEN set_config('work_mem', %(size)s, true) END
        """,
        size=size,
    )


def restore_work_mem(previous):
    return SQL("SELECT set_config('work_mem', %s, true)", previous)


TRUNCATE_RESULT = SQL("TRUNCATE psseg_result, psseg_diff")
# temporary tables are never analyzed by autovacuum: give the planner stats
ANALYZE_VALUES = SQL("ANALYZE psseg_value")

# -- metrics ------------------------------------------------------------------

# Two-phase aggregation: the source rows are first aggregated per value of
# their partner field (one pass over the big table, no join), then the
# partials are combined per commercial partner (a join of the small result).
# Metrics that share a source (model, domain, partner field, company) are
# computed in the same pass, each aggregate filtered by its own date window.
# aggregate -> (partials over value/date, combination of the partial columns
# with today).  A count is never 0 here: no matching row means no value.
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
    """The partners whose commercial partner is one of ``partner_ids``."""
    return SQL(
        "SELECT id FROM res_partner WHERE commercial_partner_id = ANY(%s)", list(partner_ids)
    )


def restrict_partners(query, partner_column, member_ids):
    """Only the source rows of these partners (an array literal, so that the
    planner uses the index on the partner field)."""
    query.add_where(SQL("%s = ANY(%s)", partner_column, list(member_ids)))


def select_grouped(query, partner_column, columns, today):
    """SELECT partner_id, <alias>…: aggregates of ``query`` (the ORM's query
    for the source domain) per commercial partner, in one scan.

    :param columns: list of (alias, aggregate, value column, date column,
        window condition or None, end date column)
    """
    windows = [window for _a, _agg, _v, _d, window, _e in columns]
    if all(windows):  # no row outside every window is needed
        query.add_where(SQL("(%s)", SQL(" OR ").join(SQL("(%s)", w) for w in windows)))
    query.groupby = partner_column
    query.order = None
    partials, combined = [], []
    for i, (alias, aggregate, value, date, window, end) in enumerate(columns):
        partial, combine = AGGREGATES[aggregate]
        names = []
        for j, expr in enumerate(partial(value, date, end, today)):
            name = SQL.identifier(f"p{i}_{j}")
            if window and len(windows) > 1:
                expr = SQL("%s FILTER (WHERE %s)", expr, window)
            partials.append(SQL("%s AS %s", expr, name))
            names.append(SQL("s.%s", name))
        combined.append(SQL("%s AS %s", combine(today, names), SQL.identifier(alias)))
    inner = query.select(SQL("%s AS pid", partner_column), *partials)
    return SQL(
        """
        SELECT rp.commercial_partner_id AS partner_id, %s
          FROM (%s) s JOIN res_partner rp ON rp.id = s.pid
      GROUP BY rp.commercial_partner_id
        """,
        SQL(", ").join(combined),
        inner,
    )


def insert_values(metric_aliases, select):
    """Fill ``psseg_value`` from a SELECT partner_id, <alias>… (one row per
    metric and partner that has a value).  The SELECT first lands in a
    table of its own: a CREATE TABLE … AS may scan the source in parallel,
    an INSERT … SELECT never does.

    :param metric_aliases: list of (metric id, alias)
    """
    values = SQL(", ").join(
        SQL("(%s, s.%s)", metric_id, SQL.identifier(alias)) for metric_id, alias in metric_aliases
    )
    return SQL(
        """
        DROP TABLE IF EXISTS pg_temp.psseg_scan;
        CREATE TEMP TABLE psseg_scan ON COMMIT DROP AS %s;
        INSERT INTO psseg_value (metric_id, partner_id, value)
        SELECT v.metric_id, s.partner_id, v.value
          FROM psseg_scan s CROSS JOIN LATERAL (VALUES %s) v(metric_id, value)
         WHERE v.value IS NOT NULL;
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


# -- classification -------------------------------------------------------------


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


# -- applying a scheme's result ---------------------------------------------------


def _scope(column, scope_ids):
    return SQL("AND %s = ANY(%s)", SQL(column), list(scope_ids)) if scope_ids is not None else SQL()


def release_expired_locks(scheme_ids, today, scope_ids):
    return SQL(
        """
        UPDATE partner_segment_assignment a
           SET locked = FALSE, write_date = now() AT TIME ZONE 'UTC'
         WHERE a.locked AND a.lock_until IS NOT NULL AND a.lock_until < %s
           AND a.scheme_id = ANY(%s) %s
        """,
        today,
        list(scheme_ids),
        _scope("a.partner_id", scope_ids),
    )


def insert_diff(scheme_id, scope_ids):
    """Compare the scheme's assignments with its result in one pass and keep
    the rows that need a write: new partners, partners no longer classified,
    and assignments whose computed or (unlocked) actual segment differs."""
    return SQL(
        """
        INSERT INTO psseg_diff (assignment_id, partner_id, locked, old, new)
        SELECT a.id, COALESCE(a.partner_id, r.partner_id), a.locked, a.segment_id, r.segment_id
          FROM (SELECT id, partner_id, locked, segment_id, computed_segment_id
                  FROM partner_segment_assignment
                 WHERE scheme_id = %(scheme)s %(scope)s) a
          FULL JOIN psseg_result r ON r.partner_id = a.partner_id
         WHERE a.id IS NULL
            OR a.computed_segment_id IS DISTINCT FROM r.segment_id
            OR (NOT a.locked AND a.segment_id IS DISTINCT FROM r.segment_id)
        """,
        scheme=scheme_id,
        scope=_scope("partner_id", scope_ids),
    )


def _history(changes_cte, scheme_id, run_id, uid, now, cause):
    """Append: insert the rows of ``changes_cte`` (partner_id, old, new) into
    the history and into psseg_change."""
    return SQL(
        """
        , h AS (
            INSERT INTO partner_segment_history
                   (partner_id, scheme_id, from_segment_id, to_segment_id, date, cause,
                    run_id, user_id, create_uid, create_date, write_uid, write_date)
            SELECT c.partner_id, %(scheme)s, c.old, c.new, %(now)s, %(cause)s,
                   %(run)s, %(uid)s, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                   now() AT TIME ZONE 'UTC'
              FROM %(cte)s c
         RETURNING partner_id, from_segment_id, to_segment_id)
        INSERT INTO psseg_change (partner_id, scheme_id, from_id, to_id)
        SELECT partner_id, %(scheme)s, from_segment_id, to_segment_id FROM h
        """,
        scheme=scheme_id,
        cause=cause,
        now=now,
        run=run_id,
        uid=uid,
        cte=SQL.identifier(changes_cte),
    )


def apply_changed(scheme_id, today, run_id, uid, now):
    """Assignments that stay: what the engine says is recorded on every one
    (locked ones included); unlocked ones take it, and their change goes to
    the history.  One UPDATE, so that each row gets one new version."""
    return SQL(
        """
        WITH u AS (
            UPDATE partner_segment_assignment a
               SET computed_segment_id = d.new,
                   segment_id = CASE WHEN d.locked THEN a.segment_id ELSE d.new END,
                   date_assigned = CASE WHEN d.locked OR d.old IS NOT DISTINCT FROM d.new
                                        THEN a.date_assigned ELSE %(today)s END,
                   write_uid = %(uid)s, write_date = now() AT TIME ZONE 'UTC'
              FROM psseg_diff d
             WHERE a.id = d.assignment_id AND (d.locked OR d.new IS NOT NULL)
         RETURNING d.partner_id, d.old, d.new, d.locked
        ), c AS (
            SELECT partner_id, old, new FROM u WHERE NOT locked AND old IS DISTINCT FROM new
        )
        %(history)s
        """,
        today=today,
        uid=uid,
        history=_history("c", scheme_id, run_id, uid, now, "recompute"),
    )


def apply_removed(scheme_id, run_id, uid, now):
    """Unlocked assignments of partners the scheme no longer classifies."""
    return SQL(
        """
        WITH c AS (
            DELETE FROM partner_segment_assignment a
             USING psseg_diff d
             WHERE a.id = d.assignment_id AND NOT d.locked AND d.new IS NULL
         RETURNING d.partner_id, d.old, NULL::integer AS new)
        %(history)s
        """,
        history=_history("c", scheme_id, run_id, uid, now, "recompute"),
    )


def apply_added(scheme_id, today, run_id, uid, now):
    """Partners classified for the first time (or again) in this scheme."""
    return SQL(
        """
        WITH c AS (
            INSERT INTO partner_segment_assignment
                   (partner_id, scheme_id, segment_id, computed_segment_id, date_assigned,
                    locked, create_uid, create_date, write_uid, write_date)
            SELECT d.partner_id, %(scheme)s, d.new, d.new, %(today)s, FALSE,
                   %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s, now() AT TIME ZONE 'UTC'
              FROM psseg_diff d
             WHERE d.assignment_id IS NULL
         RETURNING partner_id, NULL::integer AS old, segment_id AS new)
        %(history)s
        """,
        scheme=scheme_id,
        today=today,
        uid=uid,
        history=_history("c", scheme_id, run_id, uid, now, "recompute"),
    )


ANALYZE_DIFF = SQL("ANALYZE psseg_diff")
ANALYZE_CHANGES = SQL("ANALYZE psseg_change")

COUNT_RESULT = SQL("SELECT COUNT(*) FROM psseg_result")


def count_changes(scheme_id):
    return SQL("SELECT COUNT(*) FROM psseg_change WHERE scheme_id = %s", scheme_id)


# -- res_partner_segment_rel: contacts carry their commercial partner's segments ----


def sync_rel_for_changes(scheme_id):
    """Move the segment rows of the scheme's changed commercial partners and
    all their contacts from the old segment to the new one (two statements:
    delete, insert)."""
    members = SQL(
        """SELECT p.id, c.from_id, c.to_id
             FROM psseg_change c JOIN res_partner p ON p.commercial_partner_id = c.partner_id
            WHERE c.scheme_id = %s""",
        scheme_id,
    )
    return [
        SQL(
            """
            DELETE FROM res_partner_segment_rel rel
             USING (%s) m
             WHERE m.from_id IS NOT NULL AND rel.partner_id = m.id AND rel.segment_id = m.from_id
            """,
            members,
        ),
        SQL(
            """
            INSERT INTO res_partner_segment_rel (partner_id, segment_id)
            SELECT m.id, m.to_id FROM (%s) m WHERE m.to_id IS NOT NULL
            ON CONFLICT DO NOTHING
            """,
            members,
        ),
    ]


def sync_rel_for_partners(partner_ids):
    """Rewrite all segment rows of these partners from their commercial
    partner's assignments (after a contact moved to another company)."""
    return [
        SQL("DELETE FROM res_partner_segment_rel WHERE partner_id = ANY(%s)", list(partner_ids)),
        SQL(
            """
            INSERT INTO res_partner_segment_rel (partner_id, segment_id)
            SELECT p.id, a.segment_id
              FROM res_partner p
              JOIN partner_segment_assignment a ON a.partner_id = p.commercial_partner_id
             WHERE p.id = ANY(%s) AND a.segment_id IS NOT NULL
            ON CONFLICT DO NOTHING
            """,
            list(partner_ids),
        ),
    ]


# -- reading the changes of a run -----------------------------------------------------

INDEX_CHANGES = SQL("CREATE INDEX IF NOT EXISTS psseg_change_partner ON psseg_change (partner_id)")


def select_changes(scheme_ids, after_partner_id, limit):
    """A page of the run's changes in these schemes, by partner, after a partner id."""
    return SQL(
        """
        SELECT partner_id, scheme_id, from_id, to_id FROM psseg_change
         WHERE partner_id > %s AND scheme_id = ANY(%s)
      ORDER BY partner_id, scheme_id
         LIMIT %s
        """,
        after_partner_id,
        list(scheme_ids),
        limit,
    )


def select_moved(segment_column, segment_ids):
    """Partners that entered (to_id) or left (from_id) each segment."""
    return SQL(
        """
        SELECT %(col)s, array_agg(DISTINCT partner_id ORDER BY partner_id)
          FROM psseg_change
         WHERE %(col)s = ANY(%(ids)s) AND from_id IS DISTINCT FROM to_id
      GROUP BY %(col)s
        """,
        col=SQL.identifier(segment_column),
        ids=list(segment_ids),
    )


DIFFERING_ASSIGNMENTS = SQL(
    """
    SELECT id FROM partner_segment_assignment
     WHERE segment_id IS DISTINCT FROM computed_segment_id
    """
)


# -- contact cadence ------------------------------------------------------------------


def cadence_due(now, activity_type_id):
    """Commercial partners whose segments ask for more contact than they had:
    (partner, salesperson, touches a year, last contact).  A contact is a
    message or e-mail, a done activity or a sent mailing, to the partner or
    one of its contacts; partners with an open follow-up are left out."""
    return SQL(
        """
        WITH freq AS (
            SELECT a.partner_id, MAX(s.contact_frequency) AS f
              FROM partner_segment_assignment a
              JOIN partner_segment s ON s.id = a.segment_id
             WHERE s.contact_frequency > 0 AND s.active
          GROUP BY a.partner_id
        ), family AS (
            SELECT p.id, p.commercial_partner_id
              FROM res_partner p JOIN freq ON freq.partner_id = p.commercial_partner_id
        ), last AS (
            SELECT family.commercial_partner_id AS partner_id, MAX(c.d) AS last_date
              FROM (SELECT m.res_id AS pid, m.date AS d FROM mail_message m
                     WHERE m.model = 'res.partner'
                       AND (m.message_type IN ('comment', 'email')
                            OR m.mail_activity_type_id IS NOT NULL)
                    UNION ALL
                    SELECT t.res_id, t.sent_datetime FROM mailing_trace t
                     WHERE t.model = 'res.partner' AND t.sent_datetime IS NOT NULL) c
              JOIN family ON family.id = c.pid
          GROUP BY family.commercial_partner_id
        )
        SELECT freq.partner_id, p.user_id, freq.f, last.last_date
          FROM freq
          JOIN res_partner p ON p.id = freq.partner_id
     LEFT JOIN last ON last.partner_id = freq.partner_id
         WHERE p.active AND p.user_id IS NOT NULL
           AND (last.last_date IS NULL
                OR last.last_date < %(now)s - make_interval(secs => 86400 * 365.0 / freq.f))
           AND NOT EXISTS (SELECT 1 FROM mail_activity ma
                            WHERE ma.res_model = 'res.partner' AND ma.res_id = freq.partner_id
                              AND ma.activity_type_id = %(type)s AND ma.active)
      ORDER BY freq.partner_id
        """,
        now=now,
        type=activity_type_id,
    )
