"""The metrics history page: who changed which baseline, target or actual, from what to what."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from metrics import services
from metrics.models import Actual
from metrics.tests.conftest import add_months
from tests.factories import UserFactory


def _url(plan):
    return reverse("metrics:metric_history", kwargs={"pk": plan.pk})


@pytest.fixture
def editor(area):
    return UserFactory(username="editor", first_name="Priya", last_name="Sharma")


def _quarter_actual(plan, metric, user):
    actual = services.actual_create(
        plan=plan,
        metric=metric,
        granularity="quarter",
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("712.5"),
    )
    return services.actual_update(
        actual=actual,
        expected_version=actual.lock_version,
        user=user,
        granularity="quarter",
        start=datetime.date(2015, 1, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("698.25"),
    )


def test_an_officer_sees_who_changed_an_actual_and_its_old_and_new_value(
    client_for, officer, plan, admissions, editor
):
    _quarter_actual(plan, admissions, editor)
    response = client_for(officer).get(_url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Priya Sharma" in page
    assert f"Actual 2014/15 Q4 of {admissions}" in page
    assert "712.5" in page and "698.25" in page
    assert f"Baseline by 31 March 2014 of {admissions}" in page
    assert f"Target 2014/15 of {admissions}" in page


def test_a_deleted_actual_stays_in_the_history(client_for, officer, plan, admissions, editor):
    _quarter_actual(plan, admissions, editor)
    Actual.objects.filter(plan=plan).delete()
    entries = client_for(officer).get(_url(plan)).context["entries"]
    assert [entry.kind for entry in entries if entry.record.startswith("Actual")][0] == "Deleted"


def test_the_overview_links_to_the_history(client_for, officer, plan, admissions):
    page = client_for(officer).get(reverse("metrics:metrics_overview", kwargs={"pk": plan.pk}))
    assert _url(plan) in page.content.decode()


def test_an_officer_of_another_area_is_refused(client_for, other_officer, plan, admissions):
    assert client_for(other_officer).get(_url(plan)).status_code == 403


def test_the_page_takes_the_same_queries_however_many_figures(
    client_for, officer, plan, admissions, editor, django_assert_num_queries
):
    client = client_for(officer)
    client.get(_url(plan))  # warm the session
    # session, user, roles and areas, plan; baselines, targets, actuals, SPC rebases (each
    # with its metric)
    with django_assert_num_queries(8):
        client.get(_url(plan))
    add_months(plan, admissions, 12)
    _quarter_actual(plan, admissions, editor)
    with django_assert_num_queries(8):
        response = client.get(_url(plan))
    assert len(response.context["entries"]) == 2 + 12 + 2
