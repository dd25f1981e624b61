"""The read API: what each endpoint returns, to whom, and at what cost in queries."""

import io
import json
import re
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts import services as account_services
from plans.models import PlanYear
from schemes.models import Scheme, SchemeBudget
from tests.factories import MetricDefinitionFactory, PlanFactory, SchemeFactory, ThemeFactory

pytestmark = pytest.mark.django_db

PLAN_URLS = ["api-plan-detail", "api-plan-schemes"]
PERSONAS_OF_THE_AREA = ["officer", "finance", "executive", "board", "assurer", "admin_user"]
MONEY = re.compile(r"^-?\d+\.\d{2}$")


def money(value: Decimal | None) -> str | None:
    """How the API writes pounds."""
    return None if value is None else f"{value:.2f}"


def url_for(name, plan=None):
    return reverse(name, args=[plan.pk] if plan is not None else [])


def expected_budget(plan) -> list[dict]:
    """The reconciliation worked out here from the rows, independently of the selector."""
    budgets = list(SchemeBudget.objects.filter(scheme__plan=plan).select_related("scheme"))
    themes = list(plan.themes.order_by("order", "name"))
    expected = []
    for year in plan.years:
        pooled = PlanYear.objects.get(plan=plan, year=year.start_year)
        in_year = [b for b in budgets if b.year == year.start_year]
        schemes_total = sum((b.amount for b in in_year), Decimal(0))
        expected.append(
            {
                "year": year.label,
                "minimum_required": money(pooled.minimum_required),
                "agreed_total": money(pooled.agreed_total),
                "schemes_total": money(schemes_total),
                "unallocated": None
                if pooled.not_broken_down
                else money(pooled.agreed_total - schemes_total),
                "protected_social_care": money(
                    sum(
                        (b.amount for b in in_year if b.scheme.protects_social_care),
                        Decimal(0),
                    )
                ),
                "protected_social_care_stated": money(pooled.protected_social_care_stated),
                "themes": [
                    {
                        "name": theme.name,
                        "total": money(
                            sum(
                                (b.amount for b in in_year if b.scheme.theme_id == theme.pk),
                                Decimal(0),
                            )
                        ),
                    }
                    for theme in themes
                ],
                "not_broken_down": pooled.not_broken_down,
            }
        )
    return expected


def plan_fields(plan) -> dict:
    return {
        "id": plan.pk,
        "area": plan.area.name,
        "title": plan.title,
        "version": plan.version_kind,
        "version_label": plan.version_label,
        "status": plan.status,
        "frozen": plan.is_frozen,
        "illustrative": plan.illustrative,
        "content_in_sources": plan.content_held,
        "content_not_in_sources": plan.content_said,
        "years": [year.label for year in plan.years],
        "framework": plan.framework_id,
    }


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


# The plan list


def test_plan_list_shows_the_plans_of_the_users_area(client_for, officer, plan, other_plan):
    response = client_for(officer).get(url_for("api-plan-list"))

    assert response.status_code == 200
    assert response.json() == [plan_fields(plan)]


def test_plan_list_hides_the_plans_of_other_areas(client_for, other_officer, plan, other_plan):
    ids = [row["id"] for row in client_for(other_officer).get(url_for("api-plan-list")).json()]

    assert ids == [other_plan.pk]


def test_assurer_sees_the_plans_of_every_area(client_for, assurer, plan, other_plan):
    ids = {row["id"] for row in client_for(assurer).get(url_for("api-plan-list")).json()}

    assert ids == {plan.pk, other_plan.pk}


def test_years_are_labelled_as_financial_years(client_for, officer, area):
    PlanFactory(area=area, first_year=1999, last_year=2001)

    [row] = client_for(officer).get(url_for("api-plan-list")).json()

    assert row["years"] == ["1999/00", "2000/01", "2001/02"]


# One plan and its budget


def test_plan_detail_reconciles_each_years_pooled_budget_with_its_schemes(
    client_for, officer, plan
):
    response = client_for(officer).get(url_for("api-plan-detail", plan))

    assert response.status_code == 200
    assert response.json() == {**plan_fields(plan), "budget": expected_budget(plan)}


def test_plan_detail_shows_an_over_allocated_year_as_a_negative_unallocated_sum(
    client_for, officer, plan
):
    budget = client_for(officer).get(url_for("api-plan-detail", plan)).json()["budget"]

    unallocated = {year["year"]: Decimal(year["unallocated"]) for year in budget}
    assert unallocated["2014/15"] > 0
    assert unallocated["2015/16"] < 0


def test_plan_without_a_pooled_budget_shows_missing_figures_as_null(
    client_for, other_officer, other_plan
):
    budget = client_for(other_officer).get(url_for("api-plan-detail", other_plan)).json()["budget"]

    assert [year["year"] for year in budget] == [year.label for year in other_plan.years]
    for year in budget:
        assert year["minimum_required"] is None
        assert year["agreed_total"] is None
        assert year["unallocated"] is None
        assert year["protected_social_care_stated"] is None
        assert year["schemes_total"] == "0.00"


def test_money_is_a_string_of_pounds_with_two_decimal_places_never_a_float(
    client_for, officer, plan
):
    client = client_for(officer)
    detail = client.get(url_for("api-plan-detail", plan)).json()
    schemes = client.get(url_for("api-plan-schemes", plan)).json()

    amounts = [
        *(year[key] for year in detail["budget"] for key in ("schemes_total", "agreed_total")),
        *(theme["total"] for year in detail["budget"] for theme in year["themes"]),
        *(budget["amount"] for scheme in schemes for budget in scheme["budgets"]),
    ]
    assert amounts
    assert all(isinstance(amount, str) and MONEY.match(amount) for amount in amounts)
    assert "750000.50" in amounts


# The schemes of a plan


def test_plan_schemes_lists_each_scheme_with_its_budgets_and_metrics(client_for, officer, plan):
    response = client_for(officer).get(url_for("api-plan-schemes", plan))

    assert response.status_code == 200
    expected = [
        {
            "id": scheme.pk,
            "name": scheme.name,
            "theme": scheme.theme.name,
            "status": scheme.status_label,
            "protects_social_care": scheme.protection == Scheme.Protection.SOCIAL_CARE,
            "protects_nhs_services": scheme.protection == Scheme.Protection.NHS,
            "budgets": [
                {"year": budget.financial_year.label, "amount": money(budget.amount)}
                for budget in scheme.budgets.order_by("year")
            ],
            "metrics": [metric.code for metric in scheme.metrics.order_by("number", "code")],
            "source_conflict": scheme.source_conflict,
        }
        for scheme in Scheme.objects.filter(plan=plan).order_by("theme__order", "order", "name")
    ]
    assert response.json() == expected


def test_each_schemes_protection_of_services_is_flagged(client_for, officer, plan):
    from schemes.services import scheme_update

    nhs, care, *_ = Scheme.objects.filter(plan=plan).order_by("pk")
    scheme_update(scheme=nhs, expected_version=None, protection=Scheme.Protection.NHS)
    scheme_update(scheme=care, expected_version=None, protection=Scheme.Protection.SOCIAL_CARE)

    rows = {s["id"]: s for s in client_for(officer).get(url_for("api-plan-schemes", plan)).json()}

    assert (rows[nhs.pk]["protects_nhs_services"], rows[nhs.pk]["protects_social_care"]) == (
        True,
        False,
    )
    assert (rows[care.pk]["protects_nhs_services"], rows[care.pk]["protects_social_care"]) == (
        False,
        True,
    )
    flagged = [s for s in rows.values() if s["protects_nhs_services"]]
    assert [s["id"] for s in flagged] == [nhs.pk]


def test_scheme_status_is_written_as_the_plan_writes_it(client_for, officer, plan):
    schemes = client_for(officer).get(url_for("api-plan-schemes", plan)).json()

    assert {scheme["status"] for scheme in schemes} >= {"Existing & New", "New"}


# Who may read


@pytest.mark.parametrize("persona", PERSONAS_OF_THE_AREA)
@pytest.mark.parametrize("name", PLAN_URLS)
def test_every_role_of_the_area_can_read_the_plan(request, client_for, persona, name, plan):
    user = request.getfixturevalue(persona)

    assert client_for(user).get(url_for(name, plan)).status_code == 200


@pytest.mark.parametrize("name", PLAN_URLS)
def test_officer_of_another_area_gets_403(client_for, other_officer, name, plan):
    response = client_for(other_officer).get(url_for(name, plan))

    assert response.status_code == 403
    assert "budget" not in response.json()


@pytest.mark.parametrize("name", PLAN_URLS)
def test_missing_plan_gets_404(client_for, officer, name, plan):
    response = client_for(officer).get(reverse(name, args=[plan.pk + 1000]))

    assert response.status_code == 404


@pytest.mark.parametrize("name", ["api-plan-list", *PLAN_URLS])
def test_anonymous_user_is_refused(name, plan):
    response = Client().get(url_for(name, None if name == "api-plan-list" else plan))

    # Session authentication comes first in settings, and it sends no WWW-Authenticate
    # challenge, so DRF answers 403 rather than 401.
    assert response.status_code == 403


# Tokens


def test_token_in_the_authorization_header_authenticates(officer, plan):
    _, key = account_services.token_create(user=officer, name="Report script")
    client = Client(headers={"Authorization": f"Token {key}"})

    response = client.get(url_for("api-plan-detail", plan))

    assert response.status_code == 200
    assert response.json()["id"] == plan.pk


def test_unknown_token_is_refused(plan):
    client = Client(headers={"Authorization": "Token not-a-real-token"})

    assert client.get(url_for("api-plan-list")).status_code in (401, 403)


def test_create_api_token_makes_a_token_that_reads_the_api(officer, plan):
    out = io.StringIO()
    call_command(
        "create_api_token",
        officer.username,
        "--name",
        "Nightly export",
        stdout=out,
        stderr=io.StringIO(),
    )
    key = out.getvalue().strip()

    response = Client(headers={"Authorization": f"Token {key}"}).get(url_for("api-plan-list"))

    assert response.status_code == 200
    assert [row["id"] for row in response.json()] == [plan.pk]


# Cost in queries


def test_plan_list_query_count_does_not_grow_with_the_number_of_plans(client_for, officer, area):
    client = client_for(officer)
    PlanFactory.create_batch(2, area=area)
    with_few = count_queries(client, url_for("api-plan-list"))
    PlanFactory.create_batch(4, area=area)
    with_many = count_queries(client, url_for("api-plan-list"))

    # session, user, the user's groups, plans (with their area)
    assert with_few == with_many == 4


def test_plan_schemes_query_count_does_not_grow_with_the_number_of_schemes(
    client_for, officer, area
):
    plan = PlanFactory(area=area)
    themes = ThemeFactory.create_batch(2, plan=plan)
    metrics = MetricDefinitionFactory.create_batch(2)
    client = client_for(officer)

    def add_schemes(count):
        for n in range(count):
            SchemeFactory(plan=plan, theme=themes[n % 2], metrics=metrics)

    add_schemes(3)
    with_few = count_queries(client, url_for("api-plan-schemes", plan))
    add_schemes(6)
    with_many = count_queries(client, url_for("api-plan-schemes", plan))

    # session, user, plan, the user's roles and areas (one query), then schemes with their
    # themes, their metrics, their budgets
    assert with_few == with_many == 7
    assert len(client.get(url_for("api-plan-schemes", plan)).json()) == 9


# The schema


def test_schema_is_openapi_3_and_lists_the_three_paths(client_for, officer):
    response = client_for(officer).get(reverse("api-schema"), {"format": "json"})

    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert {"/api/plans/", "/api/plans/{id}/", "/api/plans/{id}/schemes/"} <= set(schema["paths"])
