"""The capacity and demand workbook: the sheet the import reads back, and an About sheet.

Sheet "Capacity and demand": a header row (Code, Service type, Figure, then each month of
the plan, "April 2025" …), then for each service type a Demand row and a Capacity row (the
inputs, in people) and a Gap row (capacity less demand, worked out again on import, never
read), and the schemes that fund it. Laid out and printed as every workbook of the app
(plans/workbooks.py)."""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill, Protection

from plans import workbooks
from plans.models import Plan
from schemes.capacity.selectors import CapacityPlan

SHEET = "Capacity and demand"
CODE, SERVICE, FIGURE, SCHEMES = "Code", "Service type", "Figure", "Schemes funding it"
DEMAND, CAPACITY, GAP = "Demand", "Capacity", "Gap (capacity less demand)"
COUNT_FORMAT = "#,##0"
_SHORTFALL = PatternFill("solid", fgColor="F6D5D3")


def month_header(month) -> str:
    return f"{month:%B %Y}"


def capacity_workbook(data: CapacityPlan, *, plan: Plan) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    headers = [CODE, SERVICE, FIGURE] + [month_header(m) for m in data.months] + [SCHEMES]
    for column, header in enumerate(headers, start=1):
        workbooks.text_cell(sheet.cell(row=1, column=column), header).font = Font(bold=True)
    row_number = 2
    for row in data.rows:
        schemes = "; ".join(s.name for s in row.schemes)
        for figure, name in ((DEMAND, "demand"), (CAPACITY, "capacity"), (GAP, "gap")):
            workbooks.text_cell(sheet.cell(row=row_number, column=1), row.service_type.code)
            workbooks.text_cell(sheet.cell(row=row_number, column=2), row.service_type.label)
            workbooks.text_cell(sheet.cell(row=row_number, column=3), figure)
            for offset, month in enumerate(row.months):
                cell = sheet.cell(row=row_number, column=4 + offset, value=getattr(month, name))
                cell.number_format = COUNT_FORMAT
                if name != "gap":
                    cell.protection = Protection(locked=False)
                elif month.shortfall:
                    cell.fill = _SHORTFALL
            workbooks.text_cell(sheet.cell(row=row_number, column=len(headers)), schemes)
            row_number += 1
    sheet.freeze_panes = "D2"
    workbooks.fit_columns(sheet)
    workbooks.print_layout(sheet, header_rows=[1], landscape=True)
    workbooks.protect(sheet)
    about = book.create_sheet("About")
    lines = [
        ("Plan", plan.title),
        ("Area", plan.area.name),
        ("Version", plan.version_label),
        ("Framework", plan.framework.name if plan.framework else "None"),
        ("Figures", "People per month: demand expected and capacity planned."),
        ("Service types", data.rows[0].service_type.source if data.rows else "None"),
        (
            "Importing",
            "Change the Demand and Capacity rows and import the workbook on the plan's "
            "capacity and demand page. A blank cell keeps a figure; “none” clears it. Gap "
            "rows are worked out again, never read.",
        ),
    ]
    for number, (label, text) in enumerate(lines, start=1):
        workbooks.text_cell(about.cell(row=number, column=1), label).font = Font(bold=True)
        workbooks.text_cell(about.cell(row=number, column=2), text)
    workbooks.fit_columns(about)
    workbooks.print_layout(about, landscape=False)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
