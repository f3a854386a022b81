# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""The SQL floor of the benchmark: the bare aggregates the shipped schemes
need (every aggregate metric of the 13 schemes, one query each), as one
would write them by hand, with no engine around them."""

import datetime
import time


def floor_queries(today):
    """The bare aggregates the shipped schemes need, as one would write them by hand."""
    y1, y2 = today - datetime.timedelta(days=365), today - datetime.timedelta(days=730)
    inv = "move_type IN ('out_invoice', 'out_refund') AND state = 'posted'"
    open_inv = (
        "move_type = 'out_invoice' AND state = 'posted' "
        "AND payment_state IN ('not_paid', 'partial')"
    )
    return [
        (
            f"SELECT partner_id, SUM(amount_untaxed_signed) FROM account_move WHERE {inv} "
            "AND invoice_date > %s AND invoice_date <= %s GROUP BY partner_id",
            (y1, today),
        ),
        (
            f"SELECT partner_id, SUM(amount_untaxed_signed) FROM account_move WHERE {inv} "
            "AND invoice_date > %s AND invoice_date <= %s GROUP BY partner_id",
            (y2, y1),
        ),
        (
            "SELECT partner_id, COUNT(*) FROM sale_order WHERE state = 'sale' AND date_order >= %s "
            "GROUP BY partner_id",
            (y1,),
        ),
        (
            "SELECT partner_id, COUNT(*) FROM sale_order WHERE state = 'sale' GROUP BY partner_id",
            (),
        ),
        (
            "SELECT partner_id, %s::date - MAX(date_order)::date FROM sale_order "
            "WHERE state = 'sale' GROUP BY partner_id",
            (today,),
        ),
        (
            "SELECT partner_id, %s::date - MIN(date_order)::date FROM sale_order "
            "WHERE state = 'sale' GROUP BY partner_id",
            (today,),
        ),
        (
            "SELECT partner_id, COUNT(*) FROM crm_lead WHERE type = 'opportunity' AND active "
            "GROUP BY partner_id",
            (),
        ),
        (
            "SELECT partner_id, MAX(probability) FROM crm_lead "
            "WHERE type = 'opportunity' AND active GROUP BY partner_id",
            (),
        ),
        (
            "SELECT commercial_partner_id, MAX(annual_potential) FROM res_partner "
            "WHERE annual_potential > 0 GROUP BY commercial_partner_id",
            (),
        ),
        (
            "SELECT partner_id, AVG(amount_untaxed) FROM sale_order WHERE state = 'sale' "
            "AND date_order >= %s GROUP BY partner_id",
            (y1,),
        ),
        (
            "SELECT partner_id, SUM(amount_untaxed) FROM sale_order WHERE state = 'sale' "
            "GROUP BY partner_id",
            (),
        ),
        (
            "SELECT o.partner_id, SUM(l.product_uom_qty) FROM sale_order_line l "
            "JOIN sale_order o ON o.id = l.order_id JOIN uom_uom u ON u.id = l.product_uom "
            "WHERE o.state = 'sale' AND o.date_order >= %s AND u.category_id = 1 "
            "GROUP BY o.partner_id",
            (y1,),
        ),
        (
            f"SELECT partner_id, SUM(amount_residual_signed) FROM account_move WHERE {open_inv} "
            "GROUP BY partner_id",
            (),
        ),
        (
            f"SELECT partner_id, SUM(amount_residual_signed) FROM account_move WHERE {open_inv} "
            "AND invoice_date_due < %s GROUP BY partner_id",
            (today,),
        ),
        (
            "SELECT partner_id, AVG(GREATEST(%s::date - invoice_date_due, 0)) "
            "FROM account_move WHERE move_type = 'out_invoice' AND state = 'posted' "
            "AND invoice_date_due > %s AND invoice_date_due <= %s GROUP BY partner_id",
            (today, y1, today),
        ),
        (
            # company-dependent: the first company's value
            "SELECT commercial_partner_id, MAX((credit_limit->>'1')::numeric) FROM res_partner "
            "WHERE (credit_limit->>'1')::numeric > 0 GROUP BY commercial_partner_id",
            (),
        ),
    ]


def daily_floor_queries(today):
    """The floor of the daily run with the forecasts and the reports'
    refresh: the 16 aggregates of the shipped schemes' metrics, plus what
    the forecast and the reports read from the documents, each as bare
    hand-written SQL:

    - the forecast's inputs: the shipped forecast's documents (confirmed
      orders, amounts in the company's currency) grouped by commercial
      partner and day, up to the day (each customer's purchase days and
      their spend, from which a fit and the scoring start);
    - the reports' 12-month revenue per commercial partner and company;
    - today's segment sizes: the assignments counted per scheme, segment and
      partner dimensions, with their revenue (the revenue just grouped);
    - the product ABC's invoice lines of 12 months per customer, product and
      company.

    Not in it: what is derived from the classification (the Pareto curve's
    windows over a ranking), as no classification is."""
    y1 = today - datetime.timedelta(days=365)
    inv = "m.move_type IN ('out_invoice', 'out_refund') AND m.state = 'posted'"
    return [
        *floor_queries(today),
        (
            "SELECT p.commercial_partner_id, o.date_order::date, "
            "SUM(o.amount_untaxed / COALESCE(NULLIF(o.currency_rate, 0), 1)) "
            "FROM sale_order o JOIN res_partner p ON p.id = o.partner_id "
            "WHERE o.state = 'sale' AND o.date_order::date <= %s GROUP BY 1, 2",
            (today,),
        ),
        (
            "SELECT m.commercial_partner_id, m.company_id, SUM(m.amount_untaxed_signed) "
            f"FROM account_move m WHERE {inv} AND m.commercial_partner_id IS NOT NULL "
            "AND m.invoice_date > %s AND m.invoice_date <= %s GROUP BY 1, 2",
            (y1, today),
        ),
        (
            "SELECT a.scheme_id, a.segment_id, p.company_id, p.user_id, u.sale_team_id, "
            "p.sales_channel_id, p.customer_type, p.governance_type, COUNT(*), "
            "SUM(r.revenue) FROM partner_segment_assignment a "
            "JOIN res_partner p ON p.id = a.partner_id "
            "LEFT JOIN res_users u ON u.id = p.user_id "
            "LEFT JOIN partner_segment_report_revenue r "
            "ON r.partner_id = a.partner_id AND r.company_id = p.company_id "
            "WHERE a.segment_id IS NOT NULL GROUP BY 1, 2, 3, 4, 5, 6, 7, 8",
            (),
        ),
        (
            "SELECT m.commercial_partner_id, l.product_id, l.company_id, SUM(-l.balance), "
            "SUM(l.quantity) FROM account_move_line l JOIN account_move m ON m.id = l.move_id "
            f"WHERE {inv} AND m.invoice_date > %s AND m.invoice_date <= %s "
            "AND l.display_type = 'product' AND l.product_id IS NOT NULL GROUP BY 1, 2, 3",
            (y1, today),
        ),
    ]


def time_floor(cr, today, repeat=3, queries=floor_queries):
    """The best of ``repeat`` passes over ``queries(today)``.

    Each query's rows are counted as whole rows, ``COUNT(s)``: under a
    ``COUNT(*)`` PostgreSQL drops the columns nobody reads, so the
    aggregates themselves were never computed (the sums became NULL, and the
    sizes' join to the revenue was removed), and the floor was that of the
    GROUP BYs alone."""
    best = None
    for _i in range(repeat):
        t0 = time.perf_counter()
        for query, params in queries(today):
            cr.execute(f"SELECT COUNT(s) FROM ({query}) s", params)
            cr.fetchall()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best
