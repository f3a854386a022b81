# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Classification: a scheme's partners (its universe) into ``psseg_result``
with one statement per scheme: rules (first matching segment), Pareto
(cumulative share), quantiles (equal-count buckets).  Rankings break ties by
partner id.  SQL text: :mod:`.classify_sql`.
"""

from odoo.osv import expression
from odoo.tools import SQL

from . import classify_sql as Q
from . import common, composite, domains
from .metrics import zero_default

RANKING_METHODS = ("pareto", "quantile")
# what psseg_universe holds, in the cursor's cache (reset whenever it may not)
UNIVERSE_KEY = "partner_segmentation.universe"


def _universe(env, scheme, partner_ids=None):
    """The ORM subquery of the commercial partners ``scheme`` classifies."""
    domain = expression.AND(
        [
            domains.eval_domain(env, scheme.partner_domain),
            [("partner_share", "=", True)],
            [("company_id", "in", [False, scheme.company_id.id])] if scheme.company_id else [],
            [("id", "in", list(partner_ids))] if partner_ids is not None else [],
        ]
    )
    query = env["res.partner"].with_context(active_test=True)._search(domain)
    query.add_where(
        SQL(
            "%s = %s",
            SQL.identifier(query.table, "id"),
            SQL.identifier(query.table, "commercial_partner_id"),
        )
    )
    query.order = None
    return query.subselect()


def _fill_universe(env, scheme, partner_ids=None):
    """Put the scheme's commercial partners in ``psseg_universe`` and return
    it: a table with statistics, so that the planner joins it to the metric
    values by hash rather than partner by partner."""
    subquery = _universe(env, scheme, partner_ids)
    key = (subquery.code, repr(subquery.params))
    if env.cr.cache.get(UNIVERSE_KEY) != key:  # schemes often share their partners
        env.cr.execute(Q.fill_universe(subquery))
        if env.cr.rowcount > common.ANALYZE_THRESHOLD:
            env.cr.execute(Q.ANALYZE_UNIVERSE)
        env.cr.cache[UNIVERSE_KEY] = key
    return Q.UNIVERSE


def scheme_metrics(scheme):
    if scheme.method == "rules":
        return scheme.segment_ids.condition_ids.metric_id
    return scheme.metric_id


def _classify_rules(env, scheme, scope_ids):
    segments = scheme.segment_ids.filtered("active").sorted(lambda s: (s.sequence, s.id))
    metrics = segments.condition_ids.metric_id
    aliases = {metric.id: f"v{i}" for i, metric in enumerate(metrics)}
    joins = [Q.values_join(list(aliases.items()))] if metrics else []
    segment_joins, scheme_aliases = composite.joins(segments.condition_ids)
    joins += segment_joins
    cases = []
    for segment in segments:
        parts = []
        for cond in segment.condition_ids:
            if composite.is_segment_condition(cond):
                parts.append(composite.condition_sql(cond, scheme_aliases))
                continue
            column = Q.value_expr(aliases[cond.metric_id.id], zero_default(cond.metric_id))
            parts.append(Q.CONDITION_OPERATORS[cond.operator](column, cond.value, cond.value_to))
        if segment.partner_domain and domains.eval_domain(env, segment.partner_domain):
            query = env["res.partner"]._search(domains.eval_domain(env, segment.partner_domain))
            query.order = None
            parts.append(Q.in_subquery(query.subselect()))
        cases.append((SQL(" AND ").join(parts) if parts else SQL("TRUE"), segment.id))
    if not cases:
        return
    universe = _fill_universe(env, scheme, scope_ids)
    env.cr.execute(Q.insert_rules_result(universe, joins, cases, None))


def _classify_pareto(env, scheme, scope_ids):
    segments = scheme.segment_ids.filtered("active")
    cutoffs = sorted((seg.pareto_cutoff, seg.id) for seg in segments)
    if not cutoffs:
        return
    env.cr.execute(
        Q.insert_pareto_result(_fill_universe(env, scheme), scheme.metric_id.id, cutoffs, scope_ids)
    )


def _classify_quantile(env, scheme, scope_ids):
    segments = scheme.segment_ids.filtered("active")
    buckets_map = [(seg.quantile_from, seg.quantile_to, seg.id) for seg in segments]
    if not buckets_map:
        return
    env.cr.execute(
        Q.insert_quantile_result(
            _fill_universe(env, scheme),
            scheme.metric_id.id,
            zero_default(scheme.metric_id),
            scheme.quantile_count,
            scheme.quantile_order != "asc",
            buckets_map,
            scope_ids,
        )
    )


CLASSIFIERS = {
    "rules": _classify_rules,
    "pareto": _classify_pareto,
    "quantile": _classify_quantile,
}


def metric_scope(scheme, scope_ids):
    """The partners whose metric values ``scheme`` needs: everyone for a
    ranking (Pareto, quantile ranks against everyone), else the run's."""
    return None if scheme.method in RANKING_METHODS else scope_ids


def classify(env, scheme, scope_ids):
    """Fill ``psseg_result`` with what ``scheme`` says of its partners (or of
    ``scope_ids`` only); returns how many partners it classified."""
    env.cr.execute(Q.TRUNCATE_RESULT)
    CLASSIFIERS[scheme.method](env, scheme, scope_ids)
    env.cr.execute(Q.COUNT_RESULT)
    return env.cr.fetchone()[0]
