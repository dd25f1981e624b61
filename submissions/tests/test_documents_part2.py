"""The Part 2 workbook: exported with the plan's figures (numbers as numbers, money in £,
inputs styled as inputs, no formulas), and imported back: unchanged records nothing, one
changed amount makes one audited change, one bad cell is named and nothing changes."""

import io
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from schemes import services as scheme_services
from schemes.models import Scheme, SchemeBudget
from submissions.documents.part2 import (
    HEADER_ROW,
    MONEY_FORMAT,
    SHEET_EXPENDITURE,
    part2_workbook,
)
from submissions.documents.services import part2_import

pytestmark = pytest.mark.django_db


def _history_counts():
    return Scheme.history.count(), SchemeBudget.history.count()


def _sheet(content: bytes, name: str = SHEET_EXPENDITURE):
    workbook = load_workbook(io.BytesIO(content))
    return workbook, workbook[name]


def _rows(sheet) -> dict[str, dict]:
    headers = [c.value for c in sheet[HEADER_ROW]]
    rows = {}
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        record = dict(zip(headers, row, strict=False))
        rows[record["Scheme name"].value] = record
    return rows


def _save(workbook) -> bytes:
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_the_workbook_has_the_part2_sheets(plan):
    workbook, _ = _sheet(part2_workbook(plan))
    assert workbook.sheetnames == [
        "Cover",
        "Summary",
        "Funding Sources",
        "Expenditure Plan",
        "Metrics",
    ]


def test_every_scheme_is_a_row_with_its_amounts_as_pounds(plan):
    _, sheet = _sheet(part2_workbook(plan))
    rows = _rows(sheet)
    assert set(rows) == set(plan.schemes.values_list("name", flat=True))
    for scheme in plan.schemes.prefetch_related("budgets"):
        budgets = {b.year: b.amount for b in scheme.budgets.all()}
        for year in plan.years:
            cell = rows[scheme.name][f"{year.label} (£)"]
            expected = budgets.get(year.start_year)
            assert (None if cell.value is None else Decimal(str(cell.value))) == expected
            if expected is not None:
                assert isinstance(cell.value, int | float)
                assert cell.number_format == MONEY_FORMAT
                assert cell.fill.fgColor.rgb.endswith("FFF2CC")  # an input cell
        assert rows[scheme.name]["New or existing"].value == scheme.get_status_display()
        assert rows[scheme.name]["Scheme name"].fill.fgColor.rgb in (None, "00000000")


def test_text_that_a_spreadsheet_would_run_is_written_as_text(plan):
    scheme = plan.schemes.get(name="Local area coordination")
    scheme_services.scheme_update(scheme=scheme, expected_version=None, provider="=HYPERLINK(1)")
    _, sheet = _sheet(part2_workbook(plan))
    cell = _rows(sheet)["Local area coordination"]["Provider"]
    assert cell.value == "=HYPERLINK(1)"  # as typed, with no quote before it
    assert cell.data_type == "s"  # stored as text, which a spreadsheet never runs


def test_importing_the_workbook_unchanged_records_no_change(plan, officer):
    scheme = plan.schemes.get(name="Local area coordination")
    scheme_services.scheme_update(scheme=scheme, expected_version=None, provider="=HYPERLINK(1)")
    before = _history_counts()
    result = part2_import(plan=plan, content=part2_workbook(plan), user=officer)
    assert result.errors == []
    assert result.nothing_to_do and result.unchanged
    assert _history_counts() == before


def test_one_changed_amount_makes_exactly_one_audited_change(plan, finance):
    workbook, sheet = _sheet(part2_workbook(plan))
    _rows(sheet)["Integrated care teams"]["2015/16 (£)"].value = 3100000
    scheme_count, budget_count = _history_counts()
    result = part2_import(plan=plan, content=_save(workbook), user=finance)
    assert result.errors == []
    assert [row.label for row in result.changed] == ["Scheme “Integrated care teams”"]
    budget = SchemeBudget.objects.get(scheme__name="Integrated care teams", year=2015)
    assert budget.amount == Decimal("3100000.00")
    assert SchemeBudget.history.count() == budget_count + 1
    record = budget.history.latest("history_date")
    assert record.history_user == finance
    assert record.amount == Decimal("3100000.00")
    # The scheme itself is saved once (its version moves on); no other scheme changes.
    assert Scheme.history.count() == scheme_count + 1
    assert Scheme.history.latest("history_date").name == "Integrated care teams"


def test_one_bad_cell_is_named_and_nothing_is_imported(plan, officer):
    workbook, sheet = _sheet(part2_workbook(plan))
    rows = _rows(sheet)
    rows["Integrated care teams"]["2015/16 (£)"].value = 3100000  # a good change…
    bad = rows["Local area coordination"]["2014/15 (£)"]
    bad.value = "four hundred"  # …and a bad cell
    before = _history_counts()
    result = part2_import(plan=plan, content=_save(workbook), user=officer)
    assert result.changed == []
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.sheet, error.row) == ("Expenditure Plan", bad.row)
    assert error.column == f"{bad.column_letter} (2014/15 (£))"
    assert str(error).startswith(f"Expenditure Plan, row {bad.row}, column {bad.column_letter}")
    assert _history_counts() == before
    assert SchemeBudget.objects.get(
        scheme__name="Integrated care teams", year=2015
    ).amount == Decimal("3000000.00")


def test_the_import_page_takes_the_workbook_and_reports_bad_cells(client_for, finance, plan):
    workbook, sheet = _sheet(part2_workbook(plan))
    _rows(sheet)["Assistive technology"]["2015/16 (£)"].value = -5
    upload = SimpleUploadedFile("part2.xlsx", _save(workbook))
    url = reverse("submissions:workbook_import", args=[plan.pk])
    response = client_for(finance).post(url, {"file": upload})
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert "2015/16 (£)" in response.content.decode()


def test_a_board_member_cannot_import(client_for, board, plan):
    upload = SimpleUploadedFile("part2.xlsx", part2_workbook(plan))
    url = reverse("submissions:workbook_import", args=[plan.pk])
    assert client_for(board).post(url, {"file": upload}).status_code == 403


@pytest.mark.parametrize("model", ["schemetype", "schemesubtype", "areaofspend"])
def test_administrators_edit_the_reference_data_in_the_admin(client_for, admin_user, model):
    client = client_for(admin_user)
    assert client.get(reverse(f"admin:schemes_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:schemes_{model}_add")).status_code == 200


def test_scheme_types_of_the_plans_year_are_read_back_from_the_workbook(plan, officer):
    from schemes.models import AreaOfSpend, SchemeSubType, SchemeType

    kind = SchemeType.objects.create(planning_year=2014, name="Integrated care planning")
    sub = SchemeSubType.objects.create(scheme_type=kind, name="Care planning")
    area = AreaOfSpend.objects.create(planning_year=2014, name="Community health")
    workbook, sheet = _sheet(part2_workbook(plan))
    row = _rows(sheet)["Local area coordination"]
    row["Scheme type"].value = "Integrated care planning"
    row["Sub type"].value = "Care planning"
    row["Area of spend"].value = "Community health"
    row["Commissioner"].value = "Joint"
    row["% NHS (if joint)"].value = 60
    result = part2_import(plan=plan, content=_save(workbook), user=officer)
    assert result.errors == []
    assert [row.label for row in result.changed] == ["Scheme “Local area coordination”"]
    scheme = plan.schemes.get(name="Local area coordination")
    assert (scheme.scheme_type, scheme.sub_type, scheme.area_of_spend) == (kind, sub, area)
    assert (scheme.commissioner, scheme.nhs_share_percent) == ("joint", Decimal("60.00"))
    _, sheet = _sheet(part2_workbook(plan))
    row = _rows(sheet)["Local area coordination"]
    assert row["% LA (if joint)"].value == 40
    assert row["Scheme type"].value == "Integrated care planning"
