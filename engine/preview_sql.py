# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""SQL of the preview and of the explanation (read-only over the work tables)."""

from odoo.tools import SQL


def result_counts():
    """(segment id, partners) of psseg_result."""
    return SQL("SELECT segment_id, COUNT(*) FROM psseg_result GROUP BY segment_id")


def movers(scheme_id):
    """(partner id, from, to) of the partners whose segment would change:
    psseg_result against the scheme's assignments; locked ones stay."""
    return SQL(
        """
        SELECT COALESCE(r.partner_id, a.partner_id), a.segment_id, r.segment_id
          FROM psseg_result r
          FULL JOIN (SELECT partner_id, segment_id, locked
                       FROM partner_segment_assignment WHERE scheme_id = %(scheme)s) a
            ON a.partner_id = r.partner_id
         WHERE NOT COALESCE(a.locked, FALSE)
           AND a.segment_id IS DISTINCT FROM r.segment_id
        """,
        scheme=scheme_id,
    )


def partner_values(partner_ids):
    """(partner id, metric id, value) of psseg_value for these partners."""
    return SQL(
        "SELECT partner_id, metric_id, value FROM psseg_value WHERE partner_id = ANY(%s)",
        list(partner_ids),
    )


# -- the preview against a kept ranking (engine/preview_kept.py) ---------------


def kept_group_rank(scheme_id, position):
    """The rank of the tie group of the partner at ``position``."""
    return SQL(
        "SELECT group_rank FROM partner_segment_run_ranking WHERE scheme_id = %s AND position = %s",
        scheme_id,
        position,
    )


def kept_within(scheme_id, position, total, cutoff):
    """Whether the partner at ``position`` is within Pareto ``cutoff``: the
    condition of :func:`.classify_sql._pareto_case`, with the same types
    (the total as the numeric the run summed, the cut-off as a parameter)."""
    return SQL(
        """
        SELECT value > 0 AND value_before * 100 < %s::numeric * %s
          FROM partner_segment_run_ranking WHERE scheme_id = %s AND position = %s
        """,
        total,
        cutoff,
        scheme_id,
        position,
    )


def _kept_moving(scheme_id, start, end, segment_id):
    """FROM … WHERE of the partners at positions [start, end) of the kept
    ranking whose segment would become ``segment_id`` (None: none), against
    the scheme's assignments; locked ones stay (as :func:`movers`)."""
    return SQL(
        """
          FROM partner_segment_run_ranking k
          LEFT JOIN partner_segment_assignment a
            ON a.partner_id = k.partner_id AND a.scheme_id = %(scheme)s
         WHERE k.scheme_id = %(scheme)s AND k.position >= %(start)s AND k.position < %(end)s
           AND NOT COALESCE(a.locked, FALSE)
           AND a.segment_id IS DISTINCT FROM %(segment)s::integer
        """,
        scheme=scheme_id,
        start=start,
        end=end,
        segment=segment_id,
    )


def kept_move_counts(scheme_id, start, end, segment_id):
    """(from segment, partners) of the partners at positions [start, end)
    who would move to ``segment_id``."""
    return SQL(
        "SELECT a.segment_id, COUNT(*) %s GROUP BY a.segment_id",
        _kept_moving(scheme_id, start, end, segment_id),
    )


def kept_movers(scheme_id, start, end, old, new):
    """(partner id) of the partners at positions [start, end) who would
    move from ``old`` to ``new``."""
    return SQL(
        "SELECT k.partner_id %s AND a.segment_id IS NOT DISTINCT FROM %s::integer",
        _kept_moving(scheme_id, start, end, new),
        old,
    )
