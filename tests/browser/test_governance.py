"""A programme officer records the HWB Board's decision approving a plan version and sees
the plan's approval trail and its new status."""

import datetime

import pytest
from playwright.sync_api import expect

from governance import services

pytestmark = pytest.mark.browser


def test_recording_an_approving_decision_shows_on_the_plans_page(page, login, sample, monkeypatch):
    # The sample plan fails NHS England's template checks (issue 7's pre-submit gate, tested
    # in submissions); this test is about the approval trail, so no check is registered.
    monkeypatch.setattr(services, "SUBMIT_CHECKS", [])
    plan = sample.plan
    board = services.board_create(area=plan.area, name="Health and Wellbeing Board")
    meeting = services.meeting_schedule(board=board, date=datetime.date(2014, 4, 1))
    services.item_add(meeting=meeting, title="Final draft of the Better Care Fund", number=4)

    login(page, "leics_officer")
    page.goto(f"/governance/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record a decision on item 4").click()
    page.get_by_label("Kind of decision").select_option("approve")
    page.get_by_label("Resolution").fill("That the Better Care Fund Plan be approved.")
    page.get_by_label("Plan version it approves (optional)").select_option(str(plan.pk))
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Resolution (a) recorded; it approves")).to_be_visible()

    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_text("Agreed by HWB", exact=True)).to_be_visible()
    trail = page.locator(".bcf-approval-trail")
    expect(trail).to_contain_text("Health and Wellbeing Board on 1 April 2014")
    expect(trail).to_contain_text("resolution (a)")
    page.get_by_role("button", name="Submit to NHS England").click()
    expect(page.get_by_text("Submitted", exact=True)).to_be_visible()
