"""An officer starts a risk register, adds a risk and reviews it; the trend is kept."""

import pytest
from playwright.sync_api import expect

from risks.models import Risk

pytestmark = pytest.mark.browser


def test_officer_adds_a_risk_and_reviews_it(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/")
    page.get_by_role("link", name="Risks", exact=True).click()
    page.get_by_role("link", name="Start the risk register").click()
    expect(page.get_by_label("Scale")).to_have_value("nhs_5x5")
    page.get_by_label("Add categories").fill("Risks to plan delivery")
    page.get_by_role("button", name="Save").click()

    page.get_by_role("link", name="Add a risk").click()
    page.get_by_label("Category").select_option(label="Risks to plan delivery")
    page.get_by_label("Description").fill("Delays or slippage on delivery of the plan")
    page.get_by_label("Likelihood", exact=True).fill("9")
    page.get_by_label("Impact", exact=True).fill("4")
    page.get_by_label("Owner").fill("BCF programme manager")
    page.get_by_label("Next review date").fill("2017-06-30")
    page.get_by_role("button", name="Save risk").click()

    # Out of range on the 5×5 matrix: refused beside the field, nothing typed is lost.
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Enter a number from 1 to 5")
    expect(page.get_by_label("Description")).to_have_value(
        "Delays or slippage on delivery of the plan"
    )
    page.get_by_label("Likelihood", exact=True).fill("4")
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "Delays or slippage on delivery of the plan"
    )
    expect(page.get_by_text("(score 16, extreme)")).to_be_visible()

    page.get_by_role("link", name="Review this risk").click()
    page.get_by_label("Date of review").fill("2017-06-22")
    page.get_by_label("Likelihood now").fill("2")
    page.get_by_label("Impact now").fill("4")
    page.get_by_label("Note").fill("Programme plan agreed by the Integration Executive")
    page.get_by_label("Next review date").fill("2017-09-30")
    page.get_by_role("button", name="Record review").click()

    reviews = page.locator("#reviews-table")
    expect(reviews).to_contain_text("22 June 2017")
    expect(reviews).to_contain_text("Programme plan agreed by the Integration Executive")
    expect(page.get_by_text("(score 8, high)")).to_be_visible()
    risk = Risk.objects.get()
    assert (risk.score_before, risk.score_after) == (16, 8)
    assert risk.reviews.count() == 1

    page.get_by_role("link", name="Back to the register").click()
    expect(page.locator("#risks-table")).to_contain_text("BCF programme manager")
