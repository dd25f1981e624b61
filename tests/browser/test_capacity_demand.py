"""The capacity and demand grid in the browser: gaps that follow the typing, a block pasted
from a spreadsheet, saving, the assurer reading it, at a desktop's and a phone's width."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from fixtures.packs import packs_load
from plans import permissions
from plans import services as plan_services
from plans.models import Plan
from schemes import services as scheme_services
from schemes.models import CapacityDemand, CapacityServiceType, Scheme
from tests.browser.conftest import _user
from tests.browser.test_grids import paste

pytestmark = pytest.mark.browser


@pytest.fixture
def today_plan(sample):
    packs_load()
    plan = plan_services.plan_create(
        area=sample.plan.area,
        title="Leicestershire Better Care Fund plan 2025/26",
        first_year=2025,
        last_year=2025,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2025, 3, 1),
    )
    theme = scheme_services.theme_create(plan=plan, name="Discharge")
    scheme_services.scheme_create(
        plan=plan,
        theme=theme,
        name="Home first reablement",
        status=Scheme.Status.EXISTING,
        budgets={2025: Decimal("250000")},
    )
    return plan


def _cell(plan, code, month, field):
    service_type = CapacityServiceType.objects.get(framework=plan.framework, code=code)
    return f"#id-c-{service_type.pk}-{month}-{field}"


def test_the_officer_types_pastes_sees_the_gap_and_saves(
    page, login, sample, today_plan, screenshot_dir
):
    login(page, "leics_officer")
    page.goto(f"/plans/{today_plan.pk}/")
    page.get_by_role("navigation", name="This plan").get_by_role(
        "link", name="Capacity and demand"
    ).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("capacity and demand")
    demand = _cell(today_plan, "discharge-reablement-home", "202504", "demand")
    page.locator(demand).fill("40")
    page.locator(_cell(today_plan, "discharge-reablement-home", "202504", "capacity")).fill("32")
    service_type = CapacityServiceType.objects.get(
        framework=today_plan.framework, code="discharge-reablement-home"
    )
    gap = page.locator(f"#gap-{service_type.pk} td").first
    expect(gap).to_contain_text("-8")
    expect(page.locator("#grid-status")).to_contain_text("not saved yet")
    # A block of two rows (demand, capacity) by two months from a spreadsheet.
    paste(page, demand, "40\t41\r\n32\t45\r\n")
    expect(page.locator("#grid-status")).to_contain_text("Pasted 4 cells")
    page.screenshot(path=screenshot_dir / "capacity-grid-1280.png", full_page=True)
    page.get_by_role("button", name="Save figures").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved 4 figures")
    expect(page.locator("#gaps")).to_be_visible()
    expect(page.get_by_text("short by 8")).to_be_visible()
    stored = CapacityDemand.objects.get(plan=today_plan, month=datetime.date(2025, 5, 1))
    assert (stored.demand, stored.capacity) == (41, 45)
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390
    page.screenshot(path=screenshot_dir / "capacity-grid-390.png", full_page=True)


def test_the_assurer_reads_the_figures_and_the_chart(
    page, login, sample, today_plan, screenshot_dir
):
    from schemes.capacity import services

    service_type = CapacityServiceType.objects.get(
        framework=today_plan.framework, code="discharge-reablement-home"
    )
    services.capacity_grid_save(
        plan=today_plan,
        cells={
            (service_type.pk, datetime.date(2025, 4, 1), "demand"): (None, 30),
            (service_type.pk, datetime.date(2025, 4, 1), "capacity"): (None, 20),
        },
    )
    _user("leics_assurer", permissions.ASSURER, sample.plan.area, "Alex", "Reed")
    login(page, "leics_assurer")
    page.goto(f"/plans/{today_plan.pk}/capacity-demand/")
    expect(page.locator("input.bcf-grid__input")).to_have_count(0)
    expect(page.locator("figure svg")).to_be_visible()
    expect(page.locator("#chart-table")).to_contain_text("April 2025")
    page.screenshot(path=screenshot_dir / "capacity-assurer-1280.png", full_page=True)
