"""The whole cycle, each role signed in as themselves (issue 13): a plan version goes from
draft to agreed, submitted and assured; a year-end return from draft to approved under
delegation, submitted, and ratified later by the board that delegated.

The programme officer prepares and puts forward, schedules the meetings and records the
submissions; a HWB Board member records the Board's decision from their home page; the
Director named in the Integration Executive's terms of reference approves the return under
delegation before the Executive meets; an Executive member records the ratification; the
regional assurer judges the plan, approves it with a condition and the letter is a PDF; the
officer records the condition met. Only the test's set-up (boards, terms of reference, the
plan's content) is made through the services.
"""

from __future__ import annotations

import datetime

import pytest
from playwright.sync_api import expect

from governance import services as governance_services
from governance.models import Approval
from plans import permissions
from plans.models import Plan
from submissions.models import Assurance, QuarterlyReturn
from tests.browser.conftest import _user, put_on_agenda, schedule_held_meeting
from tests.cycle import hwb_board, ie_board, make_checklist_pass

pytestmark = pytest.mark.browser


def _seat(user, board):
    governance_services.member_add(board=board, name=user.get_full_name(), member_user=user)


def test_a_plan_and_a_return_go_from_draft_to_assured_and_submitted_by_each_role(
    new_page, login, sample, screenshot_dir
):
    plan = sample.plan
    area = plan.area
    today = datetime.date.today()
    executive = _user("leics_executive", permissions.EXECUTIVE, area, "Grace", "Okafor")
    director = _user("leics_director", permissions.OFFICER, area, "Amira", "Shah")
    _user("regional_assurer", permissions.ASSURER, area, "Fiona", "Campbell")
    hwb = hwb_board(area)
    ie = ie_board(area, delegate=director)
    _seat(sample.users["board"], hwb)
    _seat(executive, ie)
    make_checklist_pass(plan)  # the plan's content, written as the officer would

    officer = new_page()
    login(officer, "leics_officer")

    # --- The plan: prepared, put forward, on the agenda ---------------------------------
    expect(officer.locator("[data-home=officer]")).to_contain_text(plan.title)
    officer.get_by_role("link", name=plan.title).first.click()
    expect(officer.locator("[data-version-state]").first).to_contain_text("Final 1, not yet agreed")
    officer.get_by_role("button", name="Prepare for agreement").click()
    officer.get_by_role("button", name="Put forward for agreement").click()
    expect(officer.locator("[data-state]")).to_contain_text("Put forward for agreement on")
    expect(officer.locator("[data-what-next]")).to_contain_text(
        "Next: the Health and Wellbeing Board decides"
    )

    put_on_agenda(
        officer, hwb, today, "Better Care Fund plan for agreement", f"plans.plan:{plan.pk}"
    )

    # --- The HWB Board member records the Board's decision from their home page -----------
    board = new_page()
    login(board, "leics_board")
    awaiting = board.locator("[data-awaiting-decision]")
    expect(awaiting).to_contain_text(plan.title)
    expect(awaiting).to_contain_text("item 1")
    board.screenshot(path=str(screenshot_dir / "cycle-board-home.png"), full_page=True)
    awaiting.get_by_role("link", name="record its decision").click()
    board.get_by_label("Meeting and agenda item").select_option(index=0)
    board.get_by_label("Resolution").fill("That the Better Care Fund plan be approved.")
    board.get_by_role("button", name="Record decision").click()
    expect(board.get_by_text("Recorded: the Health and Wellbeing Board approved")).to_be_visible()
    expect(board.locator("[data-version-state]").first).to_contain_text(
        f"Final 1, agreed by the HWB Board on {today:%-d %B %Y}"
    )
    expect(board.get_by_role("button", name="Record as submitted to NHS England")).to_have_count(0)

    # --- The officer records its submission; the version no longer changes ---------------
    officer.goto(f"/plans/{plan.pk}/")
    officer.get_by_role("button", name="Record as submitted to NHS England").click()
    expect(officer.get_by_text("Plan version marked as submitted to NHS England.")).to_be_visible()
    officer.goto(f"/plans/{plan.pk}/schemes/add/")
    expect(officer.locator("[data-frozen-refusal]")).to_be_visible()
    expect(officer.get_by_role("link", name="Start a new draft version")).to_be_visible()

    # --- The regional assurer: each requirement judged, approved with a condition ---------
    assurer = new_page()
    login(assurer, "regional_assurer")
    expect(assurer.locator("[data-awaiting-assurance]")).to_contain_text(plan.title)
    assurer.goto(f"/plans/{plan.pk}/")
    assurer.get_by_role("link", name="Record the assurance").click()
    # .all() does not wait: take the selects only once the whole page is there.
    expect(assurer.get_by_role("button", name="Record the outcome")).to_be_visible()
    for select in assurer.locator("select[name^=judgement-]").all():
        select.select_option("met")
    assurer.locator("textarea[name=comment-0]").fill("The condition is met in the plan.")
    assurer.get_by_role("button", name="Save judgements and comments").click()
    expect(assurer.get_by_text("Your judgements and comments are saved.")).to_be_visible()
    assurer.get_by_label("Approved with conditions").check()
    assurer.get_by_label("Date of the decision").fill(today.isoformat())
    assurer.get_by_label("Summary for the letter").fill("A clear plan with one condition.")
    assurer.get_by_label("Condition 1", exact=True).fill("Agree the risk share with the trust.")
    assurer.get_by_label("Condition 1: to be met by").fill(
        (today + datetime.timedelta(days=60)).isoformat()
    )
    assurer.get_by_role("button", name="Record the outcome").click()
    expect(assurer.locator("[data-outcome]")).to_contain_text("Approved with conditions")
    with assurer.expect_download() as download:
        assurer.locator("[data-letter]").click()
    letter = download.value.path().read_bytes()
    assert letter.startswith(b"%PDF")
    plan.refresh_from_db()
    assert plan.status == Plan.Status.ASSURED

    # --- The officer records the condition met --------------------------------------------
    officer.goto(f"/submissions/plans/{plan.pk}/assurance/")
    officer.get_by_label("How it was met").fill("Signed by both partners.")
    officer.get_by_role("button", name="Record condition 1 as met").click()
    expect(officer.get_by_text("Condition 1 recorded as met.")).to_be_visible()
    assert not Assurance.objects.get(plan=plan).conditions.filter(closed_on=None).exists()

    # --- The year-end return: prepared and marked ready by the officer ---------------------
    officer.goto(f"/submissions/plans/{plan.pk}/returns/")
    officer.get_by_label("Financial year").fill("2015/16")
    officer.get_by_label("Quarter").select_option("4")
    officer.get_by_role("button", name="Prepare return").click()
    expect(officer.locator("[data-status]")).to_have_text("Draft")
    officer.reload()
    officer.get_by_role("button", name="Mark ready for review").click()
    expect(officer.locator("[data-status]")).to_have_text("Ready for review")
    ret = QuarterlyReturn.objects.get(plan=plan, year=2015, quarter=4)

    # --- The Director approves it under delegation: the deadline comes first ---------------
    director_page = new_page()
    login(director_page, "leics_director")
    director_page.goto(f"/submissions/returns/{ret.pk}/")
    director_page.get_by_role("link", name="Approve under delegation").click()
    director_page.get_by_label("Why it could not wait for the board").fill(
        "NHS England's deadline falls before the Integration Executive meets."
    )
    director_page.get_by_role("button", name="Approve under delegation").click()
    expect(
        director_page.get_by_text("awaits ratification by the Integration Executive")
    ).to_be_visible()
    expect(director_page.locator("[data-awaiting-ratification]")).to_be_visible()

    # --- The officer records its submission, on time -----------------------------------------
    officer.goto(f"/submissions/returns/{ret.pk}/")
    officer.get_by_role("button", name="Record as submitted to NHS England").click()
    expect(officer.locator("[data-status]")).to_have_text("Submitted")
    schedule_held_meeting(officer, ie, today)

    # --- An Executive member ratifies it at the Executive's meeting --------------------------
    exec_page = new_page()
    login(exec_page, "leics_executive")
    to_ratify = exec_page.locator("[data-awaiting-ratification]")
    expect(to_ratify).to_contain_text("Director of Health and Care Integration")
    to_ratify.get_by_role("link", name="record the ratification").click()
    exec_page.get_by_label("Meeting and agenda item").select_option(index=0)
    exec_page.get_by_role("button", name="Record decision").click()
    expect(
        exec_page.get_by_text("Recorded: the Integration Executive ratified the return")
    ).to_be_visible()
    expect(exec_page.locator(".bcf-approval-trail")).to_contain_text("Ratified")
    approval = Approval.objects.get(object_id=ret.pk, content_type__model="quarterlyreturn")
    assert approval.officer_decision.officer == director
    assert approval.ratified_by.item.meeting.board == ie
    ret.refresh_from_db()
    assert ret.status == QuarterlyReturn.Status.SUBMITTED
    exec_page.screenshot(path=str(screenshot_dir / "cycle-return-ratified.png"), full_page=True)
