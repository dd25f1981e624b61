"""A quarterly return's documents: the report for the board (PDF, in the shape of the June
2017 Health and Wellbeing Board report) and NHS England's quarterly workbook (.xlsx).

Both are made from the return's frozen `snapshot` only, never from live data: what was
approved is what is printed, whatever has changed in the plan since. The job handlers
("render-return-pdf", "render-return-xlsx") store them as Documents of the return.
"""

from __future__ import annotations

import io
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from openpyxl import Workbook

from plans import presentation, workbooks
from plans.presentation import MONTH_PRECISION, date_text
from submissions.documents.part2 import (
    _HEADER,
    HEADER_ROW,
    _headers,
    _put,
    _sheet,
)
from submissions.models import Document, QuarterlyReturn
from submissions.selectors import with_metric_units

JOB_KINDS = {
    Document.Kind.RETURN_PDF: "render-return-pdf",
    Document.Kind.RETURN_XLSX: "render-return-xlsx",
}

WORKBOOK_SHEETS = (
    "Cover",
    "Budget arrangements",
    "National Conditions",
    "Income and Expenditure",
    "Metrics",
    "Narrative",
)


def return_source_version(ret: QuarterlyReturn) -> str:
    """The return version a document comes from, as people say it: "2016/17 Q4 v1"."""
    snapshot = ret.snapshot or {}
    label = (snapshot.get("period") or {}).get("label") or ret.period_label
    return f"{label} v{snapshot.get('version', ret.version)}"


def _snapshot(ret: QuarterlyReturn) -> dict:
    if not ret.snapshot:
        raise ValidationError("Prepare the return first: there are no figures to print yet.")
    return ret.snapshot


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


# The report for the board (PDF) ----------------------------------------------------------


def return_context(ret: QuarterlyReturn) -> dict:
    """What the report prints: the snapshot, and the version label. Nothing else is read."""
    data = with_metric_units(_snapshot(ret))
    return {"data": data, "version": return_source_version(ret)}


def return_html(ret: QuarterlyReturn) -> str:
    return render_to_string("submissions/documents/return_report.html", return_context(ret))


def return_pdf(ret: QuarterlyReturn) -> bytes:
    """The board report as tagged PDF bytes (title, language, bookmarks, page footer)."""
    from governance.pdf import html_to_pdf

    return html_to_pdf(return_html(ret), tagged=True)


# NHS England's quarterly workbook (.xlsx) ------------------------------------------------


def _money(sheet, row: int, column: int, value):
    return _put(sheet, row, column, _decimal(value), money=True)


def _pairs(sheet, rows: list[tuple[str, object]], *, start: int = HEADER_ROW) -> int:
    for offset, (label, value) in enumerate(rows):
        _put(sheet, start + offset, 1, label).font = _HEADER
        _put(sheet, start + offset, 2, value)
    sheet.column_dimensions["A"].width = 44
    sheet.column_dimensions["B"].width = 60
    return start + len(rows)


def _cover(workbook: Workbook, data: dict, version: str) -> None:
    sheet = _sheet(workbook, "Cover", "Better Care Fund quarterly reporting template")
    period = data["period"]
    _pairs(
        sheet,
        [
            ("Health and Wellbeing Board", data["plan"]["area"]),
            ("Plan", data["plan"]["title"]),
            ("Financial year", period["year"]),
            ("Quarter", f"Q{period['quarter']}"),
            ("Return version", version),
            ("Figures as at", None),
        ],
    )
    workbooks.date_cell(sheet.cell(row=HEADER_ROW + 5, column=2), period["as_of"])


def _budget(workbook: Workbook, data: dict) -> None:
    sheet = _sheet(workbook, "Budget arrangements", "The pooled budget and the funds held in it")
    finance = data["finance"]
    pooled = finance["pooled_budget"]
    row = _pairs(sheet, [("Pooled budget agreed (£)", None), ("Minimum contributions (£)", None)])
    _money(sheet, HEADER_ROW, 2, pooled["agreed_total"])
    _money(sheet, HEADER_ROW + 1, 2, pooled["minimum_required"])
    start = row + 1
    _headers(
        sheet,
        ["Fund", "Kind", "Amount (£)", "Released (£)", "Balance (£)", "What the source says"],
        row=start,
    )
    sheet.freeze_panes = None
    for offset, fund in enumerate(finance["funds"], start=start + 1):
        _put(sheet, offset, 1, fund["name"])
        _put(sheet, offset, 2, fund["kind"])
        _money(sheet, offset, 3, fund["amount"])
        _money(sheet, offset, 4, fund["released"])
        _money(sheet, offset, 5, fund["balance"])
        _put(sheet, offset, 6, fund.get("source_conflict", ""))


def _conditions(workbook: Workbook, data: dict) -> None:
    sheet = _sheet(workbook, "National Conditions", "The plan's status against each condition")
    _headers(sheet, ["Condition", "Status", "Expected by", "Narrative"])
    for row, condition in enumerate(data["conditions"], start=HEADER_ROW + 1):
        _put(sheet, row, 1, condition["title"])
        _put(sheet, row, 2, condition["status_label"])
        _put(sheet, row, 3, None)
        cell = sheet.cell(row=row, column=3)
        if condition.get("expected_date_precision") == MONTH_PRECISION:
            # The source gives the month only: written so, never as the 1st of it.
            workbooks.text_cell(cell, date_text(condition["expected_date"], MONTH_PRECISION))
        else:
            workbooks.date_cell(cell, condition["expected_date"])
        _put(sheet, row, 4, condition["narrative"])
    sheet.column_dimensions["A"].width = sheet.column_dimensions["D"].width = 50


def _income_and_expenditure(workbook: Workbook, data: dict) -> None:
    sheet = _sheet(
        workbook, "Income and Expenditure", "Plan, forecast outturn and actual spend to date"
    )
    finance = data["finance"]
    headers = ["Theme", "Scheme", "Plan (£)", "Forecast (£)", "Actual to date (£)", "Variance (£)"]
    _headers(sheet, headers)
    row = HEADER_ROW + 1
    keys = ("plan", "forecast", "actual_to_date", "variance")
    for theme in finance["themes"]:
        _put(sheet, row, 1, theme["name"]).font = _HEADER
        _put(sheet, row, 2, "All schemes of the theme")
        for column, key in enumerate(keys, start=3):
            _money(sheet, row, column, theme[key])
        row += 1
        for scheme in theme["schemes"]:
            _put(sheet, row, 1, theme["name"])
            _put(sheet, row, 2, scheme["name"])
            for column, key in enumerate(keys, start=3):
                _money(sheet, row, column, scheme[key])
            row += 1
    line = finance.get("not_by_scheme")
    if line:
        _put(sheet, row, 1, "Not broken down by scheme")
        _put(sheet, row, 2, line.get("note") or "")
        _money(sheet, row, 4, line["forecast"])
        _money(sheet, row, 5, line["actual_to_date"])
        row += 1
    _put(sheet, row, 1, "Total").font = _HEADER
    _put(sheet, row, 2, "Pooled budget")
    _money(sheet, row, 3, finance["pooled_budget"]["agreed_total"])
    _money(sheet, row, 4, finance["forecast"])
    _money(sheet, row, 5, finance["actual_to_date"])
    _money(sheet, row, 6, finance["variance"])
    sheet.column_dimensions["A"].width = sheet.column_dimensions["B"].width = 40


def _metrics(workbook: Workbook, data: dict) -> None:
    sheet = _sheet(workbook, "Metrics", "Each metric against its trajectory")
    headers = [
        "Metric",
        "Quarter target",
        "Quarter actual",
        "Quarter status",
        "Year-to-date period",
        "Year-to-date target",
        "Year-to-date actual",
        "Year-to-date status",
        "Annual target",
        "Forecast",
    ]
    _headers(sheet, headers)
    for row, metric in enumerate(data["metrics"], start=HEADER_ROW + 1):
        quarter = metric.get("quarter") or {}
        ytd = metric.get("year_to_date") or {}
        forecast = metric.get("forecast") or {}
        unit = metric.get("unit")
        figure = presentation.EXCEL_FORMATS[presentation.kind_of(unit)]
        count = presentation.EXCEL_FORMATS[presentation.COUNT]

        def value(raw, unit=unit):
            return presentation.metric_number(raw, unit)

        _put(sheet, row, 1, metric["name"])

        def shown(raw, unit=unit):
            return presentation.metric_excel_format(raw, unit)

        _put(
            sheet, row, 2, value(quarter.get("target")), number_format=shown(quarter.get("target"))
        )
        _put(sheet, row, 3, value(quarter.get("value")), number_format=shown(quarter.get("value")))
        _put(sheet, row, 4, quarter.get("status_label") or "No figure")
        _put(sheet, row, 5, ytd.get("period") or "")
        _put(sheet, row, 6, value(ytd.get("target")), number_format=shown(ytd.get("target")))
        _put(sheet, row, 7, value(ytd.get("value")), number_format=shown(ytd.get("value")))
        _put(sheet, row, 8, ytd.get("status_label") or "No figure")
        _put(sheet, row, 9, value(metric.get("annual_target")), number_format=figure)
        _put(sheet, row, 10, value(forecast.get("count"), "count"), number_format=count)
    sheet.column_dimensions["A"].width = 50


def _narrative(workbook: Workbook, data: dict) -> None:
    sheet = _sheet(workbook, "Narrative", "Highlights and successes, and challenges")
    narrative = data.get("narrative") or {}
    _pairs(
        sheet,
        [
            ("Highlights and successes", narrative.get("highlights", "")),
            ("Challenges", narrative.get("challenges", "")),
        ],
    )


def return_workbook(ret: QuarterlyReturn) -> bytes:
    """NHS England's quarterly workbook of the return: numbers as numbers, money in £,
    text through `safe_cell`; every figure read from the snapshot."""
    data = with_metric_units(_snapshot(ret))
    version = return_source_version(ret)
    workbook = Workbook()
    workbook.remove(workbook.active)
    _cover(workbook, data, version)
    _budget(workbook, data)
    _conditions(workbook, data)
    _income_and_expenditure(workbook, data)
    _metrics(workbook, data)
    _narrative(workbook, data)
    for sheet in workbook.worksheets:
        workbooks.fit_columns(sheet, first_row=HEADER_ROW)
        workbooks.print_layout(sheet, header_rows=(1, HEADER_ROW))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
