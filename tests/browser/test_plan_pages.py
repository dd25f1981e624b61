"""The plan list and the plan page as an officer sees them."""

import pytest
from playwright.sync_api import expect

from plans.periods import FinancialYear
from plans.templatetags.bcf_format import pounds, uk_date

pytestmark = pytest.mark.browser


def test_officer_sees_only_their_areas_plan_in_the_list(page, login, sample):
    login(page, "leics_officer")
    page.get_by_role("link", name="Plans", exact=True).first.click()  # from the home page

    expect(page.get_by_role("heading", name="Plans", exact=True)).to_be_visible()
    plans_table = page.get_by_role("table", name="Plans you can see")
    expect(plans_table.get_by_role("link", name=sample.plan.title)).to_be_visible()
    expect(plans_table).not_to_contain_text(sample.other_plan.title)
    expect(plans_table).not_to_contain_text("Rutland")


def test_officer_sees_plan_details_pooled_budget_reconciliation_and_sign_offs(page, login, sample):
    plan = sample.plan
    login(page, "leics_officer")
    page.get_by_role("link", name=plan.title).click()

    expect(page.get_by_role("heading", level=1)).to_have_text(plan.title)
    details = page.locator("dl.nhsuk-summary-list")
    expect(row(details, "Local authority")).to_have_text("Leicestershire County Council")
    expect(row(details, "Clinical commissioning groups").get_by_role("listitem")).to_have_text(
        ["East Leicestershire and Rutland CCG", "West Leicestershire CCG"]
    )
    expect(row(details, "Financial years")).to_have_text("2014/15–2015/16")

    budget = page.get_by_role("table", name="Pooled budget per financial year")
    years = sorted(sample.plan_years)
    expect(budget.locator("thead th")).to_have_text([FinancialYear(y).label for y in years])
    expect(figures(budget, "Minimum required value of pooled budget")).to_have_text(
        [pounds(sample.plan_years[y].minimum_required) for y in years]
    )
    expect(figures(budget, "Total agreed value of pooled budget")).to_have_text(
        [pounds(sample.plan_years[y].agreed_total) for y in years]
    )
    expect(budget.locator("[data-figure=schemes-total]")).to_have_text(
        [pounds(sample.scheme_total(y)) for y in years]
    )
    unallocated = [sample.plan_years[y].agreed_total - sample.scheme_total(y) for y in years]
    assert all(amount > 0 for amount in unallocated), "the sample should leave money unallocated"
    expect(budget.locator("[data-figure=unallocated]")).to_have_text(
        [f"{pounds(amount)} unallocated" for amount in unallocated]
    )

    sign_offs = page.get_by_role("table", name="Sign-offs")
    for sign_off in sample.sign_offs:
        cells = sign_offs.get_by_role("row", name=sign_off.name).locator("td")
        expect(cells).to_have_text(
            [sign_off.on_behalf_of, sign_off.name, sign_off.position, uk_date(sign_off.signed_on)]
        )


def test_officer_cannot_open_another_areas_plan(page, login, sample):
    login(page, "leics_officer")
    response = page.goto(f"/plans/{sample.other_plan.pk}/")

    assert response.status == 403
    expect(page.get_by_text(sample.other_plan.title)).to_have_count(0)


def row(summary_list, key):
    """The value of a summary-list row, found by its key."""
    return summary_list.locator(".nhsuk-summary-list__row", has_text=key).locator("dd")


def figures(table, heading):
    """The cells of the table row headed `heading`."""
    return table.get_by_role("row", name=heading).locator("td")
