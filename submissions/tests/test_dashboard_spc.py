"""The dashboard's SPC is the metric page's computation on the actuals known at the end of
its quarter: a past quarter reads as it did then, with its run length and rebases."""

import datetime
from decimal import Decimal

from metrics import services as metric_services
from metrics.models import Actual, MetricDefinition
from submissions import selectors

STEADY = (700, 710, 705, 715, 700, 710, 705, 712, 702, 708, 706, 711, 703, 709, 704)


def _months(plan, metric, values):
    for n, value in enumerate(values):
        year, month = 2014 + (3 + n) // 12, (3 + n) % 12 + 1
        start = datetime.date(year, month, 1)
        end = (start + datetime.timedelta(days=32)).replace(day=1) - datetime.timedelta(days=1)
        metric_services.actual_create(
            plan=plan, metric=metric, granularity="month", start=start, end=end, value=value
        )


def _row(plan, year, quarter):
    data = selectors.dashboard(plan=plan, year=year, quarter=quarter)
    return next(m for m in data["metrics"] if m["code"] == "non-elective-admissions")


def test_a_past_quarter_reads_its_spc_from_the_points_known_then(plan, officer):
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    _months(plan, metric, [Decimal(v) for v in STEADY])  # April 2014 to June 2015
    then = _row(plan, 2014, 3)  # to December 2014: nine points
    assert then["variation"] == then["assurance"] == "too_few_points"
    assert then["variation_label"] == "Too few points for SPC: 9 of the 13 needed"
    now = _row(plan, 2015, 1)
    assert now["variation"] == "common_cause" and now["spc_run_length"] == 7
    assert now["spc_rebases"] == []


def test_the_dashboard_lists_the_rebases_its_limits_start_from(plan, officer):
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    _months(plan, metric, [Decimal(v) for v in (*STEADY[:2], *STEADY)])
    second = Actual.objects.get(plan=plan, metric=metric, start=datetime.date(2014, 6, 1))
    metric_services.spc_rebase_create(actual=second, reason="New service", user=officer)
    row = _row(plan, 2015, 2)
    assert row["spc_rebases"] == [
        {"period": "June 2014", "reason": "New service", "recorded_by": officer.get_full_name()}
    ]
    assert row["variation"] == "common_cause"  # 15 points since June 2014
