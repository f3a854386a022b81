# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Selling policies at work: a segment's pricelist and payment terms set on
the partners that enter it and put back on those that leave it, whatever
moved them (a full run, a run of chosen partners, a queued run, an override
by hand), and on all its members when the policy itself changes.

Rules (see also the README, "Selling policies"):

- A value is set only where the partner has none for that company, or has
  the one the segments set earlier (``partner.segment.policy.value`` keeps
  what they set).  A value set by hand is never overwritten, and its record
  goes when a user changes it.
- Several segments of a partner with a pricelist (of different schemes):
  the highest *policy priority* wins, then the scheme listed first.
- Leaving (or a policy removed): the value the segments set goes, and
  Odoo's default applies again, as before.
- Set-based: a few statements per field and company over a scope of
  partners; a policy change on a large segment runs in committed ranges of
  partners by the selling cron.
SQL text: :mod:`.policy_sql`.
"""

import logging

from ...engine.common import ANALYZE_THRESHOLD
from . import policy_sql as Q

_logger = logging.getLogger(__name__)

# policy: (segment field, res.partner column, model)
FIELDS = {
    "pricelist": ("pricelist_id", "specific_property_product_pricelist"),
    "payment_term": ("payment_term_id", "property_payment_term_id"),
}
# fields of res.partner whose cache the writes make stale
PARTNER_FIELDS = (
    "specific_property_product_pricelist",
    "property_product_pricelist",
    "property_payment_term_id",
)


def policy_rows(env, field):
    """(segment, company, value, priority, scheme sequence, scheme) for every
    segment with this policy, one row per company it applies to: the
    segment's company, else the value's company, else every company."""
    # sudo: the engine applies the policies whoever's run moved the partners
    # (its own writes); only ids and companies are read here
    segment_field = FIELDS[field][0]
    env = env(su=True)
    segments = (
        env["partner.segment"]
        .with_context(active_test=False)
        .search([(segment_field, "!=", False)])
    )
    if not segments:
        return []
    all_companies = None
    rows = []
    for segment in segments:
        value = segment[segment_field]
        company = segment.company_id or value.company_id
        if company:
            companies = company.ids
        else:
            if all_companies is None:
                all_companies = env["res.company"].search([]).ids
            companies = all_companies
        rows.extend(
            (
                segment.id,
                company_id,
                value.id,
                segment.policy_priority,
                segment.scheme_id.sequence,
                segment.scheme_id.id,
            )
            for company_id in companies
        )
    return rows


def policy_segment_ids(env):
    # sudo: see policy_rows
    return (
        env["partner.segment"]
        .sudo()
        .with_context(active_test=False)
        .search(["|", ("pricelist_id", "!=", False), ("payment_term_id", "!=", False)])
        .ids
    )


def _start(env):
    env["res.partner"].flush_model(PARTNER_FIELDS[:1] + PARTNER_FIELDS[2:])
    env["partner.segment.policy.value"].flush_model()
    env["partner.segment.assignment"].flush_model()
    env.cr.execute(Q.CREATE_TODO)


def _reconcile(env):
    """Bring the partners of ``psseg_policy_scope`` in line with their
    segments' policies; returns how many partner values changed."""
    cr = env.cr
    cr.execute(Q.SCOPE_COUNT)
    count = cr.fetchone()[0]
    if not count:
        return 0
    if count > ANALYZE_THRESHOLD:
        cr.execute(Q.ANALYZE_SCOPE)
    written = 0
    for field, (_segment_field, column) in FIELDS.items():
        cr.execute(Q.TRUNCATE_TODO)
        cr.execute(Q.fill_todo(field, column, policy_rows(env, field)))
        if not cr.rowcount:
            continue
        if cr.rowcount > ANALYZE_THRESHOLD:  # planned as what it is, not as empty
            cr.execute(Q.ANALYZE_TODO)
        cr.execute(Q.TODO_COMPANIES)
        for (company_id,) in cr.fetchall():
            cr.execute(Q.set_values(column, company_id))
            written += cr.rowcount
            cr.execute(Q.restore_values(column, company_id))
            written += cr.rowcount
        for statement in Q.write_provenance(field, env.uid):
            cr.execute(statement)
    env["res.partner"].invalidate_model(PARTNER_FIELDS)
    env["partner.segment.policy.value"].invalidate_model()
    return written


def apply_changes(env, scheme):
    """The partners of ``scheme``'s changes just written (``psseg_change``)
    that entered or left a segment with a policy."""
    segment_ids = policy_segment_ids(env)
    if not segment_ids:
        return 0
    _start(env)
    env.cr.execute(Q.scope_from_changes(scheme.id, segment_ids))
    return _reconcile(env)


def apply_partners(env, partner_ids):
    """These partners (their commercial partners), after a change by hand."""
    if not partner_ids or not policy_segment_ids(env):
        return 0
    _start(env)
    env.cr.execute(Q.scope_from_partners(partner_ids))
    return _reconcile(env)


def apply_segment(env, segment, after=0, limit=None):
    """The members of ``segment`` (and the partners it set a value on) with
    ids after ``after``, at most ``limit`` members (None: all); returns the
    last partner id done when more are left, else None."""
    upto = None
    if limit:
        env.cr.execute(Q.segment_boundary(segment.id, after, limit))
        row = env.cr.fetchone()
        upto = row[0] if row else None
    _start(env)
    env.cr.execute(Q.scope_from_segment(segment.id, after, upto))
    _reconcile(env)
    return upto
