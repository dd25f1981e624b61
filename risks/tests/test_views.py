import datetime
import io
from decimal import Decimal

import pytest
import time_machine
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from risks import services
from risks.models import FundRelease, Risk, Scale
from risks.tests.conftest import TODAY, add_risks
from tests.imports import preview
from tests.imports import upload as upload_file


@pytest.fixture
def at_today():
    with time_machine.travel(datetime.datetime(2017, 6, 22, 12, 0), tick=False):
        yield


def _register_url(plan, **query):
    url = reverse("risks:register", kwargs={"pk": plan.pk})
    if query:
        url += "?" + "&".join(f"{k}={v}" for k, v in query.items())
    return url


def _descriptions(response):
    return [row.record.description for row in response.context["table"].rows]


def test_the_register_shows_ratings_as_written_and_flags_overdue_reviews(
    client_for, officer, register, lmh_register, at_today
):
    response = client_for(officer).get(_register_url(register.plan))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count("Overdue</strong>") == 1  # due yesterday; due today is not; closed never
    assert "Lack of agreement to the metrics" in html


def test_the_register_filters_by_category_band_owner_and_overdue(
    client_for, officer, register, at_today
):
    client = client_for(officer)
    delivery = register.categories.get(name="Risks to plan delivery")
    by_category = client.get(_register_url(register.plan, category=delivery.pk))
    assert len(_descriptions(by_category)) == 2
    overdue = client.get(_register_url(register.plan, overdue="yes"))
    assert _descriptions(overdue) == ["Lack of agreement to the metrics"]
    extreme = client.get(_register_url(register.plan, band="extreme"))
    assert _descriptions(extreme) == []  # its rating after mitigation (6) is moderate
    moderate = client.get(_register_url(register.plan, band="moderate"))
    assert len(_descriptions(moderate)) == 2
    owner = client.get(_register_url(register.plan, owner="programme"))
    assert _descriptions(owner) == ["Delays on delivery of components of the plan"]


def test_the_register_page_takes_the_same_queries_however_many_risks(
    client_for, officer, register, django_assert_num_queries
):
    from django.core.cache import cache

    client = client_for(officer)
    url = _register_url(register.plan)
    client.get(url)  # warm the session
    cache.clear()  # the table computed, not reused (plans/freshness.py)
    with django_assert_num_queries(COMPUTED):
        client.get(url)
    with django_assert_num_queries(REUSED):
        client.get(url)
    add_risks(register, 12)
    cache.clear()  # the test's transaction never commits the change
    with django_assert_num_queries(COMPUTED):
        response = client.get(url)
    assert response.content.decode().count('<tr class="nhsuk-table__row">\n    <td') == 15


# Session, user, roles and areas (one query), the plan with its register; computing the
# table: the register with its categories (two), the risks (counted, and a page of them).
REUSED = 4
COMPUTED = 9


def test_the_risks_api_takes_the_same_queries_however_many_risks(
    client_for, officer, register, django_assert_num_queries
):
    client = client_for(officer)
    url = reverse("api-plan-risks", kwargs={"pk": register.plan.pk})
    client.get(url)
    with django_assert_num_queries(5):
        client.get(url)
    add_risks(register, 12)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.json()) == 15


def test_the_risks_api_gives_exactly_the_agreed_fields(client_for, officer, register, at_today):
    rows = client_for(officer).get(reverse("api-plan-risks", kwargs={"pk": register.plan.pk}))
    first = rows.json()[0]
    assert list(first) == [
        "id",
        "category",
        "description",
        "potential_impact",
        "scale",
        "likelihood",
        "impact",
        "rating_before",
        "mitigations",
        "likelihood_after",
        "impact_after",
        "rating_after",
        "status",
        "owner",
        "next_review",
        "overdue",
    ]
    assert first["overdue"] is True and first["scale"] == "nhs_5x5"
    assert (first["likelihood"], first["impact"]) == ("4", "3")
    assert (first["likelihood_after"], first["impact_after"]) == ("2", "3")
    assert first["status"] == "open"
    assert first["next_review"] == (TODAY - datetime.timedelta(days=1)).isoformat()


def test_the_risks_api_gives_what_the_risk_page_shows(client_for, officer, register):
    risk = register.risks.get(description="Lack of agreement to the metrics")
    services.risk_update(
        risk=risk,
        expected_version=None,
        potential_impact="Plan not agreed by NHS England",
        mitigations="Early engagement with CCGs on the metrics",
    )
    client = client_for(officer)
    rows = client.get(reverse("api-plan-risks", kwargs={"pk": register.plan.pk})).json()
    row = next(r for r in rows if r["id"] == risk.pk)
    page = client.get(
        reverse("risks:risk_detail", kwargs={"pk": register.plan.pk, "risk_pk": risk.pk})
    )
    for field in ("potential_impact", "mitigations", "impact"):
        assert row[field] and row[field] in page.content.decode()


def test_the_funds_api_gives_pounds_as_decimal_strings(
    client_for, officer, plan, contingency, django_assert_num_queries
):
    client = client_for(officer)
    client.post(
        reverse("risks:fund_release", kwargs={"pk": plan.pk, "fund_pk": contingency.pk}),
        {
            "amount": "1000000",
            "released_on": "2017-05-23",
            "released_to": "West Leicestershire CCG",
            "decision_reference": "Integration Executive, 23 May 2017, minute 5(b)",
        },
    )
    url = reverse("api-plan-funds", kwargs={"pk": plan.pk})
    with django_assert_num_queries(6):  # session, user, roles and areas, plan, funds, releases
        response = client.get(url)
    release = contingency.releases.get()
    assert response.json() == [
        {
            "id": contingency.pk,
            "name": "Contingency",
            "kind": "contingency",
            "year": "2014/15",
            "amount": "1300000.00",
            "released": "1000000.00",
            "balance": "300000.00",
            "releases": [
                {
                    "id": release.pk,
                    "amount": "1000000.00",
                    "released_on": "2017-05-23",
                    "when": "",
                    "to": "West Leicestershire CCG",
                    "purpose": "",
                    "decision": "Integration Executive, 23 May 2017, minute 5(b)",
                }
            ],
            "source_conflict": "",
        }
    ]


def test_a_release_beyond_the_balance_is_refused_on_the_page_keeping_the_input(
    client_for, finance, plan, contingency
):
    response = client_for(finance).post(
        reverse("risks:fund_release", kwargs={"pk": plan.pk, "fund_pk": contingency.pk}),
        {
            "amount": "2000000",
            "released_on": "2017-05-23",
            "released_to": "West Leicestershire CCG",
            "decision_reference": "Integration Executive, 23 May 2017",
        },
    )
    assert response.status_code == 200
    assert "more than the £1,300,000 left" in response.content.decode()
    assert 'value="West Leicestershire CCG"' in response.content.decode()
    assert not FundRelease.objects.exists()


def test_a_risk_saved_from_an_older_copy_is_refused_and_the_input_kept(
    client_for, officer, register
):
    risk = register.risks.first()
    url = reverse("risks:risk_edit", kwargs={"pk": register.plan.pk, "risk_pk": risk.pk})
    data = {
        "category": risk.category_id,
        "description": "Changed by me",
        "likelihood": "3",
        "impact": "3",
        "status": "open",
        "lock_version": risk.lock_version - 1 if risk.lock_version > 1 else 0,
    }
    response = client_for(officer).post(url, data)
    assert response.status_code == 200
    assert "Someone else saved this record" in response.content.decode()
    assert "Changed by me" in response.content.decode()
    assert Risk.objects.get(pk=risk.pk).description != "Changed by me"


def test_a_five_by_five_likelihood_out_of_range_is_reported_on_its_field(
    client_for, officer, register
):
    response = client_for(officer).post(
        reverse("risks:risk_create", kwargs={"pk": register.plan.pk}),
        {
            "category": register.categories.first().pk,
            "description": "New risk",
            "likelihood": "7",
            "status": "open",
        },
    )
    assert response.status_code == 200
    assert response.context["form"].errors["likelihood"] == ["Enter a number from 1 to 5."]


def _csv(text: str) -> SimpleUploadedFile:
    return SimpleUploadedFile("risks.csv", text.encode(), content_type="text/csv")


def test_an_import_with_a_bad_row_imports_nothing_and_reports_the_row(
    client_for, officer, register
):
    before = register.risks.count()
    upload = _csv(
        "Category,Description,Likelihood,Impact,Next review,Status\n"
        "Risks to plan delivery,Workforce plans not integrated,4,4,2017-09-30,Open\n"
        "Risks to plan delivery,Care Bill costs not funded,9,4,30/09/2017,Open\n"
        "No such category,Another,2,2,not a date,Maybe\n"
    )
    response = client_for(officer).post(
        reverse("risks:risk_import", kwargs={"pk": register.plan.pk}), {"file": upload}
    )
    assert response.status_code == 200
    problems = {(e.row, e.column) for e in response.context["cell_errors"]}
    assert problems == {
        (3, "Likelihood"),
        (4, "Category"),
        (4, "Next review"),
        (4, "Status"),
    }
    assert register.risks.count() == before


def test_a_good_import_adds_new_risks_and_updates_those_it_matches(client_for, officer, register):
    upload = _csv(
        "Category,Description,Likelihood,Impact,Owner,Next review\n"
        "Risks to plan delivery,Workforce plans not integrated,4,4,LLR,2017-09-30\n"
        "Risks to plan preparation,Lack of agreement to the metrics,2,2,HWB,\n"
    )
    url = reverse("risks:risk_import", kwargs={"pk": register.plan.pk})
    response = upload_file(client_for(officer), url, "risks.csv", upload.read())
    assert response.status_code == 302
    assert register.risks.count() == 4
    assert register.risks.get(description="Lack of agreement to the metrics").score_before == 4


def test_the_export_reads_back_through_the_import(client_for, officer, register):
    client = client_for(officer)
    exported = client.get(_register_url(register.plan, _export="csv"))
    assert exported.status_code == 200
    url = reverse("risks:risk_import", kwargs={"pk": register.plan.pk})
    response = preview(client, url, "risks.csv", exported.content)
    assert not response.context.get("cell_errors"), response.context["cell_errors"]
    shown = response.context["preview"]
    assert (len(shown.added), len(shown.changed), len(shown.unchanged)) == (0, 0, 3)
    assert register.risks.count() == 3


def test_the_heat_map_is_inline_svg_with_a_table_beside_it(client_for, board, register):
    response = client_for(board).get(reverse("risks:heat_map", kwargs={"pk": register.plan.pk}))
    html = response.content.decode()
    assert html.count("<svg") == 2 and 'role="img"' in html
    before = next(drawn for key, _, drawn in response.context["maps"] if key == "before")
    counts = {(c.cell.likelihood, c.cell.impact): c.cell.count for c in before.cells}
    assert counts[(4, 3)] == 1 and counts[(5, 5)] == 1  # the closed risk is left off
    assert 'id="heat-before-table"' in html


def test_the_funds_page_shows_each_balance(client_for, board, plan, contingency):
    response = client_for(board).get(reverse("risks:fund_list", kwargs={"pk": plan.pk}))
    assert response.context["funds"] == [(contingency, Decimal("1300000.00"))]
    assert "£1,300,000" in response.content.decode()


def test_an_officer_starts_a_five_by_five_register_by_default(client_for, officer, plan):
    client = client_for(officer)
    response = client.post(
        reverse("risks:register_edit", kwargs={"pk": plan.pk}),
        {"scale": "nhs_5x5", "new_categories": "Risks to plan delivery\n\n"},
    )
    assert response.status_code == 302
    assert plan.risk_register.scale == "nhs_5x5"
    assert list(plan.risk_register.categories.values_list("name", flat=True)) == [
        "Risks to plan delivery"
    ]


def test_export_cells_cannot_run_as_formulas(client_for, officer, register):
    risk = register.risks.first()
    from risks import services

    services.risk_update(risk=risk, expected_version=None, owner="=HYPERLINK(1)")
    exported = client_for(officer).get(_register_url(register.plan, _export="csv"))
    assert "'=HYPERLINK(1)" in exported.content.decode()
    assert (
        io.StringIO(exported.content.decode("utf-8-sig"))
        .readline()
        .startswith("Category,Description")
    )


def test_a_register_with_no_impact_shows_its_ratings_against_likelihood(
    client_for, other_officer, lmh_register
):
    services.risk_create(
        register=lmh_register,
        category=lmh_register.categories.get(),
        description="Delays on delivery of components of the plan",
        likelihood="H",
        rating_before="H",
        rating_after="L",
    )
    response = client_for(other_officer).get(
        reverse("risks:heat_map", kwargs={"pk": lmh_register.plan.pk})
    )
    html = response.content.decode()
    assert response.context["maps"] == []
    before = next(drawn for key, _, drawn in response.context["ratings"] if key == "before")
    counts = {(c.cell.likelihood, c.cell.impact): c.cell.count for c in before.grid.cells}
    assert counts[(3, 3)] == 1 and sum(counts.values()) == 1
    assert [(r.likelihood, r.rating, r.count) for r in before.ranges] == [("M/H?", "H", 1)]
    assert "no impact is assumed" in html and "Impact" not in html.split("<main")[1]
    assert 'id="rating-after-table"' in html and "M/H? (a range)" in html


def test_the_register_page_keeps_its_source_note_out_of_view(client_for, officer, plan):
    register = services.register_create(
        plan=plan, scale=Scale.LMH, source="001, section 4) Risks, lines 1268-1334"
    )
    response = client_for(officer).get(reverse("risks:register", kwargs={"pk": plan.pk}))
    assert response.status_code == 200
    assert register.source not in response.content.decode()


def test_the_register_is_kept_until_its_plan_changes(
    client_for, officer, register, django_capture_on_commit_callbacks
):
    """Kept for everyone who may see the plan on the day (plans/freshness.py), shown afresh
    as soon as a change to the plan is committed; a filtered table is computed each time."""
    client = client_for(officer)
    url = _register_url(register.plan)
    assert "Extra risk 0" not in client.get(url).content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        add_risks(register, 1)
    assert "Extra risk 0" in client.get(url).content.decode()
    assert "Extra risk 0" in client.get(url, {"owner": ""}).content.decode()
