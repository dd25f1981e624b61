"""Every role knows what to do (issue 13, point 5): the home page after sign-in, per role,
and what happens next on anything awaiting a decision. Its query count is asserted and does
not grow with the number of plans, returns, actions or items awaiting decision."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from governance import services as governance_services
from plans import services as plan_services
from plans.models import Plan
from submissions import services
from submissions.tests.conftest import TODAY
from tests.cycle import agree_plan, hwb_board, ie_board, meeting_item, put_forward, ready_return
from tests.factories import AreaFactory, PlanFactory

HOME = reverse("home")


def _queries(client) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(HOME)
    assert response.status_code == 200
    return len(context.captured_queries), response.content.decode()


def test_signing_in_lands_on_the_home_page(client, officer):
    officer.set_password("pass-word-1234")
    officer.save()
    response = client.post(reverse("login"), {"username": "officer", "password": "pass-word-1234"})
    assert response.status_code == 302
    assert response["Location"] == "/"


def test_an_officer_sees_unwritten_sections_failing_checks_returns_and_overdue_actions(
    officer, plan, client_for
):
    section = plan.sections.get(key="vision")
    plan_services.section_update(section=section, body="Our vision.", expected_version=None)
    ret = services.return_get_or_create_draft(plan=plan, year=2015, quarter=2)
    board = ie_board(plan.area)
    governance_services.action_add(
        board=board, description="Send the figures", owner=officer, due_on=datetime.date(2015, 1, 5)
    )
    count, html = _queries(client_for(officer))
    assert 'data-home="officer"' in html
    assert 'data-unwritten="10"' in html  # eleven sections, one written
    from submissions.documents.checklist import failing_items

    failing = failing_items(plan)
    assert "data-failing-checks" in html and failing[0] in html
    assert f"{len(failing)} checks fail" in html
    assert f"All {len(failing)} failing checks" in html
    assert reverse("submissions:return_detail", args=[ret.pk]) in html
    assert "Send the figures" in html
    assert 'data-home="assurer"' not in html


def _more_of_everything(area, officer, n: int) -> None:
    """More plan versions, returns and overdue actions of the officer's area."""
    board = ie_board(area)
    for i in range(n):
        plan = PlanFactory(area=area, title=f"Version {i}")
        services.return_get_or_create_draft(plan=plan, year=2014, quarter=1 + i % 4)
        governance_services.action_add(
            board=board,
            description=f"Action {i}",
            owner=officer,
            due_on=datetime.date(2014, 5, 1),
        )


def test_the_officers_home_page_query_count_does_not_grow_with_plans_returns_or_actions(
    officer, plan, client_for, area
):
    client = client_for(officer)
    _more_of_everything(area, officer, 1)
    before, _ = _queries(client)
    _more_of_everything(area, officer, 6)
    after, html = _queries(client)
    assert html.count("Action ") >= 7
    assert after == before
    assert before <= 40  # the newest draft's template checks are most of it


def _seat(user, board):
    governance_services.member_add(
        board=board, name=user.get_full_name() or user.username, member_user=user
    )


def test_a_board_member_sees_what_awaits_their_boards_decision_and_can_record_it(
    board, plan, client_for
):
    hwb = hwb_board(plan.area)
    _seat(board, hwb)
    put_forward(plan, on=datetime.date(2014, 3, 26))
    meeting = governance_services.meeting_schedule(
        board=hwb, date=datetime.date.today() + datetime.timedelta(days=10)
    )
    governance_services.item_add(meeting=meeting, title="The plan", concerns=[plan])
    count, html = _queries(client_for(board))
    assert 'data-home="boards"' in html
    assert "Health and Wellbeing Board" in html
    assert f"The plan version: {plan}" in html
    assert "item 1." in html  # on the coming meeting's agenda
    assert reverse("governance:decide", args=["plans.plan", plan.pk]) in html


def test_the_board_members_home_page_query_count_does_not_grow_with_what_awaits(
    board, executive, area, client_for
):
    hwb = hwb_board(area)
    ie = ie_board(area)
    _seat(board, hwb)
    _seat(board, ie)
    client = client_for(board)

    def more(n):
        for i in range(n):
            plan = PlanFactory(area=area, title=f"Plan {i}-{n}")
            put_forward(plan, on=datetime.date(2014, 3, 26))
            ret = services.return_get_or_create_draft(plan=plan, year=2014, quarter=1)
            ready_return(ret, on=datetime.date(2014, 7, 20))

    more(1)
    before, _ = _queries(client)
    more(4)
    after, html = _queries(client)
    assert html.count("put forward") >= 10
    assert after == before


def test_an_executive_sees_what_awaits_ratification(executive, plan, client_for):
    from governance.models import Power
    from plans import permissions
    from tests.factories import UserFactory

    director = UserFactory(username="director", roles=[permissions.OFFICER], areas=[plan.area])
    ie = ie_board(plan.area, delegate=director)
    _seat(executive, ie)
    assert ie.terms.get().powers.filter(kind=Power.Kind.QUARTERLY_RETURN).count() == 2
    ret = services.return_get_or_create_draft(plan=plan, year=2015, quarter=2)
    ret = ready_return(ret, on=datetime.date(2016, 1, 20))
    governance_services.approval_under_delegation(
        obj=ret, officer=director, text="Approved.", on=datetime.date(2016, 2, 1)
    )
    _, html = _queries(client_for(executive))
    assert "data-awaiting-ratification" in html
    assert reverse("governance:decide", args=["submissions.quarterlyreturn", ret.pk]) in html
    # The return's page says the same, and who does what next.
    page = client_for(executive).get(reverse("submissions:return_detail", args=[ret.pk]))
    assert "awaiting ratification by the Integration Executive" in page.content.decode()
    assert "Record the ratification" in page.content.decode()


def test_an_assurer_sees_areas_whose_submissions_are_missing_or_late(
    assurer, plan, client_for, other_area
):
    from frameworks.services import framework_set
    from plans.services import plans_attach_framework

    late_area = AreaFactory(name="Late shire")
    PlanFactory(area=late_area, first_year=2014)
    # Returns are due when the plans' framework says: two months after each quarter.
    framework = framework_set(
        code="returns-in-two-months",
        name="A framework",
        first_year=2014,
        last_year=2015,
        source_title="Invented for the test",
        return_due_months=2,
    )
    plans_attach_framework(framework=framework)
    count, html = _queries(client_for(assurer))
    assert 'data-home="assurer"' in html
    assert "data-missing-or-late" in html
    assert other_area.name in html  # no 2014/15 plan at all
    assert late_area.name in html
    assert "Submissions, 2014/15" in html
    for quarter in ("Q1", "Q4"):
        assert f"{quarter} return" in html
    assert 'data-home="officer"' not in html


def test_the_assurers_home_page_query_count_does_not_grow_with_areas_plans_or_returns(
    assurer, plan, client_for
):
    client = client_for(assurer)

    def more(n):
        for _ in range(n):
            area = AreaFactory()
            other = PlanFactory(area=area, first_year=2014)
            services.return_get_or_create_draft(plan=other, year=2014, quarter=2)

    more(1)
    before, _ = _queries(client)
    more(5)
    after, _ = _queries(client)
    assert after == before


def test_a_plan_awaiting_assurance_is_listed_for_the_assurer(
    assurer, plan, client_for, monkeypatch
):
    monkeypatch.setattr("governance.approvals.SUBMIT_CHECKS", [])
    agree_plan(plan)
    governance_services.plan_submit(plan=plan)
    _, html = _queries(client_for(assurer))
    assert "data-awaiting-assurance" in html
    assert plan.title in html


@pytest.mark.parametrize(
    "status, what_next",
    [
        (Plan.Status.DRAFT, "Next: a programme officer checks it against"),
        (Plan.Status.READY, "Next: the Health and Wellbeing Board decides"),
        (Plan.Status.AGREED, "Next: a programme officer records its submission"),
    ],
)
def test_the_plan_page_says_what_happens_next_and_who_does_it(
    plan, officer, board, client_for, status, what_next
):
    hwb_board(plan.area)
    if status != Plan.Status.DRAFT:
        put_forward(plan, on=datetime.date(2014, 3, 26))
    if status == Plan.Status.AGREED:
        item = meeting_item(
            hwb_board(plan.area), on=datetime.date(2014, 4, 1), title="Plan", concerns=[plan]
        )
        governance_services.decision_record(
            item=item, kind="approve", text="Agreed.", approves=plan
        )
    for user in (officer, board):
        html = client_for(user).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
        assert "data-next-step" in html
        assert what_next in html


def test_a_return_page_says_what_happens_next_at_every_step(plan, officer, client_for):
    ie_board(plan.area)
    ret = services.return_get_or_create_draft(plan=plan, year=2015, quarter=2)
    url = reverse("submissions:return_detail", args=[ret.pk])
    client = client_for(officer)
    assert "prepares the figures" in client.get(url).content.decode()
    services.return_prepare(ret=ret, today=TODAY)
    assert "marks it ready for the Integration Executive" in client.get(url).content.decode()
    ret.refresh_from_db()
    services.return_mark_ready(ret=ret, on=datetime.date(2016, 1, 20))
    html = client.get(url).content.decode()
    assert "Next: the Integration Executive decides" in html
    assert "Record the board’s decision" in html  # the officer records it, as clerk
