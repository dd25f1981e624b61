"""The Integration Executive flow: open the quarterly dashboard, open the prepared return,
approve it at a meeting (the decision on the governance pages), and see it locked."""

import datetime

import pytest
from playwright.sync_api import expect

from governance import services as governance_services
from submissions import services
from submissions.models import QuarterlyReturn

pytestmark = pytest.mark.browser


def test_an_officer_approves_a_prepared_return_at_a_meeting_and_it_is_locked(page, login, sample):
    plan = sample.plan
    ret = services.return_get_or_create_draft(plan=plan, year=2014, quarter=4)
    services.return_prepare(ret=ret)
    services.return_mark_ready(ret=ret)
    board = governance_services.board_create(area=plan.area, name="Integration Executive")
    meeting = governance_services.meeting_schedule(board=board, date=datetime.date(2015, 5, 19))
    governance_services.item_add(
        meeting=meeting, title="BCF quarter four 2014/15 return", number=3, concerns=[ret]
    )

    login(page, "leics_officer")
    page.goto(f"/plans/{plan.pk}/")
    page.get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="2014/15 Q4").click()
    expect(page.get_by_role("heading", name="Quarterly dashboard, 2014/15 Q4")).to_be_visible()
    page.get_by_role("link", name="2014/15 Q4 return, version 1 (ready for review)").click()
    expect(page.locator("[data-status]")).to_have_text("Ready for review")

    page.goto(f"/governance/meetings/{meeting.pk}/")
    page.get_by_role("link", name="Record a decision on item 3").click()
    page.get_by_label("Kind of decision").select_option("approve")
    page.get_by_label("Resolution").fill("That the quarter four 2014/15 return be approved.")
    page.get_by_role("button", name="Record decision").click()

    page.goto(f"/submissions/returns/{ret.pk}/")
    page.get_by_role("link", name="Record the Integration Executive's approval").click()
    page.get_by_label("Approving decision").select_option(index=1)
    page.get_by_role("button", name="Record approval").click()
    expect(page.locator("[data-status]")).to_have_text("Approved")
    expect(page.locator("[data-locked]")).to_be_visible()
    trail = page.locator(".bcf-approval-trail")
    expect(trail).to_contain_text("Integration Executive on 19 May 2015")
    expect(page.get_by_role("button", name="Recompute the figures")).to_have_count(0)
    ret.refresh_from_db()
    assert (ret.status, ret.approved_on) == (QuarterlyReturn.Status.APPROVED, meeting.date)
