# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Domains typed by users (scheme, segment and metric source): check and evaluate.

A segmentation manager who is not a Settings administrator may write these
domains, and the engine evaluates them as superuser.  So a domain is
evaluated with plain values only, never with a record one could call methods
on (``user.sudo()``, ``user.env.cr``…): the user id, the company ids, today's
date and the date helpers Odoo's filters offer (``context_today``,
``datetime``, ``relativedelta``, ``time``).  Before it is evaluated, the text
is parsed and every name, attribute and call is checked against that short
list, so that an attempt to call anything else is refused with a message on
save and never executed at run time (a domain stored before this check is
refused by the engine the same way).  The domain is then turned into SQL by
the ORM itself, so it never reaches SQL as text.

A domain is evaluated on every run, so its size is bounded too: the text
(:data:`MAX_TEXT`), each text value (:data:`MAX_STRING`), each list of
values (:data:`MAX_LIST`); numbers must be finite, and only numbers and
durations may be multiplied (``'x' * 200000000`` would build its 200 MB
before any check of the value could see it).
"""

import ast
import math

from dateutil.relativedelta import relativedelta

from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, safe_eval, time

from . import common

# the names a domain may use, all plain values or date helpers
NAMES = (
    "uid",
    "company_id",
    "company_ids",
    "today",
    "context_today",
    "datetime",
    "relativedelta",
    "time",
)
# the attributes a domain may read or call: the date helpers' own
ATTRIBUTES = frozenset(
    {
        "date",
        "datetime",
        "time",
        "timedelta",
        "today",
        "now",
        "combine",
        "strftime",
        "isoformat",
        "replace",
        "weekday",
        "year",
        "month",
        "day",
        "min",
        "max",
    }
)
# nodes a domain is made of: literals, lists, arithmetic on dates, calls of helpers
NODES = (
    ast.Expression,
    ast.List,
    ast.Tuple,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Attribute,
    ast.Call,
    ast.keyword,
    ast.Subscript,
    ast.Slice,
    ast.UnaryOp,
    ast.USub,
    ast.UAdd,
    ast.BinOp,
    ast.Add,
    ast.Sub,
    ast.Mult,
)


# the size of a domain: its text, a text value in it, a list of values
MAX_TEXT = 100_000
MAX_STRING = 1_000
MAX_LIST = 10_000
# what may be multiplied: numbers, the plain integer names, durations
SCALAR_NAMES = frozenset({"uid", "company_id"})
DURATIONS = frozenset({"relativedelta", "timedelta"})


class DomainError(ValueError):
    """A domain that is not a plain-values domain."""


def eval_context(env):
    """Plain values only: nothing in here leads back to the environment."""
    # the run's reference day, as the metrics' windows count from it
    today = common.today_of(env)
    return {
        "datetime": datetime,
        "relativedelta": relativedelta,
        "context_today": lambda: today,
        "today": today,
        "time": time,
        "uid": env.uid,
        "company_id": env.company.id,
        "company_ids": list(env.companies.ids),
    }


def check_text(env, text):
    """Raise DomainError unless ``text`` only uses literals and the plain
    names and date helpers of :data:`NAMES` (no other name, no attribute
    or method outside :data:`ATTRIBUTES`)."""
    if len(text) > MAX_TEXT:
        raise DomainError(
            env._(
                "it is %(length)s characters long; a domain may have at most %(max)s",
                length=len(text),
                max=MAX_TEXT,
            )
        )
    try:
        tree = ast.parse(text.strip(), mode="eval")
    except SyntaxError as exc:
        raise DomainError(env._("it is not a valid expression (%s)", exc.msg)) from None
    allowed = ", ".join(NAMES)
    # what the user should hear about first: a construct that is no domain
    # (comprehension, lambda…), then an unknown name, then an attribute
    nodes = sorted(
        ast.walk(tree),
        key=lambda node: (
            0 if not isinstance(node, NODES) else 1 if isinstance(node, ast.Name) else 2
        ),
    )
    for node in nodes:
        if isinstance(node, ast.Name):
            if node.id not in NAMES:
                raise DomainError(
                    env._(
                        "it uses '%(name)s'; a domain may only use values and these names: "
                        "%(allowed)s",
                        name=node.id,
                        allowed=allowed,
                    )
                )
        elif isinstance(node, ast.Attribute):
            if node.attr not in ATTRIBUTES:
                raise DomainError(
                    env._(
                        "it reaches '%(attribute)s'; a domain may not call methods or read "
                        "attributes, except the date helpers' (%(allowed)s)",
                        attribute=node.attr,
                        allowed=", ".join(sorted(ATTRIBUTES)),
                    )
                )
        elif isinstance(node, NODES):
            _check_size(env, text, node)
        else:
            raise DomainError(
                env._(
                    "it contains '%(code)s'; a domain is a list of conditions made of "
                    "values, e.g. [('is_company', '=', True)]",
                    code=ast.get_source_segment(text.strip(), node) or type(node).__name__,
                )
            )
    return tree


def _is_scalar(node):
    """Whether ``node`` can only be a number or a duration (what may be
    multiplied without building a text or a list of any size)."""
    if isinstance(node, ast.Constant):
        return isinstance(node.value, int | float)
    if isinstance(node, ast.Name):
        return node.id in SCALAR_NAMES
    if isinstance(node, ast.UnaryOp):
        return _is_scalar(node.operand)
    if isinstance(node, ast.BinOp):
        return _is_scalar(node.left) and _is_scalar(node.right)
    if isinstance(node, ast.Call):
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        return name in DURATIONS
    return False


def _check_size(env, text, node):
    """Raise DomainError for a node that is too big or not finite."""
    value = getattr(node, "value", None) if isinstance(node, ast.Constant) else None
    if isinstance(value, str | bytes) and len(value) > MAX_STRING:
        raise DomainError(
            env._(
                "it contains a text of %(length)s characters; a text in a domain may have "
                "at most %(max)s",
                length=len(value),
                max=MAX_STRING,
            )
        )
    if isinstance(value, float) and not math.isfinite(value):
        raise DomainError(
            env._("it contains '%(code)s', which is not a finite number", code=_code(text, node))
        )
    if isinstance(node, ast.List | ast.Tuple) and len(node.elts) > MAX_LIST:
        raise DomainError(_list_message(env, len(node.elts)))
    if (
        isinstance(node, ast.BinOp)
        and isinstance(node.op, ast.Mult)
        and not (_is_scalar(node.left) and _is_scalar(node.right))
    ):
        raise DomainError(
            env._(
                "it multiplies '%(code)s'; a domain may only multiply numbers and durations",
                code=_code(text, node),
            )
        )


def _code(text, node):
    code = ast.get_source_segment(text.strip(), node) or type(node).__name__
    return code if len(code) <= 60 else code[:60] + "…"


def _list_message(env, length):
    return env._(
        "it contains a list of %(length)s values; a list in a domain may have at most %(max)s",
        length=length,
        max=MAX_LIST,
    )


def _check_values(env, value):
    """Raise DomainError for an evaluated value that is too big or not
    finite (``company_ids + company_ids…``, ``1e308 + 1e308``)."""
    stack = [value]
    while stack:
        value = stack.pop()
        if isinstance(value, list | tuple):
            if len(value) > MAX_LIST:
                raise DomainError(_list_message(env, len(value)))
            stack.extend(value)
        elif isinstance(value, str | bytes) and len(value) > MAX_STRING:
            raise DomainError(
                env._(
                    "it makes a text of %(length)s characters; a text in a domain may have "
                    "at most %(max)s",
                    length=len(value),
                    max=MAX_STRING,
                )
            )
        elif isinstance(value, float) and not math.isfinite(value):
            raise DomainError(env._("it makes a number that is not finite (%s)", value))


def eval_domain(env, text):
    """Return the domain list of ``text`` ('' and None mean everything).
    Raises DomainError (a ValueError) for anything but a plain-values domain."""
    if not text or not text.strip():
        return []
    check_text(env, text)
    domain = safe_eval(text.strip(), eval_context(env))
    if not isinstance(domain, list | tuple):
        raise DomainError(env._("a domain must be a list, e.g. [('is_company', '=', True)]"))
    _check_values(env, domain)
    return list(domain)


def check_domain(env, model_name, text, message):
    """Raise a ValidationError saying what is wrong with ``text`` on ``model_name``:
    ``message(error)`` is the whole translated sentence.

    The domain is checked with the rights of the user who saves it: a domain
    may only name models and fields that user may read (the engine then runs
    it as superuser, on everybody's behalf)."""
    try:
        domain = eval_domain(env, text)
        domain = expression.normalize_domain(domain)
        env[model_name]._search(domain, limit=1)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a user message
        raise ValidationError(message(exc)) from None
    return domain
