# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Metrics: one scan per source computes every aggregate metric sharing it
(each in its own window), then formulas over those, into ``psseg_value``;
:func:`select_metric`, the same as one SELECT without work tables.

The reads that must not write (metric preview, a partner's values) are in
:mod:`.metrics_read`.  SQL text: :mod:`.metrics_sql`.
"""

import datetime
from collections import defaultdict

from odoo.osv import expression
from odoo.tools import SQL

from . import domains, formula, run_state
from . import metrics_sql as Q

# aggregates whose value is 0 for a partner without records (the metric
# model's _zero_default_aggregates)
ZERO_DEFAULT_AGGREGATES = ("sum", "count")
# currency fields that hold the company's currency (the partner's annual
# potential is in its company's, or the first company's, currency)
COMPANY_CURRENCY_FIELDS = ("company_currency_id", "segment_currency_id")


def zero_default(metric):
    return metric.kind == "aggregate" and metric.aggregate in metric._zero_default_aggregates()


def ordered_with_dependencies(metrics):
    """``metrics`` and every metric their formulas use, dependencies first."""
    ordered, seen = [], set()

    def visit(metric, path=()):
        if metric.id in seen:
            return
        if metric.id in path:  # refused at save time; never loop here
            return
        for dep in metric.dependency_ids:
            visit(dep, (*path, metric.id))
        seen.add(metric.id)
        ordered.append(metric)

    for metric in metrics:
        visit(metric)
    return ordered


def source_fields(metric):
    """The fields of its source an aggregate metric reads (ir.model.fields)."""
    return (
        metric.partner_field_id
        | metric.date_field_id
        | metric.value_field_id
        | metric.end_date_field_id
    )


def window_bounds(metric, today):
    """[(operator, value)] bounding the metric's date field (its window), or []."""
    if not metric.date_field_id or not (metric.window_days or metric.offset_days):
        return []
    end = today - datetime.timedelta(days=metric.offset_days)
    start = end - datetime.timedelta(days=metric.window_days) if metric.window_days else None
    if metric.date_field_id.ttype == "datetime":
        day_after = datetime.timedelta(days=1)
        bounds = [("<", datetime.datetime.combine(end + day_after, datetime.time.min))]
        if start:
            bounds.append((">=", datetime.datetime.combine(start + day_after, datetime.time.min)))
        return bounds
    bounds = [("<=", end)]
    if start:
        bounds.append((">", start))
    return bounds


def source_key(metric):
    """Aggregate metrics with the same key are computed in one scan."""
    return (
        metric.model_id.model,
        (metric.source_domain or "").strip(),
        metric.partner_field_id.id,
        metric.company_id.id,
    )


def amount_conversion(metric):
    """How the value field's amounts reach the company's currency:
    ``"company"`` (they are in it), ``"rate"`` (in each record's currency,
    with the record's stored ``currency_rate`` from the company's currency,
    as sale and purchase orders keep it), ``"none"`` (not an amount) or
    ``False`` (in another currency with no rate to convert them)."""
    metric.ensure_one()
    if metric.kind != "aggregate" or metric.value_field_id.ttype != "monetary":
        return "none"
    model = metric.env[metric.model_id.model]
    field = model._fields.get(metric.value_field_id.name)
    if not field or field.type != "monetary":
        return "none"
    currency = model._fields.get(field.get_currency_field(model))
    if currency and (
        currency.name in COMPANY_CURRENCY_FIELDS
        or (currency.related and currency.related.endswith("company_id.currency_id"))
    ):
        return "company"
    rate = model._fields.get("currency_rate")
    if rate and rate.store and rate.type == "float":
        return "rate"
    return False


def value_sql(metric, table, column=None):
    """SQL of one source record's value (in the company's currency for
    amounts), or None for a count or a days-since metric.  ``column`` gives
    a field's SQL (the ORM's, for company-dependent fields); by default the
    field's column."""
    metric.ensure_one()
    if not metric.value_field_id:
        return None
    if column:
        value = column(metric.value_field_id)
    else:
        value = SQL.identifier(table, metric.value_field_id.name)
    if amount_conversion(metric) == "rate":
        # the order's amount / its company-to-order-currency rate, the way
        # sale.report converts (a missing rate counts as 1)
        return SQL(
            "(%s / COALESCE(NULLIF(%s, 0), 1))", value, SQL.identifier(table, "currency_rate")
        )
    return value


def scheme_companies(scheme):
    """The companies whose records the metrics of ``scheme`` count when they
    have no company of their own: the scheme's, or every company (None)."""
    return scheme.company_id.ids or None


def companies_key(metric, companies):
    """What the values of ``metric`` computed for ``companies`` depend on: a
    metric of its own company counts that company's records whatever asks."""
    if metric.kind != "formula" and metric.company_id:
        return "own"
    return None if companies is None else tuple(sorted(companies))


def source_query(env, metric, companies=None, with_domain=True):
    """(model, query): the source model of ``metric`` (in the metric's
    company, for company-dependent fields) and the ORM's query of the
    records it counts: its source domain (``with_domain``), its company's
    records, or without a company those of ``companies`` (ids; None: every
    company) and those of none; ``active`` applies as the ORM applies it."""
    model = env[metric.model_id.model]
    if metric.company_id:  # company-dependent fields read in the metric's company
        model = model.with_company(metric.company_id)
    company = []
    if metric.company_id and "company_id" in model._fields:
        company = [("company_id", "=", metric.company_id.id)]
    elif companies is not None and "company_id" in model._fields:
        company = ["|", ("company_id", "=", False), ("company_id", "in", list(companies))]
    domain = domains.eval_domain(env, metric.source_domain) if with_domain else []
    return model, model._search(expression.AND([domain, company]))


def _select_aggregates(env, metrics, partner_ids, today, per_metric_domain=False, companies=None):
    """SELECT partner_id, m_<id>…: the aggregates of ``metrics`` (which share
    their source) per commercial partner, in one scan of the source records,
    built on the ORM's query for the source domain.  Metrics without a
    company count the records of ``companies`` (ids; None: every company)
    and those without a company.

    With ``per_metric_domain``, ``metrics`` share their table, partner field
    and company only: the scan reads the chosen partners' records once and
    each aggregate counts the records of its own domain.  Returns None when
    a domain needs joins of its own (it is then scanned alone)."""
    first = metrics[0]
    model, query = source_query(env, first, companies, with_domain=not per_metric_domain)
    conditions = {}
    if per_metric_domain:
        for metric in metrics:
            source = metric.source_domain or ""
            if source not in conditions:
                own = model._search(domains.eval_domain(env, metric.source_domain))
                if own._joins or own.table != query.table:
                    return None
                if own.is_empty():
                    conditions[source] = SQL("FALSE")
                else:
                    conditions[source] = own.where_clause if own._where_clauses else None
    partner_column = SQL.identifier(query.table, first.partner_field_id.name)
    members = None
    if partner_ids is not None:
        members = _members(env, partner_ids)
        Q.restrict_partners(query, partner_column, [member for member, _cp in members])
    columns = []
    aggregates = first._aggregates()

    def column(field):
        # the ORM's SQL for the field: a company-dependent one is read for the
        # current company (with its default), a plain one is its column
        return model._field_to_sql(query.table, field.name, query) if field else None

    for metric in metrics:
        value = value_sql(metric, query.table, column)
        date = column(metric.date_field_id)
        window = Q.window_condition(date, window_bounds(metric, today))
        own = conditions.get(metric.source_domain or "")
        if own:  # this metric's records: its domain (and its window)
            window = SQL("(%s) AND (%s)", own, window) if window else own
        end = column(metric.end_date_field_id)
        aggregate = aggregates[metric.aggregate]
        columns.append((f"m_{metric.id}", aggregate, value, date, window, end))
    return Q.select_grouped(query, partner_column, columns, today, members)


def _members(env, partner_ids):
    """[(partner, commercial partner)] of these commercial partners, read
    once per set of partners in a run (every source needs them)."""
    key = tuple(partner_ids)
    state = run_state.of(env)
    if not state.members or state.members[0] != key:
        env.cr.execute(Q.select_members(partner_ids))
        state.members = (key, env.cr.fetchall())
    return state.members[1]


def select_metric(env, metric, partner_ids, today, companies=None):
    """SELECT partner_id, value of any metric, formulas included (their
    dependencies computed inline), with no work table: for reads, which
    must not write (:mod:`.metrics_read`), and for reports.
    ``companies``: see :func:`_select_aggregates`."""
    if metric.kind not in ("aggregate", "formula"):  # a kind a feature adds
        return metric._select_values(partner_ids, today, companies)
    if metric.kind != "formula":
        return SQL(
            "SELECT a.partner_id, a.%s AS value FROM (%s) a",
            SQL.identifier(f"m_{metric.id}"),
            _select_aggregates(env, metric, partner_ids, today, companies=companies),
        )
    deps = {dep.code: dep for dep in metric.dependency_ids}
    columns = {code: SQL.identifier(f"m_{dep.id}") for code, dep in deps.items()}
    expression_sql = formula.compile_formula(metric.formula, columns, env)
    return Q.select_formula(
        [
            (
                f"m_{dep.id}",
                dep.id,
                zero_default(dep),
                select_metric(env, dep, partner_ids, today, companies),
            )
            for dep in deps.values()
        ],
        expression_sql,
    )


def table_key(metric):
    """Aggregate metrics with the same key read the same records of a chosen
    partner (same table, partner field and company), whatever their domain."""
    return (metric.model_id.model, metric.partner_field_id.id, metric.company_id.id)


def _scans(env, metrics, partner_ids, today, companies=None):
    """[(metrics, SELECT)]: one scan per source; for chosen partners, one
    scan per table.  A full run reads each source through its own domain
    (indexes, fewer rows); chosen partners' records are read through the
    partner index, and every source of the same table would visit the same
    pages again."""
    sources = defaultdict(lambda: env["partner.segment.metric"])
    for metric in metrics:
        sources[source_key(metric)] |= metric
    if partner_ids is None:
        return [
            (group, _select_aggregates(env, group, None, today, companies=companies))
            for group in sources.values()
        ]
    tables = defaultdict(list)
    for group in sources.values():
        tables[table_key(group[0])].append(group)
    scans = []
    for groups in tables.values():
        merged = env["partner.segment.metric"].union(*groups)
        select = None
        if len(groups) > 1:
            select = _select_aggregates(
                env, merged, partner_ids, today, per_metric_domain=True, companies=companies
            )
        if select is None:
            scans += [
                (g, _select_aggregates(env, g, partner_ids, today, companies=companies))
                for g in groups
            ]
        else:
            scans.append((merged, select))
    return scans


def _compute_aggregates(env, metrics, partner_ids, today, companies=None):
    """Fill ``psseg_value`` for aggregate ``metrics`` (see :func:`_scans`)."""
    for group, select in _scans(env, metrics, partner_ids, today, companies):
        env.cr.execute(Q.insert_values([(m.id, f"m_{m.id}") for m in group], select))


def _compute_formula(env, metric):
    deps = {dep.code: dep for dep in metric.dependency_ids}
    columns = {code: SQL.identifier(f"m_{dep.id}") for code, dep in deps.items()}
    expression_sql = formula.compile_formula(metric.formula, columns, env)
    dependency_columns = [(f"m_{dep.id}", dep.id, zero_default(dep)) for dep in deps.values()]
    if not dependency_columns:  # a constant formula: no partner to give it to
        return
    env.cr.execute(Q.insert_formula_values(metric.id, dependency_columns, expression_sql))


def compute_metrics(env, metrics, partner_ids, today, done, companies=None):
    """Fill ``psseg_value`` for ``metrics`` (and their dependencies) not in
    ``done`` (dict metric id -> (scope, companies key)); returns the newly
    computed ones in the same form.

    :param partner_ids: restrict to these commercial partners, or None for all
    :param companies: the companies whose records metrics without a company
        count (a scheme's, :func:`scheme_companies`), or None for all
    """
    todo = env["partner.segment.metric"]
    for metric in ordered_with_dependencies(metrics):
        scope, key = done.get(metric.id, (False, None))
        same_companies = key == companies_key(metric, companies)
        if scope is not False and same_companies and (scope is None or partner_ids is not None):
            continue  # already computed for everyone, or for the same subset
        if scope is not False:  # computed for a subset or other companies
            env.cr.execute(Q.delete_values(metric.id))
        todo |= metric
    # aggregates first (grouped by source), then the kinds features add,
    # then formulas in dependency order
    _compute_aggregates(
        env, todo.filtered(lambda m: m.kind == "aggregate"), partner_ids, today, companies
    )
    added = todo.filtered(lambda m: m.kind not in ("aggregate", "formula"))
    if added:
        added._compute_values(partner_ids, today, companies)
    for metric in todo.filtered(lambda m: m.kind == "formula"):
        _compute_formula(env, metric)
    scope = None if partner_ids is None else True
    return {metric.id: (scope, companies_key(metric, companies)) for metric in todo}
