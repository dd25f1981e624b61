"""The Integration Executive flow: open the quarterly dashboard, open the prepared return,
record the meeting's decision approving it from the return's page, and see it locked."""

import datetime

import pytest
from playwright.sync_api import expect

from governance import services as governance_services
from submissions import services
from submissions.models import QuarterlyReturn
from tests.cycle import ie_board

pytestmark = pytest.mark.browser


def test_an_officer_approves_a_prepared_return_at_a_meeting_and_it_is_locked(page, login, sample):
    plan = sample.plan
    ret = services.return_get_or_create_draft(plan=plan, year=2014, quarter=4)
    services.return_prepare(ret=ret)
    services.return_mark_ready(ret=ret, on=datetime.date(2015, 5, 12))
    board = ie_board(plan.area)
    meeting = governance_services.meeting_schedule(board=board, date=datetime.date(2015, 5, 19))
    governance_services.item_add(
        meeting=meeting, title="BCF quarter four 2014/15 return", number=3, concerns=[ret]
    )

    login(page, "leics_officer")
    page.goto(f"/plans/{plan.pk}/")
    page.locator("#maincontent").get_by_role("link", name="Dashboard").click()
    page.get_by_role("link", name="2014/15 Q4").click()
    expect(page.get_by_role("heading", name="Quarterly dashboard, 2014/15 Q4")).to_be_visible()
    page.get_by_role("link", name="2014/15 Q4 return, version 1 (ready for review)").click()
    expect(page.locator("[data-status]")).to_have_text("Ready for review")

    expect(page.locator("[data-what-next]")).to_contain_text(
        "Next: the Integration Executive decides"
    )
    page.get_by_role("link", name="Record the board’s decision").click()
    page.get_by_label("Meeting and agenda item").select_option(
        f"{meeting.pk}-{meeting.items.get().pk}"
    )
    page.get_by_label("Resolution").fill("That the quarter four 2014/15 return be approved.")
    page.get_by_role("button", name="Record decision").click()
    expect(
        page.get_by_text("Recorded: the Integration Executive approved the return")
    ).to_be_visible()
    expect(page.locator("[data-status]")).to_have_text("Approved")
    expect(page.locator("[data-locked]")).to_be_visible()
    trail = page.locator(".bcf-approval-trail")
    expect(trail).to_contain_text("Integration Executive on 19 May 2015")
    expect(page.get_by_role("button", name="Prepare it again")).to_have_count(0)
    ret.refresh_from_db()
    assert (ret.status, ret.approved_on) == (QuarterlyReturn.Status.APPROVED, meeting.date)
