# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Classification: a scheme's partners (its universe) into ``psseg_result``
with one statement per scheme: rules (first matching segment), Pareto
(cumulative share), quantiles (equal-count buckets).  In a ranking, equal
values always share a segment: a tie group goes where its first member
would go (quantiles: the bucket NTILE gives its first rank; Pareto: the
share of the partners ranked before the whole group).  SQL text:
:mod:`.classify_sql`.

A full run of a ranking scheme stores its boundaries on the scheme: the
last value of each Pareto segment or quantile bucket.  A partial run
(chosen or queued partners) computes the metrics of its partners only and
places them against those boundaries, instead of ranking everyone again;
without boundaries that still fit the scheme (no full run yet, or its
metric, segments or partners changed since), it ranks everyone as a full
run does.
"""

from decimal import Decimal

from odoo.osv import expression
from odoo.tools import SQL

from . import classify_sql as Q
from . import common, composite, customers, domains, run_state
from .metrics import zero_default

# the methods that rank partners by a metric (a scheme's _ranking_methods)
RANKING_METHODS = ("pareto", "quantile")
# universe tables a run keeps filled (see _fill_universe): as many as the
# distinct partner filters of the shipped schemes and more, so that a run
# fills each filter once while it writes nothing a filter reads
UNIVERSE_SLOTS = 6


def _universe(env, scheme, partner_ids=None):
    """The ORM subquery of the commercial partners ``scheme`` classifies.

    A partner filter with ORs becomes a UNION of its conjunctions (see
    :func:`or_branches`): PostgreSQL joins an ``IN (subquery)`` it finds in
    an AND (by hash, or through the partners' own rows and indexes for chosen
    partners), but for one inside an OR it hashes the whole subquery's table
    (``sale_order_ids.state`` or a contact's: every order of the base), and
    when that hash does not fit in ``work_mem`` (10M orders) it scans the
    subquery again for each partner: hours at a million partners."""
    Partner = env["res.partner"].with_context(active_test=True)
    domain = inline_searches(Partner, domains.eval_domain(env, scheme.partner_domain))
    queries = [
        universe_query(Partner, branch, scheme.company_id, partner_ids)
        for branch in or_branches(domain)
    ]
    for query in queries:
        query.order = None
    return SQL(" UNION ").join(query.subselect() for query in queries)


def universe_domain(company, partner_ids=None):
    """What every scheme's universe requires besides its partner filter:
    partners that are no internal user's nor a company of the database's
    (:func:`.customers.own_partners`), of the scheme's company or shared."""
    return expression.AND(
        [
            [("partner_share", "=", True), ("id", "not in", customers.own_partners())],
            [("company_id", "in", [False, company.id])] if company else [],
            [("id", "in", list(partner_ids))] if partner_ids is not None else [],
        ]
    )


def universe_query(Partner, domain, company, partner_ids=None, **search_args):
    """The ORM query of the commercial partners among ``domain`` (a list)
    that a scheme of ``company`` classifies: the run's universe, and the
    partners the scheme form counts and lists (``res.partner._search`` in
    the context ``segmentation_universe``)."""
    customers.flush(Partner.env)
    query = Partner._search(
        expression.AND([domain, universe_domain(company, partner_ids)]), **search_args
    )
    query.add_where(
        SQL(
            Q.IS_COMMERCIAL,
            SQL.identifier(query.table, "id"),
            SQL.identifier(query.table, "commercial_partner_id"),
        )
    )
    return query


def inline_searches(model, domain):
    """``domain`` with each condition on a field computed by a search
    method (``customer_or_prospect``…) replaced by the domain that method
    returns, so that :func:`or_branches` splits the ORs inside it too."""
    result = []
    for leaf in expression.normalize_domain(domain):
        field = (
            model._fields.get(leaf[0])
            if isinstance(leaf, list | tuple) and len(leaf) == 3 and isinstance(leaf[0], str)
            else None
        )
        if field is not None and not field.store and field.search:
            result.extend(
                expression.normalize_domain(field.determine_domain(model, leaf[1], leaf[2]))
            )
        else:
            result.append(leaf)
    return result


# a filter whose ORs would make more conjunctions than this runs as it is
MAX_BRANCHES = 16


def or_branches(domain, limit=MAX_BRANCHES):
    """Conjunctions whose OR is ``domain`` (its disjunctive normal form, NOTs
    pushed down to the leaves), or ``[domain]`` when it has no OR or would
    make more than ``limit`` of them."""
    tokens = expression.distribute_not(expression.normalize_domain(domain))
    arity = {expression.AND_OPERATOR: 2, expression.OR_OPERATOR: 2, expression.NOT_OPERATOR: 1}

    def parse(i):  # (the sub-domain's conjunctions, the index after it)
        token = tokens[i] if isinstance(tokens[i], str) else None  # a leaf may be a list
        if token == expression.OR_OPERATOR:
            left, end = parse(i + 1)
            right, end = parse(end)
            return left + right, end
        if token == expression.AND_OPERATOR:
            left, end = parse(i + 1)
            right, end = parse(end)
            return [a + b for a in left for b in right][: limit + 1], end
        end = i + 1  # a leaf, or a NOT that stays before its leaf: one unit
        for _operand in range(arity.get(token, 0)):
            _sub, end = parse(end)
        return [[tokens[i:end]]], end

    # each conjunction: its units, each a domain of one leaf (or NOT leaf)
    conjunctions, _end = parse(0)
    if len(conjunctions) == 1 or len(conjunctions) > limit:
        return [domain]
    return [expression.AND(units) for units in conjunctions]


def _fill_universe(env, scheme, partner_ids=None):
    """Put the scheme's commercial partners in a work table and return it:
    a table with statistics, so that the planner joins it to the metric
    values by hash rather than partner by partner.  The partners of the last
    few partner filters stay in their tables (``UNIVERSE_SLOTS``, listed in
    the run's state, which forgets those whose statement reads a table the
    run has written since, see :meth:`.run_state.RunState.forget_written`):
    schemes often share their partners, not always one after the other."""
    subquery = _universe(env, scheme, partner_ids)
    key = (subquery.code, repr(subquery.params))
    state = run_state.of(env)
    filled = state.universes
    table = filled.pop(key, None)
    if table is not None:
        filled[key] = table  # the most recently used, last
        return table
    if len(filled) < UNIVERSE_SLOTS:
        used = {table.code for table in filled.values()}  # SQL identifiers
        slots = map(Q.universe_table, range(UNIVERSE_SLOTS))
        table = next(slot for slot in slots if slot.code not in used)
    else:  # the least recently used filter gives its table
        table = state.evict(next(iter(filled)))
    env.cr.execute(Q.fill_universe(table, subquery))
    if env.cr.rowcount > common.ANALYZE_THRESHOLD:
        env.cr.execute(SQL("ANALYZE %s", table))
    state.filled(env.cr, key, table, subquery)
    return table


def scheme_metrics(scheme):
    if scheme.method == "rules":
        return scheme.segment_ids.condition_ids.metric_id
    return scheme.metric_id


def classify_rules(env, scheme, scope_ids):
    segments = scheme.segment_ids.filtered("active").sorted(lambda s: (s.sequence, s.id))
    metrics = segments.condition_ids.metric_id
    aliases = {metric.id: f"v{i}" for i, metric in enumerate(metrics)}
    joins = [Q.values_join(list(aliases.items()))] if metrics else []
    segment_joins, scheme_aliases = composite.joins(segments.condition_ids, scope_ids)
    joins += segment_joins
    filters = []  # LEFT JOINs of the segments' partner filters
    cases = []
    for segment in segments:
        parts = []
        for cond in segment.condition_ids:
            if composite.is_segment_condition(cond):
                parts.append(composite.condition_sql(cond, scheme_aliases))
                continue
            column = Q.value_expr(aliases[cond.metric_id.id], zero_default(cond.metric_id))
            parts.append(Q.CONDITION_OPERATORS[cond.operator](column, cond.value, cond.value_to))
        segment_domain = domains.eval_domain(env, segment.partner_domain)
        if segment_domain:
            if scope_ids is not None:  # chosen partners: a subquery of theirs, not of all
                segment_domain = expression.AND([segment_domain, [("id", "in", list(scope_ids))]])
            alias = f"f{len(filters)}"
            filters.append(Q.filter_join(alias, _filter_select(env, segment_domain)))
            parts.append(Q.filter_holds(alias))
        cases.append((SQL(" AND ").join(parts) if parts else SQL("TRUE"), segment.id))
    if not cases:
        return
    universe = _fill_universe(env, scheme, scope_ids)
    env.cr.execute(Q.insert_rules_result(universe, joins + filters, cases, None))


def _filter_select(env, domain):
    """SELECT id of the partners matching a segment's partner filter (a
    UNION of its conjunctions, see :func:`or_branches`), for a LEFT JOIN:
    PostgreSQL hashes a join in batches when it does not fit in
    ``work_mem``, where an ``IN (subquery)`` in a CASE would be scanned again
    for each partner."""

    def select(branch):
        query = env["res.partner"]._search(branch)
        query.order = None
        return query.select()

    # a UNION, as for the universe: a partner the ORM's joins or two
    # conjunctions would find twice joins once
    return SQL(" UNION ").join(select(branch) for branch in or_branches(domain))


def excludes_zero(scheme):
    """The ranking leaves out the partners without activity: no value of
    its metric, or a value of zero."""
    return scheme.no_activity == "exclude"


def classify_pareto(env, scheme, scope_ids):
    segments = scheme.segment_ids.filtered("active")
    cutoffs = sorted((seg.pareto_cutoff, seg.id) for seg in segments)
    if not cutoffs:
        return
    metric_id, exclude = scheme.metric_id.id, excludes_zero(scheme)
    placed = placement(scheme) if scope_ids is not None else None
    if placed is not None:
        universe = _fill_universe(env, scheme, scope_ids)
        env.cr.execute(Q.insert_placed_result(universe, metric_id, placed))
        return
    keep = scheme.id if scope_ids is None and run_state.of(env).ranking_run else None
    env.cr.execute(
        Q.insert_pareto_result(
            _fill_universe(env, scheme), metric_id, cutoffs, scope_ids, exclude, keep
        )
    )
    if scope_ids is None:
        _store_ranking(env, scheme, env.cr.fetchall(), keep, {"cutoffs": cutoffs})


def quantile_value(scheme):
    """The SQL value a quantile scheme ranks (over ``v.v0``; NULL: not ranked)."""
    return Q.value_expr("v0", zero_default(scheme.metric_id), excludes_zero(scheme))


def classify_quantile(env, scheme, scope_ids):
    segments = scheme.segment_ids.filtered("active")
    buckets_map = [(seg.quantile_from, seg.quantile_to, seg.id) for seg in segments]
    if not buckets_map:
        return
    metric_id, descending = scheme.metric_id.id, scheme.quantile_order != "asc"
    placed = placement(scheme) if scope_ids is not None else None
    if placed is not None:
        universe = _fill_universe(env, scheme, scope_ids)
        env.cr.execute(Q.insert_placed_result(universe, metric_id, placed))
        return
    keep = scheme.id if scope_ids is None and run_state.of(env).ranking_run else None
    env.cr.execute(
        Q.insert_quantile_result(
            _fill_universe(env, scheme),
            metric_id,
            quantile_value(scheme),
            scheme.quantile_count,
            descending,
            buckets_map,
            scope_ids,
            keep,
        )
    )
    if scope_ids is None:
        settings = {"buckets": scheme.quantile_count, "map": buckets_map}
        _store_ranking(env, scheme, env.cr.fetchall(), keep, settings)


# -- boundaries of the last full run ---------------------------------------------


# boundaries are values only, ties sharing their segment (before: value and
# partner id): stored boundaries of another format never fit, the next
# partial run ranks everyone and the next full run stores them again
BOUNDARY_FORMAT = "ties-2"


def _boundary_key(scheme):
    """What the stored boundaries depend on: when any of it changes, they no
    longer say where a partner ranks (JSON-shaped, to compare with the stored)."""
    metrics = scheme.metric_id | scheme.metric_id.dependency_ids
    segments = scheme.segment_ids.filtered("active").sorted("id")
    return [
        BOUNDARY_FORMAT,
        scheme.method,
        scheme.no_activity or "",
        scheme.partner_domain or "",
        scheme.company_id.id,
        scheme.quantile_count,
        scheme.quantile_order or "",
        [[m.id, str(m.write_date)] for m in metrics.sorted("id")],
        [[s.id, s.pareto_cutoff, s.quantile_from, s.quantile_to] for s in segments],
    ]


def stored_boundaries(scheme):
    """[(segment or bucket, value as text)] stored by the last full run of
    this ranking scheme, or None when there is none that still fits the
    scheme."""
    data = scheme.ranking_boundaries
    if not data or data.get("key") != _boundary_key(scheme):
        return None
    return [tuple(edge) for edge in data["edges"]]


def _store_boundaries(scheme, rows):
    data = {"key": _boundary_key(scheme), "edges": [[key, value] for key, value in rows]}
    if scheme.ranking_boundaries != data:  # the daily case: where they were
        scheme.with_context(tracking_disable=True).ranking_boundaries = data


def _store_ranking(env, scheme, rows, keep, settings):
    """Store the boundaries a full run returned; when it kept its ranking
    (``keep``), ``rows`` also hold its first partner, and the scheme says
    what the kept ranking is (see :func:`kept_ranking`)."""
    if not keep:
        return _store_boundaries(scheme, rows)
    _store_boundaries(scheme, [(key, value) for key, value, is_edge, _t, _n in rows if is_edge])
    total, count = next(((total, n) for _k, _v, _e, total, n in rows), (None, 0))
    scheme.with_context(tracking_disable=True).ranking_kept = {
        "key": _ranking_key(scheme),
        "run": run_state.of(env).ranking_run,
        "date": str(common.today_of(env)),
        "total": total,
        "count": count,
        **settings,  # how the run cut the ranking
    }


# the kept rankings are of this format: of another, they never fit, the
# next full run keeps them again
RANKING_FORMAT = "kept-1"


def _ranking_key(scheme):
    """What the ranking a full run keeps depends on besides the data (the
    cut-offs, buckets and segments do not change it)."""
    metrics = scheme.metric_id | scheme.metric_id.dependency_ids
    return [
        RANKING_FORMAT,
        scheme.method,
        scheme.no_activity or "",
        scheme.partner_domain or "",
        scheme.company_id.id,
        scheme.quantile_order or "" if scheme.method == "quantile" else "",
        [[m.id, str(m.write_date)] for m in metrics.sorted("id")],
    ]


def kept_ranking(scheme):
    """What the last full run of this ranking scheme kept of its ranking
    (the scheme's ``ranking_kept``, its rows in
    ``partner_segment_run_ranking``), or None when it does not say where
    the scheme's partners rank today: none kept, the scheme ranks by
    something else now (metric, partner filter, company, what counts as no
    activity), it was kept another day (the metrics' windows moved), that
    run did not write the scheme, or a later run changed its assignments."""
    data = scheme.ranking_kept
    env = scheme.env
    if (
        scheme.method not in RANKING_METHODS
        or not data
        or data.get("key") != _ranking_key(scheme)
        or data.get("date") != str(common.today_of(env))
    ):
        return None
    env.cr.execute(Q.kept_run_current(scheme.id, data["run"]))
    return data if env.cr.fetchone()[0] else None


def placement(scheme):
    """How a partial run places partners of a ranking scheme against its
    stored boundaries (:func:`.classify_sql.placed_segment`), or None when
    there are none that fit: a :class:`.classify_sql.Placement` whose
    ``value`` is over ``v.v0`` and whose edges are in ranking order."""
    if scheme.method not in RANKING_METHODS:
        return None
    edges = stored_boundaries(scheme)
    if edges is None:
        return None
    segments = scheme.segment_ids.filtered("active")
    if scheme.method == "pareto":
        cutoff_of = {seg.id: seg.pareto_cutoff for seg in segments}
        ranked = sorted(
            (
                (Decimal(value), seg)
                for seg, value in edges
                if cutoff_of.get(seg, 100) < 100  # the 100 % segment takes the rest
            ),
            key=lambda edge: -edge[0],
        )
        rest = next(
            (
                seg
                for cutoff, seg in sorted((s.pareto_cutoff, s.id) for s in segments)
                if cutoff >= 100
            ),
            None,
        )
        value = Q.pareto_value(excludes_zero(scheme))
        return Q.Placement(
            value, [(str(v), seg) for v, seg in ranked], True, rest, SQL("%s > 0", value)
        )
    buckets_map = [(seg.quantile_from, seg.quantile_to, seg.id) for seg in segments]

    def segment_of(bucket):  # as the CASE of a full run: first matching segment
        return next((seg for lo, hi, seg in buckets_map if lo <= bucket <= hi), None)

    edges = sorted(edges)  # by bucket: the ranking order
    # after every boundary: the bucket after the last one (the last when all are full)
    last = min(max((bucket for bucket, _v in edges), default=0) + 1, scheme.quantile_count)
    return Q.Placement(
        quantile_value(scheme),
        [(value, segment_of(bucket)) for bucket, value in edges],
        scheme.quantile_order != "asc",
        segment_of(last),
        None,
    )


def metric_scope(scheme, scope_ids):
    """The partners whose metric values ``scheme`` needs: the run's, except
    for a ranking (Pareto, quantile) without stored boundaries, which ranks
    everyone."""
    if scheme.method in scheme._ranking_methods() and stored_boundaries(scheme) is None:
        return None
    return scope_ids


def classify(env, scheme, scope_ids):
    """Fill ``psseg_result`` with what ``scheme`` says of its partners (or of
    ``scope_ids`` only) with the classifier of its method (the scheme's
    ``_classifiers``); returns how many partners it classified."""
    env.cr.execute(Q.TRUNCATE_RESULT)
    scheme._classifiers()[scheme.method](env, scheme, scope_ids)
    env.cr.execute(Q.COUNT_RESULT)
    return env.cr.fetchone()[0]
