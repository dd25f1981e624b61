"""Entering an actual in the browser changes the metric's status and its chart."""

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from metrics import services

pytestmark = pytest.mark.browser


def test_an_officer_enters_an_actual_and_sees_the_status_and_chart_change(page, login, sample):
    plan, metric = sample.plan, sample.metrics["admissions"]
    metric.unit, metric.direction = "per_100k_month", "lower"
    metric.save()
    services.target_create(
        plan=plan,
        metric=metric,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("724.37"),
    )
    login(page, "leics_officer")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Metrics", exact=True).click()
    page.get_by_role("link", name="1. Non-elective admissions").click()
    expect(page.locator("#latest-status")).to_contain_text("No data")
    chart_before = page.locator("#metric-chart svg").inner_html()

    page.get_by_role("link", name="Add an actual").click()
    page.get_by_label("Kind of period").select_option("year")
    page.get_by_label("Period", exact=True).fill("2014/15")
    page.get_by_label("Numerator (count)").fill("60000")
    page.get_by_label("Population (denominator)").fill("679096")
    page.get_by_role("button", name="Save actual").click()

    expect(page.locator("#latest-status")).to_contain_text("Not met")
    expect(page.locator("#actuals-table")).to_contain_text("736.27")
    assert page.locator("#metric-chart svg").inner_html() != chart_before
    expect(page.locator("#metric-chart")).to_contain_text("Actual")
