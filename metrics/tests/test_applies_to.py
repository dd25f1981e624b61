"""Which metrics apply is one rule, said twice: in SQL (`MetricDefinition.objects
.applying_to`, for the national view) and in Python (`MetricDefinition.applies_to`, for a
plan's overview). They must agree on every case."""

import pytest

from metrics.models import MetricDefinition
from plans.models import Plan

YEARS = range(2013, 2019)


@pytest.mark.django_db
def test_the_queryset_and_the_method_agree_for_every_policy_span_and_plan_span():
    MetricDefinition.objects.all().delete()
    bounds = (None, *YEARS)
    metrics = [
        MetricDefinition.objects.create(
            code=f"m-{i}",
            name=f"{first}–{last}",
            short_name=f"m{i}",
            first_policy_year=first,
            last_policy_year=last,
        )
        for i, (first, last) in enumerate(
            (f, last) for f in bounds for last in bounds if f is None or last is None or last >= f
        )
    ]
    for first in (2012, *YEARS):
        for last in range(first, 2020):
            plan = Plan(first_year=first, last_year=last)
            in_sql = set(
                MetricDefinition.objects.applying_to(first, last).values_list("pk", flat=True)
            )
            assert in_sql == {m.pk for m in metrics if m.applies_to(plan)}, (first, last)
    one_year = set(MetricDefinition.objects.applying_to(2015).values_list("pk", flat=True))
    assert one_year == set(
        MetricDefinition.objects.applying_to(2015, 2015).values_list("pk", flat=True)
    )
    assert 0 < len(one_year) < len(metrics)  # not vacuous


@pytest.mark.django_db
def test_a_metric_of_a_framework_applies_to_the_frameworks_years_alone():
    """A metric two frameworks ask for applies to their years and not to the years between
    them (its policy years span both); one of no framework goes by its policy years."""
    from frameworks.services import framework_set
    from metrics.models import FrameworkMetric

    MetricDefinition.objects.all().delete()
    early = framework_set(
        code="f-early", name="Early", first_year=2013, last_year=2014, source_title="t"
    )
    late = framework_set(
        code="f-late", name="Late", first_year=2017, last_year=2017, source_title="t"
    )
    both = MetricDefinition.objects.create(
        code="both", name="both", short_name="both", first_policy_year=2013, last_policy_year=2017
    )
    only_late = MetricDefinition.objects.create(code="late", name="late", short_name="late")
    local = MetricDefinition.objects.create(
        code="local", name="local", short_name="local", first_policy_year=2015
    )
    for framework, metric in ((early, both), (late, both), (late, only_late)):
        FrameworkMetric.objects.create(framework=framework, metric=metric)
    expected = {
        (2013, 2013): {both},
        (2014, 2015): {both, local},
        (2015, 2016): {local},
        (2016, 2017): {both, only_late, local},
        (2018, 2018): {local},
    }
    for (first, last), metrics in expected.items():
        plan = Plan(first_year=first, last_year=last)
        in_sql = set(MetricDefinition.objects.applying_to(first, last))
        in_python = {
            m for m in MetricDefinition.objects.prefetch_related("frameworks") if m.applies_to(plan)
        }
        assert in_sql == in_python == metrics, (first, last)
