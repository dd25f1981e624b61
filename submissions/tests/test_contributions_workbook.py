"""A plan's workbook lists each partner's contribution under each funding stream of its
framework (two streams of one partner never merged into one row), and a stream's amount
changed in the workbook comes back through the import."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from fixtures.packs import packs_load
from plans import services as plan_services
from submissions.documents.render import plan_workbook_preview, render_plan_document

pytestmark = pytest.mark.django_db


def _rows(content: bytes) -> dict:
    sheet = load_workbook(io.BytesIO(content))["Funding Sources"]
    return {
        (row[0].value, row[1].value): row[2].value
        for row in sheet.iter_rows(min_row=4)
        if row[0].value not in (None, "")
    }


def test_each_funding_stream_is_a_row_of_its_own_and_comes_back(area):
    packs_load()
    council = plan_services.area_partner_add(area=area, name="Shire Council", kind="la")
    icb = plan_services.area_partner_add(area=area, name="Shire ICB", kind="icb")
    plan = plan_services.plan_create(
        area=area,
        title="Plan 2025/26",
        first_year=2025,
        last_year=2025,
        version_kind="draft",
        version_date=datetime.date(2025, 3, 1),
        local_authority=council,
        ccgs=[icb],
    )
    plan_services.contributions_save(
        plan=plan,
        cells={
            (icb.pk, "nhs-minimum", 2025): (None, Decimal("10000000")),
            (council.pk, "la-better-care-grant", 2025): (None, Decimal("2000000")),
            (council.pk, "dfg", 2025): (None, Decimal("500000")),
        },
    )
    content = render_plan_document(plan, "plan-xlsx")
    grant = plan.framework.funding_streams.get(code="la-better-care-grant").name
    rows = _rows(content)
    assert rows[("Shire Council", grant)] == 2000000
    assert rows[("Shire Council", "Disabled Facilities Grant")] == 500000
    assert rows[("Total", None)] == 12500000

    workbook = load_workbook(io.BytesIO(content))
    sheet = workbook["Funding Sources"]
    for row in sheet.iter_rows(min_row=4):
        if row[1].value == "Disabled Facilities Grant":
            row[2].value = 600000
    buffer = io.BytesIO()
    workbook.save(buffer)
    preview = plan_workbook_preview(plan, buffer.getvalue())
    assert not preview.errors, preview.errors
    for row in preview.rows:
        if row.apply is not None:
            row.apply(None)
    dfg = plan.contributions.get(stream__code="dfg")
    assert dfg.amount == Decimal("600000")
    assert plan.contributions.count() == 3
