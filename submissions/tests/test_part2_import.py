"""The whole Part 2 workbook imports back, every sheet: new schemes added as well as
existing ones changed, sign-offs and dates on the Cover, pooled budgets on the Summary,
contributions on Funding Sources, baselines and targets on Metrics; a blank cell keeps
what the plan holds; the same workbook twice changes nothing the second time."""

import datetime
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from metrics import services as metric_services
from metrics.models import Baseline, MetricDefinition
from plans import services as plan_services
from plans.models import Contribution, Organisation
from submissions.documents.part2 import HEADER_ROW, SHEET_EXPENDITURE, part2_workbook
from submissions.documents.part2_import import part2_preview
from submissions.documents.services import part2_import
from tests.imports import confirm, preview

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_plan(plan):
    """The plan with what the other sheets hold: a partner and its contributions, a
    sign-off, dates agreed, and a baseline."""
    council = plan_services.area_partner_add(
        area=plan.area,
        name="Leicestershire County Council",
        kind=Organisation.Kind.LOCAL_AUTHORITY,
    )
    plan_services.plan_partners_set(
        plan=plan, local_authority=council, nhs_partners=[], expected_version=None
    )
    plan.refresh_from_db()
    plan_services.contributions_save(
        plan=plan,
        cells={(council.pk, Contribution.Kind.MINIMUM, 2014): (None, Decimal("5000000"))},
    )
    plan_services.sign_off_add(
        plan=plan,
        on_behalf_of="Leicestershire County Council",
        name="Jon Wilson",
        position="Director of Adults and Communities",
        signed_on=datetime.date(2014, 4, 1),
    )
    plan_services.plan_update(plan=plan, expected_version=None, dates_agreed="1 April 2014")
    metric_services.baseline_set(
        plan=plan,
        metric=MetricDefinition.objects.get(number=1),
        granularity="year",
        start=datetime.date(2013, 4, 1),
        end=datetime.date(2014, 3, 31),
        value=Decimal("606.4"),
    )
    plan.refresh_from_db()
    return plan


def _book(plan):
    return load_workbook(io.BytesIO(part2_workbook(plan)))


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _header_columns(sheet, row=HEADER_ROW) -> dict[str, int]:
    return {c.value: c.column for c in sheet[row] if c.value}


def _row_of(sheet, first_cell_text, column=1):
    return next(r for r in sheet.iter_rows() if r[column - 1].value == first_cell_text)[0].row


def test_the_exported_workbook_matches_the_plan_on_every_sheet(full_plan):
    shown = part2_preview(full_plan, part2_workbook(full_plan))
    assert shown.errors == []
    assert shown.nothing_to_do
    assert {r.sheet for r in shown.unchanged} == {
        "Cover",
        "Summary",
        "Funding Sources",
        SHEET_EXPENDITURE,
        "Metrics",
    }


def test_every_sheet_brings_its_changes_back_and_twice_changes_nothing(full_plan, finance):
    book = _book(full_plan)
    cover = book["Cover"]
    cover.cell(
        row=_row_of(cover, "Dates agreed at Health and Wellbeing Board"), column=2
    ).value = "1 April 2014 and 3 April 2014"
    row = _row_of(cover, "Leicestershire County Council")
    cover.cell(row=row, column=3).value = "Director of Adults"
    new_row = cover.max_row + 1
    for column, value in enumerate(
        ["West Leicestershire CCG", "Dr Nick Willmott", "Chair", "1 April 2014"], start=1
    ):
        cover.cell(row=new_row, column=column).value = value
    summary = book["Summary"]
    columns = _header_columns(summary)
    summary.cell(
        row=_row_of(summary, "2015/16"), column=columns["Total agreed pooled budget (£)"]
    ).value = 17500000
    funding = book["Funding Sources"]
    columns = _header_columns(funding)
    funding.cell(
        row=_row_of(funding, "Leicestershire County Council"), column=columns["2015/16 (£)"]
    ).value = "£5,100,000"
    expenditure = book[SHEET_EXPENDITURE]
    columns = _header_columns(expenditure)
    new = expenditure.max_row + 1
    for header, value in {
        "Scheme name": "Falls prevention",
        "Theme": "Unified prevention",
        "New or existing": "New",
        "Provider": "Leicestershire Partnership NHS Trust",
        "2015/16 (£)": 250000,
    }.items():
        expenditure.cell(row=new, column=columns[header]).value = value
    expenditure.cell(
        row=_row_of(expenditure, "Assistive technology", column=columns["Scheme name"]),
        column=columns["Provider"],
    ).value = "Leicestershire County Council"
    metrics = book["Metrics"]
    columns = _header_columns(metrics)
    metrics.cell(row=_row_of(metrics, "Baseline", column=4), column=columns["Value"]).value = 610
    content = _save(book)

    result = part2_import(plan=full_plan, content=content, user=finance)
    assert result.errors == []
    assert [(r.sheet, r.label) for r in result.added] == [
        ("Cover", "Sign-off on behalf of West Leicestershire CCG"),
        (SHEET_EXPENDITURE, "Scheme “Falls prevention”"),
    ]
    assert {r.sheet for r in result.changed} == {
        "Cover",
        "Summary",
        "Funding Sources",
        SHEET_EXPENDITURE,
        "Metrics",
    }
    full_plan.refresh_from_db()
    assert full_plan.dates_agreed == "1 April 2014 and 3 April 2014"
    assert full_plan.sign_offs.get(on_behalf_of="West Leicestershire CCG").signed_on == (
        datetime.date(2014, 4, 1)
    )
    assert full_plan.sign_offs.get(name="Jon Wilson").position == "Director of Adults"
    assert full_plan.plan_years.get(year=2015).agreed_total == Decimal("17500000")
    assert full_plan.contributions.get(year=2015).amount == Decimal("5100000")
    falls = full_plan.schemes.get(name="Falls prevention")
    assert (falls.theme.name, falls.status, falls.provider) == (
        "Unified prevention",
        "new",
        "Leicestershire Partnership NHS Trust",
    )
    assert {b.year: b.amount for b in falls.budgets.all()} == {2015: Decimal("250000")}
    assert Baseline.objects.get(plan=full_plan).value == Decimal("610")
    again = part2_preview(full_plan, content)
    assert again.errors == [] and again.nothing_to_do


def test_blank_cells_in_the_workbook_keep_what_the_plan_holds(full_plan, finance):
    book = _book(full_plan)
    sheet = book[SHEET_EXPENDITURE]
    columns = _header_columns(sheet)
    row = _row_of(sheet, "Integrated care teams", column=columns["Scheme name"])
    for header in ("Theme", "New or existing", "2014/15 (£)", "2015/16 (£)"):
        sheet.cell(row=row, column=columns[header]).value = None
    summary = book["Summary"]
    summary.cell(row=_row_of(summary, "2014/15"), column=2).value = None
    shown = part2_preview(full_plan, _save(book))
    assert shown.errors == [] and shown.nothing_to_do


def test_the_import_page_previews_the_workbook_before_applying_it(client_for, finance, full_plan):
    book = _book(full_plan)
    sheet = book[SHEET_EXPENDITURE]
    columns = _header_columns(sheet)
    row = _row_of(sheet, "Integrated care teams", column=columns["Scheme name"])
    sheet.cell(row=row, column=columns["2015/16 (£)"]).value = "none"
    url = reverse("submissions:workbook_import", args=[full_plan.pk])
    page = preview(client_for(finance), url, "part2.xlsx", _save(book))
    html = page.content.decode()
    assert "Values that would be removed" in html and "£3,000,000" in html
    scheme = full_plan.schemes.get(name="Integrated care teams")
    assert scheme.budgets.filter(year=2015).exists()
    assert confirm(client_for(finance), url, page).status_code == 302
    assert not scheme.budgets.filter(year=2015).exists()
