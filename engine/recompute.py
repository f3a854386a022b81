# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The recompute engine: set-based classification of commercial partners.

One run:

1. takes a transaction-level advisory lock (a second run returns ``None``);
2. releases the manual overrides whose end date has passed;
3. per scheme, inside a savepoint: computes the metrics the scheme needs
   (one SQL aggregate per metric, built on the ORM's query for the source
   domain; formulas over those), classifies the scheme's universe into
   ``psseg_result`` with one statement, then applies the difference to the
   assignments, the history and ``res.partner.segment_ids`` with bulk SQL;
   a failing scheme is rolled back to its savepoint and recorded;
4. posts one chatter message per changed partner (schemes that ask for it),
   runs the segments' enter/exit server actions on their batches, records
   the run, and invalidates the ORM cache.

All SQL text lives in :mod:`.sql`.
"""

import datetime
import logging
import time
from collections import defaultdict

from markupsafe import Markup, escape

from odoo import fields
from odoo.osv import expression
from odoo.tools import SQL
from odoo.tools.mail import generate_tracking_message_id

from . import composite, domains, formula
from . import sql as Q

_logger = logging.getLogger(__name__)

ZERO_DEFAULT_AGGREGATES = ("sum", "count")
RANKING_METHODS = ("pareto", "quantile")
# work tables are never analyzed by autovacuum: above this many rows, give
# the planner statistics before joining them to the big tables
ANALYZE_THRESHOLD = 1000
# what psseg_universe holds, in the cursor's cache (reset whenever it may not)
UNIVERSE_KEY = "partner_segmentation.universe"


def today_of(env):
    """The reference day of a run (``segmentation_today`` in the context
    lets tests and the benchmark pin it)."""
    value = env.context.get("segmentation_today")
    return fields.Date.to_date(value) if value else fields.Date.context_today(env.user)


# ---------------------------------------------------------------------------
# Metrics
# ---------------------------------------------------------------------------


def _zero_default(metric):
    return metric.kind == "aggregate" and metric.aggregate in ZERO_DEFAULT_AGGREGATES


def _ordered_with_dependencies(metrics):
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


def _window_bounds(metric, today):
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


def _source_key(metric):
    """Aggregate metrics with the same key are computed in one scan."""
    return (
        metric.model_id.model,
        (metric.source_domain or "").strip(),
        metric.partner_field_id.id,
        metric.company_id.id,
    )


def _select_aggregates(env, metrics, partner_ids, today):
    """SELECT partner_id, m_<id>…: the aggregates of ``metrics`` (which share
    their source) per commercial partner, in one scan of the source records,
    built on the ORM's query for the source domain."""
    first = metrics[0]
    model = env[first.model_id.model]
    if first.company_id:  # company-dependent fields read in the metric's company
        model = model.with_company(first.company_id)
    domain = domains.eval_domain(env, first.source_domain)
    if first.company_id and "company_id" in model._fields:
        domain = expression.AND([domain, [("company_id", "=", first.company_id.id)]])
    query = model._search(domain)
    partner_column = SQL.identifier(query.table, first.partner_field_id.name)
    if partner_ids is not None:
        env.cr.execute(Q.select_members(partner_ids))
        Q.restrict_partners(query, partner_column, [row[0] for row in env.cr.fetchall()])
    columns = []

    def column(field):
        # the ORM's SQL for the field: a company-dependent one is read for the
        # current company (with its default), a plain one is its column
        return model._field_to_sql(query.table, field.name, query) if field else None

    for metric in metrics:
        value = column(metric.value_field_id)
        date = column(metric.date_field_id)
        window = Q.window_condition(date, _window_bounds(metric, today))
        end = column(metric.end_date_field_id)
        columns.append((f"m_{metric.id}", metric.aggregate, value, date, window, end))
    return Q.select_grouped(query, partner_column, columns, today)


def _select_metric(env, metric, partner_ids, today):
    """SELECT partner_id, value of any metric, formulas included (their
    dependencies computed inline): for reads, which must not write."""
    if metric.kind != "formula":
        return SQL(
            "SELECT a.partner_id, a.%s AS value FROM (%s) a",
            SQL.identifier(f"m_{metric.id}"),
            _select_aggregates(env, metric, partner_ids, today),
        )
    deps = {dep.code: dep for dep in metric.dependency_ids}
    columns = {code: SQL.identifier(f"m_{dep.id}") for code, dep in deps.items()}
    expression_sql = formula.compile_formula(metric.formula, columns, env)
    return Q.select_formula(
        [
            (
                f"m_{dep.id}",
                dep.id,
                _zero_default(dep),
                _select_metric(env, dep, partner_ids, today),
            )
            for dep in deps.values()
        ],
        expression_sql,
    )


def _compute_aggregates(env, metrics, partner_ids, today):
    """Fill ``psseg_value`` for aggregate ``metrics``: one scan per source."""
    groups = defaultdict(lambda: env["partner.segment.metric"])
    for metric in metrics:
        groups[_source_key(metric)] |= metric
    for group in groups.values():
        select = _select_aggregates(env, group, partner_ids, today)
        env.cr.execute(Q.insert_values([(m.id, f"m_{m.id}") for m in group], select))


def _compute_formula(env, metric):
    deps = {dep.code: dep for dep in metric.dependency_ids}
    columns = {code: SQL.identifier(f"m_{dep.id}") for code, dep in deps.items()}
    expression_sql = formula.compile_formula(metric.formula, columns, env)
    dependency_columns = [(f"m_{dep.id}", dep.id, _zero_default(dep)) for dep in deps.values()]
    if not dependency_columns:  # a constant formula: no partner to give it to
        return
    env.cr.execute(Q.insert_formula_values(metric.id, dependency_columns, expression_sql))


def compute_metrics(env, metrics, partner_ids, today, done):
    """Fill ``psseg_value`` for ``metrics`` (and their dependencies) not in
    ``done`` (dict metric id -> scope); returns the newly computed ids.

    :param partner_ids: restrict to these commercial partners, or None for all
    """
    todo = env["partner.segment.metric"]
    for metric in _ordered_with_dependencies(metrics):
        scope = done.get(metric.id, False)
        if scope is None or (scope is not False and partner_ids is not None):
            continue  # already computed for everyone, or for the same subset
        if scope is not False:  # computed for a subset, now needed for all
            env.cr.execute(SQL("DELETE FROM psseg_value WHERE metric_id = %s", metric.id))
        todo |= metric
    # aggregates first (grouped by source), then formulas in dependency order
    _compute_aggregates(env, todo.filtered(lambda m: m.kind != "formula"), partner_ids, today)
    for metric in todo.filtered(lambda m: m.kind == "formula"):
        _compute_formula(env, metric)
    return dict.fromkeys(todo.ids, None if partner_ids is None else True)


def _read_values(metric, partner_ids):
    """{partner id: value} read with plain SELECTs (works in read-only
    transactions). Configuration is read as superuser and so are the source
    records, so that a user sees the numbers the engine uses."""
    env = metric.env(su=True)
    metric = metric.with_env(env)
    env.flush_all()
    env.cr.execute(_select_metric(env, metric, partner_ids, today_of(env)))
    return dict(env.cr.fetchall())


def _as_float(metric, value):
    if value is None:
        return 0.0 if _zero_default(metric) else None
    return float(value)


def metric_values(metric, partners):
    """{commercial partner id: value} of ``metric`` for ``partners``, now."""
    ids = partners.commercial_partner_id.ids
    values = _read_values(metric, ids)
    return {pid: _as_float(metric, values.get(pid)) for pid in ids}


def metric_preview(metric, limit=8):
    """[(partner, value)] for the partners with the highest values."""
    env = metric.env(su=True)
    env.flush_all()
    query = _select_metric(env, metric.with_env(env), None, today_of(env))
    env.cr.execute(Q.select_top(query, limit))
    rows = env.cr.fetchall()
    partners = metric.env["res.partner"].browse([pid for pid, _v in rows])
    return [(partner, float(value)) for partner, (_pid, value) in zip(partners, rows, strict=True)]


def partner_metric_table(env, partner):
    """[{name, code, value, unit}] of every active metric for one commercial partner."""
    metrics = env["partner.segment.metric"].sudo().search([])
    if not partner or not metrics:
        return []
    table = []
    for metric in metrics:
        try:
            with env.cr.savepoint(flush=False):
                value = _read_values(metric, [partner.id]).get(partner.id)
        except Exception:
            _logger.exception("Metric %s of partner %s failed", metric.code, partner.id)
            continue
        table.append(
            {
                "name": metric.name,
                "code": metric.code,
                "value": _as_float(metric, value),
                "unit": metric.unit or "",
            }
        )
    return table


# ---------------------------------------------------------------------------
# Classification
# ---------------------------------------------------------------------------


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
        if env.cr.rowcount > ANALYZE_THRESHOLD:
            env.cr.execute(Q.ANALYZE_UNIVERSE)
        env.cr.cache[UNIVERSE_KEY] = key
    return Q.UNIVERSE


def _scheme_metrics(scheme):
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
            column = Q.value_expr(aliases[cond.metric_id.id], _zero_default(cond.metric_id))
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
            _zero_default(scheme.metric_id),
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


def _metric_scope(scheme, scope_ids):
    """The partners whose metric values ``scheme`` needs: everyone for a
    ranking (Pareto, quantile ranks against everyone), else the run's."""
    return None if scheme.method in RANKING_METHODS else scope_ids


def _precompute_metrics(env, schemes, scope_ids, today):
    """Compute the metrics of every scheme up front, so that metrics sharing
    a source share its scan.  Should that fail, the schemes compute what each
    needs again, each in its own savepoint, and only the broken one fails."""
    everyone = schemes.filtered(lambda s: _metric_scope(s, scope_ids) is None)
    done = {}
    try:
        with env.cr.savepoint():
            for group, scope in ((everyone, None), (schemes - everyone, scope_ids)):
                metrics = env["partner.segment.metric"].union(*map(_scheme_metrics, group))
                done.update(compute_metrics(env, metrics, scope, today, done))
    except Exception:
        _logger.info("Shared metric scan failed; each scheme computes its own", exc_info=True)
        return {}
    if done:
        env.cr.execute(Q.ANALYZE_VALUES)
    return done


def _run_scheme(env, scheme, scope_ids, today, run_id, computed):
    """Classify one scheme and apply the difference; returns (partners, changes)."""
    cr = env.cr
    metric_scope = _metric_scope(scheme, scope_ids)
    new = compute_metrics(env, _scheme_metrics(scheme), metric_scope, today, computed)
    computed.update(new)
    if new:
        cr.execute(Q.ANALYZE_VALUES)
    cr.execute(Q.TRUNCATE_RESULT)
    CLASSIFIERS[scheme.method](env, scheme, scope_ids)
    cr.execute(Q.COUNT_RESULT)
    partners = cr.fetchone()[0]
    cr.execute(Q.insert_diff(scheme.id, scope_ids))
    if not cr.rowcount:  # the daily case: nothing to write
        return partners, 0
    if cr.rowcount > ANALYZE_THRESHOLD:
        cr.execute(Q.ANALYZE_DIFF)
    uid, now = env.uid, fields.Datetime.now()
    cr.execute(Q.apply_changed(scheme.id, today, run_id, uid, now))
    cr.execute(Q.apply_removed(scheme.id, run_id, uid, now))
    cr.execute(Q.apply_added(scheme.id, today, run_id, uid, now))
    cr.execute(Q.count_changes(scheme.id))
    changes = cr.fetchone()[0]
    if changes:
        if changes > ANALYZE_THRESHOLD:
            cr.execute(Q.ANALYZE_CHANGES)
        for statement in Q.sync_rel_for_changes(scheme.id):
            cr.execute(statement)
    return partners, changes


def run(env, schemes, partners=None, trigger="manual"):
    """Recompute ``schemes`` for everyone, or for ``partners`` only (their
    commercial partners; Pareto and quantile still rank against everyone).

    Returns the ``partner.segment.run`` record, or ``None`` when another run
    holds the lock.
    """
    cr = env.cr
    cr.execute(Q.TRY_RUN_LOCK)
    if not cr.fetchone()[0]:
        _logger.info("Segmentation run skipped: another run is in progress")
        return None
    # Whoever triggers it, a run sees all the data (a salesperson's record
    # rules must not change anybody's segments); who ran it is recorded.
    uid = env.uid
    env = env(su=True)
    schemes = schemes.with_env(env)
    started = time.perf_counter()
    queries_before = cr.sql_log_count
    today = today_of(env)
    # a scheme runs after the schemes it tests; the schemes that test these
    # are added, for the partners whose tested segment changes
    schemes, added = composite.plan(schemes.filtered("active"))
    scope_ids = None
    if partners is not None:
        scope_ids = sorted(set(partners.commercial_partner_id.ids))
    run_rec = env["partner.segment.run"].create(
        {
            "date_start": fields.Datetime.now(),
            "trigger": trigger,
            "user_id": uid,
            "scheme_ids": [(6, 0, schemes.ids)],
            "status": "running",
        }
    )
    env.flush_all()
    cr.execute(Q.CREATE_WORK_TABLES)
    cr.cache[UNIVERSE_KEY] = None
    cr.execute(Q.raise_work_mem())
    work_mem = cr.fetchone()[0]
    cr.execute(Q.release_expired_locks(schemes.ids or [0], today, scope_ids))

    computed = _precompute_metrics(env, schemes, scope_ids, today)
    errors, total_partners, total_changes = [], 0, 0
    facts = {}
    for scheme in schemes:
        t0 = time.perf_counter()
        scheme_scope = scope_ids
        if scheme in added:
            scheme_scope = composite.changed_scope(env, scheme, scope_ids)
            if not scheme_scope:
                continue
        try:
            with cr.savepoint():
                new_computed = dict(computed)
                partners_count, changes = _run_scheme(
                    env, scheme, scheme_scope, today, run_rec.id, new_computed
                )
            computed = new_computed
            total_partners = max(total_partners, partners_count)
            total_changes += changes
            facts[scheme] = {
                "last_run_status": "done",
                "last_run_error": False,
                "last_run_changes": changes,
            }
        except Exception as exc:
            cr.cache[UNIVERSE_KEY] = None  # rolled back with the savepoint
            _logger.exception("Segmentation of scheme %s failed", scheme.code)
            message = f"{scheme.name}: {exc}"
            errors.append(message)
            facts[scheme] = {
                "last_run_status": "failed",
                "last_run_error": str(exc),
                "last_run_changes": 0,
            }
        facts[scheme].update(
            last_run_date=fields.Datetime.now(), last_run_duration=time.perf_counter() - t0
        )

    cr.execute(Q.restore_work_mem(work_mem))
    env.invalidate_all()
    _post_chatter(env, schemes.filtered("post_chatter"))
    _run_segment_actions(env, schemes)
    schemes._after_recompute(run_rec)
    for scheme, values in facts.items():
        scheme.with_context(tracking_disable=True).write(values)
    status = "done"
    if errors:
        status = "failed" if len(errors) == len(schemes) else "partial"
    run_rec.write(
        {
            "duration": time.perf_counter() - started,
            "partner_count": total_partners,
            "change_count": total_changes,
            "query_count": cr.sql_log_count - queries_before,
            "status": status,
            "error": "\n".join(errors) or False,
        }
    )
    env.flush_all()
    env.invalidate_all()
    _logger.info(
        "Segmentation run %s: %s partners, %s changes, %.2fs, %s",
        run_rec.id,
        total_partners,
        total_changes,
        run_rec.duration,
        status,
    )
    return run_rec


# ---------------------------------------------------------------------------
# After a run: chatter and segment actions
# ---------------------------------------------------------------------------


CHATTER_BATCH = 1000


def _change_pages(env, scheme_ids):
    """Yield {partner id: [(scheme, from, to)]} for about ``CHATTER_BATCH``
    partners at a time, so that a run that changes a million partners never
    holds them all in memory."""
    env.cr.execute(Q.INDEX_CHANGES)
    limit = CHATTER_BATCH * len(scheme_ids)  # at most one change per partner and scheme
    after = 0
    while True:
        env.cr.execute(Q.select_changes(scheme_ids, after, limit))
        rows = env.cr.fetchall()
        if not rows:
            return
        if len(rows) == limit:  # the last partner may go on in the next page
            complete = [row for row in rows if row[0] != rows[-1][0]]
            rows = complete or rows
        page = defaultdict(list)
        for partner_id, scheme_id, from_id, to_id in rows:
            page[partner_id].append((scheme_id, from_id, to_id))
        yield page
        after = rows[-1][0]


def _post_chatter(env, schemes):
    """One note per partner that changed, all its schemes together, created
    a thousand at a time."""
    if not schemes:
        return
    Segment = env["partner.segment"].with_context(active_test=False, segment_short_name=True)
    names = {s.id: s.display_name for s in Segment.search([("scheme_id", "in", schemes.ids)])}
    scheme_names = {s.id: s.name for s in schemes}
    none = env._("none")
    title = env._("Segments changed:")
    subtype = env.ref("mail.mt_note")
    author = env.user.partner_id
    _author_id, email_from = env["mail.thread"]._message_compute_author(
        author.id, raise_on_email=False
    )
    Message = env["mail.message"].with_context(mail_create_nosubscribe=True)
    for page in _change_pages(env, schemes.ids):
        # Everything mail.message.create would compute one message at a time
        # is given here, so that creating the notes stays a few queries per page.
        partners = env["res.partner"].browse(list(page)).with_context(prefetch_fields=False)
        record_names = dict(zip(partners.ids, partners.mapped("display_name"), strict=True))
        vals_list = []
        for partner_id, changes in page.items():
            items = Markup("").join(
                Markup("<li>%s: %s → %s</li>")
                % (
                    escape(scheme_names[scheme_id]),
                    escape(names.get(from_id, none) if from_id else none),
                    escape(names.get(to_id, none) if to_id else none),
                )
                for scheme_id, from_id, to_id in changes
            )
            vals_list.append(
                {
                    "model": "res.partner",
                    "res_id": partner_id,
                    "message_type": "notification",
                    "subtype_id": subtype.id,
                    "author_id": author.id,
                    "email_from": email_from,
                    "reply_to": email_from,
                    "record_name": record_names[partner_id],
                    "message_id": generate_tracking_message_id("segmentation"),
                    "body": Markup("<p>%s</p><ul>%s</ul>") % (title, items),
                }
            )
        Message.create(vals_list)
        env.invalidate_all()  # flushes, then lets the page's records go


def _run_segment_actions(env, schemes):
    segments = schemes.segment_ids.filtered(lambda s: s.on_enter_action_id or s.on_exit_action_id)
    if not segments:
        return
    for column, action_field in (("to_id", "on_enter_action_id"), ("from_id", "on_exit_action_id")):
        with_action = segments.filtered(action_field)
        if not with_action:
            continue
        env.cr.execute(Q.select_moved(column, with_action.ids))
        moved = dict(env.cr.fetchall())
        for segment in with_action:
            partner_ids = moved.get(segment.id)
            if not partner_ids:
                continue
            action = segment[action_field]
            try:
                with env.cr.savepoint():
                    action.with_context(
                        active_model="res.partner",
                        active_ids=partner_ids,
                        active_id=partner_ids[0],
                        segment_id=segment.id,
                    ).run()
            except Exception:
                _logger.exception(
                    "Action %s of segment %s failed", action.name, segment.display_name
                )


# ---------------------------------------------------------------------------
# Manual overrides and contacts
# ---------------------------------------------------------------------------


def set_manual(env, partner, segment, reason, lock_until=False):
    """Lock ``partner`` (its commercial entity) on ``segment``."""
    partner = partner.commercial_partner_id
    Assignment = env["partner.segment.assignment"]
    assignment = Assignment.search(
        [("partner_id", "=", partner.id), ("scheme_id", "=", segment.scheme_id.id)]
    )
    old = assignment.segment_id
    values = {
        "segment_id": segment.id,
        "locked": True,
        "lock_reason": reason,
        "lock_until": lock_until or False,
        "locked_by_id": env.uid,
    }
    if assignment:
        assignment.write(values)
    else:
        assignment = Assignment.create(
            dict(
                values,
                partner_id=partner.id,
                scheme_id=segment.scheme_id.id,
                date_assigned=fields.Date.context_today(env.user),
            )
        )
    if old != segment:
        assignment.date_assigned = fields.Date.context_today(env.user)
        env["partner.segment.history"].create(
            {
                "partner_id": partner.id,
                "scheme_id": segment.scheme_id.id,
                "from_segment_id": old.id,
                "to_segment_id": segment.id,
                "cause": "manual",
                "note": reason,
            }
        )
    sync_partner_segments(env, _members(env, partner))
    return assignment


def unlock(env, assignments):
    """End overrides: the segment goes back to what the engine computed."""
    for assignment in assignments.filtered("locked"):
        partner, scheme = assignment.partner_id, assignment.scheme_id
        old, new = assignment.segment_id, assignment.computed_segment_id
        if old != new:
            env["partner.segment.history"].create(
                {
                    "partner_id": partner.id,
                    "scheme_id": scheme.id,
                    "from_segment_id": old.id,
                    "to_segment_id": new.id,
                    "cause": "manual",
                    "note": env._("Override ended"),
                }
            )
        if new:
            assignment.write(
                {
                    "locked": False,
                    "lock_reason": False,
                    "lock_until": False,
                    "locked_by_id": False,
                    "segment_id": new.id,
                    "date_assigned": fields.Date.context_today(env.user)
                    if old != new
                    else assignment.date_assigned,
                }
            )
        else:
            assignment.unlink()
        sync_partner_segments(env, _members(env, partner))


def _members(env, partner):
    return (
        env["res.partner"]
        .with_context(active_test=False)
        .search([("commercial_partner_id", "=", partner.id)])
        .ids
    )


def sync_partner_segments(env, partner_ids):
    """Make ``segment_ids`` of these partners their commercial partner's."""
    if not partner_ids:
        return
    env.flush_all()
    for statement in Q.sync_rel_for_partners(partner_ids):
        env.cr.execute(statement)
    env["res.partner"].invalidate_model(["segment_ids"])


def assignment_ids_differing(env):
    env.flush_all()
    env.cr.execute(Q.DIFFERING_ASSIGNMENTS)
    return [row[0] for row in env.cr.fetchall()]
