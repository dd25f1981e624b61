"""Template checks gate submission (issue 7, item 3): a plan version cannot be marked
submitted to NHS England until every template check passes; the refusal names the failing
items. Submissions registers the checklist in governance's `SUBMIT_CHECKS`."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance import services as governance_services
from metrics import services as metric_services
from plans import services as plan_services
from plans.models import Plan
from risks import services as risk_services
from schemes import services as scheme_services
from schemes.models import SchemeType
from schemes.selectors import plan_budget_summary
from submissions.documents.checklist import all_passed, failing_items, plan_checks
from tests.cycle import agree_plan


def approve(plan, officer):
    return agree_plan(plan, user=officer)


@pytest.fixture
def approved(plan, officer):
    return approve(plan, officer)


def make_checklist_pass(plan) -> None:
    """Put right everything the shared `plan` fails, through the services."""
    for section in plan.sections.all():
        plan_services.section_update(
            section=section, body=f"{section.key} text.", expected_version=None
        )
    kind = SchemeType.objects.create(planning_year=plan.first_year, name="Integrated care")
    for scheme in plan.schemes.all():
        changes = {"scheme_type": kind}
        if not scheme.metrics.exists():
            changes["no_metric_reason"] = "Enables other schemes."
        scheme_services.scheme_update(scheme=scheme, expected_version=None, **changes)
    for year in plan_budget_summary(plan=plan):
        if year.protected_social_care_difference:
            plan_services.plan_year_set(
                plan=plan,
                year=year.year.start_year,
                minimum_required=year.minimum_required,
                agreed_total=year.agreed_total,
                protected_social_care_stated=year.protected_social_care,
            )
    from metrics.selectors import metrics_overview

    for summary in metrics_overview(plan=plan, with_matrix=False).summaries:
        if summary.baseline is None:
            metric_services.baseline_set(
                plan=plan,
                metric=summary.metric,
                granularity="year",
                start=datetime.date(2013, 4, 1),
                end=datetime.date(2014, 3, 31),
                value=Decimal("100"),
            )
        if not summary.targets:
            metric_services.target_create(
                plan=plan,
                metric=summary.metric,
                granularity="year",
                start=datetime.date(2014, 4, 1),
                end=datetime.date(2015, 3, 31),
                value=Decimal("95"),
            )
    register = risk_services.register_create(plan=plan, scale="lmh", categories=["Finance"])
    risk_services.risk_create(
        register=register,
        category=register.categories.get(),
        description="Savings not delivered",
        rating_before="H",
        mitigations="Monthly review",
        rating_after="M",
    )
    plan_services.sign_off_add(
        plan=plan,
        on_behalf_of="Council",
        name="A Person",
        position="Chief Executive",
        signed_on=datetime.date(2014, 4, 2),
    )


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
