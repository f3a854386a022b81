# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The cockpit's periods and queries.  Every set of rows comes in as the ORM's own query
(``Model._search``: access rights, record rules per company and ``active``
applied) used as a sub-select; the figures are grouped in the database."""

import datetime

import pytz
from dateutil.relativedelta import relativedelta

from odoo import fields
from odoo.tools import SQL


def period_dates(key, today):
    """(first day, last day) of the period ``key`` ending ``today``."""
    if key == "3m":
        return today - relativedelta(months=3) + datetime.timedelta(days=1), today
    if key == "30d":
        return today - datetime.timedelta(days=29), today
    if key == "ytd":
        return today.replace(month=1, day=1), today
    if key == "last_year":
        year = today.year - 1
        return datetime.date(year, 1, 1), datetime.date(year, 12, 31)
    return today - relativedelta(years=1) + datetime.timedelta(days=1), today


def fx_table(rates):
    """VALUES of (company_id, rate to the cockpit's currency)."""
    if not rates:
        return SQL("(SELECT NULL::int AS company_id, NULL::numeric AS rate WHERE FALSE)")
    values = SQL(", ").join(SQL("(%s, %s::numeric)", cid, rate) for cid, rate in rates.items())
    return SQL("(SELECT * FROM (VALUES %s) AS v(company_id, rate))", values)


def revenue_cte(moves, partners, rates):
    """``rev(partner_id, revenue)``: untaxed invoiced revenue, credit notes
    deducted, in the cockpit's currency, per commercial partner."""
    return SQL(
        """rev AS (
            SELECT m.commercial_partner_id AS partner_id,
                   SUM(m.amount_untaxed_signed * fx.rate) AS revenue
              FROM account_move m
              JOIN %(fx)s fx ON fx.company_id = m.company_id
             WHERE m.id IN %(moves)s
               AND m.commercial_partner_id IN %(partners)s
          GROUP BY m.commercial_partner_id
        )""",
        fx=fx_table(rates),
        moves=moves,
        partners=partners,
    )


def total_revenue(moves, partners, rates):
    return SQL(
        "WITH %s SELECT COALESCE(SUM(revenue), 0) FROM rev",
        revenue_cte(moves, partners, rates),
    )


def by_segment(assignments, partners, segment_ids, moves=None, rates=None):
    """(segment_id, customers, revenue) of ``segment_ids``; revenue NULL
    without ``moves``."""
    if moves is None:
        return SQL(
            """SELECT a.segment_id, COUNT(*), NULL
                 FROM partner_segment_assignment a
                WHERE a.id IN %s AND a.partner_id IN %s AND a.segment_id IN %s
             GROUP BY a.segment_id""",
            assignments,
            partners,
            tuple(segment_ids),
        )
    return SQL(
        """WITH %s
           SELECT a.segment_id, COUNT(*), COALESCE(SUM(rev.revenue), 0)
             FROM partner_segment_assignment a
        LEFT JOIN rev ON rev.partner_id = a.partner_id
            WHERE a.id IN %s AND a.partner_id IN %s AND a.segment_id IN %s
         GROUP BY a.segment_id""",
        revenue_cte(moves, partners, rates),
        assignments,
        partners,
        tuple(segment_ids),
    )


def day_start(day, tz_name):
    """The moment ``day`` begins in the time zone ``tz_name`` (the user's, in
    which the period's days are counted: :func:`.common.today_of`), as a UTC
    datetime string; a time zone pytz does not know counts as UTC, as in
    ``fields.Date.context_today``."""
    try:
        tz = pytz.timezone(tz_name or "UTC")
    except pytz.UnknownTimeZoneError:
        tz = pytz.utc
    start = tz.localize(datetime.datetime.combine(day, datetime.time.min))
    return fields.Datetime.to_string(start.astimezone(pytz.utc).replace(tzinfo=None))


def movers(history, partners):
    """(from_segment_id, to_segment_id, changes), most changes first."""
    return SQL(
        """SELECT h.from_segment_id, h.to_segment_id, COUNT(*)
             FROM partner_segment_history h
            WHERE h.id IN %s AND h.partner_id IN %s
         GROUP BY h.from_segment_id, h.to_segment_id
         ORDER BY COUNT(*) DESC, h.from_segment_id NULLS FIRST, h.to_segment_id NULLS FIRST""",
        history,
        partners,
    )


def winback_counts(lines, partners):
    """(targeted, won back) among the win-back lines."""
    return SQL(
        """SELECT COUNT(*), COUNT(*) FILTER (WHERE l.outcome = 'won_back')
             FROM partner_segment_winback_line l
            WHERE l.id IN %s AND l.partner_id IN %s""",
        lines,
        partners,
    )


def winback_revenue(lines, partners, rates, tz):
    """Untaxed amount of the orders the won-back customers (and their
    contacts) confirmed in the campaign's company since its start (the day
    in its responsible's time zone, else ``tz``), in the cockpit's currency:
    the campaigns' own figure (``revenue_recovered``) for these lines."""
    return SQL(
        """SELECT COALESCE(SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)
                               * fx.rate), 0)
             FROM partner_segment_winback_line l
             JOIN partner_segment_winback_campaign c ON c.id = l.campaign_id
             JOIN %(fx)s fx ON fx.company_id = l.company_id
        LEFT JOIN res_users u ON u.id = c.user_id
        LEFT JOIN res_partner up ON up.id = u.partner_id
             JOIN res_partner op ON op.commercial_partner_id = l.partner_id
             JOIN sale_order o ON o.partner_id = op.id AND o.state = 'sale'
                             AND o.company_id = l.company_id
            WHERE l.id IN %(lines)s AND l.partner_id IN %(partners)s
              AND (o.date_order AT TIME ZONE 'UTC'
                   AT TIME ZONE COALESCE(up.tz, %(tz)s))::date >= l.date_start""",
        fx=fx_table(rates),
        lines=lines,
        partners=partners,
        tz=tz,
    )
