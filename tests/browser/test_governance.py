"""A programme officer puts a plan version forward, records the HWB Board's decision
approving it and sees the plan's approval trail and its new status."""

import datetime

import pytest
from playwright.sync_api import expect

from governance import services
from tests.cycle import hwb_board

pytestmark = pytest.mark.browser


def test_recording_an_approving_decision_shows_on_the_plans_page(page, login, sample, monkeypatch):
    # The sample plan fails NHS England's template checks (issue 7's pre-submit gate, tested
    # in submissions); this test is about the approval trail, so no check is registered.
    monkeypatch.setattr("governance.approvals.SUBMIT_CHECKS", [])
    plan = sample.plan
    board = hwb_board(plan.area)
    meeting = services.meeting_schedule(board=board, date=datetime.date(2014, 4, 1))
    services.item_add(
        meeting=meeting, title="Final draft of the Better Care Fund", number=4, concerns=[plan]
    )

    login(page, "leics_officer")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("button", name="Prepare for agreement").click()
    expect(page.get_by_text("Prepared: what this version holds is snapshotted.")).to_be_visible()
    page.get_by_role("button", name="Put forward for agreement").click()
    expect(
        page.get_by_text("Put forward for the Health and Wellbeing Board’s decision.")
    ).to_be_visible()
    # The meeting of 1 April 2014 came before "today", when it was put forward: it cannot
    # approve it, and the form says why.
    page.goto(f"/governance/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record a decision on item 4").click()
    page.get_by_label("Kind of decision").select_option("approve")
    page.get_by_label("Resolution").fill("That the Better Care Fund Plan be approved.")
    page.get_by_label("What it approves (optional)").select_option(f"plans.plan:{plan.pk}")
    page.get_by_role("button", name="Record decision").click()
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("was before")
    expect(page.locator(".nhsuk-error-summary")).to_contain_text("was put forward on")
    assert not meeting.items.get().decisions.exists()  # nothing minuted for a refusal

    # A meeting held today, after it was put forward, can approve it.
    today = datetime.date.today()
    held = services.meeting_schedule(board=board, date=today, status="held")
    services.item_add(meeting=held, title="Better Care Fund plan", number=3, concerns=[plan])
    page.goto(f"/governance/meetings/{held.pk}/")
    page.get_by_role("link", name="Record a decision on item 3").click()
    page.get_by_label("Kind of decision").select_option("approve")
    page.get_by_label("Resolution").fill("That the Better Care Fund Plan be approved.")
    page.get_by_label("What it approves (optional)").select_option(f"plans.plan:{plan.pk}")
    page.get_by_role("button", name="Record decision").click()
    expect(page.get_by_text("Resolution (a) recorded; it approves")).to_be_visible()

    page.goto(f"/plans/{plan.pk}/")
    expect(page.get_by_text("Agreed by HWB", exact=True).first).to_be_visible()
    trail = page.locator(".bcf-approval-trail")
    expect(trail).to_contain_text(f"Health and Wellbeing Board on {today:%-d %B %Y}")
    expect(trail).to_contain_text("resolution (a)")
    page.get_by_role("button", name="Record as submitted to NHS England").click()
    expect(page.get_by_text("Submitted", exact=True).first).to_be_visible()
