"""Metrics fixtures: the shared `plan` with a metric that has a baseline, a year target and
monthly actuals, built through the services."""

import datetime
from decimal import Decimal

import pytest

from metrics import services
from metrics.models import MetricDefinition


@pytest.fixture
def admissions(plan):
    """The plan's non-elective admissions metric: per 100,000 per month, lower is better."""
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    metric.unit, metric.direction = MetricDefinition.Unit.PER_100K_MONTH, "lower"
    metric.save()
    services.baseline_set(
        plan=plan,
        metric=metric,
        granularity="by_date",
        start=datetime.date(2014, 3, 31),
        end=datetime.date(2014, 3, 31),
        value=Decimal("750"),
    )
    services.target_create(
        plan=plan,
        metric=metric,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("724.37"),
    )
    return metric


def add_months(plan, metric, count: int, *, first_value: int = 700, start: int = 0) -> None:
    """`count` monthly actuals from April 2014 (or `start` months later), as counts for
    100,000 people."""
    for n in range(start, start + count):
        year, month = 2014 + (3 + n) // 12, (3 + n) % 12 + 1
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        services.actual_create(
            plan=plan,
            metric=metric,
            granularity="month",
            start=start,
            end=end,
            numerator=Decimal(first_value + (n % 5) * 10),
            denominator=Decimal(100_000),
        )
