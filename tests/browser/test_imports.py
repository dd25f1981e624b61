"""A spreadsheet import in the browser: upload, read the preview (what is added, what
changes from what to what, what would be removed), confirm, and see it applied; the same
file again changes nothing."""

from decimal import Decimal

import pytest
from django.urls import reverse
from playwright.sync_api import expect

from schemes.models import SchemeBudget

pytestmark = pytest.mark.browser


def _choose_file(page, name: str, content: bytes) -> None:
    page.get_by_label("Spreadsheet (.csv or .xlsx)").set_input_files(
        files=[{"name": name, "mimeType": "text/csv", "buffer": content}]
    )


def test_an_import_is_previewed_then_confirmed(page, login, sample, screenshot_dir):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/schemes/")
    page.get_by_role("link", name="Import schemes from a spreadsheet").click()
    expect(page.locator("#import-rules")).to_contain_text("type none in its cell")
    theme = sample.themes["long_term"].name
    content = (
        "Scheme,Theme,New or existing,Metrics,2014/15 (£),2015/16 (£)\n"
        f'Falls service,{theme},New,,"£120,000",\n'
        'Integrated care teams,,,none,"£5,000,000",\n'
    ).encode()
    _choose_file(page, "schemes.csv", content)
    page.get_by_role("button", name="Preview the import").click()

    expect(page.locator("#preview-counts")).to_contain_text("1 to add, 1 to change")
    expect(page.locator("#preview-added")).to_contain_text("Falls service")
    changed = page.locator("#preview-changed")
    before = sample.budgets["Integrated care teams"][2014]
    expect(changed).to_contain_text("2014/15 (£)")
    expect(changed).to_contain_text("→ £5,000,000")
    expect(page.locator("#preview-removed")).to_contain_text("Metrics")
    page.screenshot(path=screenshot_dir / "import-preview.png", full_page=True)
    scheme = sample.schemes["Integrated care teams"]
    assert SchemeBudget.objects.get(scheme=scheme, year=2014).amount == before

    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Schemes")
    expect(page.get_by_role("status").first).to_contain_text("1 added, 1 changed")
    assert SchemeBudget.objects.get(scheme=scheme, year=2014).amount == Decimal("5000000")
    assert not scheme.metrics.exists()

    page.get_by_role("link", name="Import schemes from a spreadsheet").click()
    _choose_file(page, "schemes.csv", content)
    page.get_by_role("button", name="Preview the import").click()
    expect(page.locator("#preview-counts")).to_contain_text("0 to add, 0 to change, 2 unchanged")
    expect(page.get_by_text("0 changed: the file matches the plan")).to_be_visible()
    expect(page.get_by_role("button", name="Apply these changes")).to_have_count(0)


def test_a_part2_workbook_is_previewed_and_applied_on_a_phone(page, login, sample, screenshot_dir):
    """At 390 px, as the finance lead: the workbook's changed budget, shown by sheet and
    row before → after, applied once confirmed."""
    import io

    from openpyxl import load_workbook

    from submissions.documents.part2 import HEADER_ROW, SHEET_EXPENDITURE, part2_workbook

    book = load_workbook(io.BytesIO(part2_workbook(sample.plan)))
    sheet = book[SHEET_EXPENDITURE]
    columns = {c.value: c.column for c in sheet[HEADER_ROW] if c.value}
    row = next(
        r[0].row
        for r in sheet.iter_rows(min_row=HEADER_ROW + 1)
        if r[columns["Scheme name"] - 1].value == "Assistive technology"
    )
    sheet.cell(row=row, column=columns["2015/16 (£)"]).value = "£800,000"
    buffer = io.BytesIO()
    book.save(buffer)

    page.set_viewport_size({"width": 390, "height": 844})
    login(page, "leics_finance")
    page.goto(reverse("submissions:workbook_import", args=[sample.plan.pk]))
    page.get_by_label("Spreadsheet (.xlsx)").set_input_files(
        files=[
            {
                "name": "part2.xlsx",
                "mimeType": "application/octet-stream",
                "buffer": buffer.getvalue(),
            }
        ]
    )
    page.get_by_role("button", name="Preview the import").click()
    changed = page.locator("#preview-changed")
    expect(changed).to_contain_text(f"{SHEET_EXPENDITURE}, {row}")
    expect(changed).to_contain_text("£750,000.50 → £800,000")
    page.screenshot(path=screenshot_dir / "import-preview-390.png", full_page=True)
    page.get_by_role("button", name="Apply these changes").click()
    expect(page.get_by_role("status").first).to_contain_text("0 added, 1 changed")
    scheme = sample.schemes["Assistive technology"]
    assert SchemeBudget.objects.get(scheme=scheme, year=2015).amount == Decimal("800000")
