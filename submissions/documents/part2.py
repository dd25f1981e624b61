"""The Part 2 workbook (metrics and finance) of NHS England's BCF planning template.

Sheets: Cover, Summary, Funding Sources, Expenditure Plan, Metrics. Cells a planner fills
in are styled as inputs; numbers are numbers, money is formatted in pounds, and text is
written through `plans.exports.safe_cell`, so no cell is read as a formula.

The same workbook comes back: `part2_import` (submissions/documents/services.py) checks
every cell of the Expenditure Plan first (errors by sheet, row and column; nothing is written
when any is wrong), then changes only the schemes whose cells changed, through
`schemes.services.scheme_update`.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from metrics.selectors import metrics_overview
from plans.exports import cell_text, safe_cell
from plans.models import Plan
from plans.money import MoneyError, parse_money
from plans.spreadsheets import SpreadsheetError, read_xlsx
from schemes.models import AreaOfSpend, Scheme, SchemeSubType, SchemeType
from schemes.selectors import budget_column, plan_budget_summary, scheme_list
from submissions.documents.part1 import source_version

MONEY_FORMAT = '"£"#,##0.00'
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
        cell = sheet.cell(row=row, column=column, value=safe_cell(header))
        cell.font, cell.fill, cell.border = _HEADER, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        sheet.column_dimensions[get_column_letter(column)].width = max(12, min(40, len(header) + 4))
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


def _put(sheet, row: int, column: int, value, *, money=False, number_format=None, entry=False):
    """Write one cell: text made safe, numbers as numbers, inputs styled as inputs."""
    if isinstance(value, Decimal):
        value = float(value) if value != value.to_integral_value() else int(value)
    cell = sheet.cell(row=row, column=column, value=safe_cell(value))
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
        _put(sheet, offset, 4, sign_off.signed_on, number_format="d mmmm yyyy")
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
    for column, year in enumerate(years, start=3):
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
            (scheme.get_status_display(), {}),
        ]
        for column, (value, style) in enumerate(values, start=1):
            _put(sheet, row, column, value, **style)
    sheet.column_dimensions["B"].width = 40
    sheet.column_dimensions["C"].width = 50


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
            _put(sheet, row, 6, figure.start, number_format="d mmm yyyy")
            _put(sheet, row, 7, figure.end, number_format="d mmm yyyy")
            _put(sheet, row, 8, figure.value, number_format=FIGURE_FORMAT)
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
    workbook.properties.title = f"{plan.title} ({source_version(plan)}) – Part 2"
    workbook.properties.language = "en-GB"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- Import -----------------------------------------------------------------------------


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # the column's letter and header: "M (2014/15 (£))"
    message: str

    def __str__(self):
        return f"{self.sheet}, row {self.row}, column {self.column}: {self.message}"


@dataclass
class ImportResult:
    errors: list[CellError] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)  # names of the schemes changed


def _text(value) -> str:
    """A cell as text, without the quotes `safe_cell` put before a formula-like start."""
    return cell_text(value)


def _cell(value):
    """A cell's number as it is, or its text without the quote `safe_cell` added."""
    return _text(value) if isinstance(value, str) else value


def _percent(value) -> Decimal | None:
    """A share from 0 to 100 (a number, or text such as "40" or "40%")."""
    if value is None or isinstance(value, bool):
        if value is None:
            return None
        raise ValueError
    text = _text(value).rstrip("%").strip() if isinstance(value, str) else str(value)
    if not text:
        return None
    try:
        share = Decimal(text)
    except InvalidOperation as error:
        raise ValueError from error
    if not share.is_finite() or not 0 <= share <= 100 or share != share.quantize(Decimal("0.01")):
        raise ValueError
    return share.quantize(Decimal("0.01"))


def _reference(plan: Plan) -> dict[str, dict[str, object]]:
    types = SchemeType.objects.filter(planning_year=plan.first_year)
    return {
        "types": {t.name.lower(): t for t in types},
        "sub_types": {
            (s.scheme_type_id, s.name.lower()): s
            for s in SchemeSubType.objects.filter(scheme_type__in=types)
        },
        "areas": {
            a.name.lower(): a for a in AreaOfSpend.objects.filter(planning_year=plan.first_year)
        },
    }


def _read_rows(plan: Plan, content: bytes, errors: list[CellError]):
    """The Expenditure Plan's rows as {header: value} with their row numbers."""
    try:
        sheet = read_xlsx(content, sheet=SHEET_EXPENDITURE, header_row=HEADER_ROW)
    except SpreadsheetError as error:
        errors.append(CellError(SHEET_EXPENDITURE, 0, "–", str(error)))
        return [], {}
    headers = [_text(h) for h in sheet.headers]
    letters = {h: f"{get_column_letter(i)} ({h})" for i, h in enumerate(headers, 1) if h}
    for header in expenditure_headers(plan):
        if header not in headers:
            errors.append(
                CellError(SHEET_EXPENDITURE, HEADER_ROW, header, "This column is missing.")
            )
    records = []
    for number, record in sheet.records:
        record = {_text(h): v for h, v in record.items() if _text(h)}
        if any(_text(v) for v in record.values()):
            records.append((number, record))
    return records, letters


def part2_changes(plan: Plan, content: bytes) -> tuple[list[tuple[Scheme, dict]], list[CellError]]:
    """Check every cell; return each scheme with the fields that differ, and every error."""
    errors: list[CellError] = []
    records, letters = _read_rows(plan, content, errors)
    if errors:
        return [], errors
    schemes = {
        s.name.lower(): s
        for s in scheme_list(plan=plan).select_related("scheme_type", "sub_type", "area_of_spend")
    }
    reference = _reference(plan)
    commissioners = {label.lower(): value for value, label in COMMISSIONER_LABELS.items()}
    commissioners[""] = ""
    changes, seen = [], set()
    for number, record in records:

        def bad(header, message, number=number):
            errors.append(CellError(SHEET_EXPENDITURE, number, letters[header], message))

        scheme = schemes.get(_text(record.get(COL_NAME)).lower())
        if scheme is None:
            bad(COL_NAME, "This is not the name of one of this plan's schemes.")
            continue
        if scheme.pk in seen:
            bad(COL_NAME, "This scheme is on another row too.")
            continue
        seen.add(scheme.pk)
        fields: dict = {}
        for header, name in (
            (COL_ID, "reference"),
            (COL_DESCRIPTION, "description"),
            (COL_PROVIDER, "provider"),
            (COL_SOURCE, "source_of_funding"),
        ):
            value = _text(record.get(header))
            limit = Scheme._meta.get_field(name).max_length
            if limit and len(value) > limit:
                bad(header, f"Use at most {limit} characters.")
            elif value != getattr(scheme, name):
                fields[name] = value
        commissioner = commissioners.get(_text(record.get(COL_COMMISSIONER)).lower())
        if commissioner is None:
            bad(COL_COMMISSIONER, "Use CCG, Local authority or Joint, or leave it empty.")
        elif commissioner != scheme.commissioner:
            fields["commissioner"] = commissioner
        try:
            share = _percent(record.get(COL_NHS))
        except ValueError:
            bad(COL_NHS, "Enter a percentage from 0 to 100.")
        else:
            if share != scheme.nhs_share_percent:
                fields["nhs_share_percent"] = share
        chosen = {}
        for header, name, lookup in (
            (COL_TYPE, "scheme_type", reference["types"]),
            (COL_AREA, "area_of_spend", reference["areas"]),
        ):
            label = _text(record.get(header))
            chosen[name] = lookup.get(label.lower()) if label else None
            if label and chosen[name] is None:
                bad(header, f"“{label}” is not one of the {header.lower()}s for this year.")
        label = _text(record.get(COL_SUB_TYPE))
        sub_type = None
        if label:
            type_id = chosen["scheme_type"].pk if chosen["scheme_type"] else None
            sub_type = reference["sub_types"].get((type_id, label.lower()))
            if sub_type is None:
                bad(COL_SUB_TYPE, f"“{label}” is not a sub type of the scheme type.")
        chosen["sub_type"] = sub_type
        for name, value in chosen.items():
            if getattr(scheme, f"{name}_id") != (value.pk if value else None):
                fields[name] = value
        budgets = {}
        for year in plan.years:
            header = _year_header(year)
            try:
                amount = parse_money(_cell(record.get(header)), allow_negative=False)
            except MoneyError as error:
                bad(header, str(error))
                continue
            if amount != getattr(scheme, budget_column(year.start_year)):
                budgets[year.start_year] = amount
        if budgets:
            fields["budgets"] = budgets
        if fields:
            changes.append((scheme, fields))
    return changes, errors
