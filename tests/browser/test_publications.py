"""A national publication in the browser: the administrator uploads a Fingertips file,
checks the preview, applies it to every area and sees what it imported; an officer reads
each figure's publication, date and data lag on the metric's page at a phone's width.
A second publication's revision is shown with the earlier value."""

from __future__ import annotations

import datetime
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import User
from playwright.sync_api import expect

from metrics import services as metric_services
from metrics.models import Actual, ActualRevision, Layout, MetricDefinition
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

FILES = Path(__file__).resolve().parents[2] / "metrics" / "tests" / "publications"
WIDTH = "() => document.documentElement.scrollWidth"


def _upload(page, name: str, title: str, published_on: str) -> None:
    page.goto("/submissions/national/")
    page.get_by_role("link", name="National publications").click()
    page.get_by_label("Layout of the file").select_option(Layout.FINGERTIPS)
    page.get_by_label("Name of the publication").fill(title)
    page.get_by_label("Date published").fill(published_on)
    page.get_by_label("Address of the publication (optional)").fill(
        "https://fingertips.phe.org.uk/profile/public-health-outcomes-framework"
    )
    page.set_input_files("input[type=file]", str(FILES / name))
    page.get_by_role("button", name="Preview the import").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text(f"Check the import of {title}")


def _apply(page) -> None:
    page.get_by_role("button", name="Apply to every area").click()
    expect(page.locator("[data-state]")).to_have_attribute("data-state", "success")


def test_an_administrator_imports_publications_and_an_officer_reads_them_on_a_phone(
    new_page, login, sample, screenshot_dir
):
    falls = MetricDefinition.objects.create(
        code="falls-admissions-65-dsr",
        name="Emergency hospital admissions due to falls in people aged 65 and over",
        short_name="Falls admissions (65+)",
        unit=MetricDefinition.Unit.AGE_STANDARDISED,
    )
    metric_services.national_indicators_set(metric=falls, indicators=[(Layout.FINGERTIPS, "22401")])
    User.objects.create_superuser("national_admin", password=PASSWORD)
    page = new_page()
    login(page, "national_admin")

    _upload(page, "fingertips_falls_2016.csv", "PHOF, November 2016", "2016-11-01")
    counts = page.locator("#preview-counts")
    expect(counts).to_have_attribute("data-added", "3")
    expect(page.locator("#preview-unmatched-areas")).to_contain_text("East Midlands region")
    expect(page.locator("#preview-unmatched-indicators")).to_contain_text("90813")
    page.screenshot(path=str(screenshot_dir / "publication-preview-1280.png"), full_page=True)
    assert not Actual.objects.filter(metric=falls).exists()
    _apply(page)
    page.get_by_role("link", name="See what PHOF, November 2016 imported").click()
    expect(page.locator("#publication-figures")).to_contain_text("Rutland")

    _upload(page, "fingertips_falls_2017.csv", "PHOF, November 2017", "2017-11-07")
    expect(page.locator("#preview-revised")).to_contain_text("1,950.25 → 1,961.8")
    _apply(page)
    revised = Actual.objects.get(plan=sample.plan, metric=falls, end=datetime.date(2016, 3, 31))
    assert ActualRevision.objects.get(actual=revised).value == Decimal("1950.25")

    phone = new_page()
    phone.set_viewport_size({"width": 390, "height": 844})
    login(phone, "leics_officer")
    phone.goto(f"/plans/{sample.plan.pk}/metrics/{falls.code}/")
    published = phone.locator("#published-figures")
    lag = (datetime.date(2017, 11, 7) - revised.end).days
    expect(published).to_contain_text(f"{lag} days after the period ended")
    expect(published).to_contain_text(
        "Was 1,950.25 (PHOF, November 2016, published 1 November 2016, final)"
    )
    assert phone.evaluate(WIDTH) <= 390
    phone.screenshot(path=str(screenshot_dir / "publication-metric-390.png"), full_page=True)
