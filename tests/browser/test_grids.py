"""The budget and spend grids in the browser: totals that follow the typing, a block
copied from a spreadsheet pasted across the cells, saving, and a cell someone else
changed meanwhile refused."""

from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plans.money import format_pounds
from schemes.models import SchemeBudget, SchemeQuarterSpend

pytestmark = pytest.mark.browser


def scripts_ready(page) -> None:
    """Wait until the page has loaded and htmx is listening: a heading can show before the
    deferred scripts have run, and typing then would send no totals request."""
    # Polled from here rather than with wait_for_function, whose predicate the page's
    # Content-Security-Policy (script-src 'self', no eval) refuses to run.
    page.wait_for_load_state("load")
    for _ in range(100):
        if page.evaluate("() => window.htmx !== undefined"):
            return
        page.wait_for_timeout(100)
    raise AssertionError("htmx never loaded on the page")


# What Excel puts on the clipboard for a block of two rows by two columns.
EXCEL_BLOCK = "£100,000\t£200,000\r\n300000\t(1)\r\n"


def paste(page, selector: str, text: str) -> None:
    """Paste `text` into the box as a person pasting from a spreadsheet would."""
    page.locator(selector).focus()
    page.evaluate(
        """([selector, text]) => {
            const data = new DataTransfer();
            data.setData("text/plain", text);
            document.querySelector(selector).dispatchEvent(
                new ClipboardEvent("paste", {clipboardData: data, bubbles: true, cancelable: true})
            );
        }""",
        [selector, text],
    )


def _cell(sample, name, year):
    return f"#id-b-{sample.schemes[name].pk}-{year}"


def test_totals_follow_the_typing_and_the_grid_saves(page, login, sample, screenshot_dir):
    login(page, "leics_finance")
    page.goto(f"/plans/{sample.plan.pk}/")
    page.get_by_role("navigation", name="This plan").get_by_role("link", name="Budgets").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Budgets")
    scripts_ready(page)
    total_2014 = page.locator('[data-figure="schemes-total"]').first
    expect(total_2014).to_have_text(format_pounds(sample.scheme_total(2014)))

    page.locator(_cell(sample, "Assistive technology", 2014)).fill("£1,000,000")
    expected = sample.scheme_total(2014) + 1_000_000
    expect(total_2014).to_have_text(format_pounds(expected))
    theme_total = page.locator(f"#theme-total-{sample.themes['long_term'].pk} td").first
    names = ["Integrated care teams", "Assistive technology"]
    expect(theme_total).to_have_text(format_pounds(sample.scheme_total(2014, names) + 1_000_000))
    agreed = sample.plan_years[2014].agreed_total
    expect(page.locator('[data-figure="unallocated"]').first).to_contain_text(
        format_pounds(agreed - expected)
    )
    page.screenshot(path=screenshot_dir / "budget-grid.png", full_page=True)

    page.get_by_role("button", name="Save budgets").click()
    expect(page.get_by_role("status").first).to_have_text("Saved 1 budget.")
    expect(page.locator(_cell(sample, "Assistive technology", 2014))).to_have_value("£1,000,000")
    saved = SchemeBudget.objects.get(scheme=sample.schemes["Assistive technology"], year=2014)
    assert saved.amount == Decimal("1000000.00")


def test_a_block_copied_from_excel_pastes_across_the_cells(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/budgets/")
    paste(page, _cell(sample, "Local area coordination", 2014), EXCEL_BLOCK)
    expect(page.locator("#grid-status")).to_contain_text("Pasted 4 cells")
    expect(page.locator(_cell(sample, "Local area coordination", 2015))).to_have_value("£200,000")
    expect(page.locator(_cell(sample, "Protecting adult social care", 2014))).to_have_value(
        "300000"
    )
    # (1) is a negative: the totals leave it out and say so; saving names the cell.
    expect(page.locator("#grid-status")).to_contain_text("1 cell not counted")
    page.get_by_role("button", name="Save budgets").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text(
        "Protecting adult social care, 2015/16: The amount cannot be negative."
    )
    page.locator(_cell(sample, "Protecting adult social care", 2015)).fill("400000")
    page.get_by_role("button", name="Save budgets").click()
    expect(page.get_by_role("status").first).to_have_text("Saved 4 budgets.")
    amounts = {
        (b.scheme.name, b.year): b.amount
        for b in SchemeBudget.objects.filter(scheme__plan=sample.plan)
    }
    assert amounts[("Local area coordination", 2014)] == Decimal("100000")
    assert amounts[("Local area coordination", 2015)] == Decimal("200000")
    assert amounts[("Protecting adult social care", 2014)] == Decimal("300000")
    assert amounts[("Protecting adult social care", 2015)] == Decimal("400000")


def test_a_cell_changed_meanwhile_by_someone_else_is_refused(new_page, login, sample):
    officer, finance = new_page(), new_page()
    login(officer, "leics_officer")
    login(finance, "leics_finance")
    for page in (officer, finance):
        page.goto(f"/plans/{sample.plan.pk}/budgets/")
    cell = _cell(sample, "Integrated care teams", 2014)
    officer.locator(cell).fill("£5,000,000")
    officer.get_by_role("button", name="Save budgets").click()
    expect(officer.get_by_role("status").first).to_have_text("Saved 1 budget.")
    finance.locator(cell).fill("£5,100,000")
    finance.get_by_role("button", name="Save budgets").click()
    expect(finance.locator(".nhsuk-error-summary")).to_contain_text(
        "Someone else changed this to £5,000,000"
    )
    expect(finance.locator(cell)).to_have_value("£5,100,000")
    scheme = sample.schemes["Integrated care teams"]
    assert SchemeBudget.objects.get(scheme=scheme, year=2014).amount == Decimal("5000000")


def test_the_spend_grid_shows_variance_as_forecasts_are_typed(page, login, sample):
    login(page, "leics_finance")
    page.goto(f"/plans/{sample.plan.pk}/")
    nav = page.get_by_role("navigation", name="This plan")
    nav.get_by_role("link", name="Quarterly spend").click()
    page.get_by_role("link", name="2015/16 Q1").click()
    scheme = sample.schemes["Local area coordination"]
    expect(page.locator(f"#id-s-{scheme.pk}-forecast")).to_be_visible()
    scripts_ready(page)
    page.locator(f"#id-s-{scheme.pk}-forecast").fill("£2,500,000")
    page.locator(f"#id-s-{scheme.pk}-actual").fill("£600,000")
    budget = sample.budgets["Local area coordination"][2015]
    expect(page.locator(f"#variance-{scheme.pk}")).to_have_text(
        format_pounds(Decimal(2_500_000) - budget)
    )
    expect(page.locator(f"#ytd-{scheme.pk}")).to_have_text("£600,000")
    total_row = page.locator("#spend-total-plan td")
    expect(total_row.nth(1)).to_have_text("£2,500,000")  # the plan's forecast so far
    expect(total_row.nth(2)).to_have_text("£600,000")
    page.get_by_role("button", name="Save spend").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Saved the 2015/16 Q1 spend of 1 scheme(s)."
    )
    spend = SchemeQuarterSpend.objects.get(scheme=scheme, year=2015, quarter=1)
    assert (spend.forecast, spend.actual) == (Decimal("2500000"), Decimal("600000"))


def test_without_script_the_grid_is_an_ordinary_form(browser, live_server, login, sample):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        login(page, "leics_officer")
        page.goto(f"/plans/{sample.plan.pk}/budgets/")
        page.locator(_cell(sample, "Assistive technology", 2014)).fill("£250,000")
        page.get_by_role("button", name="Update totals").click()
        expected = format_pounds(sample.scheme_total(2014) + 250_000)
        expect(page.locator('[data-figure="schemes-total"]').first).to_have_text(expected)
        page.get_by_role("button", name="Save budgets").click()
        expect(page.get_by_role("status").first).to_have_text("Saved 1 budget.")
    finally:
        context.close()


def test_a_block_copied_from_excel_pastes_into_the_spend_grid(page, login, sample):
    """Forecast and actual of two schemes pasted at once; the variance follows, and saving
    records them."""
    login(page, "leics_finance")
    page.goto(f"/plans/{sample.plan.pk}/spend/2015/1/")
    first, second = (
        sample.schemes["Local area coordination"],
        sample.schemes["Protecting adult social care"],
    )
    paste(page, f"#id-s-{first.pk}-forecast", "£2,500,000\t£600,000\r\n300000\t75000\r\n")
    expect(page.locator("#grid-status")).to_contain_text("Pasted 4 cells")
    expect(page.locator(f"#id-s-{second.pk}-forecast")).to_have_value("300000")
    expect(page.locator(f"#id-s-{second.pk}-actual")).to_have_value("75000")
    budget = sample.budgets["Local area coordination"][2015]
    expect(page.locator(f"#variance-{first.pk}")).to_have_text(
        format_pounds(Decimal(2_500_000) - budget)
    )
    page.get_by_role("button", name="Save spend").click()
    expect(page.get_by_role("status").first).to_have_text(
        "Saved the 2015/16 Q1 spend of 2 scheme(s)."
    )
    spend = {
        s.scheme_id: (s.forecast, s.actual)
        for s in SchemeQuarterSpend.objects.filter(year=2015, quarter=1)
    }
    assert spend == {
        first.pk: (Decimal("2500000"), Decimal("600000")),
        second.pk: (Decimal("300000"), Decimal("75000")),
    }
