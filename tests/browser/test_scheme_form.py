"""Adding, editing and deleting a scheme in the browser; errors; two people editing at once."""

import re
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from plans.templatetags.bcf_format import pounds
from schemes.models import Scheme, SchemeBudget

pytestmark = pytest.mark.browser

CONFLICT = "Someone else saved this record while you were editing it"


def budget_amount(page, row_number):
    return page.get_by_role("group", name=f"Budget row {row_number}").get_by_label(
        re.compile(r"^Amount( for \S+)? \(£\)$")
    )


def budget_year(page, row_number):
    return page.get_by_role("group", name=f"Budget row {row_number}").get_by_label("Financial year")


def field_error(page, field_id):
    """The error message shown beside the field with this id (inside its form group)."""
    group = page.locator(".nhsuk-form-group", has=page.locator(f"#{field_id}"))
    return group.locator(".nhsuk-error-message")


def summary_link(page, text):
    return page.locator(".nhsuk-error-summary").get_by_role("link", name=text)


def test_officer_adds_edits_and_deletes_a_scheme(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/schemes/")
    page.get_by_role("link", name="Add a scheme").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Add a scheme")
    page.get_by_label("Name").fill("Carers support")
    page.get_by_label("Theme").select_option(label="Unified prevention")
    page.get_by_label("New or existing").select_option(label="New")
    page.get_by_label("Delayed transfers").check()
    expect(budget_year(page, 1)).to_have_value("2014/15")
    budget_amount(page, 1).fill("150000")
    expect(budget_year(page, 2)).to_have_value("2015/16")
    budget_amount(page, 2).fill("310000")
    page.get_by_role("button", name="Save scheme").click()

    expect(page.get_by_role("status").first).to_have_text("Scheme “Carers support” saved.")
    row = page.locator("#schemes-table").get_by_role("row", name="Carers support")
    expect(row.locator("td")).to_have_text(
        [
            "Carers support",
            "Unified prevention",
            "New",
            "",
            pounds(Decimal("150000")),
            pounds(Decimal("310000")),
            "Delayed transfers",
        ]
    )

    row.get_by_role("link", name="Carers support").click()
    page.get_by_role("link", name="Edit scheme").click()
    expect(page.get_by_label("Name")).to_have_value("Carers support")
    expect(page.get_by_label("Delayed transfers")).to_be_checked()
    page.get_by_label("New or existing").select_option(label="Expanding")
    budget_amount(page, 2).fill("325000.50")
    page.get_by_role("button", name="Save scheme").click()

    expect(page.get_by_role("status").first).to_have_text("Scheme “Carers support” saved.")
    row = page.locator("#schemes-table").get_by_role("row", name="Carers support")
    expect(row.locator("td").nth(2)).to_have_text("Expanding")
    expect(row.locator("td").nth(5)).to_have_text(pounds(Decimal("325000.50")))

    row.get_by_role("link", name="Carers support").click()
    page.get_by_role("link", name="Delete scheme").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Delete “Carers support”?")
    page.get_by_role("button", name="Delete scheme").click()

    expect(page.get_by_role("status").first).to_have_text("Scheme “Carers support” deleted.")
    table = page.locator("#schemes-table")
    expect(table).not_to_contain_text("Carers support")
    expect(table.locator("tbody tr")).to_have_count(len(sample.schemes))
    assert not Scheme.objects.filter(plan=sample.plan, name="Carers support").exists()


def test_scheme_form_shows_each_error_beside_its_field_and_keeps_what_was_typed(
    page, login, sample, screenshot_dir
):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/schemes/add/")
    duplicate = "Integrated care teams"
    page.get_by_label("Name").fill(duplicate)
    page.get_by_label("Theme").select_option(label="Long term condition management")
    page.get_by_label("New or existing").select_option(label="Existing")
    budget_amount(page, 1).fill("-500")
    budget_amount(page, 2).fill("twelve thousand")
    budget_year(page, 3).fill("2019/20")
    budget_amount(page, 3).fill("100000")
    page.get_by_role("button", name="Save scheme").click()

    expect(page).to_have_title("Error: Add a scheme – Better Care Fund planner")
    expected = {
        "id_name": "This plan already has a scheme with this name.",
        "id_budgets-0-amount": "The amount cannot be negative.",
        "id_budgets-1-amount": "Enter an amount in pounds, like £1,234 or 1234.50.",
        "id_budgets-2-year": (
            f"2019/20 is outside this plan, which covers {sample.plan.years_label}."
        ),
    }
    for field_id, message in expected.items():
        expect(field_error(page, field_id)).to_have_text(f"Error: {message}")
        expect(summary_link(page, message)).to_have_attribute("href", f"#{field_id}")
    expect(page.locator(".nhsuk-error-summary li")).to_have_count(len(expected))

    expect(page.get_by_label("Name")).to_have_value(duplicate)
    expect(page.get_by_label("Theme")).to_have_value(str(sample.themes["long_term"].pk))
    expect(budget_amount(page, 1)).to_have_value("-500")
    expect(budget_amount(page, 2)).to_have_value("twelve thousand")
    expect(budget_year(page, 3)).to_have_value("2019/20")
    expect(budget_amount(page, 3)).to_have_value("100000")
    page.screenshot(path=screenshot_dir / "scheme-form-errors.png", full_page=True)
    assert Scheme.objects.filter(plan=sample.plan).count() == len(sample.schemes)


def test_second_save_of_the_same_scheme_is_refused_and_keeps_what_was_typed(
    new_page, login, sample
):
    scheme = sample.schemes["Integrated care teams"]
    edit_url = f"/plans/{sample.plan.pk}/schemes/{scheme.pk}/edit/"
    officer, finance = new_page(), new_page()
    login(officer, "leics_officer")
    login(finance, "leics_finance")
    officer.goto(edit_url)
    finance.goto(edit_url)

    budget_amount(officer, 1).fill("5000000")
    officer.get_by_role("button", name="Save scheme").click()
    expect(officer.get_by_role("status").first).to_have_text(f"Scheme “{scheme.name}” saved.")

    finance.get_by_label("Name").fill("Integrated care teams (revised)")
    budget_amount(finance, 1).fill("5100000")
    finance.get_by_role("button", name="Save scheme").click()

    expect(finance.locator(".nhsuk-error-summary")).to_contain_text(CONFLICT)
    expect(finance.get_by_label("Name")).to_have_value("Integrated care teams (revised)")
    expect(budget_amount(finance, 1)).to_have_value("5100000")
    scheme.refresh_from_db()
    assert scheme.name == "Integrated care teams"
    assert SchemeBudget.objects.get(scheme=scheme, year=2014).amount == Decimal("5000000")
