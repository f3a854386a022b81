# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What schemes and their segments must satisfy: codes of letters, digits,
'_', '.' or '-'; in a ranking scheme, Pareto cut-offs in (0, 100] that
increase in the segments' order, quantile buckets within the scheme's count
that do not overlap, and no gap left in either."""

import itertools
import re

from odoo.exceptions import ValidationError

CODE_RE = re.compile(r"^[A-Za-z0-9_.-]{1,64}$")


def check_codes(records):
    """The codes of these schemes or segments are letters, digits, '_', '.'
    or '-' (at most 64)."""
    for record in records:
        if CODE_RE.match(record.code or ""):
            continue
        if record._name == "partner.segment.scheme":
            raise ValidationError(
                records.env._(
                    "The scheme code '%(code)s' is not valid: use letters, digits, "
                    "'_', '.' or '-' (at most 64).",
                    code=record.code,
                )
            )
        raise ValidationError(
            records.env._(
                "The segment code '%(code)s' is not valid: use letters, digits, "
                "'_', '.' or '-' (at most 64).",
                code=record.code,
            )
        )


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


def check_cut_point_coverage(scheme):
    """Cut points must leave no gap: every quantile bucket belongs to a
    segment, and the last Pareto segment reaches 100 %.  Checked when the
    scheme is saved with its segments (segments saved one by one may pass
    through a gap)."""
    segments = scheme.segment_ids.filtered("active")
    if not segments:
        return
    if scheme.method == "quantile":
        covered = set()
        for segment in segments:
            covered.update(range(segment.quantile_from, segment.quantile_to + 1))
        missing = sorted(set(range(1, scheme.quantile_count + 1)) - covered)
        if missing:
            raise ValidationError(
                scheme.env._(
                    "Scheme '%(name)s': bucket(s) %(buckets)s belong to no segment; "
                    "the partners there would get none.",
                    name=scheme.name,
                    buckets=", ".join(map(str, missing)),
                )
            )
    elif scheme.method == "pareto":
        top = max(segments.mapped("pareto_cutoff"))
        if top < 100:
            raise ValidationError(
                scheme.env._(
                    "Scheme '%(name)s': the last Pareto segment stops at %(cutoff)s %%; "
                    "one must reach 100 %% or the partners after it get no segment.",
                    name=scheme.name,
                    cutoff=top,
                )
            )
