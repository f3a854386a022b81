# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""Forecasts at the bench's size: the shipped forecast's fit (the distinct
customers' figures from SQL, then the maximum-likelihood fits), the scoring
of its four metrics for every customer against the SQL floor (the
customers' figures grouped and kept, then checked with nothing changed,
then after a day's orders), the back-test and the peak RSS.  Everything is
rolled back.  Appends its table to bench/results-<size>.md.
"""

import datetime
import resource
import sys
import time
from pathlib import Path

from odoo import SUPERUSER_ID, api
from odoo.tools import SQL

sys.path.insert(0, str(Path(__file__).parent))
from floor import time_floor

from bench import open_bench, write_results


def scoring_rows(env, forecast, floor, t_refit):
    """The scoring's rows, in a run's state (the universe tables kept)."""
    from odoo.addons.partner_segmentation.engine import classify
    from odoo.addons.partner_segmentation.models.forecast import scoring, scoring_sql, store

    cr = env.cr
    today = datetime.date.today()
    metrics = forecast.metric_ids
    rows = []
    # as in a run: the forecast's partners are those of the schemes with
    # the same partner filter (RFM, Churn risk), in the run's universe table
    t0 = time.perf_counter()
    classify._fill_universe(env, forecast)
    t_universe = time.perf_counter() - t0
    # the first run (or the first after the source changed): every
    # customer's figures grouped from the orders, and kept
    store.forget(forecast)
    cr.execute("TRUNCATE psseg_value")
    t0 = time.perf_counter()
    scoring.compute_values(metrics, None, today)
    t_first = time.perf_counter() - t0
    cr.execute("SELECT COUNT(*) FROM partner_segment_forecast_customer")
    kept = cr.fetchone()[0]
    rows.append(
        (
            f"Scoring its {len(metrics)} metrics for every customer, the customers' figures "
            f"grouped from the orders and kept ({kept:,} customers)",
            f"{t_first:.2f} s",
            f"{t_first / floor:.2f}× the floor",
            "",
        )
    )
    # the next runs: the orders checked, nothing grouped again
    best = None
    for _i in range(3):
        cr.execute("TRUNCATE psseg_value")
        t0 = time.perf_counter()
        scoring.compute_values(metrics, None, today)
        spent = time.perf_counter() - t0
        best = spent if best is None else min(best, spent)
    cr.execute("SELECT COUNT(*) FROM psseg_value")
    values = cr.fetchone()[0]
    rows.append(
        (
            f"Scoring its {len(metrics)} metrics for every customer ({values:,} values), "
            "no order changed since the last run",
            f"{best:.2f} s",
            f"{best / floor:.2f}× the floor ({floor:.2f} s); the run's universe of its "
            f"partner filter filled before, as its schemes' ({t_universe:.2f} s)",
            "≤ 1× floor",
        )
    )
    # a day's orders: one order in 1,000 written since (a later transaction's
    # write_date), their customers grouped again
    cr.execute("UPDATE sale_order SET write_date = now() + interval '1 minute' WHERE id % 1000 = 0")
    cr.execute(
        "SELECT COUNT(DISTINCT p.commercial_partner_id) FROM sale_order s"
        " JOIN res_partner p ON p.id = s.partner_id WHERE s.id % 1000 = 0 AND s.state = 'sale'"
    )
    touched = cr.fetchone()[0]
    cr.execute("TRUNCATE psseg_value")
    t0 = time.perf_counter()
    scoring.compute_values(metrics, None, today)
    t_day = time.perf_counter() - t0
    rows.append(
        (
            f"The same after one order in 1,000 was written ({touched:,} customers grouped again)",
            f"{t_day:.2f} s",
            f"{t_day / floor:.2f}× the floor",
            "",
        )
    )
    # a run's first day: fitted and scored from one grouping of the orders
    best_run = None
    for _i in range(2):
        cr.execute("TRUNCATE psseg_value")
        forecast.write({"fit_day": False})
        t0 = time.perf_counter()
        scoring.compute_values(metrics, None, today, fit=True)
        spent = time.perf_counter() - t0
        best_run = spent if best_run is None else min(best_run, spent)
    # a run's fit alone: its inputs read from the run's table of the
    # customers' figures (filled for the scoring anyway), then the fits
    universe = classify._fill_universe(env, forecast)
    store.refresh(forecast, scoring.source_metric(forecast), today)
    name = "psseg_fc_bench_customers"
    table = SQL.identifier(name)
    with scoring.work_mem(cr):
        cr.execute(
            scoring_sql.create_customers(
                name,
                store.select_customers(
                    forecast, today, None, SQL("SELECT u.id FROM %s u", universe)
                ),
            )
        )
    best_fit = None
    for _i in range(2):
        t0 = time.perf_counter()
        forecast._fit(today, customers=table)
        spent = time.perf_counter() - t0
        best_fit = spent if best_fit is None else min(best_fit, spent)
    cr.execute(SQL("DROP TABLE %s", table))
    rows.append(
        (
            "A run's fit alone (its inputs read from the run's table of the customers' "
            "figures, then the fits), best of 2",
            f"{best_fit:.2f} s",
            f"{forecast.state}",
            "≤ 10 s at 1M",
        )
    )
    rows.append(
        (
            "A run's fit and scoring of the forecast (the customers' figures kept)",
            f"{best_run:.2f} s",
            f"{best_run / floor:.2f}× the floor; fit then scoring apart "
            f"{t_refit + best:.2f} s; {forecast.state}",
            "",
        )
    )
    return rows


def main():
    args, registry = open_bench()
    from odoo.addons.partner_segmentation.engine import run_sql, run_state
    from odoo.addons.partner_segmentation.models.forecast import scoring, store

    rows = []
    with registry.cursor() as cr:
        env = api.Environment(cr, SUPERUSER_ID, {})
        today = datetime.date.today()
        floor = time_floor(cr, today)
        forecast = env.ref("partner_segmentation.forecast_orders")
        # the first reading of the fit's inputs groups every customer's
        # figures and keeps them; the next ones check the orders and read
        # the kept figures, as a fit does every day after
        store.forget(forecast)
        t0 = time.perf_counter()
        inputs = scoring.fit_inputs(forecast, today)
        t_first = time.perf_counter() - t0
        rss_inputs = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        # their sizes only: the fits read them again, as a fit does
        triples, spends = len(inputs["x"]), len(inputs["spend_x"])
        del inputs
        t0 = time.perf_counter()
        scoring.fit_inputs(forecast, today)
        t_inputs = time.perf_counter() - t0
        # a fit from the form (its inputs read, then the models fitted), twice
        forecast.write({"state": "new", "fit_day": False})
        t0 = time.perf_counter()
        forecast._fit(today)
        t_fit = time.perf_counter() - t0
        t0 = time.perf_counter()
        forecast._fit(today)
        t_refit = time.perf_counter() - t0
        rss_fit = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            (
                f"Fit of the shipped forecast from the form ({forecast.customer_count:,} "
                f"customers, {triples:,} distinct (x, t_x, T), {spends:,} distinct (x, m))",
                f"{t_fit:.2f} s",
                f"of which reading its inputs (the orders checked, the kept figures read) "
                f"{t_inputs:.2f} s, the fits {t_fit - t_inputs:.2f} s; again {t_refit:.2f} s; "
                f"the first reading, every customer's figures grouped and kept, "
                f"{t_first:.2f} s; {forecast.state}"
                + (f": {forecast.error}" if forecast.error else ""),
                "≤ 10 s at 1M",
            )
        )
        cr.execute(run_sql.CREATE_WORK_TABLES)
        with run_state.attached(env):
            rows += scoring_rows(env, forecast, floor, t_refit)
        t0 = time.perf_counter()
        forecast._backtest(today)
        t_back = time.perf_counter() - t0
        rows.append(
            (
                f"Back-test over {forecast.backtest_days} days",
                f"{t_back:.2f} s",
                forecast.backtest_error or "",
                "",
            )
        )
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        rows.append(
            (
                "Peak RSS (after reading the figures / the fits / at the end)",
                f"{rss_inputs:.0f} / {rss_fit:.0f} / {rss:.0f} MB",
                "",
                "≤ 500 MB",
            )
        )
        cr.rollback()
    lines = [
        f"### Forecasts ({args.size})",
        "",
        "| measure | value | ratio | target |",
        "| --- | --- | --- | --- |",
        *(f"| {a} | {b} | {c} | {d} |" for a, b, c, d in rows),
    ]
    write_results(args.size, lines)


if __name__ == "__main__":
    main()
