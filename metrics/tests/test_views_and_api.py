import io
import json

import pytest
from django.urls import reverse

from metrics.models import Actual
from metrics.tests.conftest import add_months
from tests.imports import upload as import_file


def _overview_url(plan):
    return reverse("metrics:metrics_overview", kwargs={"pk": plan.pk})


def _api_url(plan):
    return reverse("api-plan-metrics", kwargs={"pk": plan.pk})


def _post_url(plan, code="non-elective-admissions"):
    return reverse("api-plan-metric-actuals", kwargs={"pk": plan.pk, "code": code})


def test_the_overview_shows_the_latest_status_and_the_scheme_matrix(
    client_for, officer, plan, admissions
):
    add_months(plan, admissions, 2)
    response = client_for(officer).get(_overview_url(plan))
    content = response.content.decode()
    assert response.status_code == 200
    assert 'data-status="met"' in content
    assert "Integrated care teams" in content
    assert "Expected to move Non-elective admissions" in content


@pytest.mark.parametrize("points", [1, 20])
def test_the_overview_page_takes_the_same_queries_whatever_the_number_of_points(
    client_for, officer, plan, admissions, django_assert_num_queries, points
):
    add_months(plan, admissions, points)
    client = client_for(officer)
    client.get(_overview_url(plan))  # session and user caches warm
    # session, user, roles and areas, plan; definitions (with their frameworks), baselines,
    # targets, actuals, SPC rebases; schemes and their metrics.
    with django_assert_num_queries(12):
        client.get(_overview_url(plan))


@pytest.mark.parametrize("points", [1, 20])
def test_the_api_takes_the_same_queries_whatever_the_number_of_points(
    client_for, officer, plan, admissions, django_assert_num_queries, points
):
    add_months(plan, admissions, points)
    client = client_for(officer)
    client.get(_api_url(plan))
    # session, user, roles and areas, plan; definitions (with their frameworks), baselines,
    # targets, actuals, SPC rebases.
    with django_assert_num_queries(10):
        response = client.get(_api_url(plan))
    metric = next(m for m in response.json() if m["code"] == "non-elective-admissions")
    assert len(metric["actuals"]) == points


def test_the_api_gives_each_metric_as_the_issue_says(client_for, officer, plan, admissions):
    add_months(plan, admissions, 3)
    metrics = client_for(officer).get(_api_url(plan)).json()
    metric = next(m for m in metrics if m["code"] == "non-elective-admissions")
    assert set(metric) >= {
        "code",
        "name",
        "direction",
        "unit",
        "baseline",
        "targets",
        "actuals",
        "change_from_baseline_percent",
        "forecast",
    }
    assert metric["targets"] == [{"period": "2014/15", "value": "724.3700", "derived": ""}]
    assert metric["change_from_baseline_percent"] == "-3.42"
    assert metric["actuals"][0] == {
        "period": "April 2014",
        "value": "700.0000",
        "numerator": "700.0000",
        "denominator": "100000.0000",
        "stage": "provisional",
        "status": "met",
        "derived": "",  # given as entered: nothing of it worked out
    }
    assert metric["forecast"]["count"] == "8520.0000"  # (700 + 710 + 720) × 12 / 3
    assert metric["forecast"]["derived"].startswith("forecast: the 3 months so far")


@pytest.mark.parametrize("role", ["officer", "finance", "admin_user"])
def test_officer_finance_and_admin_may_post_an_actual(request, client_for, plan, admissions, role):
    client = client_for(request.getfixturevalue(role))
    response = client.post(
        _post_url(plan),
        json.dumps(
            {
                "granularity": "month",
                "period": "April 2014",
                "numerator": "800",
                "denominator": "100000",
            }
        ),
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "not_met"
    assert Actual.objects.filter(plan=plan, metric=admissions).count() == 1


@pytest.mark.parametrize("role", ["executive", "board", "assurer", "other_officer"])
def test_other_roles_may_not_post_an_actual(request, client_for, plan, admissions, role):
    response = client_for(request.getfixturevalue(role)).post(
        _post_url(plan), {"granularity": "year", "period": "2014/15", "value": "1"}
    )
    assert response.status_code == 403
    assert not Actual.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"granularity": "month", "period": "Smarch 2014", "value": "1"}, "period"),
        ({"granularity": "month", "period": "April 2014"}, "value"),
        (
            {
                "granularity": "month",
                "period": "April 2014",
                "value": "1",
                "numerator": "1",
                "denominator": "2",
            },
            "value",
        ),
        ({"granularity": "week", "period": "April 2014", "value": "1"}, "granularity"),
        ({"granularity": "year", "period": "2019/20", "value": "1"}, "end"),
    ],
)
def test_bad_input_gets_field_errors_and_stores_nothing(
    client_for, officer, plan, admissions, body, field
):
    response = client_for(officer).post(_post_url(plan), body)
    assert response.status_code == 400
    assert field in response.json()
    assert not Actual.objects.exists()


def test_the_detail_page_has_the_table_and_an_inline_svg_chart(
    client_for, officer, plan, admissions
):
    add_months(plan, admissions, 13)
    response = client_for(officer).get(
        reverse("metrics:metric_detail", kwargs={"pk": plan.pk, "code": admissions.code})
    )
    content = response.content.decode()
    assert 'id="actuals-table"' in content
    assert "<svg" in content and "Upper process limit" in content
    assert "<script" not in content.split("<svg", 1)[1].split("</svg>", 1)[0]
    assert "Common cause variation" in content or "Special cause" in content


def test_the_actual_form_keeps_input_on_error_and_refuses_a_stale_edit(
    client_for, officer, plan, admissions
):
    add_months(plan, admissions, 1)
    actual = Actual.objects.get()
    client = client_for(officer)
    url = reverse(
        "metrics:actual_edit",
        kwargs={"pk": plan.pk, "code": admissions.code, "actual_pk": actual.pk},
    )
    form = {
        "granularity": "month",
        "period": "April 2014",
        "value": "abc",
        "stage": "final",
        "source": "SUS",
        "lock_version": actual.lock_version,
    }
    response = client.post(url, form)
    assert response.status_code == 200 and 'value="SUS"' in response.content.decode()
    response = client.post(
        url, {**form, "value": "650", "lock_version": actual.lock_version - 1 or 99}
    )
    assert "Someone else saved this record" in response.content.decode()
    response = client.post(url, {**form, "value": "650"})
    assert response.status_code == 302
    actual.refresh_from_db()
    assert actual.value == 650 and actual.stage == "final"


def test_an_import_with_one_bad_row_imports_nothing_and_says_where(
    client_for, finance, plan, admissions
):
    sheet = (
        "Metric,Kind of period,Period,Value,Numerator,Population,Provisional or final,Source\n"
        "non-elective-admissions,Month,April 2014,,700,100000,Final,SUS\n"
        "non-elective-admissions,Month,May 2014,abc,,,Final,SUS\n"
    )
    upload = io.BytesIO(sheet.encode())
    upload.name = "actuals.csv"
    url = reverse("metrics:actual_import", kwargs={"pk": plan.pk})
    response = client_for(finance).post(url, {"file": upload})
    content = response.content.decode()
    assert "Nothing was imported" in content and '<td class="nhsuk-table__cell">3</td>' in content
    assert not Actual.objects.exists()
    good = io.BytesIO(sheet.splitlines()[0].encode() + b"\n" + sheet.splitlines()[1].encode())
    good.name = "actuals.csv"
    assert import_file(client_for(finance), url, "actuals.csv", good.read()).status_code == 302
    assert Actual.objects.get().value == 700


@pytest.mark.parametrize(
    "unit, asked, not_asked",
    [
        ("per_100k_month", ["Numerator (count)", "Population (denominator)"], []),
        ("percentage", ["Numerator (count)", "Denominator (count)"], ["Population"]),
        ("days", ["Total days (numerator)", "Number of cases (denominator)"], ["Population"]),
        ("count", [">Count<"], ["Population", "(denominator)", "Numerator"]),
        ("age_std_100k_year", [], ["Population", "(numerator)", "(denominator)"]),
    ],
)
def test_the_figure_form_asks_for_the_counts_its_unit_has(
    client_for, officer, plan, admissions, unit, asked, not_asked
):
    """A mean of days is total days over cases, not a rate per population; a count is its
    own value; an age-standardised rate is entered as published."""
    admissions.unit = unit
    admissions.save()
    client = client_for(officer)
    url = reverse("metrics:actual_create", kwargs={"pk": plan.pk, "code": admissions.code})
    page = client.get(url).content.decode()
    for label in asked:
        assert label in page
    for label in not_asked:
        assert label not in page
    response = client.post(url, {"granularity": "month", "period": "April 2014"})
    assert response.status_code == 200 and not Actual.objects.exists()
    if unit == "days":
        assert (
            "Enter the value, or the total days and number of cases." in response.content.decode()
        )
    if unit == "age_std_100k_year":
        assert "Enter the value." in response.content.decode()
