"""Keyboard access, what assistive technology is told about fields, and offline assets."""

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_skip_link_is_the_first_thing_the_keyboard_reaches(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/")

    page.keyboard.press("Tab")

    focused = page.locator(":focus")
    expect(focused).to_have_text("Skip to main content")
    page.keyboard.press("Enter")
    expect(page).to_have_url(re.compile(r"#maincontent$"))
    # Past the header, the breadcrumbs and the plan's navigation: the next Tab reaches the
    # first link in <main>.
    page.keyboard.press("Tab")
    expect(focused).to_have_text("Funds")
    expect(page.locator("main :focus")).to_have_count(1)


def test_a_fields_hint_and_error_are_announced_with_it(page, login, sample):
    # Django 5.2 points aria-describedby at <auto_id>_helptext and <auto_id>_error; the
    # field template must give its hint and error exactly those ids.
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/schemes/add/")
    page.get_by_label("Name").fill("Integrated care teams")
    page.get_by_role("button", name="Save scheme").click()

    expect(page).to_have_title(re.compile(r"^Error: "))
    expect(page.get_by_label("Name")).to_have_accessible_description(
        "Error: This plan already has a scheme with this name."
    )
    year = page.get_by_role("group", name="Budget row 1").get_by_label("Financial year")
    expect(year).to_have_accessible_description("For example, 2014/15")


def test_pages_load_nothing_from_outside_the_app(page, login, sample, external_requests):
    # nhsuk-frontend's CSS names web fonts on assets.nhs.uk; the app must not fetch them.
    login(page, "leics_officer")
    for path in (f"/plans/{sample.plan.pk}/", f"/plans/{sample.plan.pk}/schemes/"):
        page.goto(path)
        page.evaluate("document.fonts.ready.then(() => true)")

    assert external_requests == []
