"""The schemes table: sorting, filtering, the footer totals and the CSV download."""

import csv
import io
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plans.templatetags.bcf_format import pounds

pytestmark = pytest.mark.browser

YEARS = (2014, 2015)


@pytest.fixture
def schemes_page(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/")
    page.get_by_role("link", name="Schemes", exact=True).click()
    expect(page.get_by_role("heading", name="Schemes", level=1)).to_be_visible()
    return page


def test_schemes_table_lists_every_scheme_with_its_budgets(schemes_page, sample, screenshot_dir):
    table = schemes_page.locator("#schemes-table")

    expect(names(table)).to_have_text(list(sample.budgets), use_inner_text=True)
    expect(schemes_page.get_by_role("status").last).to_have_text("4 schemes shown.")
    expect(footer(table)).to_have_text(footer_for(sample, sample.budgets))
    schemes_page.screenshot(path=screenshot_dir / "schemes-table.png", full_page=True)


def test_schemes_table_sorts_by_a_years_budget(schemes_page, sample):
    table = schemes_page.locator("#schemes-table")
    by_2015 = sorted(sample.budgets, key=lambda name: sample.budgets[name][2015])

    table.get_by_role("link", name="2015/16 (£)").click()
    expect(table.get_by_role("columnheader", name="2015/16 (£)")).to_have_attribute(
        "aria-sort", "ascending"
    )
    expect(names(table).first).to_have_text(by_2015[0])
    expect(cell(table, 0, "2015/16 (£)")).to_have_text(pounds(sample.budgets[by_2015[0]][2015]))

    table.get_by_role("link", name="2015/16 (£)").click()
    expect(table.get_by_role("columnheader", name="2015/16 (£)")).to_have_attribute(
        "aria-sort", "descending"
    )
    expect(names(table).first).to_have_text(by_2015[-1])
    expect(names(table)).to_have_text(list(reversed(by_2015)))


def test_a_scheme_with_no_budget_that_year_sorts_last_either_way(schemes_page, sample):
    table = schemes_page.locator("#schemes-table")
    unfunded = [name for name, budgets in sample.budgets.items() if 2014 not in budgets]
    assert unfunded == ["Assistive technology"]

    for order in ("ascending", "descending"):
        table.get_by_role("link", name="2014/15 (£)").click()
        header = table.get_by_role("columnheader", name="2014/15 (£)")
        expect(header).to_have_attribute("aria-sort", order)
        expect(names(table).last).to_have_text(unfunded[0], timeout=1000)


def test_schemes_table_filters_by_theme_and_by_protection_and_totals_what_it_shows(
    schemes_page, sample
):
    table = schemes_page.locator("#schemes-table")
    theme = sample.themes["prevention"]
    prevention = [name for name, scheme in sample.schemes.items() if scheme.theme == theme]

    schemes_page.get_by_label("Theme", exact=True).select_option(label="Unified prevention")
    schemes_page.get_by_role("button", name="Filter").click()

    expect(names(table)).to_have_text(prevention)
    expect(footer(table)).to_have_text(footer_for(sample, prevention))
    expect(schemes_page.get_by_label("Theme", exact=True)).to_have_value(str(theme.pk))

    schemes_page.get_by_label("Theme", exact=True).select_option(label="All themes")
    schemes_page.get_by_label("Protection of services").select_option(
        label="Protects adult social care"
    )
    schemes_page.get_by_role("button", name="Filter").click()

    expect(names(table)).to_have_text(["Protecting adult social care"])
    expect(footer(table)).to_have_text(footer_for(sample, ["Protecting adult social care"]))
    expect(schemes_page.get_by_role("status").last).to_have_text("1 scheme shown.")


def test_schemes_csv_download_lists_the_schemes(schemes_page, sample):
    with schemes_page.expect_download() as download_info:
        schemes_page.get_by_role("link", name="Download as CSV").click()
    download = download_info.value

    assert download.suggested_filename.endswith(".csv")
    rows = list(csv.reader(io.StringIO(download.path().read_text(encoding="utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert header[0] == "Scheme"
    assert "2014/15 (£)" in header and "2015/16 (£)" in header
    assert [row[0] for row in body] == list(sample.budgets)
    assistive = next(row for row in body if row[0] == "Assistive technology")
    amount_2015 = sample.budgets["Assistive technology"][2015]
    assert Decimal(assistive[header.index("2015/16 (£)")]) == amount_2015


def names(table):
    """The scheme name in each body row, top to bottom."""
    return table.locator("tbody tr td:first-child")


def footer(table):
    return table.locator("tfoot td")


def cell(table, row_index, header):
    headers = table.locator("thead th").all_inner_texts()
    column = next(i for i, text in enumerate(headers) if text.startswith(header))
    return table.locator("tbody tr").nth(row_index).locator("td").nth(column)


def footer_for(sample, scheme_names):
    """The footer row: a label, three empty cells, a total per year, and an empty metrics cell."""
    totals = [pounds(sample.scheme_total(year, scheme_names)) for year in YEARS]
    return ["Total of the schemes shown", "", "", "", *totals, ""]
