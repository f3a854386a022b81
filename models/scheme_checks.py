# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What the segments of a ranking scheme must satisfy: Pareto cut-offs in
(0, 100] that increase in the segments' order, quantile buckets within the
scheme's count that do not overlap."""

import itertools

from odoo.exceptions import ValidationError


def check_pareto_cutoffs(scheme, segments):
    """Cut-offs in (0, 100], strictly increasing in the segments' order."""
    previous = None
    for segment in segments:
        cutoff = segment.pareto_cutoff
        if not 0 < cutoff <= 100:
            raise ValidationError(
                scheme.env._(
                    "Segment '%(name)s': the Pareto cut-off must be above 0 "
                    "and at most 100 (got %(cutoff)s).",
                    name=segment.name,
                    cutoff=cutoff,
                )
            )
        if previous and cutoff == previous.pareto_cutoff:
            raise ValidationError(
                scheme.env._(
                    "Scheme '%(scheme)s': segments '%(a)s' and '%(b)s' have the same "
                    "Pareto cut-off (%(cutoff)s %%); each segment needs its own.",
                    scheme=scheme.name,
                    a=previous.name,
                    b=segment.name,
                    cutoff=cutoff,
                )
            )
        if previous and cutoff < previous.pareto_cutoff:
            raise ValidationError(
                scheme.env._(
                    "Scheme '%(scheme)s': Pareto cut-offs must increase in the segments' "
                    "order, but '%(b)s' (%(cut_b)s %%) comes after '%(a)s' "
                    "(%(cut_a)s %%). Reorder the segments or change the cut-offs.",
                    scheme=scheme.name,
                    a=previous.name,
                    cut_a=previous.pareto_cutoff,
                    b=segment.name,
                    cut_b=cutoff,
                )
            )
        previous = segment


def check_quantile_buckets(scheme, segments):
    """Bucket ranges within 1..count and disjoint (compared as ranges,
    never bucket by bucket)."""
    for segment in segments:
        lo, hi = segment.quantile_from, segment.quantile_to
        if not 1 <= lo <= hi <= scheme.quantile_count:
            raise ValidationError(
                scheme.env._(
                    "Segment '%(name)s': buckets must satisfy 1 ≤ from ≤ to ≤ "
                    "%(count)s (got %(lo)s to %(hi)s).",
                    name=segment.name,
                    count=scheme.quantile_count,
                    lo=lo,
                    hi=hi,
                )
            )
    ranges = segments.sorted(lambda s: (s.quantile_from, s.quantile_to, s.id))
    for before, after in itertools.pairwise(ranges):
        if after.quantile_from <= before.quantile_to:
            raise ValidationError(
                scheme.env._(
                    "Bucket %(bucket)s belongs to both '%(a)s' and '%(b)s'.",
                    bucket=after.quantile_from,
                    a=before.name,
                    b=after.name,
                )
            )
