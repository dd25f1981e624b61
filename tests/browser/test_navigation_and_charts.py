"""In the browser: the plan's navigation marks where you are at both widths, and the
dashboard's chart has its table as its text alternative."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_plan_navigation_marks_the_current_part_at_both_widths(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/plans/{sample.plan.pk}/")
    nav = page.get_by_role("navigation", name="This plan")
    expect(nav.get_by_role("link", name="Overview")).to_have_attribute("aria-current", "page")
    nav.get_by_role("link", name="Schemes").click()
    nav = page.get_by_role("navigation", name="This plan")
    expect(nav.get_by_role("link", name="Schemes")).to_have_attribute("aria-current", "page")
    expect(nav.get_by_role("link", name="Overview")).not_to_have_attribute("aria-current", "page")
    header = page.get_by_role("navigation", name="Menu")
    expect(header.get_by_role("link", name="Plans")).to_have_attribute("aria-current", "true")
    for part in ("Budgets", "Funds", "Metrics", "Risks", "Dashboard", "Quarterly returns"):
        expect(nav.get_by_role("link", name=part, exact=True)).to_be_visible()

    page.set_viewport_size({"width": 390, "height": 844})
    expect(nav.get_by_role("link", name="Schemes")).to_be_visible()
    back = page.locator(".nhsuk-breadcrumb .nhsuk-back-link")
    expect(back).to_be_visible()
    expect(back).to_have_text(f"Back to {sample.plan.title}")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_the_dashboard_chart_has_its_table_as_text_alternative(page, login, sample):
    login(page, "leics_officer")
    page.goto(f"/submissions/plans/{sample.plan.pk}/dashboard/?year=2014/15&quarter=1")
    figure = page.locator("figure.bcf-chart").first
    chart = figure.locator("div[role=img]")
    expect(chart).to_have_attribute(
        "aria-label",
        "Money by theme: plan, forecast and actual to date. The table below gives the figures.",
    )
    assert figure.locator("svg script").count() == 0
    table = page.locator("#money-by-theme")
    expect(table.locator("caption")).to_have_text("By theme and scheme (pounds)")
    for theme in sample.themes.values():
        expect(table.get_by_role("rowheader", name=theme.name)).to_be_visible()
        expect(figure.locator("svg")).to_contain_text(theme.name)
    expect(page.locator("[data-summary-metrics]")).to_be_visible()
    expect(page.locator("[data-summary-money]")).to_be_visible()
