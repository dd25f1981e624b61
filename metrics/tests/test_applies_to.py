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
