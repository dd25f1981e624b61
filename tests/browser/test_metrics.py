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


def test_an_officer_recalculates_the_spc_limits_with_a_reason(page, login, sample):
    plan, metric = sample.plan, sample.metrics["admissions"]
    metric.unit, metric.direction = "per_100k_month", "lower"
    metric.save()
    # Thirteen months about 700, then a lasting drop to about 600 from May 2015.
    values = [700, 708, 703, 711, 699, 706, 702, 709, 704, 707, 701, 705, 703]
    values += [601, 598, 604, 597, 603, 600, 602, 599, 605, 598, 601]
    for n, value in enumerate(values):
        year, month = 2014 + (3 + n) // 12, (3 + n) % 12 + 1
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        services.actual_create(
            plan=plan, metric=metric, granularity="month", start=start, end=end, value=value
        )
    login(page, "leics_officer")
    page.goto(f"/plans/{plan.pk}/metrics/{metric.code}/")
    expect(page.locator("#variation")).to_contain_text("Special cause variation: improving")
    expect(page.locator("#metric-chart")).to_contain_text("Special cause: improving")

    page.get_by_role("link", name="Recalculate the limits from a point").click()
    page.get_by_role("button", name="Recalculate the limits").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("Choose the first point")
    page.get_by_label("First point of the new limits").select_option(label="May 2015")
    page.get_by_label("Why the process changed from this point").fill("Home first service began")
    page.get_by_role("button", name="Recalculate the limits").click()

    expect(page.locator("#spc-rebases")).to_contain_text("Home first service began")
    expect(page.locator("#chart-caption")).to_contain_text("Too few points for SPC: 11 since")
    expect(page.locator("#metric-chart")).to_contain_text("▲ May 2015")
    expect(page.locator("#variation")).to_contain_text("Too few points for SPC")
