"""Rolling a plan forward into a year of another policy framework: metrics follow
`replaced_by`, scheme types their mapping (or are left for the officer), figures of metrics
the new framework does not ask for stay behind, and what is left to do is listed."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from fixtures.packs import packs_load
from frameworks.models import PolicyFramework
from metrics import services as metric_services
from metrics.models import Baseline, MetricDefinition
from plans import permissions
from plans import services as plan_services
from plans.models import Plan
from schemes import services as scheme_services
from schemes.models import SchemeType
from submissions.documents.crossing import framework_to_complete
from submissions.documents.services import plan_roll_forward
from tests.factories import AreaFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def frameworks():
    packs_load()
    older = PolicyFramework.objects.get(code="bcf-2023-25")
    newer = PolicyFramework.objects.get(code="bcf-2025-26")
    # Invented catalogues (the packs say NHS England's lists are not in their sources).
    for framework, kinds in (
        (older, [("Old type", ["Home care"]), ("Retired type", [])]),
        (newer, [("New type", ["Home care"])]),
    ):
        scheme_services.scheme_catalogue_load(
            planning_year=framework.first_year,
            types=kinds,
            areas=["Social care"],
            source="Invented for a test",
            framework=framework,
        )
    old_type = SchemeType.objects.get(framework=older, name="Old type")
    new_type = SchemeType.objects.get(framework=newer, name="New type")
    scheme_services.scheme_type_mappings_set(mappings=[(old_type.pk, new_type.pk)])
    return older, newer


def _metric(code: str) -> MetricDefinition:
    return MetricDefinition.objects.get(code=code)


@pytest.fixture
def old_plan(frameworks):
    older, _ = frameworks
    year = older.last_year
    plan = plan_services.plan_create(
        area=AreaFactory(),
        title="Plan",
        first_year=year,
        last_year=year,
        version_kind=Plan.VersionKind.FINAL,
        version_date=datetime.date(year, 4, 1),
    )
    theme = scheme_services.theme_create(plan=plan, name="Home first")
    kinds = {t.name: t for t in SchemeType.objects.filter(framework=older)}
    scheme_services.scheme_create(
        plan=plan,
        theme=theme,
        name="Reablement at home",
        status="existing",
        metrics=[_metric(m) for m in older.metrics.values_list("code", flat=True)],
        budgets={year: Decimal("100000.00")},
        scheme_type=kinds["Old type"],
        sub_type=kinds["Old type"].sub_types.get(),
        area_of_spend=older.areas_of_spend.get(),
    )
    scheme_services.scheme_create(
        plan=plan,
        theme=theme,
        name="Telecare",
        status="existing",
        budgets={year: Decimal("5000.00")},
        scheme_type=kinds["Retired type"],
    )
    period = {"granularity": "year", "start": datetime.date(year - 1, 4, 1)}
    period["end"] = datetime.date(year, 3, 31)
    for entry in older.framework_metrics.select_related("metric"):
        value = Decimal("55.5")
        metric_services.baseline_set(plan=plan, metric=entry.metric, value=value, **period)
    return plan


def _roll_into(framework: PolicyFramework, plan: Plan) -> Plan:
    """A draft of `plan` for the first year of `framework`."""
    return plan_roll_forward(
        plan=plan,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(framework.first_year, 1, 6),
        years_ahead=framework.first_year - plan.first_year,
    )


def test_metrics_and_types_are_carried_as_the_new_framework_has_them(frameworks, old_plan):
    older, newer = frameworks
    new = _roll_into(newer, old_plan)
    assert new.framework == newer
    carried = new.schemes.get(name="Reablement at home")
    wanted = set(newer.metrics.values_list("code", flat=True))
    # Each old metric becomes its successor in the new framework, or is dropped.
    expected = set()
    for code in older.metrics.values_list("code", flat=True):
        metric = _metric(code)
        while metric is not None and metric.code not in wanted:
            metric = metric.replaced_by
        if metric is not None:
            expected.add(metric.code)
    assert set(carried.metrics.values_list("code", flat=True)) == expected
    assert expected and expected != set(older.metrics.values_list("code", flat=True))
    assert carried.scheme_type.name == "New type"
    assert carried.sub_type.name == "Home care"
    assert carried.area_of_spend.framework == newer
    unmapped = new.schemes.get(name="Telecare")
    assert unmapped.scheme_type is None
    # Baselines stay only for metrics the new framework asks for itself.
    kept = set(Baseline.objects.filter(plan=new).values_list("metric__code", flat=True))
    assert kept == wanted & set(older.metrics.values_list("code", flat=True))


def test_what_is_left_to_complete_is_listed(frameworks, old_plan):
    older, newer = frameworks
    new = _roll_into(newer, old_plan)
    todo = framework_to_complete(new)
    assert f"Choose the type of “Telecare” from the {newer.name} catalogue." in todo
    assert not any("Reablement at home" in line for line in todo)
    with_baseline = set(Baseline.objects.filter(plan=new).values_list("metric_id", flat=True))
    for entry in newer.framework_metrics.select_related("metric"):
        said = f"Set the baseline of “{entry.metric}”." in todo
        assert said == (entry.metric_id not in with_baseline)
        assert any(line.startswith(f"Set the goals of “{entry.metric}”") for line in todo)
    for condition in newer.conditions.all():
        assert any(condition.title in line for line in todo)


def test_within_one_framework_nothing_is_mapped(frameworks, old_plan):
    new = plan_roll_forward(
        plan=old_plan, version_kind=Plan.VersionKind.DRAFT, version_date=old_plan.version_date
    )
    assert new.framework == old_plan.framework
    assert new.schemes.get(name="Telecare").scheme_type.name == "Retired type"
    old_codes = set(old_plan.schemes.get(name="Reablement at home").metrics.values_list("code"))
    assert set(new.schemes.get(name="Reablement at home").metrics.values_list("code")) == old_codes


def test_the_versions_page_lists_what_is_left_for_the_framework(frameworks, old_plan, client_for):
    older, newer = frameworks
    officer = UserFactory(roles=[permissions.OFFICER], areas=[old_plan.area])
    client = client_for(officer)
    answer = client.post(
        reverse("submissions:version_list", args=[old_plan.pk]),
        {
            "version_kind": "draft",
            "version_date": f"{newer.first_year}-01-06",
            "years_ahead": str(newer.first_year - older.last_year),
        },
        follow=True,
    )
    assert f"It is under {newer.name}" in answer.content.decode()
    new = Plan.objects.get(framework=newer, area=old_plan.area)
    page = client.get(reverse("submissions:version_list", args=[new.pk])).content.decode()
    assert f"Still to complete for {newer.name}" in page
    assert "Choose the type of “Telecare”" in page
