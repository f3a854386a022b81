# License LGPL-3.0 or later (https://www.gnu.org/licenses/lgpl.html).
"""A forecast's back-test: fitted on the history up to N days ago, its
predicted purchase days since against the actual ones, per group of
customers by their repeat purchase days before the cut-off (0, 1, … 7+) —
the calibration/holdout chart of the literature.  Stored as
``partner.segment.forecast.backtest`` lines (one per group and series, for
the chart) and shown as a table on the forecast."""

from odoo import Command, fields

from . import fitting, scoring


def run(forecast, today):
    """Make the back-test of ``forecast`` as of ``today`` (its lines, or
    the reason it cannot be made)."""
    forecast.backtest_line_ids.unlink()
    try:
        lines, _fit = scoring.backtest(forecast, today, forecast.backtest_days)
    except fitting.FitError as exc:
        forecast.write({"backtest_error": str(exc), "backtest_date": fields.Datetime.now()})
        return False
    commands = []
    for group, customers, actual, predicted in lines:
        label = f"{group}+" if group == 7 else str(group)
        for series, value in (("actual", actual), ("predicted", predicted)):
            commands.append(
                Command.create(
                    {
                        "sequence": group,
                        "repeat_purchases": label,
                        "series": series,
                        "customers": customers,
                        "purchase_days": value,
                    }
                )
            )
    forecast.write(
        {
            "backtest_line_ids": commands,
            "backtest_error": False,
            "backtest_date": fields.Datetime.now(),
        }
    )
    return True


def render_table(forecast):
    """The back-test as an HTML table: a row per group (customers, actual,
    predicted) and the total; False without a back-test."""
    rows = {}
    for line in forecast.backtest_line_ids.sorted("sequence"):
        row = rows.setdefault(line.sequence, [line.repeat_purchases, line.customers, 0.0, 0.0])
        row[2 if line.series == "actual" else 3] = line.purchase_days
    if not rows:
        return False
    rows = list(rows.values())
    total = [
        forecast.env._("Total"),
        sum(r[1] for r in rows),
        sum(r[2] for r in rows),
        sum(r[3] for r in rows),
    ]
    return forecast.env["ir.qweb"]._render(
        "partner_segmentation.forecast_backtest_table",
        {"rows": rows, "total": total, "forecast": forecast},
    )
