"""What a decision may approve (issue 13, point 1), approval under delegation and its
ratification (point 2), and submitting a plan version. Each refused case names the
condition that failed, and a refused approval leaves no decision behind."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance import services
from governance.models import Approval, Decision, Meeting, OfficerDecision
from plans.models import Plan
from schemes import services as scheme_services
from submissions import services as return_services
from submissions.models import QuarterlyReturn
from tests.cycle import ready_return


def _decisions() -> int:
    return Decision.objects.count()


# Submitting -------------------------------------------------------------------------------


def test_a_plan_cannot_be_submitted_without_an_approving_decision(plan, officer):
    with pytest.raises(ValidationError, match="no board decision has approved it"):
        services.plan_submit(plan=plan, user=officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_noting_decision_does_not_approve_a_plan(item, plan, officer):
    noted = services.decision_record(item=item, kind=Decision.Kind.NOTE, text="Noted.")
    with pytest.raises(ValidationError, match="Only a decision to approve"):
        services.approval_record(decision=noted, obj=plan, user=officer)
    with pytest.raises(ValidationError):
        services.plan_submit(plan=plan, user=officer)


def test_approving_a_plan_makes_it_agreed_and_then_submittable(
    approving_decision, plan, officer, monkeypatch
):
    # The shared `plan` fails NHS England's template checks (submissions registers them);
    # this test is about the approval, so it runs with no pre-submit check registered.
    monkeypatch.setattr(services, "SUBMIT_CHECKS", [])
    monkeypatch.setattr("governance.approvals.SUBMIT_CHECKS", [])
    approval = services.approval_record(decision=approving_decision, obj=plan, user=officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    assert plan.agreed_on == datetime.date(2014, 4, 1)  # the day of the meeting
    assert approval.approved_on == datetime.date(2014, 4, 1)
    assert approval.checksum == plan.snapshot.checksum  # exactly what was put forward
    assert approval.power.kind == "plan"
    services.plan_submit(plan=plan, user=officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    assert plan.is_frozen


def test_a_registered_pre_submit_check_refuses_with_the_failing_items_names(
    approving_decision, plan, officer, monkeypatch
):
    failing = ["Sign-offs recorded", "Section “Vision” written"]
    monkeypatch.setattr("governance.approvals.SUBMIT_CHECKS", [lambda p: list(failing)])
    services.approval_record(decision=approving_decision, obj=plan, user=officer)
    with pytest.raises(ValidationError, match="fails the template checks") as refusal:
        services.plan_submit(plan=plan, user=officer)
    assert "Sign-offs recorded; Section “Vision” written" in str(refusal.value)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    failing.clear()
    services.plan_submit(plan=plan, user=officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED


def test_an_approved_plan_cannot_be_approved_twice(approving_decision, item, plan, officer):
    services.approval_record(decision=approving_decision, obj=plan, user=officer)
    again = services.decision_record(item=item, kind=Decision.Kind.APPROVE, text="Again.")
    with pytest.raises(ValidationError, match="already been approved"):
        services.approval_record(decision=again, obj=plan, user=officer)
    assert Approval.objects.count() == 1


def test_a_decision_that_approved_something_cannot_be_edited(approving_decision, plan, officer):
    services.approval_record(decision=approving_decision, obj=plan, user=officer)
    with pytest.raises(ValidationError, match="cannot be changed"):
        services.decision_update(decision=approving_decision, text="Something else.")
    approving_decision.refresh_from_db()
    assert approving_decision.text == "That the Better Care Fund Plan be approved."


def test_a_board_cannot_approve_another_areas_plan(approving_decision, other_plan):
    with pytest.raises(ValidationError, match="its own area"):
        services.approval_record(decision=approving_decision, obj=other_plan)


# What a decision may approve: each condition, named when it fails -------------------------


def test_a_board_without_the_power_in_its_terms_cannot_approve(
    executive_board, ready_plan, officer
):
    """The Integration Executive's terms give it returns and releases, not plan versions."""
    meeting = services.meeting_schedule(board=executive_board, date=datetime.date(2014, 4, 2))
    item = services.item_add(meeting=meeting, title="The plan", concerns=[ready_plan])
    with pytest.raises(ValidationError) as refusal:
        services.decision_record(
            item=item, kind="approve", text="Approved.", approves=ready_plan, user=officer
        )
    message = " ".join(refusal.value.messages)
    assert "Integration Executive’s terms of reference (March 2014) give it no power" in message
    assert "The Health and Wellbeing Board’s do." in message
    assert _decisions() == 0


def test_a_board_whose_terms_were_not_yet_in_force_cannot_approve(hwb, ready_plan):
    early = services.meeting_schedule(board=hwb, date=datetime.date(2014, 2, 1))
    item = services.item_add(meeting=early, title="The plan", concerns=[ready_plan])
    with pytest.raises(ValidationError, match="no terms of reference in force on 1 February"):
        services.decision_record(item=item, kind="approve", text="A.", approves=ready_plan)


def test_an_item_that_does_not_concern_the_object_cannot_approve_it(meeting, ready_plan):
    other = services.item_add(meeting=meeting, title="Terms of reference")
    with pytest.raises(ValidationError, match="does not concern"):
        services.decision_record(item=other, kind="approve", text="A.", approves=ready_plan)
    assert _decisions() == 0


def test_a_meeting_before_the_object_was_put_forward_cannot_approve_it(hwb, ready_plan):
    before = services.meeting_schedule(board=hwb, date=datetime.date(2014, 3, 20))
    item = services.item_add(meeting=before, title="The plan", concerns=[ready_plan])
    with pytest.raises(ValidationError, match="was before .* was put forward on 26 March 2014"):
        services.decision_record(item=item, kind="approve", text="A.", approves=ready_plan)


def test_an_object_not_put_forward_cannot_be_approved(meeting, plan):
    item = services.item_add(meeting=meeting, title="The plan", concerns=[plan])
    with pytest.raises(ValidationError, match="has not been put forward"):
        services.decision_record(item=item, kind="approve", text="A.", approves=plan)


def test_a_cancelled_or_future_meeting_cannot_approve(hwb, ready_plan):
    cancelled = services.meeting_schedule(
        board=hwb, date=datetime.date(2014, 4, 2), status=Meeting.Status.CANCELLED
    )
    future = services.meeting_schedule(board=hwb, date=datetime.date.today().replace(year=2099))
    for meeting, why in ((cancelled, "was cancelled"), (future, "has not taken place yet")):
        item = services.item_add(meeting=meeting, title="The plan", concerns=[ready_plan])
        with pytest.raises(ValidationError, match=why):
            services.decision_record(item=item, kind="approve", text="A.", approves=ready_plan)


def test_a_plan_changed_after_it_was_prepared_cannot_be_approved(item, ready_plan):
    scheme_services.theme_create(plan=ready_plan, name="Added after it was put forward")
    with pytest.raises(ValidationError, match="has changed since it was prepared"):
        services.decision_record(item=item, kind="approve", text="A.", approves=ready_plan)
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.READY
    assert _decisions() == 0


def test_the_issue_case_a_terms_of_reference_decision_cannot_approve_a_draft_return(
    hwb, executive_board, plan
):
    """A draft 2016/17 Q3 return approved with the HWB Board's 13 February 2014 decision on
    its terms of reference: every failing condition is named, nothing is recorded."""
    ret = return_services.return_get_or_create_draft(plan=plan, year=2015, quarter=3)
    meeting = services.meeting_schedule(board=hwb, date=datetime.date(2014, 2, 13))
    terms_item = services.item_add(meeting=meeting, title="Refresh of the terms of reference")
    with pytest.raises(ValidationError) as refusal:
        services.decision_record(
            item=terms_item, kind="approve", text="That the terms be approved.", approves=ret
        )
    message = " ".join(refusal.value.messages)
    assert "give it no power to approve quarterly returns" in message
    assert "The Integration Executive’s do." in message
    assert "does not concern" in message
    assert "has not been put forward" in message
    assert _decisions() == 0
    ret.refresh_from_db()
    assert ret.status == QuarterlyReturn.Status.DRAFT


def test_a_refused_approval_records_no_decision_and_a_retry_minutes_it_once(
    meeting, ready_plan, officer, client_for
):
    """The issue's case: the resolution stayed in the minutes when its approval was
    refused, and trying again minuted it twice."""
    item = services.item_add(meeting=meeting, title="The plan", concerns=[ready_plan])
    scheme_services.theme_create(plan=ready_plan, name="A change after it was put forward")
    url = reverse("governance:decision_add", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    data = {
        "kind": "approve",
        "text": "That the plan be approved.",
        "approves": f"plans.plan:{ready_plan.pk}",
    }
    for _ in range(2):
        response = client_for(officer).post(url, data)
        assert response.status_code == 200
        assert "has changed since it was prepared" in response.content.decode()
    assert item.decisions.count() == 0
    ready_plan.refresh_from_db()
    from submissions.readiness import plan_prepare, plan_put_forward

    plan_prepare(plan=ready_plan)
    plan_put_forward(plan=ready_plan, on=datetime.date(2014, 3, 31))
    assert client_for(officer).post(url, data).status_code == 302
    assert item.decisions.count() == 1
    assert Approval.objects.filter(decision__item=item).count() == 1


# Approval under delegation, and ratification ----------------------------------------------


@pytest.fixture
def ready_q3(plan, executive_board):
    ret = return_services.return_get_or_create_draft(plan=plan, year=2015, quarter=3)
    return ready_return(ret, on=datetime.date(2016, 1, 20))


def test_the_named_officer_approves_under_delegation_and_the_board_ratifies_later(
    ready_q3, director, executive_board, officer
):
    approval = services.approval_under_delegation(
        obj=ready_q3,
        officer=director,
        text="That the Q3 return be approved for submission by 22 February.",
        reason="NHS England's deadline falls before the Executive meets on 1 March.",
        on=datetime.date(2016, 2, 20),
    )
    ready_q3.refresh_from_db()
    assert ready_q3.status == QuarterlyReturn.Status.APPROVED  # it stands at once
    assert approval.awaits_ratification
    assert approval.power.terms.board == executive_board
    assert approval.checksum == ready_q3.checksum
    return_services.return_submit(ret=ready_q3, user=officer)  # the deadline is met
    # The board lists it, and ratifies it at a later meeting.
    from governance.selectors import forward_plan

    assert forward_plan(board=executive_board, today=datetime.date(2016, 2, 21)).to_ratify == [
        approval
    ]
    later = services.meeting_schedule(board=executive_board, date=datetime.date(2016, 3, 1))
    item = services.item_add(meeting=later, title="Returns approved under delegation")
    decision = services.decision_at_meeting(
        obj=ready_q3, meeting=later, item=None, kind="ratify", text="Ratified.", user=officer
    )
    approval.refresh_from_db()
    assert approval.ratified_by == decision
    assert not approval.awaits_ratification
    assert decision.item != item  # a new item, concerning the return, was added for it
    assert forward_plan(board=executive_board, today=datetime.date(2016, 2, 21)).to_ratify == []


def test_only_the_named_officer_approves_under_delegation(ready_q3, officer, executive_board):
    with pytest.raises(ValidationError, match="name you as the officer"):
        services.approval_under_delegation(
            obj=ready_q3, officer=officer, text="Approved.", on=datetime.date(2016, 2, 20)
        )
    assert not OfficerDecision.objects.exists()


def test_delegation_is_refused_for_a_kind_not_delegated(ready_plan, director, executive_board):
    with pytest.raises(ValidationError, match="name you as the officer to approve plan"):
        services.approval_under_delegation(
            obj=ready_plan, officer=director, text="Approved.", on=datetime.date(2014, 3, 27)
        )


def test_a_ratification_is_refused_by_another_board_or_at_an_earlier_meeting(
    ready_q3, director, executive_board, hwb
):
    services.approval_under_delegation(
        obj=ready_q3, officer=director, text="Approved.", on=datetime.date(2016, 2, 20)
    )
    wrong_board = services.meeting_schedule(board=hwb, date=datetime.date(2016, 3, 3))
    earlier = services.meeting_schedule(board=executive_board, date=datetime.date(2016, 2, 1))
    for meeting, why in (
        (wrong_board, "Only the Integration Executive can ratify"),
        (earlier, "it is ratified at a later meeting"),
    ):
        with pytest.raises(ValidationError, match=why):
            services.decision_at_meeting(
                obj=ready_q3, meeting=meeting, item=None, kind="ratify", text="Ratified."
            )
    assert not Decision.objects.filter(kind="ratify").exists()
    assert Approval.objects.get().awaits_ratification


def test_a_ratifying_decision_needs_an_approval_awaiting_ratification(meeting, item, ready_plan):
    with pytest.raises(ValidationError, match="no approval under delegation"):
        services.decision_record(item=item, kind="ratify", text="Ratified.", ratifies=ready_plan)


# Pages ------------------------------------------------------------------------------------


def test_the_plan_page_shows_the_approval_trail_and_the_submit_button(
    client_for, officer, board, approving_decision, plan
):
    services.approval_record(decision=approving_decision, obj=plan, user=officer)
    url = reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    html = client_for(officer).get(url).content.decode()
    assert "Approval trail" in html
    assert "Health and Wellbeing Board on 1 April 2014" in html
    assert "resolution (a)" in html
    assert "Record as submitted to NHS England" in html
    assert "Record as submitted to NHS England" not in client_for(board).get(url).content.decode()


def test_the_submit_endpoint_refuses_an_unapproved_plan_with_a_message(client_for, officer, plan):
    client = client_for(officer)
    response = client.post(reverse("governance:plan_submit", kwargs={"pk": plan.pk}), follow=True)
    assert "no board decision has approved it" in response.content.decode()
    plan.refresh_from_db()
    assert plan.status == Plan.Status.DRAFT


def test_a_board_member_cannot_submit_a_plan(client_for, board, approving_decision, plan):
    services.approval_record(decision=approving_decision, obj=plan)
    response = client_for(board).post(reverse("governance:plan_submit", kwargs={"pk": plan.pk}))
    assert response.status_code == 403
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED


def test_recording_an_approving_decision_through_the_form_approves_the_plan(
    client_for, officer, meeting, item, plan
):
    url = reverse("governance:decision_add", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    response = client_for(officer).post(
        url,
        {
            "kind": "approve",
            "text": "That the plan be approved.",
            "approves": f"plans.plan:{plan.pk}",
        },
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED


def test_a_refused_decision_form_keeps_what_was_typed(client_for, officer, meeting, item, plan):
    url = reverse("governance:decision_add", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    response = client_for(officer).post(
        url,
        {"kind": "note", "text": "Typed resolution text", "approves": f"plans.plan:{plan.pk}"},
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only a decision to approve or to release funds approves." in html
    assert "Typed resolution text" in html


def test_a_member_of_the_board_records_its_decision_from_the_plan(
    client_for, board, hwb, meeting, item, plan
):
    """A HWB Board member, seated on the board, records the decision from the decide page;
    a member of the Board who is not seated on it cannot."""
    url = reverse("governance:decide", args=["plans.plan", plan.pk])
    assert client_for(board).get(url).status_code == 403  # not seated on the board yet
    services.member_add(board=hwb, name="David Evans", member_user=board)
    page = client_for(board).get(url)
    assert page.status_code == 200
    place = f"{meeting.pk}-{item.pk}"
    assert place in page.content.decode()
    response = client_for(board).post(url, {"where": place, "text": "That the plan be approved."})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    assert Approval.objects.get().decision.item == item


# The API ----------------------------------------------------------------------------------


def test_the_api_records_a_decision_with_its_approval_or_nothing(
    client_for, officer, executive, meeting, item, ready_plan
):
    url = reverse("api-meeting-decisions", kwargs={"pk": meeting.pk})
    body = {
        "item": item.number,
        "kind": "approve",
        "text": "That the plan be approved.",
        "approves": {"type": "plans.plan", "id": ready_plan.pk},
    }
    # An Integration Executive member not seated on the HWB Board may not record its decisions.
    assert client_for(executive).post(url, body, content_type="application/json").status_code == 403
    scheme_services.theme_create(plan=ready_plan, name="Changed after it was put forward")
    refused = client_for(officer).post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert "has changed since it was prepared" in " ".join(refused.json()["detail"])
    assert _decisions() == 0
    from submissions.readiness import plan_prepare, plan_put_forward

    plan_prepare(plan=ready_plan)
    plan_put_forward(plan=ready_plan, on=datetime.date(2014, 3, 31))
    made = client_for(officer).post(url, body, content_type="application/json")
    assert made.status_code == 201, made.json()
    assert made.json()["letter"] == "a"
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.AGREED
    bad = client_for(officer).post(
        url, {"item": 99, "kind": "approve", "text": "x"}, content_type="application/json"
    )
    assert bad.status_code == 400 and "no item 99" in bad.json()["detail"][0]


def test_the_admin_has_no_way_to_add_an_approval_or_decision():
    """Approvals are made only through the services (forms, decide page, API, loaders)."""
    from django.contrib import admin

    from governance.models import Power

    for model in (Approval, Decision, OfficerDecision, Power):
        assert model not in admin.site._registry
