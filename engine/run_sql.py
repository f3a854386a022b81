# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of a run itself: its lock, its work tables, its memory.

The work tables are temporary and dropped at commit; each stage's SQL says
what its tables hold.
"""

from odoo.tools import SQL

ADVISORY_LOCK_KEY = 7261_0018  # "partner_segmentation" run lock

TRY_RUN_LOCK = SQL("SELECT pg_try_advisory_xact_lock(%s)", ADVISORY_LOCK_KEY)

# a user's queued run of a kind that no step has touched, locked for a merge
LOCK_PENDING_RUN = """
    SELECT id FROM partner_segment_run
     WHERE status = 'queued' AND COALESCE(step_done, 0) = 0 AND COALESCE(step_attempts, 0) = 0
       AND user_id = %s AND trigger = %s
     ORDER BY id DESC LIMIT 1
       FOR UPDATE SKIP LOCKED
"""

CREATE_WORK_TABLES = SQL(
    """
    CREATE TEMP TABLE IF NOT EXISTS psseg_value (
        metric_id integer NOT NULL,
        partner_id integer NOT NULL,
        value numeric
    ) ON COMMIT DROP;
    CREATE INDEX IF NOT EXISTS psseg_value_metric ON psseg_value
     USING brin (metric_id) WITH (pages_per_range = 8);
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


def watch_client(interval="1s"):
    """Until the transaction ends, PostgreSQL checks every ``interval``
    during a statement that its client is still there (PostgreSQL 14 and
    later): a worker killed in a long statement (SIGKILL, an out-of-memory
    kill, Odoo's watchdog) leaves no statement running on, holding its
    locks, for the worker that takes its work again."""
    return SQL(
        "SELECT set_config('client_connection_check_interval', %s, true)"
        " WHERE current_setting('server_version_num')::int >= 140000",
        interval,
    )


def restore_work_mem(previous):
    return SQL("SELECT set_config('work_mem', %s, true)", previous)


COUNT_COMMERCIAL_PARTNERS = SQL(
    "SELECT COUNT(*) FROM res_partner WHERE id = commercial_partner_id AND active"
)

# -- a large scheme's result, kept between its write steps ------------------------


def keep_result(run_id, scheme_id, metric_id=None):
    """psseg_result, with the ranking metric's value of each partner (for
    the history rows the write steps add)."""
    return SQL(
        """
        DELETE FROM partner_segment_run_result WHERE run_id = %(run)s AND scheme_id = %(scheme)s;
        INSERT INTO partner_segment_run_result (run_id, scheme_id, partner_id, segment_id, value)
        SELECT %(run)s, %(scheme)s, r.partner_id, r.segment_id, v.value
          FROM psseg_result r
          LEFT JOIN psseg_value v ON v.metric_id = %(metric)s AND v.partner_id = r.partner_id
        """,
        run=run_id,
        scheme=scheme_id,
        metric=metric_id,
    )


def sync_kept_results(scheme_id, partner_ids, metric_id=None):
    """A run of chosen partners, between the steps of an unfinished run that
    keeps this scheme's result for its write steps: what it found for these
    partners (psseg_result) replaces what the unfinished run keeps for them,
    so that its later write steps write the newer classification, not the
    older one over it."""
    return SQL(
        """
        WITH kept AS (
            SELECT l.run_id FROM partner_segment_run_line l
              JOIN partner_segment_run r ON r.id = l.run_id
             WHERE l.scheme_id = %(scheme)s AND l.state = 'writing'
               AND r.status IN ('queued', 'running')
        ), gone AS (
            DELETE FROM partner_segment_run_result k USING kept
             WHERE k.run_id = kept.run_id AND k.scheme_id = %(scheme)s
               AND k.partner_id = ANY(%(ids)s)
        )
        INSERT INTO partner_segment_run_result (run_id, scheme_id, partner_id, segment_id, value)
        SELECT kept.run_id, %(scheme)s, r.partner_id, r.segment_id, v.value
          FROM kept CROSS JOIN psseg_result r
          LEFT JOIN psseg_value v ON v.metric_id = %(metric)s AND v.partner_id = r.partner_id
         WHERE r.partner_id = ANY(%(ids)s)
        """,
        scheme=scheme_id,
        ids=list(partner_ids),
        metric=metric_id,
    )


def next_boundary(run_id, scheme_id, after, size):
    """The last partner id of the next range of ``size`` kept rows, and the
    one after it (when there is none, the range runs to the end)."""
    return SQL(
        """
        SELECT partner_id FROM partner_segment_run_result
         WHERE run_id = %s AND scheme_id = %s AND partner_id > %s
      ORDER BY partner_id OFFSET %s LIMIT 2
        """,
        run_id,
        scheme_id,
        after,
        size - 1,
    )


def load_result(run_id, scheme_id, after, upto, metric_id=None):
    """The kept rows of partner ids in (after, upto] into psseg_result, and
    their ranking values into psseg_value."""
    kept = SQL(
        "FROM partner_segment_run_result "
        "WHERE run_id = %s AND scheme_id = %s AND partner_id > %s %s",
        run_id,
        scheme_id,
        after,
        SQL("AND partner_id <= %s", upto) if upto is not None else SQL(),
    )
    values = SQL(
        """
        INSERT INTO psseg_value (metric_id, partner_id, value)
        SELECT %s, partner_id, value %s AND value IS NOT NULL;
        """,
        metric_id,
        kept,
    )
    return SQL(
        """
        TRUNCATE psseg_result, psseg_diff, psseg_value;
        INSERT INTO psseg_result (partner_id, segment_id) SELECT partner_id, segment_id %s;
        %s
        """,
        kept,
        values if metric_id else SQL(),
    )


def drop_result(run_id, scheme_id):
    return SQL(
        "DELETE FROM partner_segment_run_result WHERE run_id = %s AND scheme_id = %s",
        run_id,
        scheme_id,
    )


def line_counts(run_id, scheme_id):
    """entered, left, changes of a scheme in a run, from its history rows."""
    return SQL(
        """
        SELECT COUNT(*) FILTER (WHERE to_segment_id IS NOT NULL),
               COUNT(*) FILTER (WHERE from_segment_id IS NOT NULL),
               COUNT(*)
          FROM partner_segment_history
         WHERE run_id = %s AND scheme_id = %s
        """,
        run_id,
        scheme_id,
    )
