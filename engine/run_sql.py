# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL of a run itself: its lock, its work tables, its memory.

The work tables are temporary and dropped at commit; each stage's SQL says
what its tables hold.
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
