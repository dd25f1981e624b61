"""The dashboard is computed once for the data as it is and reused: the same page with far
fewer queries; a committed change (any save with history) shows at once; a change rolled
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

from plans.freshness import data_token
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
    token = data_token()
    with django_capture_on_commit_callbacks(execute=True) as callbacks, transaction.atomic():
        _set_actual(quarter_data, Decimal("99.00"))
        transaction.set_rollback(True)
    assert callbacks == []
    assert data_token() == token
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        _set_actual(quarter_data, Decimal("99.00"))
    assert callbacks and data_token() != token


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
