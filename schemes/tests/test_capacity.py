"""Intermediate care capacity and demand: the framework's service types, the grid, gaps,
schemes linked, the workbook out and back in, and the API."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook

from fixtures.packs import packs_load
from plans import permissions
from plans import services as plan_services
from plans.models import Plan
from plans.periods import FinancialYear
from schemes import services as scheme_services
from schemes.capacity import services
from schemes.capacity.selectors import capacity_demand
from schemes.capacity.workbook import capacity_workbook
from schemes.models import CapacityDemand, CapacityServiceType, Scheme

pytestmark = pytest.mark.django_db


@pytest.fixture
def today_plan(area):
    """A 2025/26 draft plan of `area` with two schemes, under the 2025/26 framework."""
    packs_load()
    plan = plan_services.plan_create(
        area=area,
        title="Plan of today",
        first_year=2025,
        last_year=2025,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2025, 3, 1),
    )
    theme = scheme_services.theme_create(plan=plan, name="Discharge")
    for name in ("Home first reablement", "Step-up beds"):
        scheme_services.scheme_create(
            plan=plan,
            theme=theme,
            name=name,
            status=Scheme.Status.EXISTING,
            budgets={2025: Decimal("100000")},
        )
    return plan


def _type(plan, code="discharge-reablement-home") -> CapacityServiceType:
    return CapacityServiceType.objects.get(framework=plan.framework, code=code)


def test_both_frameworks_of_today_list_their_service_types_with_a_source():
    packs_load()
    for code in ("bcf-2023-25", "bcf-2025-26"):
        types = CapacityServiceType.objects.filter(framework__code=code)
        groups = {t.group for t in types}
        assert groups == {"discharge", "community"}
        assert all(t.source for t in types)
        assert types.filter(pathway="Pathway 1").exists()
    assert not CapacityServiceType.objects.filter(framework__code="bcf-2014-16").exists()


def test_loading_the_packs_again_changes_nothing():
    packs_load()
    before = CapacityServiceType.history.count()
    packs_load()
    assert CapacityServiceType.history.count() == before


def test_a_saved_month_shows_its_gap_and_a_shortfall_is_flagged(today_plan, officer):
    reablement = _type(today_plan)
    april, may = FinancialYear(2025).months[:2]
    saved = services.capacity_grid_save(
        plan=today_plan,
        cells={
            (reablement.pk, april, "demand"): (None, 40),
            (reablement.pk, april, "capacity"): (None, 35),
            (reablement.pk, may, "demand"): (None, 30),
            (reablement.pk, may, "capacity"): (None, 30),
        },
        user=officer,
    )
    assert saved == 4
    data = capacity_demand(today_plan)
    row = next(r for r in data.rows if r.service_type == reablement)
    assert [(m.gap, m.shortfall) for m in row.months[:3]] == [(-5, True), (0, False), (None, False)]
    assert [(r.service_type, m.month) for r, m in data.shortfalls] == [(reablement, april)]
    assert CapacityDemand.history.filter(history_user=officer).count() == 2


def test_a_figure_someone_else_changed_meanwhile_is_refused_and_nothing_saved(today_plan):
    reablement = _type(today_plan)
    april, may = FinancialYear(2025).months[:2]
    services.capacity_grid_save(
        plan=today_plan, cells={(reablement.pk, april, "demand"): (None, 40)}
    )
    with pytest.raises(services.CapacityConflict) as refused:
        services.capacity_grid_save(
            plan=today_plan,
            cells={
                (reablement.pk, april, "demand"): (None, 50),
                (reablement.pk, may, "demand"): (None, 20),
            },
        )
    assert [c.value for c in refused.value.cells] == [40]
    assert CapacityDemand.objects.filter(plan=today_plan).count() == 1


def test_a_month_outside_the_plan_or_a_type_of_another_framework_is_refused(today_plan):
    reablement = _type(today_plan)
    older = CapacityServiceType.objects.get(
        framework__code="bcf-2023-25", code="discharge-reablement-home"
    )
    with pytest.raises(ValidationError, match="outside the plan"):
        services.capacity_grid_save(
            plan=today_plan,
            cells={(reablement.pk, datetime.date(2027, 4, 1), "demand"): (None, 1)},
        )
    with pytest.raises(ValidationError, match="framework"):
        services.capacity_grid_save(
            plan=today_plan,
            cells={(older.pk, datetime.date(2025, 4, 1), "demand"): (None, 1)},
        )


def test_an_agreed_plan_takes_no_capacity_figures(today_plan):
    Plan.objects.filter(pk=today_plan.pk).update(status=Plan.Status.AGREED)
    today_plan.refresh_from_db()
    with pytest.raises(permissions.Frozen):
        services.capacity_grid_save(
            plan=today_plan,
            cells={(_type(today_plan).pk, datetime.date(2025, 4, 1), "demand"): (None, 1)},
        )


def test_schemes_are_linked_to_the_capacity_they_fund(today_plan, officer):
    reablement = _type(today_plan)
    home_first = today_plan.schemes.get(name="Home first reablement")
    services.capacity_schemes_set(
        plan=today_plan, service_type=reablement, schemes=[home_first], user=officer
    )
    row = next(r for r in capacity_demand(today_plan).rows if r.service_type == reablement)
    assert row.schemes == [home_first]
    services.capacity_schemes_set(plan=today_plan, service_type=reablement, schemes=[])
    row = next(r for r in capacity_demand(today_plan).rows if r.service_type == reablement)
    assert row.schemes == []


def _grid_post(page_html_plan, cells: dict) -> dict:
    data = {"save": ""}
    for (type_id, month, field), (was, typed) in cells.items():
        name = f"c-{type_id}-{month:%Y%m}-{field}"
        data[name] = typed
        data[f"{name}-was"] = was
    return data


def test_the_officer_saves_the_grid_and_sees_the_gap_flagged(today_plan, officer, client_for):
    client = client_for(officer)
    reablement = _type(today_plan)
    april = datetime.date(2025, 4, 1)
    url = reverse("schemes:capacity_grid", args=[today_plan.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert f'name="c-{reablement.pk}-202504-demand"' in page.content.decode()
    post = _grid_post(
        today_plan,
        {
            (reablement.pk, april, "demand"): ("", "1,200"),
            (reablement.pk, april, "capacity"): ("", "1000"),
        },
    )
    response = client.post(url, post)
    assert response.status_code == 302
    page = client.get(response.url).content.decode()
    assert "1 month where demand exceeds capacity" in page
    assert "short by 200" in page
    assert "<svg" in page and 'id="chart-table"' in page


def test_a_cell_that_is_not_a_number_is_named_and_nothing_is_saved(today_plan, officer, client_for):
    client = client_for(officer)
    reablement = _type(today_plan)
    april = datetime.date(2025, 4, 1)
    post = _grid_post(
        today_plan,
        {
            (reablement.pk, april, "demand"): ("", "12"),
            (reablement.pk, april, "capacity"): ("", "twelve"),
        },
    )
    response = client.post(reverse("schemes:capacity_grid", args=[today_plan.pk]), post)
    assert response.status_code == 200
    assert "Enter a whole number of people" in response.content.decode()
    assert not CapacityDemand.objects.exists()


def test_the_totals_follow_the_typing_without_saving(today_plan, officer, client_for):
    reablement = _type(today_plan)
    april = datetime.date(2025, 4, 1)
    post = _grid_post(
        today_plan,
        {
            (reablement.pk, april, "demand"): ("", "9"),
            (reablement.pk, april, "capacity"): ("", "4"),
        },
    )
    response = client_for(officer).post(
        reverse("schemes:capacity_totals", args=[today_plan.pk, 2025]), post
    )
    body = response.content.decode()
    assert f'id="gap-{reablement.pk}"' in body and "-5" in body
    assert not CapacityDemand.objects.exists()


def test_the_assurer_reads_the_grid_without_boxes(
    today_plan, assurer, client_for, django_assert_max_num_queries
):
    services.capacity_grid_save(
        plan=today_plan,
        cells={(_type(today_plan).pk, datetime.date(2025, 4, 1), "demand"): (None, 7)},
    )
    client = client_for(assurer)
    with django_assert_max_num_queries(25):
        page = client.get(reverse("schemes:capacity_grid", args=[today_plan.pk]))
    body = page.content.decode()
    assert page.status_code == 200
    assert "<input class" not in body
    assert "Save figures" not in body


def test_a_plan_of_a_framework_without_capacity_says_there_is_nothing_to_enter(
    plan, officer, client_for
):
    packs_load()
    page = client_for(officer).get(reverse("schemes:capacity_grid", args=[plan.pk]))
    assert "asks for no capacity and demand plan" in page.content.decode()


def _export(client, plan) -> bytes:
    response = client.get(reverse("schemes:capacity_export", args=[plan.pk]))
    assert response.status_code == 200
    return response.content


def _upload(client, plan, content: bytes):
    url = reverse("schemes:capacity_import", args=[plan.pk])
    upload = io.BytesIO(content)
    upload.name = "capacity.xlsx"
    return client.post(url, {"file": upload})


def test_the_workbook_goes_out_and_comes_back_with_a_preview_then_applies(
    today_plan, officer, client_for
):
    client = client_for(officer)
    reablement = _type(today_plan)
    services.capacity_grid_save(
        plan=today_plan,
        cells={(reablement.pk, datetime.date(2025, 4, 1), "demand"): (None, 10)},
    )
    book = load_workbook(io.BytesIO(_export(client, today_plan)))
    sheet = book["Capacity and demand"]
    headers = [c.value for c in sheet[1]]
    assert headers[:4] == ["Code", "Service type", "Figure", "April 2025"]
    rows = {(r[0].value, r[2].value): r for r in sheet.iter_rows(min_row=2)}
    assert rows["discharge-reablement-home", "Demand"][3].value == 10
    rows["discharge-reablement-home", "Capacity"][3].value = 8
    rows["discharge-reablement-home", "Demand"][4].value = 11
    out = io.BytesIO()
    book.save(out)
    preview = _upload(client, today_plan, out.getvalue())
    body = preview.content.decode()
    assert "Apply these changes" in body
    assert CapacityDemand.objects.count() == 1  # nothing written by the preview
    confirm = preview.context["confirm"].initial
    done = client.post(reverse("schemes:capacity_import", args=[today_plan.pk]), confirm)
    assert done.status_code == 302
    row = next(r for r in capacity_demand(today_plan).rows if r.service_type == reablement)
    assert [(m.demand, m.capacity) for m in row.months[:2]] == [(10, 8), (11, None)]
    # The same file again changes nothing.
    again = _upload(client, today_plan, out.getvalue())
    assert "0 changed" in again.content.decode()


def test_a_workbook_with_a_bad_cell_is_refused_whole_naming_row_and_column(
    today_plan, officer, client_for
):
    client = client_for(officer)
    book = load_workbook(io.BytesIO(_export(client, today_plan)))
    sheet = book["Capacity and demand"]
    sheet["D2"] = 5
    sheet["E3"] = "lots"
    sheet["A6"] = "no-such-service"
    out = io.BytesIO()
    book.save(out)
    response = _upload(client, today_plan, out.getvalue())
    problems = {(e.row, e.column) for e in response.context["cell_errors"]}
    assert problems == {(3, "May 2025"), (6, "Code")}
    assert "Nothing was imported" in response.content.decode()
    assert not CapacityDemand.objects.exists()


def test_the_exported_workbook_names_an_illustrative_plan_so(today_plan):
    Plan.objects.filter(pk=today_plan.pk).update(illustrative=True)
    today_plan.refresh_from_db()
    book = load_workbook(
        io.BytesIO(capacity_workbook(capacity_demand(today_plan), plan=today_plan))
    )
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert "illustrative" in about["Version"]


def test_the_api_gives_each_service_type_and_month(
    today_plan, officer, client_for, django_assert_max_num_queries
):
    reablement = _type(today_plan)
    services.capacity_grid_save(
        plan=today_plan,
        cells={
            (reablement.pk, datetime.date(2025, 4, 1), "demand"): (None, 12),
            (reablement.pk, datetime.date(2025, 4, 1), "capacity"): (None, 10),
        },
    )
    client = client_for(officer)
    with django_assert_max_num_queries(12):
        answer = client.get(f"/api/plans/{today_plan.pk}/capacity-demand/")
    assert answer.status_code == 200
    data = answer.json()
    assert data["shortfalls"] == 1
    row = next(r for r in data["service_types"] if r["code"] == reablement.code)
    assert row["months"][0] == {
        "month": "2025-04",
        "demand": 12,
        "capacity": 10,
        "gap": -2,
        "shortfall": True,
    }
    assert len(row["months"]) == 12


def test_the_api_refuses_another_areas_officer(today_plan, other_officer, client_for):
    answer = client_for(other_officer).get(f"/api/plans/{today_plan.pk}/capacity-demand/")
    assert answer.status_code in (403, 404)


def test_a_new_version_keeps_the_figures_and_the_schemes_they_fund(today_plan, officer):
    from submissions.documents.services import plan_roll_forward

    reablement = _type(today_plan)
    services.capacity_grid_save(
        plan=today_plan,
        cells={(reablement.pk, datetime.date(2025, 4, 1), "demand"): (None, 9)},
    )
    services.capacity_schemes_set(
        plan=today_plan,
        service_type=reablement,
        schemes=[today_plan.schemes.get(name="Home first reablement")],
    )
    new = plan_roll_forward(
        plan=today_plan,
        version_kind=Plan.VersionKind.FINAL,
        version_date=datetime.date(2025, 3, 20),
        user=officer,
    )
    row = next(r for r in capacity_demand(new).rows if r.service_type == reablement)
    assert row.months[0].demand == 9
    assert [s.name for s in row.schemes] == ["Home first reablement"]
    assert row.schemes[0].plan_id == new.pk
