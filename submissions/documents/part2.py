"""The Part 2 workbook (metrics and finance) of NHS England's BCF planning template.

Sheets: Cover, Summary, Funding Sources, Expenditure Plan, Metrics. Cells a planner fills
in are styled as inputs, with drop-downs where only listed values are taken; numbers are
numbers, money is formatted in pounds, dates are dates, and text is stored as text, so no
cell is read as a formula. Every sheet prints fitted to the page width with its header rows
repeated (plans/workbooks.py).

The same workbook comes back, every sheet: submissions/documents/part2_import.py.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side

from metrics.selectors import metrics_overview
from plans import presentation, workbooks
from plans.models import Plan
from schemes.models import AreaOfSpend, SchemeSubType, SchemeType
from schemes.selectors import budget_column, plan_budget_summary, scheme_list
from submissions.documents.part1 import source_version

MONEY_FORMAT = workbooks.MONEY_FORMAT
PERCENT_FORMAT = "0.00"
FIGURE_FORMAT = "#,##0.00##"
HEADER_ROW = 3  # row 1: the sheet's title; row 2: a note; row 3: the column headers

_TITLE = Font(bold=True, size=14)
_HEADER = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EDEE")
# The NHS England templates mark the cells to fill in with a pale yellow.
_INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
_THIN = Side(style="thin", color="AEB7BD")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)

SHEET_EXPENDITURE = "Expenditure Plan"
COL_ID, COL_NAME, COL_DESCRIPTION, COL_THEME = (
    "Scheme ID",
    "Scheme name",
    "Brief description",
    "Theme",
)
COL_TYPE, COL_SUB_TYPE, COL_AREA = "Scheme type", "Sub type", "Area of spend"
COL_COMMISSIONER, COL_NHS, COL_LA = "Commissioner", "% NHS (if joint)", "% LA (if joint)"
COL_PROVIDER, COL_SOURCE, COL_STATUS = "Provider", "Source of funding", "New or existing"
COMMISSIONER_LABELS = {"ccg": "CCG", "la": "Local authority", "joint": "Joint"}


# Written where the source gives a pooled budget only as a total, in place of £0.
NOT_BROKEN_DOWN = "Not broken down in the source"


def _year_header(year) -> str:
    return f"{year.label} (£)"


def _sheet(workbook: Workbook, title: str, note: str):
    sheet = workbook.create_sheet(title)
    sheet["A1"] = title
    sheet["A1"].font = _TITLE
    sheet["A2"] = note
    sheet["A2"].alignment = Alignment(wrap_text=False)
    return sheet


def _headers(sheet, headers: list[str], row: int = HEADER_ROW) -> None:
    for column, header in enumerate(headers, start=1):
        cell = workbooks.text_cell(sheet.cell(row=row, column=column), header)
        cell.font, cell.fill, cell.border = _HEADER, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # A table lower down a sheet never narrows a column the cells above it need.
        workbooks.widen(sheet, column, max(12, min(40, len(header) + 4)))
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _put(sheet, row: int, column: int, value, *, money=False, number_format=None, entry=False):
    """Write one cell: text as text (never a formula), numbers as numbers, dates as dates,
    inputs styled as inputs."""
    if isinstance(value, Decimal):
        value = float(value) if value != value.to_integral_value() else int(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime.date):
        workbooks.date_cell(cell, value)
    else:
        workbooks.text_cell(cell, value)
    cell.border = _BORDER
    if money:
        cell.number_format = MONEY_FORMAT
    elif number_format:
        cell.number_format = number_format
    if entry:
        cell.fill = _INPUT_FILL
        cell.protection = Protection(locked=False)
    return cell


def _cover(workbook: Workbook, plan: Plan) -> None:
    sheet = _sheet(workbook, "Cover", "Better Care Fund planning template – Part 2")
    rows = [
        ("Health and Wellbeing Board", plan.area.name),
        ("Plan", plan.title),
        ("Version", source_version(plan)),
        ("Financial years", plan.years_label),
        ("Status", plan.version_label),
        ("Local authority", str(plan.local_authority or "")),
        ("Clinical commissioning groups", ", ".join(c.name for c in plan.ccgs.all())),
        ("Dates agreed at Health and Wellbeing Board", plan.dates_agreed),
        ("Dates submitted", plan.dates_submitted),
    ]
    for offset, (label, value) in enumerate(rows):
        _put(sheet, HEADER_ROW + offset, 1, label).font = _HEADER
        _put(sheet, HEADER_ROW + offset, 2, value)
    start = HEADER_ROW + len(rows) + 1
    sheet.cell(row=start, column=1, value="Sign-off").font = _HEADER
    _headers(sheet, ["Signed on behalf of", "Name", "Position", "Date"], row=start + 1)
    for offset, sign_off in enumerate(plan.sign_offs.all(), start=start + 2):
        _put(sheet, offset, 1, sign_off.on_behalf_of)
        _put(sheet, offset, 2, sign_off.name)
        _put(sheet, offset, 3, sign_off.position)
        _put(sheet, offset, 4, sign_off.signed_on)
    sheet.freeze_panes = None
    sheet.column_dimensions["A"].width = 45
    sheet.column_dimensions["B"].width = 60


def _summary(workbook: Workbook, plan: Plan) -> None:
    sheet = _sheet(workbook, "Summary", "Pooled budget and what the schemes take (pounds).")
    _headers(
        sheet,
        [
            "Financial year",
            "Minimum required (£)",
            "Total agreed pooled budget (£)",
            "Allocated to schemes (£)",
            "Unallocated (£)",
            "Protected social care in schemes (£)",
            "Protected social care stated (£)",
        ],
    )
    for row, year in enumerate(plan_budget_summary(plan=plan), start=HEADER_ROW + 1):
        _put(sheet, row, 1, year.year.label)
        values = (
            year.minimum_required,
            year.agreed_total,
            year.schemes_total,
            year.unallocated,
            year.protected_social_care,
            year.protected_social_care_stated,
        )
        for column, value in enumerate(values, start=2):
            if year.not_broken_down and column in (4, 5, 6):  # schemes, unallocated, protected
                _put(sheet, row, column, NOT_BROKEN_DOWN)
            else:
                _put(sheet, row, column, value, money=True)


def _funding(workbook: Workbook, plan: Plan) -> None:
    sheet = _sheet(
        workbook, "Funding Sources", "Contributions to the pooled budget by partner (pounds)."
    )
    years = plan.years
    _headers(sheet, ["Organisation", "Contribution", *[_year_header(y) for y in years]])
    rows: dict[tuple, dict[int, Decimal]] = {}
    for contribution in plan.contributions.select_related("organisation"):
        key = (contribution.organisation.name, contribution.get_kind_display())
        rows.setdefault(key, {})[contribution.year] = contribution.amount
    row = HEADER_ROW
    for row, ((organisation, kind), amounts) in enumerate(sorted(rows.items()), HEADER_ROW + 1):
        _put(sheet, row, 1, organisation)
        _put(sheet, row, 2, kind)
        for column, year in enumerate(years, start=3):
            _put(sheet, row, column, amounts.get(year.start_year), money=True, entry=True)
    total_row = row + 1
    _put(sheet, total_row, 1, "Total").font = _HEADER
    not_broken_down = {py.year for py in plan.plan_years.all() if py.not_broken_down and not rows}
    for column, year in enumerate(years, start=3):
        if year.start_year in not_broken_down:  # no partner's share is given: not £0
            _put(sheet, total_row, column, NOT_BROKEN_DOWN).font = _HEADER
            continue
        total = sum((a.get(year.start_year) or Decimal(0) for a in rows.values()), Decimal(0))
        _put(sheet, total_row, column, total, money=True).font = _HEADER


def expenditure_headers(plan: Plan) -> list[str]:
    return [
        COL_ID,
        COL_NAME,
        COL_DESCRIPTION,
        COL_THEME,
        COL_TYPE,
        COL_SUB_TYPE,
        COL_AREA,
        COL_COMMISSIONER,
        COL_NHS,
        COL_LA,
        COL_PROVIDER,
        COL_SOURCE,
        *[_year_header(y) for y in plan.years],
        COL_STATUS,
    ]


def _expenditure(workbook: Workbook, plan: Plan) -> None:
    sheet = _sheet(
        workbook,
        SHEET_EXPENDITURE,
        "One row per scheme; yellow cells can be changed and imported back (pounds).",
    )
    years = plan.years
    _headers(sheet, expenditure_headers(plan))
    schemes = scheme_list(plan=plan).select_related("scheme_type", "sub_type", "area_of_spend")
    for row, scheme in enumerate(schemes, start=HEADER_ROW + 1):
        nhs = scheme.nhs_share_percent
        values = [
            (scheme.reference, {"entry": True}),
            (scheme.name, {}),
            (scheme.description, {"entry": True}),
            (scheme.theme.name, {}),
            (str(scheme.scheme_type or ""), {"entry": True}),
            (str(scheme.sub_type or ""), {"entry": True}),
            (str(scheme.area_of_spend or ""), {"entry": True}),
            (COMMISSIONER_LABELS.get(scheme.commissioner, ""), {"entry": True}),
            (nhs, {"entry": True, "number_format": PERCENT_FORMAT}),
            (None if nhs is None else Decimal(100) - nhs, {"number_format": PERCENT_FORMAT}),
            (scheme.provider, {"entry": True}),
            (scheme.source_of_funding, {"entry": True}),
            *[
                (getattr(scheme, budget_column(y.start_year)), {"entry": True, "money": True})
                for y in years
            ],
            (scheme.status_label, {}),
        ]
        for column, (value, style) in enumerate(values, start=1):
            _put(sheet, row, column, value, **style)
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 50
    _expenditure_inputs(sheet, plan, last_row=HEADER_ROW + max(len(schemes), 1))


def _expenditure_inputs(sheet, plan: Plan, *, last_row: int) -> None:
    """Drop-downs for the inputs that take only listed values (scheme type, sub type, area
    of spend, commissioner), and the sheet protected so that the scheme names the import
    matches rows on cannot be retyped; the yellow input cells stay open."""
    types = SchemeType.objects.filter(planning_year=plan.first_year).order_by("order", "name")
    headers = expenditure_headers(plan)
    lists = {
        COL_TYPE: [t.name for t in types],
        COL_SUB_TYPE: sorted({s.name for s in SchemeSubType.objects.filter(scheme_type__in=types)}),
        COL_AREA: [
            a.name
            for a in AreaOfSpend.objects.filter(planning_year=plan.first_year).order_by(
                "order", "name"
            )
        ],
        COL_COMMISSIONER: list(COMMISSIONER_LABELS.values()),
    }
    titles = {
        COL_TYPE: "Scheme types",
        COL_SUB_TYPE: "Sub types",
        COL_AREA: "Areas of spend",
        COL_COMMISSIONER: "Commissioners",
    }
    for header, values in lists.items():
        workbooks.dropdown(
            sheet,
            column=headers.index(header) + 1,
            first_row=HEADER_ROW + 1,
            last_row=last_row,
            values=values,
            title=titles[header],
        )
    workbooks.protect(sheet)


def _metrics(workbook: Workbook, plan: Plan) -> None:
    sheet = _sheet(workbook, "Metrics", "Baseline and trajectory of each metric.")
    _headers(sheet, ["Number", "Metric", "Unit", "Figure", "Period", "From", "To", "Value"])
    row = HEADER_ROW
    for summary in metrics_overview(plan=plan, with_matrix=False).summaries:
        metric = summary.metric
        figures = ([("Baseline", summary.baseline)] if summary.baseline else []) + [
            ("Target", target) for target in summary.targets
        ]
        for label, figure in figures:
            row += 1
            _put(sheet, row, 1, metric.number)
            _put(sheet, row, 2, metric.name)
            _put(sheet, row, 3, metric.get_unit_display())
            _put(sheet, row, 4, label)
            _put(sheet, row, 5, figure.period_label)
            _put(sheet, row, 6, figure.start)
            _put(sheet, row, 7, figure.end)
            _put(
                sheet,
                row,
                8,
                figure.value,  # exact: the workbook comes back, and an import compares
                number_format=presentation.metric_excel_format(figure.value, metric.unit),
            )
    sheet.column_dimensions["B"].width = 60


def part2_workbook(plan: Plan) -> bytes:
    """The Part 2 workbook of the plan version, as .xlsx bytes."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    _cover(workbook, plan)
    _summary(workbook, plan)
    _funding(workbook, plan)
    _expenditure(workbook, plan)
    _metrics(workbook, plan)
    for sheet in workbook.worksheets:
        if sheet.title == workbooks.LISTS_SHEET:
            continue
        workbooks.fit_columns(sheet, first_row=HEADER_ROW)
        workbooks.print_layout(sheet, header_rows=(1, HEADER_ROW) if sheet.title != "Cover" else ())
    workbook.properties.title = f"{plan.title} ({source_version(plan)}) – Part 2"
    workbook.properties.language = "en-GB"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
