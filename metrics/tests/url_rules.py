"""Who gets what from each metrics URL (vocabulary in tests/grid.py).

Rules build, through the services, the figures a URL needs on the shared `plan` fixture:
its first scheme-linked metric gets a target and an actual.
"""

import datetime
from decimal import Decimal

from django.contrib.auth import get_user_model

from metrics import services
from metrics.models import Actual, SpcRebase, TrajectoryPoint
from tests.grid import (
    API_VIEW,
    EDIT_METRICS,
    ENTER_ACTUALS,
    FORBIDDEN,
    NOT_ALLOWED,
    UNAUTHORISED,
    VIEW,
    Rule,
    grid,
)

# POST-only: a GET is 405 for those who may post, refused for everyone else.
API_ENTER_ACTUALS_POST_ONLY = grid(
    anonymous=UNAUTHORISED,
    officer=NOT_ALLOWED,
    finance=NOT_ALLOWED,
    admin_user=NOT_ALLOWED,
    default=FORBIDDEN,
)
YEAR = (datetime.date(2014, 4, 1), datetime.date(2015, 3, 31))


def _metric(plan):
    return plan.schemes.order_by("pk").first().metrics.order_by("pk").first()


def _code(plan) -> dict:
    return {"pk": plan.pk, "code": _metric(plan).code}


def _target(plan) -> dict:
    metric = _metric(plan)
    point = TrajectoryPoint.objects.filter(plan=plan, metric=metric).first()
    if point is None:
        point = services.target_create(
            plan=plan,
            metric=metric,
            granularity="year",
            start=YEAR[0],
            end=YEAR[1],
            value=Decimal(10),
        )
    return {"pk": plan.pk, "code": metric.code, "target_pk": point.pk}


def _actual(plan) -> dict:
    metric = _metric(plan)
    actual = Actual.objects.filter(plan=plan, metric=metric).first()
    if actual is None:
        actual = services.actual_create(
            plan=plan,
            metric=metric,
            granularity="year",
            start=YEAR[0],
            end=YEAR[1],
            value=Decimal(9),
        )
    return {"pk": plan.pk, "code": metric.code, "actual_pk": actual.pk}


def _rebase(plan) -> dict:
    """Two months of actuals and the limits recalculated from the second."""
    metric = _metric(plan)
    rebase = SpcRebase.objects.filter(plan=plan, metric=metric).first()
    if rebase is None:
        for month in (4, 5):
            start = datetime.date(2014, month, 1)
            end = datetime.date(2014, month, 30 if month == 4 else 31)
            services.actual_create(
                plan=plan, metric=metric, granularity="month", start=start, end=end, value=9
            )
        person, _ = get_user_model().objects.get_or_create(username="rebase-recorder")
        second = Actual.objects.get(plan=plan, metric=metric, start=datetime.date(2014, 5, 1))
        rebase = services.spc_rebase_create(actual=second, reason="New service", user=person)
    return {"pk": plan.pk, "code": metric.code, "rebase_pk": rebase.pk}


RULES = {
    "metrics:metrics_overview": Rule(VIEW),
    "metrics:actual_import": Rule(ENTER_ACTUALS),
    "metrics:metric_history": Rule(VIEW, lambda plan: {"pk": _actual(plan)["pk"]}),
    "metrics:metric_detail": Rule(VIEW, _code),
    "metrics:baseline_edit": Rule(EDIT_METRICS, _code),
    "metrics:target_create": Rule(EDIT_METRICS, _code),
    "metrics:target_edit": Rule(EDIT_METRICS, _target),
    "metrics:actual_create": Rule(ENTER_ACTUALS, _code),
    "metrics:actual_edit": Rule(ENTER_ACTUALS, _actual),
    "metrics:spc_rebase_create": Rule(ENTER_ACTUALS, _code),
    "metrics:spc_rebase_delete": Rule(ENTER_ACTUALS, _rebase),
    "api-plan-metrics": Rule(API_VIEW),
    "api-plan-metric-actuals": Rule(API_ENTER_ACTUALS_POST_ONLY, _code),
}
