# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The preview of new cut-offs of a ranking scheme (Pareto, quantiles)
against the ranking its last full run kept (``partner_segment_run_ranking``,
see :func:`.classify.kept_ranking`), instead of computing every partner's
metric and ranking everyone again in the sandbox (:mod:`.preview`).

A ranking's segments are runs of consecutive positions: Pareto cut-offs cut
it where the share of the partners ranked before a tie group reaches them,
quantile buckets where NTILE puts the first rank of a group.  Each boundary
is found by a binary search on the positions, each step one row read by
its index and tested with the engine's own expression (same tie rule, same
arithmetic); the counts are the lengths of the runs; the movers are the
partners of the positions whose segment differs between the run's cut-offs
and the new ones.  Who is where now is read from the assignments, as the
full preview does (locked ones stay).  SQL text: :mod:`.preview_sql`.
"""

import itertools

from . import classify
from . import preview_sql as Q


def preview(env, scheme):
    """What :func:`.preview.preview` says of ``scheme`` (as it is in this
    transaction, inside the sandbox), from the kept ranking: ({segment id:
    partners}, {(from segment id, to segment id): (partners, [[first
    position, position after the last], …])}), the movers counted, not read
    (:func:`movers` reads them); or None when the scheme has no kept ranking
    that says where its partners rank."""
    if scheme.method not in scheme._ranking_methods():
        return None
    data = classify.kept_ranking(scheme)
    if data is None:
        return None
    probe = _Probe(env, scheme.id, data["total"])
    count = data["count"]
    if count and probe.group_rank(count) is None:
        return None  # its rows are gone (the table is unlogged: a crash empties it)
    segments = scheme.segment_ids.filtered("active")
    if scheme.method == "pareto":
        old = _pareto_runs(probe, data["cutoffs"], count)
        new = _pareto_runs(probe, sorted((s.pareto_cutoff, s.id) for s in segments), count)
    elif scheme.method == "quantile":
        old = _quantile_runs(probe, data["buckets"], data["map"], count)
        buckets_map = [(s.quantile_from, s.quantile_to, s.id) for s in segments]
        new = _quantile_runs(probe, scheme.quantile_count, buckets_map, count)
    else:  # a ranking method of another addon: the sandbox
        return None
    counts = {}
    for start, end, segment in new:
        if segment and end > start:
            counts[segment] = counts.get(segment, 0) + end - start
    moves = {}
    for start, end, before, after in _differences(old, new):
        if before == after:
            continue
        # who is where now: the assignments (locked ones stay)
        env.cr.execute(Q.kept_move_counts(scheme.id, start, end, after))
        for current, partners in env.cr.fetchall():
            count, ranges = moves.setdefault((current, after), (0, []))
            ranges.append([start, end])
            moves[current, after] = (count + partners, ranges)
    return counts, moves


def movers(env, scheme_id, old, new, ranges):
    """The ids of the partners at ``ranges`` of the scheme's kept ranking
    who would move from ``old`` to ``new`` (as :func:`preview` counted them)."""
    ids = []
    for start, end in ranges:
        env.cr.execute(Q.kept_movers(scheme_id, start, end, old, new))
        ids.extend(row[0] for row in env.cr.fetchall())
    return ids


class _Probe:
    """Reads one position of the kept ranking at a time (by its index)."""

    def __init__(self, env, scheme_id, total):
        self.cr, self.scheme_id, self.total = env.cr, scheme_id, total
        self.ranks = {}

    def group_rank(self, position):
        if position not in self.ranks:
            self.cr.execute(Q.kept_group_rank(self.scheme_id, position))
            row = self.cr.fetchone()
            self.ranks[position] = row and row[0]
        return self.ranks[position]

    def within(self, position, cutoff):
        """Whether the partner at ``position`` is within a Pareto cut-off."""
        self.cr.execute(Q.kept_within(self.scheme_id, position, self.total, cutoff))
        return self.cr.fetchone()[0]


def _first(lo, hi, passes):
    """The first position in [lo, hi) that ``passes`` (false up to it,
    true from it on), or hi."""
    while lo < hi:
        mid = (lo + hi) // 2
        if passes(mid):
            hi = mid
        else:
            lo = mid + 1
    return lo


def _pareto_runs(probe, cutoffs, count):
    """[(first position, position after the last, segment or None)] of a
    Pareto ranking cut at ``cutoffs`` [(cut-off, segment)], ascending: a
    partner goes to the first cut-off it is within, the 100 % segment takes
    the rest (as :func:`.classify_sql.insert_pareto_result`)."""
    runs, start = [], 1
    for cutoff, segment in cutoffs:
        if cutoff >= 100:
            runs.append((start, count + 1, segment))
            return runs
        end = _first(start, count + 1, lambda pos, c=cutoff: not probe.within(pos, c))
        runs.append((start, end, segment))
        start = end
    runs.append((start, count + 1, None))
    return runs


def _bucket_start(bucket, count, buckets):
    """The first rank NTILE puts in ``bucket`` of ``buckets`` over ``count``
    rows (the first ones hold one row more; see :func:`.classify_sql.ntile_of`)."""
    q, r = divmod(count, buckets)
    if bucket <= r:
        return (bucket - 1) * (q + 1) + 1
    return r * (q + 1) + (bucket - 1 - r) * q + 1


def _quantile_runs(probe, buckets, buckets_map, count):
    """The runs of a quantile ranking in ``buckets`` buckets, a bucket's
    segment the first of ``buckets_map`` [(from, to, segment)] holding it: a
    tie group goes to the bucket of its first rank (as
    :func:`.classify_sql.insert_quantile_result`)."""

    def segment_of(bucket):
        return next((seg for lo, hi, seg in buckets_map if lo <= bucket <= hi), None)

    runs, start, current = [], 1, segment_of(1)
    for bucket in range(2, buckets + 1):
        segment = segment_of(bucket)
        if segment == current:
            continue
        rank = _bucket_start(bucket, count, buckets)
        if rank > count:
            break
        end = _first(start, count + 1, lambda pos, r=rank: probe.group_rank(pos) >= r)
        runs.append((start, end, current))
        start, current = end, segment
    runs.append((start, count + 1, current))
    return runs


def _differences(old, new):
    """[(first position, position after the last, old segment, new segment)]
    over the positions of both lists of runs."""
    cuts = sorted({pos for runs in (old, new) for start, end, _s in runs for pos in (start, end)})

    def segment_at(runs, pos):
        return next((seg for start, end, seg in runs if start <= pos < end), None)

    return [
        (start, end, segment_at(old, start), segment_at(new, start))
        for start, end in itertools.pairwise(cuts)
        if end > start
    ]
