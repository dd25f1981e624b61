"""Template checks gate submission (issue 7, item 3): a plan version cannot be marked
submitted to NHS England until every template check passes; the refusal names the failing
items. Submissions registers the checklist in governance's `SUBMIT_CHECKS`."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance import services as governance_services
from plans.models import Plan
from submissions.documents.checklist import all_passed, failing_items, plan_checks
from tests.cycle import agree_plan, make_checklist_pass


def approve(plan, officer):
    return agree_plan(plan, user=officer)


@pytest.fixture
def approved(plan, officer):
    return approve(plan, officer)


def test_the_checklist_is_registered_as_a_pre_submit_check():
    assert failing_items in governance_services.SUBMIT_CHECKS
    assert governance_services.SUBMIT_CHECKS.count(failing_items) == 1


def test_an_approved_plan_failing_the_checklist_is_not_submitted(approved, officer):
    failing = failing_items(approved)
    assert failing  # the shared plan is built to fail several checks
    with pytest.raises(ValidationError, match="fails the template checks") as refusal:
        governance_services.plan_submit(plan=approved, user=officer)
    message = " ".join(refusal.value.messages)
    for name in failing:
        assert name in message
    approved.refresh_from_db()
    assert approved.status == Plan.Status.AGREED


def test_an_approved_plan_passing_the_checklist_is_submitted(plan, officer):
    make_checklist_pass(plan)  # before agreement: an agreed version no longer changes
    approved = approve(plan, officer)
    assert all_passed(plan_checks(plan=approved)), failing_items(approved)
    governance_services.plan_submit(plan=approved, user=officer)
    approved.refresh_from_db()
    assert approved.status == Plan.Status.SUBMITTED


def test_the_submit_button_shows_the_failing_items(approved, officer, client_for):
    response = client_for(officer).post(
        reverse("governance:plan_submit", kwargs={"pk": approved.pk}), follow=True
    )
    content = response.content.decode()
    assert "fails the template checks" in content
    assert "Sign-offs recorded" in content
    approved.refresh_from_db()
    assert approved.status == Plan.Status.AGREED
