"""Template checks: each requirement fails in a plan built to fail it, and passes once met.

The shared `plan` fixture has no text in its sections, schemes without a scheme type (two
of them without a metric), 2014/15 social care protection short of what is stated, metrics
without baselines, no risks and no sign-offs.
"""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from metrics import services as metric_services
from metrics.models import MetricDefinition
from plans import services as plan_services
from plans.models import NarrativeSection
from risks import services as risk_services
from schemes import services as scheme_services
from schemes.models import SchemeType
from submissions.documents.checklist import plan_checks

pytestmark = pytest.mark.django_db


def _check(plan, start: str):
    found = [c for c in plan_checks(plan=plan) if c.item.startswith(start)]
    assert len(found) == 1, [c.item for c in plan_checks(plan=plan)]
    return found[0]


def test_an_unwritten_section_fails_and_links_to_where_it_is_written(plan):
    check = _check(plan, "Section “Vision")
    assert not check.ok
    assert check.url == reverse("plans:section_edit", args=[plan.pk, "vision"]) + "#id_body"
    section = plan.sections.get(key=NarrativeSection.Key.VISION)
    plan_services.section_update(section=section, body="Our vision.", expected_version=None)
    assert _check(plan, "Section “Vision").ok


def test_a_scheme_without_a_scheme_type_fails_where_the_catalogue_has_types(plan):
    # No catalogue for the plan (a framework whose sources give none): no type to choose.
    assert "a scheme type" not in _check(plan, "Scheme “Local area coordination”").detail
    kind = SchemeType.objects.create(planning_year=2014, name="Integrated care")
    check = _check(plan, "Scheme “Local area coordination”")
    assert not check.ok
    assert "a scheme type" in check.detail
    assert "metric" not in check.detail  # it has one
    scheme = plan.schemes.get(name="Local area coordination")
    url = reverse("schemes:scheme_edit", args=[plan.pk, scheme.pk])
    assert check.url == url + "#id_scheme_type"
    scheme_services.scheme_update(scheme=scheme, expected_version=None, scheme_type=kind)
    assert _check(plan, "Scheme “Local area coordination”").ok


def test_a_scheme_with_no_metric_and_no_reason_fails_until_the_reason_is_given(plan):
    scheme = plan.schemes.get(name="Assistive technology")
    kind = SchemeType.objects.create(planning_year=2014, name="Assistive technologies")
    scheme_services.scheme_update(scheme=scheme, expected_version=None, scheme_type=kind)
    check = _check(plan, "Scheme “Assistive technology”")
    assert not check.ok
    assert check.detail == "Missing a metric (or the reason it moves none)."
    scheme_services.scheme_update(
        scheme=scheme, expected_version=None, no_metric_reason="Enables other schemes."
    )
    assert _check(plan, "Scheme “Assistive technology”").ok


def test_a_scheme_with_no_budget_fails(plan):
    theme = plan.themes.get(name="Hospital discharge and reablement")
    admissions = MetricDefinition.objects.get(code="non-elective-admissions")
    kind = SchemeType.objects.create(planning_year=2014, name="Reablement")
    scheme = scheme_services.scheme_create(
        plan=plan, theme=theme, name="Reablement", status="new", metrics=[admissions]
    )
    scheme_services.scheme_update(scheme=scheme, expected_version=None, scheme_type=kind)
    check = _check(plan, "Scheme “Reablement”")
    assert not check.ok
    assert check.detail == "Missing a budget."


def test_a_pooled_budget_below_the_minimum_fails(plan):
    assert _check(plan, "2015/16: pooled budget").ok
    plan_services.plan_year_set(
        plan=plan,
        year=2015,
        minimum_required=Decimal("16000000.00"),
        agreed_total=Decimal("15999999.99"),
        protected_social_care_stated=Decimal("12600000.00"),
    )
    check = _check(plan, "2015/16: pooled budget")
    assert not check.ok
    assert "£15,999,999.99" in check.detail
    assert check.url == reverse("plans:plan_edit", args=[plan.pk]) + "#id_year-2015-agreed_total"


def test_protected_social_care_short_of_what_is_stated_fails(plan):
    check = _check(plan, "2014/15: protected social care")
    assert not check.ok
    assert "£2,800,000" in check.detail and "£3,000,000" in check.detail
    assert _check(plan, "2015/16: protected social care").ok


def test_a_metric_without_baseline_or_trajectory_fails_until_both_are_set(plan):
    metric = MetricDefinition.objects.get(code="delayed-transfers-of-care")
    check = _check(plan, f"Metric “{metric.short_name}”")
    assert not check.ok
    assert check.detail == "Missing a baseline and a trajectory."
    assert check.url == reverse("metrics:baseline_edit", args=[plan.pk, metric.code]) + "#id_value"
    metric_services.baseline_set(
        plan=plan,
        metric=metric,
        granularity="year",
        start=datetime.date(2013, 4, 1),
        end=datetime.date(2014, 3, 31),
        value=Decimal("292.71"),
    )
    assert _check(plan, f"Metric “{metric.short_name}”").detail == "Missing a trajectory."
    metric_services.target_create(
        plan=plan,
        metric=metric,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("288.18"),
    )
    assert _check(plan, f"Metric “{metric.short_name}”").ok


def test_a_plan_without_risks_fails(plan):
    check = _check(plan, "The plan has a risk register")
    assert not check.ok


def test_a_risk_without_mitigation_or_rating_after_fails(plan):
    register = risk_services.register_create(plan=plan, scale="lmh", categories=["Finance"])
    category = register.categories.get()
    risk_services.risk_create(
        register=register, category=category, description="Savings not delivered", rating_before="H"
    )
    check = _check(plan, "Risk “Savings not delivered”")
    assert not check.ok
    assert check.detail == "Missing mitigation and a rating after mitigation."
    assert "/risks/" in check.url
    risk = register.risks.get()
    risk_services.risk_update(
        risk=risk, expected_version=None, mitigations="Monthly review", rating_after="M"
    )
    assert _check(plan, "Risk “Savings not delivered”").ok


def test_a_plan_without_sign_offs_fails(plan):
    assert not _check(plan, "Sign-offs recorded").ok
    plan_services.sign_off_add(
        plan=plan,
        on_behalf_of="Council",
        name="A Person",
        position="Chief Executive",
        signed_on=datetime.date(2014, 4, 2),
    )
    assert _check(plan, "Sign-offs recorded").ok


def test_the_checklist_page_shows_each_failing_requirement_with_a_link(
    client_for, officer, board, plan
):
    response = client_for(officer).get(reverse("submissions:checklist", args=[plan.pk]))
    assert response.status_code == 200
    content = response.content.decode()
    assert "Not ready" in content
    assert reverse("plans:section_edit", args=[plan.pk, "vision"]) in content
    # A board member reads the checks but fixes none: no link that would be refused.
    content = client_for(board).get(reverse("submissions:checklist", args=[plan.pk])).content
    assert "Not ready" in content.decode()
    assert reverse("plans:section_edit", args=[plan.pk, "vision"]).encode() not in content


def test_the_api_returns_the_same_checks(client_for, board, plan):
    response = client_for(board).get(f"/api/plans/{plan.pk}/checklist/")
    assert response.status_code == 200
    body = response.json()
    expected = plan_checks(plan=plan)
    assert [(c["item"], c["ok"], c["detail"]) for c in body] == [
        (c.item, c.ok, c.detail) for c in expected
    ]


def _incomplete(plan) -> None:
    """The fixture plan failing the checks it passes as built: a register with a risk
    missing its mitigation, a metric with a baseline and no trajectory, a scheme with no
    budget, and a pooled budget with no stated protection."""
    register = risk_services.register_create(plan=plan, scale="lmh", categories=["Finance"])
    risk_services.risk_create(
        register=register,
        category=register.categories.get(),
        description="Savings not delivered",
        rating_before="H",
    )
    metric_services.baseline_set(
        plan=plan,
        metric=MetricDefinition.objects.get(code="delayed-transfers-of-care"),
        granularity="year",
        start=datetime.date(2013, 4, 1),
        end=datetime.date(2014, 3, 31),
        value=Decimal("292.71"),
    )
    scheme_services.scheme_create(
        plan=plan, theme=plan.themes.first(), name="Carers support", status="new"
    )
    plan_services.plan_year_set(
        plan=plan,
        year=2015,
        minimum_required=Decimal("16000000"),
        agreed_total=Decimal("15000000"),
    )


@pytest.mark.parametrize("state", ["as built", "incomplete"])
def test_every_failing_check_links_to_the_field_that_fixes_it(client_for, officer, plan, state):
    """Follow every "Fix" link as the officer: the page opens and holds the field named."""
    if state == "incomplete":
        _incomplete(plan)
    client = client_for(officer)
    failing = [c for c in plan_checks(plan=plan) if not c.ok]
    assert len({c.group for c in failing}) >= 5, failing
    for check in failing:
        page, fragment = check.url.split("#")
        assert fragment == check.field
        response = client.get(page, follow=True)
        assert response.status_code == 200, check
        assert f'id="{check.field}"' in response.content.decode(), check


# Every kind of check, each way it can fail, and the page and field its "Fix" link opens.
FIX_DESTINATIONS = {
    ("plans:section_edit", "id_body"),
    ("schemes:scheme_create", "id_name"),
    ("schemes:scheme_edit", "id_scheme_type"),
    ("schemes:scheme_edit", "id_budgets-0-amount"),
    ("schemes:scheme_edit", "id_no_metric_reason"),
    ("plans:plan_edit", "id_year-2014-minimum_required"),
    ("plans:plan_edit", "id_year-2015-agreed_total"),
    ("plans:plan_edit", "id_year-2014-protected_social_care_stated"),
    ("metrics:baseline_edit", "id_value"),
    ("metrics:target_create", "id_value"),
    ("risks:register_edit", "id_new_categories"),
    ("risks:risk_create", "id_description"),
    ("risks:risk_edit", "id_mitigations"),
    ("risks:risk_edit", "id_rating_after"),
    ("plans:sign_off_list", "id_on_behalf_of"),
}


def _states(plan):
    """Plans failing their checks in every way: an empty one, one with a register and no
    risk in it, then the fixture plan made incomplete with a risk mitigated but not rated."""
    for title, register in (("An empty plan", False), ("A plan with an empty register", True)):
        empty = plan_services.plan_create(
            area=plan.area,
            title=title,
            first_year=2014,
            last_year=2015,
            version_kind="draft",
            version_date=datetime.date(2014, 1, 6),
        )
        if register:
            risk_services.register_create(plan=empty, categories=["Finance"])
        yield empty
    _incomplete(plan)
    # Typed schemes fail on what they lack next: a budget, then a metric.
    kind = SchemeType.objects.create(planning_year=plan.first_year, name="Carers' support")
    for name in ("Carers support", "Assistive technology"):
        scheme = plan.schemes.get(name=name)
        scheme_services.scheme_update(scheme=scheme, expected_version=None, scheme_type=kind)
    register = plan.risk_register
    risk_services.risk_create(
        register=register,
        category=register.categories.get(),
        description="Pool overspent",
        mitigations="Monthly monitoring",
    )
    yield plan


def test_every_fix_link_of_every_kind_of_check_opens_its_field(client_for, officer, plan):
    """Each way a template check can fail is reached, and its "Fix" link followed: the
    page opens for the officer and holds the very field."""
    client = client_for(officer)
    followed = set()
    for state in _states(plan):
        for check in plan_checks(plan=state):
            if check.ok:
                continue
            page, fragment = check.url.split("#")
            assert fragment == check.field
            response = client.get(page, follow=True)
            assert response.status_code == 200, check
            assert f'id="{check.field}"' in response.content.decode(), check
            followed.add((response.resolver_match.view_name, check.field))
    assert followed >= FIX_DESTINATIONS, FIX_DESTINATIONS - followed
