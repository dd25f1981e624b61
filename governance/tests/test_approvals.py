import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance import services
from governance.models import Approval, Decision
from plans.models import Plan


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
    services.approval_record(decision=approving_decision, obj=plan, user=officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED
    services.plan_submit(plan=plan, user=officer)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.SUBMITTED
    assert plan.is_frozen


def test_a_registered_pre_submit_check_refuses_with_the_failing_items_names(
    approving_decision, plan, officer, monkeypatch
):
    failing = ["Sign-offs recorded", "Section “Vision” written"]
    monkeypatch.setattr(services, "SUBMIT_CHECKS", [lambda p: list(failing)])
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


def test_the_plan_page_shows_the_approval_trail_and_the_submit_button(
    client_for, officer, board, approving_decision, plan
):
    services.approval_record(decision=approving_decision, obj=plan, user=officer)
    url = reverse("plans:plan_detail", kwargs={"pk": plan.pk})
    html = client_for(officer).get(url).content.decode()
    assert "Approval trail" in html
    assert "Health and Wellbeing Board on 1 April 2014" in html
    assert "resolution (a)" in html
    assert "Submit to NHS England" in html
    assert "Submit to NHS England" not in client_for(board).get(url).content.decode()


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
        url, {"kind": "approve", "text": "That the plan be approved.", "approves": plan.pk}
    )
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.status == Plan.Status.AGREED


def test_a_refused_decision_form_keeps_what_was_typed(client_for, officer, meeting, item, plan):
    url = reverse("governance:decision_add", kwargs={"pk": meeting.pk, "item_pk": item.pk})
    response = client_for(officer).post(
        url, {"kind": "note", "text": "Typed resolution text", "approves": plan.pk}
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Only a decision to approve can approve a plan version." in html
    assert "Typed resolution text" in html
