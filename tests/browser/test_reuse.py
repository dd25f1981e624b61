"""A dashboard being brought up to date after a save: while another request computes it,
a reader is shown the copy from before with a notice saying so (desktop and phone), then
the new figures once it is done."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse
from playwright.sync_api import expect

from plans.freshness import page_key
from schemes import services as scheme_services

NOTICE = "Being brought up to date"


def test_a_reader_sees_the_copy_from_before_marked_while_it_is_computed(
    page, login, sample, screenshot_dir
):
    from django.core.cache import cache

    plan = sample.plan
    scheme = plan.schemes.order_by("pk").first()
    login(page, "leics_officer")
    page.goto(reverse("submissions:dashboard", args=[plan.pk]) + "?year=2014/15&quarter=4")
    expect(page.get_by_role("heading", name="Quarterly dashboard, 2014/15 Q4")).to_be_visible()
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    before = page.locator("[data-figure=actual]").first.inner_text()

    scheme_services.quarter_spend_set(
        plan=plan, year=2014, quarter=4, rows={scheme.pk: (Decimal("900000"), Decimal("123457"))}
    )
    # Another request is computing the page just now.
    lock = page_key("dashboard", (plan.pk, 2014, 4, datetime.date.today().isoformat()))
    cache.set(f"{lock}:computing", "another request", 60)
    page.reload()
    notice = page.get_by_role("status").filter(has_text=NOTICE)
    expect(notice).to_be_visible()
    assert page.locator("[data-figure=actual]").first.inner_text() == before
    page.screenshot(path=str(screenshot_dir / "dashboard-refreshing-desktop.png"), full_page=False)
    page.set_viewport_size({"width": 390, "height": 844})
    expect(notice).to_be_visible()
    page.screenshot(path=str(screenshot_dir / "dashboard-refreshing-390.png"), full_page=False)

    cache.delete(f"{lock}:computing")  # that request failed or finished elsewhere
    page.reload()
    expect(page.get_by_text(NOTICE)).to_have_count(0)
    assert page.locator("[data-figure=actual]").first.inner_text() != before
