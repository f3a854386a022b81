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


def time_floor(cr, today, repeat=3):
    best = None
    for _i in range(repeat):
        t0 = time.perf_counter()
        for query, params in floor_queries(today):
            cr.execute(f"SELECT COUNT(*) FROM ({query}) s", params)
            cr.fetchall()
        elapsed = time.perf_counter() - t0
        best = elapsed if best is None else min(best, elapsed)
    return best
