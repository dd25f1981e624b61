"""Every workbook and CSV the app writes opens and prints as a spreadsheet user expects
(plans/workbooks.py): read back with openpyxl, cell by cell."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from plans import presentation, workbooks
from risks import services as risk_services
from schemes.models import AreaOfSpend, SchemeSubType, SchemeType
from submissions.documents.part2 import HEADER_ROW, SHEET_EXPENDITURE, part2_workbook
from submissions.documents.returns import return_workbook
from submissions.tests.test_documents_returns import prepared  # noqa: F401 (a fixture)

pytestmark = pytest.mark.django_db


def _open(content: bytes):
    return load_workbook(io.BytesIO(content))


def _assert_prints_fitted(sheet, *, title_rows: str | None) -> None:
    setup = sheet.page_setup
    assert int(setup.paperSize) == int(sheet.PAPERSIZE_A4)
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert setup.fitToWidth == 1 and setup.fitToHeight == 0
    assert setup.orientation == ("landscape" if sheet.max_column > 6 else "portrait")
    if title_rows:
        assert sheet.print_title_rows == title_rows


def _money_cells(sheet):
    return [
        cell
        for row in sheet.iter_rows()
        for cell in row
        if isinstance(cell.value, int | float | Decimal) and "£" in cell.number_format
    ]


def test_the_part2_workbook_prints_offers_drop_downs_and_protects_its_key(plan):
    # The planning year's catalogue (reference data, as the sample data's loader makes it).
    kind = SchemeType.objects.create(planning_year=plan.first_year, name="Reablement")
    SchemeSubType.objects.create(scheme_type=kind, name="Step down")
    AreaOfSpend.objects.create(planning_year=plan.first_year, name="Social care")
    workbook = _open(part2_workbook(plan))
    for sheet in workbook.worksheets:
        if sheet.sheet_state == "hidden":
            continue
        _assert_prints_fitted(sheet, title_rows=None if sheet.title == "Cover" else "$1:$3")
    sheet = workbook[SHEET_EXPENDITURE]
    headers = [c.value for c in sheet[HEADER_ROW]]
    lists = {}
    for validation in sheet.data_validations.dataValidation:
        assert validation.type == "list" and validation.showErrorMessage
        column = str(validation.sqref).split(":")[0].rstrip("0123456789")
        lists[headers[ord(column) - ord("A")]] = validation.formula1
    assert set(lists) == {"Scheme type", "Sub type", "Area of spend", "Commissioner"}
    assert lists["Commissioner"] == '"CCG,Local authority,Joint"'
    assert lists["Scheme type"] == '"Reablement"' and lists["Sub type"] == '"Step down"'
    # The key the import matches rows on is locked; the inputs are not.
    assert sheet.protection.sheet
    name_cell = sheet.cell(row=HEADER_ROW + 1, column=headers.index("Scheme name") + 1)
    provider = sheet.cell(row=HEADER_ROW + 1, column=headers.index("Provider") + 1)
    assert name_cell.protection.locked and not provider.protection.locked
    assert all(c.number_format == workbooks.MONEY_FORMAT for c in _money_cells(sheet))
    assert _money_cells(sheet)


def test_the_part2_metrics_are_numbers_at_their_kinds_precision_and_dates_are_dates(plan):
    sheet = _open(part2_workbook(plan))["Metrics"]
    rows = list(sheet.iter_rows(min_row=HEADER_ROW + 1))
    for row in rows:
        assert isinstance(row[5].value, datetime.datetime)  # From: a date cell
        assert row[5].number_format == workbooks.DATE_FORMAT
        assert isinstance(row[7].value, int | float)


def test_the_return_workbook_shows_its_amounts_dates_and_narrative_in_full(prepared):  # noqa: F811
    workbook = _open(return_workbook(prepared))
    for sheet in workbook.worksheets:
        _assert_prints_fitted(sheet, title_rows="$1:$3")
    budget = workbook["Budget arrangements"]
    # The pooled budget's column is wide enough for its amount: no "###".
    amount = budget.cell(row=HEADER_ROW, column=2)
    assert amount.number_format == workbooks.MONEY_FORMAT
    shown = f"£{amount.value:,.2f}"
    assert budget.column_dimensions["B"].width >= len(shown)
    cover = workbook["Cover"]
    as_at = next(row[1] for row in cover.iter_rows() if row[0].value == "Figures as at")
    assert isinstance(as_at.value, datetime.datetime) and as_at.number_format == "d mmmm yyyy"
    narrative = workbook["Narrative"]
    text = next(
        row[1] for row in narrative.iter_rows() if row[0].value == "Highlights and successes"
    )
    assert text.alignment.wrap_text and narrative.column_dimensions["B"].width <= 62
    # Its row is as tall as its wrapped text (a spreadsheet that does not size rows itself
    # would otherwise run it over the rows below), and the row's other cells read from the top.
    width = narrative.column_dimensions["B"].width
    lines = sum(-(-len(line) // (int(width) - 1)) or 1 for line in text.value.splitlines())
    assert lines > 1
    assert narrative.row_dimensions[text.row].height == min(
        workbooks.LINE_HEIGHT * lines, workbooks.MAX_HEIGHT
    )
    assert narrative.cell(row=text.row, column=1).alignment.vertical == "top"
    metrics = workbook["Metrics"]
    for row in metrics.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row[1:3]:
            if cell.value is not None:
                assert cell.number_format in presentation.EXCEL_FORMATS.values()


@pytest.mark.parametrize(
    "url_name, key",
    [("schemes:scheme_list", "plan"), ("risks:register", "plan"), ("submissions:national", "")],
)
def test_every_table_download_has_a_bom_and_its_workbook_pounds_and_dates(
    client_for, assurer, plan, url_name, key
):
    register = risk_services.register_create(plan=plan, categories=["Delivery"])
    risk_services.risk_create(
        register=register,
        category=register.categories.get(),
        description="- Delays on delivery",
        likelihood="4",
        impact="3",
        next_review=datetime.date(2015, 3, 31),
    )
    url = reverse(url_name, args=[plan.pk] if key else [])
    query = {} if key else {"year": plan.first_year}
    client = client_for(assurer)
    csv = client.get(url, {**query, "_export": "csv"})
    assert csv.content.startswith("\ufeff".encode())
    workbook = _open(client.get(url, {**query, "_export": "xlsx"}).content)
    sheet = workbook.active
    assert sheet.freeze_panes == "A2"
    _assert_prints_fitted(sheet, title_rows="$1:$1")
    values = [cell.value for row in sheet.iter_rows(min_row=2) for cell in row]
    if url_name == "risks:register":
        assert "- Delays on delivery" in values  # no stray quote before a "- " line
        assert datetime.datetime(2015, 3, 31) in values  # the next review, a date
    else:
        money = _money_cells(sheet)
        assert money and all(c.number_format == workbooks.MONEY_FORMAT for c in money)


def test_a_long_list_goes_to_the_hidden_lists_sheet(plan):
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    values = [f"Scheme type number {n}, long" for n in range(40)]
    workbooks.dropdown(sheet, column=2, first_row=2, last_row=10, values=values, title="Types")
    lists = workbook[workbooks.LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert [c.value for c in lists["A"]][1:] == values
    assert sheet.data_validations.dataValidation[0].formula1 == "list_types"


def test_a_checker_column_is_as_wide_as_what_it_shows_not_its_formula():
    from openpyxl import Workbook

    sheet = Workbook().active
    sheet.append(["Answer", "Checker"])
    formula = '=IF(AND(A2<>"",OR(A2="Yes",A2="No")),TRUE,FALSE)'
    sheet.append(["Yes", formula])
    workbooks.fit_columns(sheet)
    assert sheet.column_dimensions["B"].width < len(formula) / 2  # was len(formula) + 2


def test_no_row_is_taller_than_a_spreadsheet_takes():
    from openpyxl import Workbook

    sheet = Workbook().active
    sheet.append(["Highlights", "A long paragraph. " * 400])
    workbooks.fit_columns(sheet)
    assert sheet.row_dimensions[1].height == workbooks.MAX_HEIGHT
