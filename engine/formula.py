# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Formula metrics: a whitelisted arithmetic language compiled to SQL.

A formula is a Python-like expression over metric codes and numbers::

    (revenue_12m - revenue_prev_12m) / revenue_prev_12m * 100
    max(revenue_12m, 0) + abs(margin_12m)

Allowed: finite numbers, metric codes, ``+ - * /``, unary ``-``/``+``, parentheses and
the functions ``min``, ``max`` and ``abs``.  Anything else is refused with a
message naming what is wrong.  Division by zero yields no value (NULL), never
an error.  Nothing of the text reaches SQL: numbers become parameters and codes
are mapped to column names chosen by the caller.
"""

import ast
import math

from odoo.tools import SQL

_BINOPS = {ast.Add: SQL("+"), ast.Sub: SQL("-"), ast.Mult: SQL("*"), ast.Div: SQL("/")}
_FUNCS = {"min": SQL("LEAST"), "max": SQL("GREATEST"), "abs": SQL("ABS")}
MAX_FORMULA_LENGTH = 1000
MAX_FORMULA_DEPTH = 30


def shape_error(env, text):
    """A message if ``text`` is too long or nested too deep to be a formula
    (checked before the formula is parsed or compiled, so that neither ever
    recurses past Python's limit), else None."""
    text = (text or "").strip()
    if len(text) > MAX_FORMULA_LENGTH:
        return env._(
            "The formula is %(length)s characters long; at most %(max)s are allowed.",
            length=len(text),
            max=MAX_FORMULA_LENGTH,
        )
    depth = level = 0
    for char in text:  # parentheses first: the parser itself stops at 200
        level += {"(": 1, ")": -1}.get(char, 0)
        depth = max(depth, level)
    if depth <= MAX_FORMULA_DEPTH:
        try:
            tree = ast.parse(text, mode="eval")
        except (SyntaxError, ValueError):
            return None  # the formula's own check says what is wrong
        stack = [(tree, 0)]
        while stack and depth <= MAX_FORMULA_DEPTH:
            node, level = stack.pop()
            depth = max(depth, level)
            stack.extend((child, level + 1) for child in ast.iter_child_nodes(node))
    if depth > MAX_FORMULA_DEPTH:
        return env._(
            "The formula is nested too deep (more than %(max)s levels of operations or "
            "parentheses): split it into several formula metrics.",
            max=MAX_FORMULA_DEPTH,
        )
    return None


class FormulaError(ValueError):
    """The formula is not valid; ``args[0]`` says why (already translated)."""


def _parse(formula, env):
    """Parse ``formula`` and check every node against the whitelist.

    Messages are translated in the language of ``env``.  Returns the AST
    and the set of codes it names.
    """
    if not formula or not formula.strip():
        raise FormulaError(env._("The formula is empty."))
    error = shape_error(env, formula)
    if error:
        raise FormulaError(error)
    try:
        tree = ast.parse(formula.strip(), mode="eval")
    except SyntaxError as exc:
        raise FormulaError(
            env._("The formula is not valid arithmetic: %(error)s", error=exc.msg)
        ) from None
    codes = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Expression | ast.expr_context | ast.operator | ast.unaryop):
            continue
        if isinstance(node, ast.BinOp):
            if type(node.op) not in _BINOPS:
                raise FormulaError(
                    env._(
                        "Only + - * / are allowed in a formula, not '%(op)s'.", op=ast.unparse(node)
                    )
                )
        elif isinstance(node, ast.UnaryOp):
            if not isinstance(node.op, ast.USub | ast.UAdd):
                raise FormulaError(
                    env._("'%(expr)s' is not allowed in a formula.", expr=ast.unparse(node))
                )
        elif isinstance(node, ast.Constant):
            if isinstance(node.value, bool) or not isinstance(node.value, int | float):
                raise FormulaError(
                    env._("Only numbers are allowed as constants, not %(value)r.", value=node.value)
                )
            if not _finite(node.value):
                number = ast.get_source_segment(formula.strip(), node) or ast.unparse(node)
                raise FormulaError(
                    env._(
                        "The number %(number)s is not finite or too large: a formula's numbers "
                        "must be finite (at most about 1e308).",
                        number=number if len(number) <= 30 else number[:30] + "…",
                    )
                )
        elif isinstance(node, ast.Call):
            if (
                not isinstance(node.func, ast.Name)
                or node.func.id not in _FUNCS
                or node.keywords
                or not node.args
                or (node.func.id == "abs" and len(node.args) != 1)
            ):
                raise FormulaError(
                    env._(
                        "Only min(a, b, …), max(a, b, …) and abs(a) can be called, not '%(call)s'.",
                        call=ast.unparse(node),
                    )
                )
        elif isinstance(node, ast.Name):
            if node.id not in _FUNCS:
                codes.add(node.id)
        else:
            raise FormulaError(
                env._("'%(expr)s' is not allowed in a formula.", expr=ast.unparse(node))
            )
    # Function names are only valid in call position.
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and node.id in _FUNCS:
            parents_ok = any(isinstance(p, ast.Call) and p.func is node for p in ast.walk(tree))
            if not parents_ok:
                raise FormulaError(
                    env._("'%(name)s' is a function: call it as %(name)s(…).", name=node.id)
                )
    return tree, codes


def _finite(number):
    """Whether ``number`` is a finite float (``1e999`` is Infinity, and so is
    an integer of 400 digits once the value is a float in a JSON reply)."""
    try:
        return math.isfinite(float(number))
    except OverflowError:
        return False


def formula_codes(formula, env):
    """Return the set of metric codes ``formula`` names (validating it)."""
    return _parse(formula, env)[1]


def compile_formula(formula, columns, env):
    """Compile ``formula`` to an :class:`~odoo.tools.SQL` expression.

    :param columns: mapping code -> SQL expression of that metric's value
    """
    tree, codes = _parse(formula, env)
    unknown = codes - set(columns)
    if unknown:
        raise FormulaError(
            env._(
                "Unknown metric code(s) in the formula: %(codes)s", codes=", ".join(sorted(unknown))
            )
        )

    def emit(node):
        if isinstance(node, ast.Expression):
            return emit(node.body)
        if isinstance(node, ast.Constant):
            return SQL("%s::numeric", node.value)
        if isinstance(node, ast.Name):
            return SQL("(%s)::numeric", columns[node.id])
        if isinstance(node, ast.UnaryOp):
            return (
                SQL("(-%s)", emit(node.operand))
                if isinstance(node.op, ast.USub)
                else emit(node.operand)
            )
        if isinstance(node, ast.BinOp):
            left, right = emit(node.left), emit(node.right)
            if isinstance(node.op, ast.Div):
                return SQL("(%s / NULLIF(%s, 0))", left, right)
            return SQL("(%s %s %s)", left, _BINOPS[type(node.op)], right)
        if isinstance(node, ast.Call):
            args = SQL(", ").join(emit(arg) for arg in node.args)
            return SQL("%s(%s)", _FUNCS[node.func.id], args)
        raise FormulaError(env._("'%(expr)s' is not allowed in a formula.", expr=ast.unparse(node)))

    return emit(tree)
