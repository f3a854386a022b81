# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Metric values read now, without writing anything (works in read-only
transactions): a metric's preview, the values of chosen partners, a
partner's metric table; with who may read what a metric measures.  The
values are computed as the engine computes them (:mod:`.metrics`).
"""

import logging

from . import metrics, run_state
from . import metrics_sql as Q
from .common import today_of

_logger = logging.getLogger(__name__)


def readable_by(metric, env, seen=None):
    """Whether the user of ``env`` may read what ``metric`` measures: its
    source model and every field it reads (Odoo's access rights and field
    groups), or, for a formula, every metric it uses.  The engine computes
    as superuser; a value is shown only to those who could read its sources."""
    if env.su:
        return True
    metric = metric.sudo()  # what the metric reads, not whether it may be read
    seen = set() if seen is None else seen
    if metric.id in seen:
        return True
    seen.add(metric.id)
    if metric.kind == "formula":
        return all(readable_by(dep, env, seen) for dep in metric.dependency_ids)
    if metric.kind != "aggregate":  # a kind a feature adds
        return metric._readable_by(env)
    if not metric.model_id or metric.model_id.model not in env:
        return False
    model = env[metric.model_id.model]
    return model.has_access("read") and all(
        field.name in model._fields and model._fields[field.name].is_accessible(env)
        for field in metrics.source_fields(metric)
    )


def _read_values(metric, partner_ids, companies=None):
    """{partner id: value} read with plain SELECTs (works in read-only
    transactions). Configuration is read as superuser and so are the source
    records of ``companies`` (see :func:`_select_aggregates`), so that a user
    sees the numbers the engine uses for their companies."""
    env = metric.env(su=True)
    metric = metric.with_env(env)
    env.flush_all()
    env.cr.execute(metrics.select_metric(env, metric, partner_ids, today_of(env), companies))
    return dict(env.cr.fetchall())


def _as_float(metric, value):
    if value is None:
        return 0.0 if metrics.zero_default(metric) else None
    return float(value)


def viewer_companies(env):
    """The companies whose records the values shown to the user of ``env``
    count: their allowed companies (None, every company, for the engine)."""
    return None if env.su else env.companies.ids


def metric_values(metric, partners, companies=None):
    """{commercial partner id: value} of ``metric`` for ``partners``, now,
    counting the records of ``companies`` (None: every company)."""
    ids = partners.commercial_partner_id.ids
    values = _read_values(metric, ids, companies)
    return {pid: _as_float(metric, values.get(pid)) for pid in ids}


def metric_preview(metric, limit=8):
    """[(partner, value)] for the partners with the highest values, computed
    with the viewer's rights: only the source records their access rights and
    record rules let them read count, and only partners they may read show.
    (Runs compute as the engine does, on every record.)"""
    env = metric.env
    env.flush_all()
    query = metrics.select_metric(env, metric, None, today_of(env))
    env.cr.execute(Q.select_top(query, limit))
    rows = env.cr.fetchall()
    readable = set(
        env["res.partner"].browse([pid for pid, _v in rows])._filtered_access("read").ids
    )
    return [
        (env["res.partner"].browse(pid), float(value)) for pid, value in rows if pid in readable
    ]


def partner_metric_table(env, partner):
    """[{name, code, value, unit}] of every active metric the user may read
    (record rules: the metrics of their companies, and shared ones) and whose
    source model and fields they may read (:func:`readable_by`), for one
    commercial partner; the values are computed as the engine computes them,
    from the records of the user's allowed companies (and those of none)."""
    shown = env["partner.segment.metric"].search([]).sudo()
    if not partner or not shown:
        return []
    companies = viewer_companies(env)
    table = []
    with run_state.attached(env):  # the partner's members, read once for every metric
        for metric in shown:
            if not readable_by(metric, env):  # fields the viewer may not read: left out
                continue
            try:
                with env.cr.savepoint(flush=False):
                    value = _read_values(metric, [partner.id], companies).get(partner.id)
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
