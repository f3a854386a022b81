# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Domains typed by users (scheme, segment, metric source): evaluate and check.

A domain is evaluated with the same names Odoo's domain editor and filters
offer (``context_today``, ``datetime``, ``relativedelta``, ``uid``…) and then
turned into SQL by the ORM itself, so it never reaches SQL as text.
"""

from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.exceptions import ValidationError
from odoo.osv import expression
from odoo.tools.safe_eval import datetime, safe_eval, time


def eval_context(env):
    return {
        "datetime": datetime,
        "relativedelta": relativedelta,
        "context_today": lambda: fields.Date.context_today(env.user),
        "time": time,
        "uid": env.uid,
        "user": env.user,
        "company_id": env.company.id,
        "company_ids": env.companies.ids,
    }


def eval_domain(env, text):
    """Return the domain list of ``text`` ('' and None mean everything)."""
    if not text or not text.strip():
        return []
    domain = safe_eval(text, eval_context(env))
    if not isinstance(domain, list | tuple):
        raise ValueError(env._("a domain must be a list, e.g. [('is_company', '=', True)]"))
    return list(domain)


def check_domain(env, model_name, text, label):
    """Raise a ValidationError saying what is wrong with ``text`` on ``model_name``."""
    try:
        domain = eval_domain(env, text)
        domain = expression.normalize_domain(domain)
        env[model_name].sudo()._search(domain, limit=1)
    except Exception as exc:  # noqa: BLE001 - every failure becomes a user message
        raise ValidationError(
            env._("The domain in %(where)s is not valid: %(error)s", where=label, error=exc)
        ) from None
    return domain
