"""A new policy framework is one data file, no code: a framework invented for the tests
(tests/data/invented-framework.yaml) is loaded as any pack is and taken through a plan's
life: the plan created in the browser's form takes its narrative headings, metrics,
conditions and funding streams; the template checks ask for exactly those; the plan's
workbook carries them; its first quarter's return is due when the file says, is prepared
from them and exported as a workbook."""

import datetime
import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from fixtures.packs import pack_load
from plans import services as plan_services
from schemes import services as scheme_services
from schemes.models import Scheme
from submissions import selectors
from submissions import services as return_services
from submissions.documents.checklist import plan_checks
from submissions.documents.render import render_plan_document, render_return_document
from tests.cycle import make_checklist_pass
from tests.pdf import pdf_pages

pytestmark = pytest.mark.django_db

PACK = Path(__file__).resolve().parent / "data" / "invented-framework.yaml"


def _cells(content: bytes) -> set:
    workbook = load_workbook(io.BytesIO(content))
    return {
        cell.value
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value not in (None, "")
    }


def test_an_invented_framework_goes_from_its_file_to_a_quarterly_return(
    client_for, officer, finance, area
):
    framework = pack_load(PACK)
    assert framework.years_label == "2091/92"

    # A plan started in the browser for 2091/92 takes the invented framework.
    response = client_for(officer).post(
        reverse("plans:plan_create"),
        {
            "area": area.pk,
            "title": "Invented plan",
            "first_year": "2091/92",
            "last_year": "2091/92",
            "version_kind": "draft",
        },
    )
    plan = area.plans.get()
    assert response["Location"] == reverse("submissions:checklist", kwargs={"pk": plan.pk})
    assert plan.framework == framework
    assert [s.title for s in plan.sections.all()] == [
        "Why this plan (invented)",
        "How it will be done (invented)",
    ]

    # The API gives the framework as its file declares it, and names it as the plan's.
    api = client_for(officer).get(f"/api/frameworks/{framework.pk}/").json()
    assert [m["code"] for m in api["metrics"]] == ["invented-days-at-home", "invented-falls-rate"]
    assert [m["unit"] for m in api["metrics"]] == ["days", "age_std_100k_year"]
    assert [c["response_type"] for c in api["conditions"]] == ["assurance", "status"]
    assert {t["kind"] for t in api["templates"]} == {
        "plan-xlsx",
        "plan-pdf",
        "quarterly-return-xlsx",
    }
    assert client_for(officer).get(f"/api/plans/{plan.pk}/").json()["framework"] == framework.pk

    # Its template checks ask for the framework's headings, metrics and assurance
    # statements, and nothing of another framework's.
    items = [check.item for check in plan_checks(plan=plan)]
    assert "Section “Why this plan (invented)” written" in items
    assert any("Days at home (invented)" in item for item in items)
    assert any("Falls (invented)" in item for item in items)
    assert "Assurance statement for “1. The plan is agreed by the partners (invented)”" in items
    assert not any("Vision for health" in item or "Delayed transfers" in item for item in items)
    metric_items = [item for item in items if item.startswith("Metric ")]
    assert len(metric_items) == 2
    page = client_for(officer).get(reverse("submissions:checklist", kwargs={"pk": plan.pk}))
    assert "Days at home (invented)" in page.content.decode()
    assert "Invented plan submission: due to NHS England by 31 March 2091" in page.content.decode()

    # Its partners contribute under its streams; its schemes take its catalogue's types.
    council = plan_services.area_partner_add(area=area, name="Invented Council", kind="la")
    health = plan_services.area_partner_add(area=area, name="Invented ICB", kind="icb")
    plan_services.plan_partners_set(
        plan=plan, local_authority=council, nhs_partners=[health], expected_version=None
    )
    plan.refresh_from_db()
    plan_services.contributions_save(
        plan=plan,
        cells={
            (health.pk, "health-share", 2091): (None, Decimal("900000")),
            (council.pk, "council-grant", 2091): (None, Decimal("100000")),
        },
    )
    assert {c.stream.name for c in plan.contributions.all()} == {
        "Health share (invented)",
        "Council grant (invented)",
    }
    plan_services.plan_year_set(
        plan=plan,
        year=2091,
        minimum_required=Decimal("900000"),
        agreed_total=Decimal("1000000"),
        protected_social_care_stated=Decimal("0"),
    )
    theme = scheme_services.theme_create(plan=plan, name="At home", order=1)
    days_at_home = framework.metrics.get(code="invented-days-at-home")
    scheme_services.scheme_create(
        plan=plan,
        theme=theme,
        name="Home from hospital team",
        status=Scheme.Status.NEW,
        metrics=[days_at_home],
        budgets={2091: Decimal("1000000")},
    )
    make_checklist_pass(plan)
    failing = [check.item for check in plan_checks(plan=plan) if not check.ok]
    assert failing == []
    scheme = plan.schemes.get()
    assert scheme.scheme_type.framework == framework

    # The plan's workbook is the one its file declares (its own tabs), made by the template
    # engine, as is its PDF (its narrative under the file's headings).
    workbook = load_workbook(io.BytesIO(render_plan_document(plan, "plan-xlsx")))
    assert workbook.sheetnames == ["About the plan", "Spending", "Goals"]
    cells = _cells(render_plan_document(plan, "plan-xlsx"))
    assert {"Invented plan", "Home from hospital team"} <= cells
    assert any("Days spent at home" in str(value) for value in cells)
    text = "\n".join(pdf_pages(render_plan_document(plan, "plan-pdf")))
    assert "Why this plan (invented)" in text and "How it will be done (invented)" in text
    assert "Why this plan (invented): our text." in text
    assert "The plan is agreed by the partners (invented)" in text

    # The first quarter's return is due when the file says; the next a month after its
    # quarter ends (return_due_months: 1).
    q1, q2 = plan.years[0].quarters[:2]
    plan = type(plan).objects.select_related("framework").get(pk=plan.pk)
    assert selectors.return_due_on(q1, plan.framework) == datetime.date(2091, 7, 21)
    assert selectors.return_due_on(q2, plan.framework) == datetime.date(2091, 10, 31)
    ret = return_services.return_get_or_create_draft(plan=plan, year=2091, quarter=1)
    ret = return_services.return_prepare(ret=ret, today=datetime.date(2091, 7, 10))
    snapshot = ret.snapshot
    assert {m["code"] for m in snapshot["metrics"]} == {
        "invented-days-at-home",
        "invented-falls-rate",
    }
    assert "The plan is agreed by the partners (invented)" in repr(snapshot["conditions"])
    cells = _cells(render_return_document(ret))
    assert {m.name for m in framework.metrics.all()} <= cells
    page = client_for(officer).get(reverse("submissions:return_detail", kwargs={"pk": ret.pk}))
    assert "21 July 2091" in page.content.decode()
