#!/usr/bin/env python3
# Regenerate data/dashboards/*.json: python3 scripts/dashboard_json.py data/dashboards
"""Writes the two dashboard files (live and sample) of the Customer Segmentation dashboard."""

import json
import sys

OUT = sys.argv[1]
VERSION = 21
BASE = {
    "version": VERSION,
    "styles": {
        "1": {"textColor": "#01666b", "bold": True, "fontSize": 16},
        "2": {"textColor": "#434343", "fontSize": 11, "bold": True},
    },
    "formats": {},
    "borders": {"1": {"bottom": {"style": "thin", "color": "#CCCCCC"}}},
    "revisionId": "START_REVISION",
    "uniqueFigureIds": True,
    "settings": {
        "locale": {
            "name": "English (US)",
            "code": "en_US",
            "thousandsSeparator": ",",
            "decimalSeparator": ".",
            "dateFormat": "mm/dd/yyyy",
            "timeFormat": "hh:mm:ss",
            "formulaArgSeparator": ",",
            "weekStart": 7,
        }
    },
    "pivots": {},
    "pivotNextId": 1,
    "customTableStyles": {},
    "odooVersion": 12,
    "globalFilters": [],
    "lists": {},
    "listNextId": 1,
}


def sheet(sid, name, cells, figures, rows=60):
    styles, borders = {}, {}
    for ref, cell in cells.items():
        if "style" in cell:
            styles[ref] = cell.pop("style")
        if "border" in cell:
            borders[ref] = cell.pop("border")
    return {
        "id": sid,
        "name": name,
        "colNumber": 8,
        "rowNumber": rows,
        "rows": {"0": {"size": 40}},
        "cols": {
            "0": {"size": 250},
            "1": {"size": 120},
            "2": {"size": 120},
            "3": {"size": 120},
            "4": {"size": 250},
            "5": {"size": 340},
        },
        "merges": [],
        "cells": cells,
        "styles": styles,
        "formats": {},
        "borders": borders,
        "conditionalFormats": [],
        "figures": figures,
        "tables": [],
        "areGridLinesVisible": False,
        "isVisible": True,
        "headerGroups": {"ROW": [], "COL": []},
        "dataValidationRules": [],
        "comments": {},
    }


def link(title, model, view, context, domain):
    action = {
        "viewType": view,
        "action": {
            "domain": domain,
            "context": context,
            "modelName": model,
            "views": [[False, view], [False, "list"], [False, "search"]],
        },
        "threshold": 0,
        "name": title,
    }
    return {"content": f"[{title}](odoo://view/{json.dumps(action)})", "style": 1, "border": 1}


# (title, y, model, chart type, groupBy, measure, domain, stacked, link view)
CHARTS = [
    (
        "Distribution: Value ABC",
        1,
        "partner.segment.report.distribution",
        "odoo_bar",
        ["segment_id"],
        "partner_count",
        [["scheme_id.code", "=", "value_abc"]],
        False,
        "pivot",
    ),
    (
        "Revenue by Customer Size",
        1,
        "partner.segment.report.distribution",
        "odoo_pie",
        ["segment_id"],
        "revenue",
        [["scheme_id.code", "=", "size"]],
        False,
        "pivot",
    ),
    (
        "Lifecycle over Time",
        23,
        "partner.segment.report.size",
        "odoo_line",
        ["date:month", "segment_id"],
        "partner_count",
        [["scheme_id.code", "=", "lifecycle"]],
        False,
        "graph",
    ),
    (
        "Movers of the Last 30 Days, by New Segment",
        45,
        "partner.segment.report.migration",
        "odoo_bar",
        ["to_segment_id"],
        "partner_count",
        [],
        False,
        "pivot",
    ),
    (
        "Win-back Results",
        45,
        "partner.segment.winback.line",
        "odoo_pie",
        ["outcome"],
        "__count",
        [],
        False,
        "list",
    ),
]


def live():
    cells, figures = {"A1": {"content": '=_t("Customer Segmentation")', "style": 1}}, []
    for i, (title, row, model, ctype, groupby, measure, domain, stacked, view) in enumerate(CHARTS):
        col = "A" if i in (0, 2, 3) else "E"
        if i == 2:
            col = "A"
        cells[f"{col}{row + 2}"] = link(title, model, view, {"group_by": groupby}, domain)
        # two charts a row fill the sheet's 1,200 px; the title is the linked
        # cell above each chart, so the chart itself has none
        x = 0 if col == "A" else 610
        width = 1200 if i == 2 else 590
        figures.append(
            {
                "id": f"psseg-chart-{i + 1}",
                "x": x,
                "y": (row + 2) * 23 + 20,
                "width": width,
                "height": 420,
                "tag": "chart",
                "data": {
                    "title": {},
                    "background": "#FFFFFF",
                    "legendPosition": "top" if len(groupby) > 1 or ctype == "odoo_pie" else "none",
                    "metaData": {
                        "groupBy": groupby,
                        "measure": measure,
                        "order": None,
                        "resModel": model,
                        "mode": ctype.split("_")[1],
                    },
                    "searchParams": {
                        "comparison": None,
                        "context": {"group_by": groupby},
                        "domain": domain,
                        "groupBy": groupby,
                        "orderBy": [],
                    },
                    "type": ctype,
                    "verticalAxisPosition": "left",
                    "stacked": stacked,
                    "fieldMatching": {},
                    "cumulative": False,
                    "fillArea": False,
                },
            }
        )
    data = dict(
        BASE,
        sheets=[sheet("psseg-dashboard", "Dashboard", cells, figures)],
        chartOdooMenusReferences={
            f["id"]: "partner_segmentation.menu_segmentation_report_distribution" for f in figures
        },
    )
    return data


SAMPLE = {
    0: [("A", 12), ("B", 19), ("C", 29)],
    1: [("VIP", 410000), ("Large", 260000), ("Medium", 120000), ("Small", 30000)],
    3: [("Regular", 4), ("At risk", 3), ("Lost", 2), ("New", 2)],
    4: [("Won back", 5), ("Declined", 2), ("No answer", 4)],
}
LIFECYCLE = ["Regular", "Occasional", "At risk", "Lost"]
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]


def sample():
    data_cells, figures = {}, []
    cells = {"A1": {"content": '=_t("Customer Segmentation")', "style": 1}}
    row = 1
    for i, (title, r, *_rest) in enumerate(CHARTS):
        col = "A" if i in (0, 2, 3) else "E"
        cells[f"{col}{r + 2}"] = {"content": f'=_t("{title}")', "style": 1, "border": 1}
        # two charts a row fill the sheet's 1,200 px; the title is the linked
        # cell above each chart, so the chart itself has none
        x = 0 if col == "A" else 610
        width = 1200 if i == 2 else 590
        if i == 2:
            start = row
            data_cells[f"A{row}"] = {"content": "Month"}
            for j, name in enumerate(LIFECYCLE):
                data_cells[f"{'BCDE'[j]}{row}"] = {"content": f'=_t("{name}")'}
            for m, month in enumerate(MONTHS):
                data_cells[f"A{row + 1 + m}"] = {"content": f'=_t("{month}")'}
                for j in range(len(LIFECYCLE)):
                    data_cells[f"{'BCDE'[j]}{row + 1 + m}"] = {
                        "content": str([20, 8, 5, 3][j] + (m * (j + 1)) % 7)
                    }
            end = row + len(MONTHS)
            chart = {
                "type": "line",
                "dataSetsHaveTitle": True,
                "dataSets": [
                    {"dataRange": f"Data!{c}{start}:{c}{end}", "yAxisId": "y"} for c in "BCDE"
                ],
                "legendPosition": "top",
                "labelRange": f"Data!A{start + 1}:A{end}",
                "title": {},
                "stacked": False,
                "aggregated": False,
                "cumulative": False,
                "labelsAsText": True,
            }
            row = end + 2
        else:
            start = row
            for k, (label, value) in enumerate(SAMPLE[i]):
                data_cells[f"A{row + k}"] = {"content": f'=_t("{label}")'}
                data_cells[f"B{row + k}"] = {"content": str(value)}
            end = row + len(SAMPLE[i]) - 1
            ctype = "pie" if "pie" in CHARTS[i][3] else "bar"
            chart = {
                "type": ctype,
                "dataSetsHaveTitle": False,
                "dataSets": [{"dataRange": f"Data!B{start}:B{end}", "yAxisId": "y"}],
                "legendPosition": "top" if ctype == "pie" else "none",
                "labelRange": f"Data!A{start}:A{end}",
                "title": {},
                "stacked": False,
                "aggregated": False,
            }
            row = end + 2
        figures.append(
            {
                "id": f"psseg-sample-{i + 1}",
                "x": x,
                "y": (r + 2) * 23 + 20,
                "width": width,
                "height": 420,
                "tag": "chart",
                "data": chart,
            }
        )
    return dict(
        BASE,
        sheets=[
            sheet("psseg-dashboard", "Dashboard", cells, figures),
            sheet("psseg-data", "Data", data_cells, [], rows=80),
        ],
    )


for filename, content in (
    ("segmentation_dashboard.json", live()),
    ("segmentation_sample_dashboard.json", sample()),
):
    with open(f"{OUT}/{filename}", "w") as out:
        json.dump(content, out, indent=1)
