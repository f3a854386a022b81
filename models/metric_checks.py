# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""What a metric must satisfy before it is saved.  Over source records: a
model with a table, stored fields of the right types, what its aggregate and
window need, and a valid domain (checked with the saver's rights).  A
formula: it parses, names known metrics, and no formula uses itself through
others."""

from odoo.exceptions import ValidationError

from ..engine import domains, formula, metrics

NUMERIC_TYPES = ("integer", "float", "monetary")
DATE_TYPES = ("date", "datetime")
MAX_DAYS = 36525  # a hundred years: beyond, dates leave PostgreSQL's and Python's range
# what an aggregate metric's source is made of: checked together on save
# (validate_source), and what its preview shows depends on
SOURCE_FIELDS = (
    "kind",
    "model_id",
    "partner_field_id",
    "date_field_id",
    "end_date_field_id",
    "value_field_id",
    "aggregate",
    "window_days",
    "offset_days",
    "source_domain",
)


def validate_source(metric):
    """Raise a ValidationError saying what is wrong with the source of the
    aggregate ``metric``: its model, fields, aggregate, window and domain."""
    if not metric.model_id:
        raise ValidationError(
            metric.env._("Metric '%(name)s' needs a source model.", name=metric.name)
        )
    if metric.model_id.model not in metric.env:
        raise ValidationError(
            metric.env._(
                "The source model '%(model)s' is not installed.", model=metric.model_id.model
            )
        )
    model = metric.env[metric.model_id.model]
    # a model of its own table, or a reporting model read from its SQL
    # query (``_table_query``, e.g. sale.report's quantities in each
    # product's own unit of measure)
    if model._abstract or model._transient or not (model._auto or model._table_query):
        raise ValidationError(
            metric.env._(
                "The source model '%(model)s' has no table of its own.",
                model=metric.model_id.model,
            )
        )

    def check(field_rec, label, types, relation=None):
        field = model._fields.get(field_rec.name)
        if not field or field_rec.model_id != metric.model_id:
            raise ValidationError(
                metric.env._(
                    "The %(label)s '%(field)s' is not a field of %(model)s.",
                    label=label,
                    field=field_rec.name,
                    model=metric.model_id.model,
                )
            )
        if not field.store or not field.column_type:
            raise ValidationError(
                metric.env._(
                    "The %(label)s '%(field)s' is not stored in the database.",
                    label=label,
                    field=field_rec.name,
                )
            )
        if field.type not in types or (relation and field.comodel_name != relation):
            raise ValidationError(
                metric.env._(
                    "The %(label)s '%(field)s' has type %(type)s; expected %(expected)s.",
                    label=label,
                    field=field_rec.name,
                    type=field.type,
                    expected=" / ".join(f"{t} → {relation}" if relation else t for t in types),
                )
            )

    if not metric.partner_field_id:
        raise ValidationError(
            metric.env._("Metric '%(name)s' needs a partner field.", name=metric.name)
        )
    check(metric.partner_field_id, metric.env._("partner field"), ("many2one",), "res.partner")
    if metric.date_field_id:
        check(metric.date_field_id, metric.env._("date field"), DATE_TYPES)
    if metric.end_date_field_id:
        check(metric.end_date_field_id, metric.env._("end date field"), DATE_TYPES)
    if metric.aggregate == "avg_days_late" and not (
        metric.date_field_id and metric.end_date_field_id
    ):
        raise ValidationError(
            metric.env._(
                "Metric '%(name)s' needs a date field and an end date field to measure days late.",
                name=metric.name,
            )
        )
    needs_date = (
        metric.aggregate in ("days_since_last", "days_since_first", "avg_days_late")
        or metric.window_days
        or metric.offset_days
    )
    if needs_date and not metric.date_field_id:
        raise ValidationError(
            metric.env._(
                "Metric '%(name)s' needs a date field for its window, its offset or its "
                "days-since aggregate.",
                name=metric.name,
            )
        )
    needs_value = metric.aggregate in ("sum", "avg", "min", "max")
    if needs_value and not metric.value_field_id:
        raise ValidationError(
            metric.env._(
                "Metric '%(name)s' needs a value field for its aggregate (%(aggregate)s).",
                name=metric.name,
                aggregate=dict(metric._fields["aggregate"]._description_selection(metric.env)).get(
                    metric.aggregate, metric.aggregate
                ),
            )
        )
    if metric.value_field_id:
        check(metric.value_field_id, metric.env._("value field"), NUMERIC_TYPES)
        if metrics.amount_conversion(metric) is False:
            raise ValidationError(
                metric.env._(
                    "The amounts of '%(field)s' are in each record's own currency and "
                    "%(model)s keeps no rate to convert them: choose an amount in the "
                    "company's currency.",
                    field=metric.value_field_id.name,
                    model=metric.model_id.model,
                )
            )
    check_fields_readable(metric)
    if not metric.aggregate:
        raise ValidationError(
            metric.env._("Metric '%(name)s' needs an aggregate.", name=metric.name)
        )
    if metric.window_days < 0 or metric.offset_days < 0:
        raise ValidationError(
            metric.env._(
                "The window and the offset of metric '%(name)s' cannot be negative.",
                name=metric.name,
            )
        )
    if metric.window_days > MAX_DAYS or metric.offset_days > MAX_DAYS:
        raise ValidationError(
            metric.env._(
                "The window and the offset of metric '%(name)s' are limited to "
                "%(max)s days (a hundred years).",
                name=metric.name,
                max=MAX_DAYS,
            )
        )
    domains.check_domain(
        metric.env,
        metric.model_id.model,
        metric.source_domain,
        lambda error: metric.env._(
            "The source filter of metric '%(name)s' is not valid: %(error)s",
            name=metric.name,
            error=error,
        ),
    )


def check_fields_readable(metric):
    """Refuse a source whose model or fields (partner, date, value, end date)
    the user who saves it may not read: the engine reads them as superuser,
    so a metric would copy a restricted field (a credit limit, say) to every
    user who sees metric values."""
    env = metric.env
    if env.su:
        return
    model = env[metric.model_id.model]
    if not model.has_access("read"):
        raise ValidationError(
            env._(
                "Metric '%(name)s' measures %(model)s, which you may not read.",
                name=metric.name,
                model=metric.model_id.name,
            )
        )
    hidden = [
        field_rec.name
        for field_rec in metrics.source_fields(metric)
        if not model._fields[field_rec.name].is_accessible(env)
    ]
    if hidden:
        raise ValidationError(
            env._(
                "Metric '%(name)s' uses fields you may not read: %(fields)s.",
                name=metric.name,
                fields=", ".join(hidden),
            )
        )


def check_formula(metric):
    """Refuse a formula that does not parse, names unknown metrics or itself."""
    error = formula.shape_error(metric.env, metric.formula)
    if error:
        raise ValidationError(
            metric.env._("Metric '%(name)s': %(error)s", name=metric.name, error=error)
        )
    try:
        codes = formula.formula_codes(metric.formula, metric.env)
    except formula.FormulaError as exc:
        raise ValidationError(
            metric.env._("Metric '%(name)s': %(error)s", name=metric.name, error=exc.args[0])
        ) from None
    known = metric.with_context(active_test=False).search([("code", "in", list(codes))])
    unknown = codes - set(known.mapped("code"))
    if unknown:
        raise ValidationError(
            metric.env._(
                "Metric '%(name)s' uses unknown metric code(s): %(codes)s",
                name=metric.name,
                codes=", ".join(sorted(unknown)),
            )
        )
    if metric.code in codes:
        raise ValidationError(
            metric.env._("Metric '%(name)s' uses itself in its formula.", name=metric.name)
        )


def check_formula_cycles(records):
    """Refuse a cycle between formula metrics (a uses b uses … uses a)."""
    all_metrics = records.with_context(active_test=False).search([("kind", "=", "formula")])
    graph = {}
    for metric in all_metrics:
        try:
            graph[metric.code] = formula.formula_codes(metric.formula or "", records.env)
        except formula.FormulaError:
            graph[metric.code] = set()
    for start in records.filtered(lambda m: m.kind == "formula").mapped("code"):
        stack, seen = [(start, [start])], set()
        while stack:
            code, path = stack.pop()
            for dep in graph.get(code, ()):
                if dep == start:
                    raise ValidationError(
                        records.env._(
                            "Formula metrics form a cycle: %(path)s",
                            path=" → ".join([*path, start]),
                        )
                    )
                if dep not in seen:
                    seen.add(dep)
                    stack.append((dep, [*path, dep]))
