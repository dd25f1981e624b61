"""SPC on the metric page: the chart and icons from the one computation, too few points said
plainly, and limits recalculated only by a named person with a reason, kept in history."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from metrics import services
from metrics.models import Actual, MetricDefinition, SpcRebase
from metrics.tests.conftest import add_months


def _detail(plan, metric):
    return reverse("metrics:metric_detail", kwargs={"pk": plan.pk, "code": metric.code})


def _rebase_url(plan, metric):
    return reverse("metrics:spc_rebase_create", kwargs={"pk": plan.pk, "code": metric.code})


def _month(plan, metric, year, month) -> Actual:
    return Actual.objects.get(
        plan=plan, metric=metric, granularity="month", start=datetime.date(year, month, 1)
    )


def test_twelve_points_say_too_few_for_spc_and_draw_no_limits(
    client_for, officer, plan, admissions
):
    add_months(plan, admissions, 12)
    content = client_for(officer).get(_detail(plan, admissions)).content.decode()
    assert "Too few points for SPC: 12 of the 13 needed" in content
    assert "Upper process limit" not in content
    assert "shift or a trend of 7 points" in content


def test_thirteen_points_draw_the_limits_and_the_icons(client_for, officer, plan, admissions):
    add_months(plan, admissions, 13)
    content = client_for(officer).get(_detail(plan, admissions)).content.decode()
    assert "Upper process limit" in content and "Too few points" not in content
    assert "Common cause variation" in content


def test_special_cause_points_are_drawn_in_their_colours(client_for, officer, plan, admissions):
    add_months(plan, admissions, 13)
    add_months(plan, admissions, 1, first_value=2000, start=13)
    content = client_for(officer).get(_detail(plan, admissions)).content.decode()
    # Lower is better: a jump far above the limit is concerning.
    assert "Special cause variation: concerning" in content
    assert "Special cause: concerning" in content  # the chart's legend
    # The table beside the chart says the same of each point, in words.
    assert "Concerning: beyond a limit" in content


def test_an_officer_recalculates_the_limits_with_a_reason(client_for, officer, plan, admissions):
    add_months(plan, admissions, 24)
    client = client_for(officer)
    page = client.get(_rebase_url(plan, admissions)).content.decode()
    assert "Choose a point" in page and ">April 2014<" not in page  # not the first point
    december = _month(plan, admissions, 2014, 12)
    response = client.post(
        _rebase_url(plan, admissions), {"actual": december.pk, "reason": "New discharge team"}
    )
    assert response.status_code == 302
    rebase = SpcRebase.objects.get()
    assert (rebase.start, rebase.granularity, rebase.recorded_by) == (
        datetime.date(2014, 12, 1),
        "month",
        officer,
    )
    content = client.get(_detail(plan, admissions)).content.decode()
    assert "New discharge team" in content and "▲ December 2014" in content
    assert "since December 2014" in content
    assert "▲ New limits." in content  # the table marks the point too
    history = client.get(reverse("metrics:metric_history", kwargs={"pk": plan.pk}))
    assert "Limits recalculated: New discharge team" in history.content.decode()


def test_a_rebase_without_a_reason_keeps_the_choice_and_says_why(
    client_for, officer, plan, admissions
):
    add_months(plan, admissions, 14)
    may = _month(plan, admissions, 2014, 5)
    response = client_for(officer).post(
        _rebase_url(plan, admissions), {"actual": may.pk, "reason": "  "}
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "There is a problem" in content and f'value="{may.pk}" selected' in content
    assert not SpcRebase.objects.exists()


def test_a_point_of_another_plan_cannot_be_chosen(
    client_for, officer, plan, admissions, other_plan
):
    add_months(plan, admissions, 3)
    add_months(other_plan, admissions, 3)
    foreign = _month(other_plan, admissions, 2014, 5)
    response = client_for(officer).post(
        _rebase_url(plan, admissions), {"actual": foreign.pk, "reason": "x"}
    )
    assert response.status_code == 200 and not SpcRebase.objects.exists()


def test_the_service_refuses_the_first_point_a_repeat_and_no_person(plan, admissions, officer):
    add_months(plan, admissions, 3)
    with pytest.raises(ValidationError, match="first point"):
        services.spc_rebase_create(
            actual=_month(plan, admissions, 2014, 4), reason="x", user=officer
        )
    with pytest.raises(PermissionDenied):
        services.spc_rebase_create(actual=_month(plan, admissions, 2014, 5), reason="x", user=None)
    services.spc_rebase_create(actual=_month(plan, admissions, 2014, 5), reason="x", user=officer)
    with pytest.raises(ValidationError, match="already"):
        services.spc_rebase_create(
            actual=_month(plan, admissions, 2014, 5), reason="y", user=officer
        )


def test_withdrawing_a_rebase_keeps_who_and_why_in_history(
    client_for, officer, finance, plan, admissions
):
    add_months(plan, admissions, 14)
    rebase = services.spc_rebase_create(
        actual=_month(plan, admissions, 2014, 9), reason="Merger", user=officer
    )
    url = reverse(
        "metrics:spc_rebase_delete",
        kwargs={"pk": plan.pk, "code": admissions.code, "rebase_pk": rebase.pk},
    )
    response = client_for(finance).post(url, {"reason": "Entered on the wrong month"})
    assert response.status_code == 302 and not SpcRebase.objects.exists()
    withdrawn = SpcRebase.history.filter(history_type="-").get()
    assert withdrawn.history_user == finance
    assert withdrawn.history_change_reason == "Recalculation withdrawn: Entered on the wrong month"
    assert withdrawn.reason == "Merger" and withdrawn.recorded_by_id == officer.pk


def test_the_executive_sees_the_rebase_but_cannot_make_one(
    client_for, officer, executive, plan, admissions
):
    add_months(plan, admissions, 14)
    services.spc_rebase_create(
        actual=_month(plan, admissions, 2014, 9), reason="Merger", user=officer
    )
    client = client_for(executive)
    content = client.get(_detail(plan, admissions)).content.decode()
    assert "Merger" in content and "Recalculate the limits" not in content
    assert client.get(_rebase_url(plan, admissions)).status_code == 403


def test_an_agreed_plan_still_takes_a_recalculation_of_the_limits(client_for, officer, plan):
    """Rebasing reads the actuals recorded after agreement; it is not the plan's content."""
    from plans.permissions import frozen_owner
    from tests.cycle import agree_plan

    agreed = agree_plan(plan)
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    add_months(agreed, metric, 14)
    assert client_for(officer).get(_rebase_url(agreed, metric)).status_code == 200
    rebase = services.spc_rebase_create(
        actual=_month(agreed, metric, 2014, 9), reason="New team", user=officer
    )
    assert frozen_owner(rebase) is None
