# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of the apply stage: a scheme's result against its assignments.

Work tables: ``psseg_diff(assignment_id, partner_id, locked, old, new)``,
where a scheme's result and its assignments disagree (the only rows
written); ``psseg_change(partner_id, scheme_id, from_id, to_id)``, the
changes a run made, for chatter messages and segment actions.
"""

from typing import NamedTuple

from odoo.tools import SQL


class IdRange(NamedTuple):
    """Partner ids in (after, upto]; ``upto`` None: no end."""

    after: int
    upto: int | None


def _scope(column, scope):
    """Restrict ``column`` to ``scope``: None (everyone), a list of ids, or an
    :class:`IdRange` (a write step of a large scheme)."""
    if scope is None:
        return SQL()
    if isinstance(scope, IdRange):
        upper = SQL(" AND %s <= %s", SQL(column), scope.upto) if scope.upto is not None else SQL()
        return SQL("AND %s > %s%s", SQL(column), scope.after, upper)
    return SQL("AND %s = ANY(%s)", SQL(column), list(scope))


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


def fill_current(scheme_ids, partner_ids):
    """``psseg_current``: the assignments of these partners in these schemes
    (one lookup per partner in the (partner, scheme) index, for every scheme
    at once), for the diffs of a run of chosen partners."""
    return SQL(
        """
        CREATE TEMP TABLE IF NOT EXISTS psseg_current (
            id integer, partner_id integer, scheme_id integer, locked boolean,
            segment_id integer, computed_segment_id integer) ON COMMIT DROP;
        TRUNCATE psseg_current;
        INSERT INTO psseg_current
        SELECT id, partner_id, scheme_id, locked, segment_id, computed_segment_id
          FROM partner_segment_assignment
         WHERE partner_id = ANY(%s) AND scheme_id = ANY(%s);
        """,
        list(partner_ids),
        list(scheme_ids),
    )


def insert_diff(scheme_id, scope_ids, current=False):
    """Compare the scheme's assignments with its result in one pass and keep
    the rows that need a write: new partners, partners no longer classified,
    and assignments whose computed or (unlocked) actual segment differs.
    With ``current``, the assignments of ``scope_ids`` are those read into
    ``psseg_current`` (see :func:`fill_current`)."""
    assignments = SQL(
        "SELECT id, partner_id, locked, segment_id, computed_segment_id "
        "FROM %s WHERE scheme_id = %s",
        SQL("psseg_current" if current else "partner_segment_assignment"),
        scheme_id,
    )
    if isinstance(scope_ids, IdRange):  # a write step of a large scheme
        assignments = SQL("%s %s", assignments, _scope("partner_id", scope_ids))
    elif scope_ids is not None and not current:  # (current: the chosen partners' rows only)
        # chosen partners: one lookup each in the (partner, scheme) index (as
        # a join, the planner would rather read all the scheme's assignments)
        assignments = SQL(
            """
            SELECT a.* FROM unnest(%s::int[]) AS p(id) CROSS JOIN LATERAL (
                SELECT id, partner_id, locked, segment_id, computed_segment_id
                  FROM partner_segment_assignment
                 WHERE partner_id = p.id AND scheme_id = %s
                 LIMIT 1) a
            """,
            list(scope_ids),
            scheme_id,
        )
    return SQL(
        """
        INSERT INTO psseg_diff (assignment_id, partner_id, locked, old, new)
        SELECT a.id, COALESCE(a.partner_id, r.partner_id), a.locked, a.segment_id, r.segment_id
          FROM (%(assignments)s) a
          FULL JOIN psseg_result r ON r.partner_id = a.partner_id
         WHERE a.id IS NULL
            OR a.computed_segment_id IS DISTINCT FROM r.segment_id
            OR (NOT a.locked AND a.segment_id IS DISTINCT FROM r.segment_id)
        """,
        assignments=assignments,
    )


def _history(changes_cte, scheme_id, run_id, uid, now, cause, metric_id=None):
    """Append: insert the rows of ``changes_cte`` (partner_id, old, new) into
    the history, with the value of the ranking metric ``metric_id`` at the
    time (from psseg_value), and into psseg_change."""
    return SQL(
        """
        , h AS (
            INSERT INTO partner_segment_history
                   (partner_id, scheme_id, from_segment_id, to_segment_id, date, cause,
                    run_id, user_id, metric_value,
                    create_uid, create_date, write_uid, write_date)
            SELECT c.partner_id, %(scheme)s, c.old, c.new, %(now)s, %(cause)s,
                   %(run)s, %(uid)s, v.value, %(uid)s, now() AT TIME ZONE 'UTC', %(uid)s,
                   now() AT TIME ZONE 'UTC'
              FROM %(cte)s c
              LEFT JOIN psseg_value v ON v.metric_id = %(metric)s AND v.partner_id = c.partner_id
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
        metric=metric_id,
    )


def apply_changed(scheme_id, today, run_id, uid, now, metric_id=None):
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
        history=_history("c", scheme_id, run_id, uid, now, "recompute", metric_id),
    )


def apply_removed(scheme_id, run_id, uid, now, metric_id=None):
    """Unlocked assignments of partners the scheme no longer classifies, and
    every assignment, locked too, of a partner that became a contact of a
    company (only commercial partners are classified; the history says so)."""
    return SQL(
        """
        WITH c AS (
            DELETE FROM partner_segment_assignment a
             USING psseg_diff d
             WHERE a.id = d.assignment_id AND d.new IS NULL
               AND (NOT d.locked OR EXISTS (
                        SELECT 1 FROM res_partner p
                         WHERE p.id = d.partner_id AND p.commercial_partner_id <> p.id))
         RETURNING d.partner_id, d.old, NULL::integer AS new)
        %(history)s
        """,
        history=_history("c", scheme_id, run_id, uid, now, "recompute", metric_id),
    )


def apply_added(scheme_id, today, run_id, uid, now, metric_id=None):
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
        history=_history("c", scheme_id, run_id, uid, now, "recompute", metric_id),
    )


ANALYZE_DIFF = SQL("ANALYZE psseg_diff")
ANALYZE_CHANGES = SQL("ANALYZE psseg_change")
# the tables a scheme's writes grow, with the rows their statistics count
# (reltuples: -1 before their first ANALYZE)
WRITTEN_TABLES = (
    "partner_segment_assignment",
    "partner_segment_history",
    "res_partner_segment_rel",
)
WRITTEN_STATISTICS = SQL(
    "SELECT t.name, GREATEST(c.reltuples, 0) FROM unnest(%s::text[]) AS t(name) "
    "JOIN pg_class c ON c.oid = to_regclass(t.name)",
    list(WRITTEN_TABLES),
)


def analyze(table):
    assert table in WRITTEN_TABLES
    return SQL("ANALYZE %s", SQL.identifier(table))


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


DIFFERING_ASSIGNMENTS = SQL(
    """
    SELECT id FROM partner_segment_assignment
     WHERE segment_id IS DISTINCT FROM computed_segment_id
    """
)
