"""The dashboard is computed once for the data as it is and reused: the same page with far
fewer queries; a committed change (any save with history) to its plan, its area or
reference data shows at once, while another area's dashboard stays reused; a change rolled
back, or no change, keeps it; a new day recomputes it; reuse never skips the permission
check."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from plans.freshness import version
from plans.templatetags.bcf_format import pounds
from schemes import services as scheme_services
from submissions import selectors
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR

QUERY = {"year": "2015/16", "quarter": RETURN_QUARTER}


def _get(client, plan):
    """The page's main content (the menu's log-out form has a new CSRF token each time)
    and the number of queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("submissions:dashboard", args=[plan.pk]), QUERY)
    assert response.status_code == 200
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")], len(queries)


def _actual_to_date(plan) -> str:
    figures = selectors.dashboard(plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER)
    return f'data-figure="actual">{pounds(figures["finance"]["actual_to_date"])}<'


def _set_actual(plan, amount: Decimal):
    scheme = plan.schemes.order_by("pk").first()
    scheme_services.quarter_spend_set(
        plan=plan,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        rows={scheme.pk: (Decimal("1000000.00"), amount)},
    )


def test_the_second_view_is_the_same_page_with_far_fewer_queries(
    quarter_data, client_for, executive
):
    client = client_for(executive)
    first, computed = _get(client, quarter_data)
    again, reused = _get(client, quarter_data)
    assert again == first
    # Reused: session, user, roles, memberships and the plan; none of the dashboard's own.
    assert reused <= computed - 15


def test_a_committed_change_shows_at_once(
    quarter_data, client_for, executive, django_capture_on_commit_callbacks
):
    client = client_for(executive)
    before, _ = _get(client, quarter_data)
    assert _actual_to_date(quarter_data) in before
    with django_capture_on_commit_callbacks(execute=True):
        _set_actual(quarter_data, Decimal("123457.00"))
    after, _ = _get(client, quarter_data)
    assert _actual_to_date(quarter_data) in after
    assert after != before


def test_a_change_rolled_back_keeps_the_token(quarter_data, django_capture_on_commit_callbacks):
    token = version(plans=[quarter_data.pk])
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _set_actual(quarter_data, Decimal("99.00"))
        transaction.set_rollback(True)
    assert callbacks == []
    assert version(plans=[quarter_data.pk]) == token
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _set_actual(quarter_data, Decimal("99.00"))
    assert callbacks and version(plans=[quarter_data.pk]) != token


def test_a_new_day_computes_it_again(quarter_data, client_for, executive):
    client = client_for(executive)
    with time_machine.travel(datetime.datetime(2015, 10, 1, 12, 0), tick=False):
        _, computed = _get(client, quarter_data)
        _, reused = _get(client, quarter_data)
    with time_machine.travel(datetime.datetime(2015, 10, 2, 12, 0), tick=False):
        _, next_day = _get(client, quarter_data)
    assert reused < computed
    assert next_day == computed


@pytest.mark.parametrize("who", ["other_officer", "anonymous"])
def test_a_reused_dashboard_is_still_refused_to_those_who_may_not_see_it(
    quarter_data, client_for, executive, request, client, who
):
    _get(client_for(executive), quarter_data)
    stranger = client if who == "anonymous" else client_for(request.getfixturevalue(who))
    response = stranger.get(reverse("submissions:dashboard", args=[quarter_data.pk]), QUERY)
    assert response.status_code in (302, 403)
    assert (response.status_code == 302) == (who == "anonymous")


def test_renaming_the_area_which_keeps_no_history_shows_at_once(
    quarter_data, client_for, executive, django_capture_on_commit_callbacks
):
    client = client_for(executive)
    _get(client, quarter_data)
    area = quarter_data.area
    with django_capture_on_commit_callbacks(execute=True):
        area.name = "Renamed Area"
        area.save()
    page, _ = _get(client, quarter_data)
    assert "Renamed Area" in page


@pytest.fixture
def other_quarter_data(other_area):
    """A second area's plan with its own schemes and quarter's data."""
    from plans import services as plan_services
    from plans.models import Plan
    from submissions.tests.conftest import add_quarter_data

    other = plan_services.plan_create(
        area=other_area,
        title="Other plan",
        first_year=2014,
        last_year=2015,
        version_kind=Plan.VersionKind.FINAL,
        version_date=datetime.date(2014, 4, 4),
    )
    theme = scheme_services.theme_create(plan=other, name="Care")
    scheme_services.scheme_create(plan=other, theme=theme, name="Reablement", status="existing")
    add_quarter_data(other)
    return other


def test_a_change_in_one_area_leaves_another_areas_dashboard_reused(
    quarter_data, other_quarter_data, client_for, assurer, django_capture_on_commit_callbacks
):
    client = client_for(assurer)
    _, computed = _get(client, other_quarter_data)
    before_other, reused = _get(client, other_quarter_data)
    before, _ = _get(client, quarter_data)
    with django_capture_on_commit_callbacks(execute=True):
        _set_actual(quarter_data, Decimal("123457.00"))
    after_other, queries = _get(client, other_quarter_data)
    assert after_other == before_other
    assert queries == reused < computed
    # …and the area that changed shows it at once.
    after, queries = _get(client, quarter_data)
    assert _actual_to_date(quarter_data) in after and after != before
    assert queries > reused


def test_a_change_to_an_areas_boards_recomputes_that_areas_dashboards_only(
    quarter_data, other_quarter_data, client_for, assurer, django_capture_on_commit_callbacks
):
    from governance.models import Board

    client = client_for(assurer)
    _get(client, quarter_data)
    _, reused = _get(client, quarter_data)
    _get(client, other_quarter_data)
    with django_capture_on_commit_callbacks(execute=True):
        Board.objects.create(area=quarter_data.area, name="A new board")
    assert _get(client, other_quarter_data)[1] == reused
    assert _get(client, quarter_data)[1] > reused


def test_a_change_to_reference_data_recomputes_every_dashboard(
    quarter_data, other_quarter_data, client_for, assurer, django_capture_on_commit_callbacks
):
    from metrics.models import MetricDefinition

    client = client_for(assurer)
    for plan in (quarter_data, other_quarter_data):
        _get(client, plan)
    _, reused = _get(client, quarter_data)
    metric = MetricDefinition.objects.get(code="non-elective-admissions")
    with django_capture_on_commit_callbacks(execute=True):
        metric.short_name = "Emergency admissions"
        metric.save()
    for plan in (quarter_data, other_quarter_data):
        assert _get(client, plan)[1] > reused
