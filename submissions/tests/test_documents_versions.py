"""Versions: a plan rolled forward keeps its content (through the services, with history);
the difference page shows sections as a text diff and schemes added, removed or changed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from metrics import services as metric_services
from metrics.models import Baseline, MetricDefinition, TrajectoryPoint
from plans import services as plan_services
from plans.models import Plan
from risks import services as risk_services
from risks.models import Risk
from schemes import services as scheme_services
from schemes.models import SchemeBudget
from submissions.documents.services import plan_roll_forward
from submissions.documents.versions import plan_diff

pytestmark = pytest.mark.django_db


@pytest.fixture
def full_plan(plan):
    section = plan.sections.get(key="vision")
    plan_services.section_update(
        section=section, body="Care closer to home.\n\nFewer admissions.", expected_version=None
    )
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    metric_services.baseline_set(
        plan=plan,
        metric=metric,
        granularity="year",
        start=datetime.date(2013, 4, 1),
        end=datetime.date(2014, 3, 31),
        value=Decimal("124.12"),
    )
    metric_services.target_create(
        plan=plan,
        metric=metric,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("121.69"),
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
    return plan


def test_rolling_forward_copies_sections_schemes_budgets_metrics_and_risks(full_plan, officer):
    new = plan_roll_forward(
        plan=full_plan,
        version_kind=Plan.VersionKind.REFRESH,
        version_date=datetime.date(2014, 9, 19),
        user=officer,
    )
    assert new.pk != full_plan.pk and new.status == Plan.Status.DRAFT
    assert new.sections.get(key="vision").body == "Care closer to home.\n\nFewer admissions."
    old_budgets = sorted(
        SchemeBudget.objects.filter(scheme__plan=full_plan).values_list(
            "scheme__name", "year", "amount"
        )
    )
    new_budgets = sorted(
        SchemeBudget.objects.filter(scheme__plan=new).values_list("scheme__name", "year", "amount")
    )
    assert new_budgets == old_budgets
    copied = new.schemes.get(name="Integrated care teams")
    assert sorted(copied.metrics.values_list("code", flat=True)) == [
        "delayed-transfers-of-care",
        "non-elective-admissions",
    ]
    assert Baseline.objects.get(plan=new).value == Decimal("124.12")
    assert TrajectoryPoint.objects.get(plan=new).value == Decimal("121.69")
    risk = Risk.objects.get(register__plan=new)
    assert (risk.description, risk.rating_after) == ("Savings not delivered", "M")
    assert list(new.plan_years.values_list("year", "agreed_total")) == list(
        full_plan.plan_years.values_list("year", "agreed_total")
    )
    # Made through the services: each copy has its history record by the user.
    assert copied.history.filter(history_user=officer).exists()


def test_a_refresh_for_next_year_moves_the_years_on_and_drops_the_old_year(full_plan):
    new = plan_roll_forward(
        plan=full_plan,
        version_kind=Plan.VersionKind.REFRESH,
        version_date=datetime.date(2015, 3, 1),
        years_ahead=1,
    )
    assert (new.first_year, new.last_year) == (2015, 2016)
    assert set(SchemeBudget.objects.filter(scheme__plan=new).values_list("year", flat=True)) == {
        2015
    }
    assert not TrajectoryPoint.objects.filter(plan=new).exists()  # its year is no longer covered


def test_the_diff_shows_sections_and_schemes_added_removed_and_changed(full_plan):
    new = plan_roll_forward(
        plan=full_plan, version_kind=Plan.VersionKind.FINAL, version_date=datetime.date(2014, 4, 4)
    )
    plan_services.section_update(
        section=new.sections.get(key="vision"),
        body="Care closer to home.\n\nFar fewer admissions.",
        expected_version=None,
    )
    scheme_services.scheme_update(
        scheme=new.schemes.get(name="Integrated care teams"),
        expected_version=None,
        budgets={2015: Decimal("3250000.00")},
    )
    scheme_services.scheme_delete(scheme=new.schemes.get(name="Assistive technology"))
    scheme_services.scheme_create(
        plan=new,
        theme=new.themes.get(name="Unified prevention"),
        name="Falls prevention",
        status="new",
        budgets={2014: Decimal("100000.00")},
    )
    diff = plan_diff(old=full_plan, new=new)
    changes = {c.name: c for c in diff.schemes}
    assert set(changes) == {"Integrated care teams", "Assistive technology", "Falls prevention"}
    assert changes["Falls prevention"].change == "added"
    assert changes["Assistive technology"].change == "removed"
    assert changes["Integrated care teams"].change == "changed"
    assert ("2015/16", Decimal("3000000.00"), Decimal("3250000.00")) in changes[
        "Integrated care teams"
    ].amounts
    vision = next(s for s in diff.sections if s.label.startswith("Vision"))
    assert "-Fewer admissions." in vision.lines and "+Far fewer admissions." in vision.lines
    assert not next(s for s in diff.sections if s.label == "Governance").changed


def test_an_officer_rolls_forward_from_the_versions_page_and_sees_the_diff(
    client_for, officer, full_plan
):
    client = client_for(officer)
    url = reverse("submissions:version_list", args=[full_plan.pk])
    response = client.post(
        url, {"version_kind": "final", "version_date": "2014-04-04", "years_ahead": "0"}
    )
    assert response.status_code == 302
    new = Plan.objects.exclude(pk=full_plan.pk).get(area=full_plan.area)
    page = client.get(response["Location"])
    assert page.status_code == 200
    assert "Differences between versions" in page.content.decode()
    assert new.schemes.count() == full_plan.schemes.count()


def test_a_board_member_cannot_roll_forward(client_for, board, full_plan):
    url = reverse("submissions:version_list", args=[full_plan.pk])
    response = client_for(board).post(
        url, {"version_kind": "final", "version_date": "2014-04-04", "years_ahead": "0"}
    )
    assert response.status_code == 403
    assert Plan.objects.count() == 1


def test_rolling_forward_carries_the_sums_the_plan_states_with_their_parts(plan, officer):
    ccg = plan.ccgs.first()
    whole = plan_services.stated_figure_set(
        plan=plan,
        label="Activity removed",
        amount=Decimal("4648000"),
        as_written="£4.648m",
        year=2014,
    )
    plan_services.stated_figure_set(
        plan=plan,
        parent=whole,
        label="Activity removed",
        organisation=ccg,
        amount=Decimal("2217000"),
        as_written="£2.217m",
        year=2014,
    )
    new = plan_roll_forward(
        plan=plan, version_kind=Plan.VersionKind.FINAL, version_date=datetime.date(2014, 4, 4)
    )
    copied = new.stated_figures.get(parent=None)
    assert (copied.amount, copied.as_written) == (Decimal("4648000"), "£4.648m")
    (part,) = copied.parts.all()
    assert (part.organisation, part.amount, part.plan) == (ccg, Decimal("2217000"), new)
    # A refresh a year on leaves a figure of a year it no longer covers behind.
    later = plan_roll_forward(
        plan=plan,
        version_kind=Plan.VersionKind.REFRESH,
        version_date=datetime.date(2015, 3, 1),
        years_ahead=1,
    )
    assert not later.stated_figures.exists()
