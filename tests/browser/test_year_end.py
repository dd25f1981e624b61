"""A year-end return in the browser, each role signed in as themselves: the programme officer
prepares Rutland's 2025/26 year-end return (the sample data's illustrative plan) and puts it
on the Integration Executive's agenda; the finance lead reads it and exports the framework's
year-end workbook and PDF; an Executive member approves it from their home page; the
regional assurer reads the approved, locked return on a phone. Only the set-up (the sample
plan, a year's spend, the board and its members) is made through the services.
Screenshots at 1280 and 390 px."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from fixtures.packs import packs_load
from governance import services as governance_services
from plans import permissions
from plans import services as plan_services
from plans.models import Contribution, Plan
from schemes import services as scheme_services
from submissions.models import QuarterlyReturn
from tests.browser.conftest import _user, put_on_agenda
from tests.cycle import ie_board
from tests.pdf import pdf_text

pytestmark = pytest.mark.browser


class _Summary:
    parts: list[str] = []


def shoot(page, directory, name: str) -> None:
    """The page at 1280 px and at 390 px, whole; nothing wider than the screen."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=directory / f"year-end-{name}-{width}.png", full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def rutland(transactional_db, live_server):
    """Rutland's 2025/26 plan as the sample data loads it (its money under funding streams),
    a year of spend, the Integration Executive and the four people."""
    from fixtures import today_data

    packs_load()
    area = plan_services.area_create(name="Rutland", code="E06000017", region="East Midlands")
    today_data.load(_Summary())
    plan = Plan.objects.get(area=area)
    budgets = {s.pk: s.budgets.get(year=2025).amount for s in plan.schemes.all()}
    for quarter in (1, 2, 3, 4):
        scheme_services.quarter_spend_set(
            plan=plan,
            year=2025,
            quarter=quarter,
            rows={pk: (amount, amount / 4) for pk, amount in budgets.items()},
        )
    _user("rutland.officer", permissions.OFFICER, area, "Sam", "Okoro")
    _user("rutland.finance", permissions.FINANCE, area, "Priya", "Nair")
    executive = _user("rutland.executive", permissions.EXECUTIVE, area, "Grace", "Adeyemi")
    _user("rutland.assurer", permissions.ASSURER, area, "Fiona", "Campbell")
    board = ie_board(area)
    governance_services.member_add(board=board, name="Grace Adeyemi", member_user=executive)
    return plan


def test_a_year_end_return_is_prepared_read_exported_and_approved(
    new_page, login, rutland, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    plan = rutland
    today = datetime.date.today()
    icb_amount = Contribution.objects.get(plan=plan, stream__code="nhs-minimum").amount

    # --- The officer prepares the year-end return and marks it ready -----------------------
    officer = new_page()
    login(officer, "rutland.officer")
    officer.goto(f"/submissions/plans/{plan.pk}/returns/")
    expect(officer.get_by_role("heading", level=1)).to_have_text("Quarterly and year-end returns")
    officer.get_by_label("Financial year").fill("2025/26")
    officer.get_by_label("Quarter").select_option(label="Q4 (the year-end return)")
    officer.get_by_role("button", name="Prepare return").click()
    expect(officer.get_by_role("heading", level=1)).to_have_text(
        "Year-end return 2025/26, version 1"
    )
    officer.reload()
    expect(officer.locator("[data-year-end-outturn]")).to_contain_text("As at the end of 2025/26")
    funding = officer.locator("[data-money-by-stream]")
    expect(funding.locator("tr", has_text="NHS minimum contribution").first).to_contain_text(
        f"£{icb_amount:,.0f}"
    )
    expect(officer.locator("[data-ring-fences]")).to_contain_text("met")
    officer.get_by_role("button", name="Mark ready for review").click()
    expect(officer.locator("[data-status]")).to_have_text("Ready for review")
    ret = QuarterlyReturn.objects.get(plan=plan, year=2025, quarter=4)
    shoot(officer, screenshot_dir, "officer-ready")

    # ...and puts it on the agenda of the Integration Executive's meeting today.
    board = plan.area.boards.get(name="Integration Executive")
    put_on_agenda(
        officer,
        board,
        today,
        "BCF year-end return 2025/26",
        f"submissions.quarterlyreturn:{ret.pk}",
    )

    # --- The finance lead reads it and exports the year-end workbook and PDF ---------------
    finance = new_page()
    login(finance, "rutland.finance")
    finance.goto(f"/submissions/returns/{ret.pk}/")
    dfg = Contribution.objects.get(plan=plan, stream__code="dfg").amount
    expect(finance.locator("[data-money-by-stream]")).to_contain_text(f"£{dfg:,.0f}")
    expect(finance.get_by_role("button", name="Mark ready for review")).to_have_count(0)
    finance.get_by_role("button", name="Export the year-end workbook (.xlsx)").click()
    expect(finance.locator("#job-status [data-state]")).to_have_attribute("data-state", "success")
    with finance.expect_download() as download_info:
        finance.locator("#job-status").get_by_role("link").click()
    content = download_info.value.path().read_bytes()
    (screenshot_dir / "year-end-2025-26.xlsx").write_bytes(content)
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames[0] == "Cover"
    streams = {r[0]: r[1] for r in workbook["Funding Streams"].iter_rows(values_only=True)}
    assert Decimal(str(streams["NHS minimum contribution (integrated care boards)"])) == icb_amount
    finance.goto(f"/submissions/returns/{ret.pk}/")
    finance.get_by_role("button", name="Export the year-end return (PDF)").click()
    expect(finance.locator("#job-status [data-state]")).to_have_attribute("data-state", "success")
    with finance.expect_download() as download_info:
        finance.locator("#job-status").get_by_role("link").click()
    pdf = download_info.value.path().read_bytes()
    (screenshot_dir / "year-end-2025-26.pdf").write_bytes(pdf)
    text = pdf_text(pdf)
    assert "Funding Streams" in text and f"£{icb_amount:,.0f}" in text
    finance.goto(f"/submissions/returns/{ret.pk}/")
    expect(finance.locator("[data-return-documents]")).to_contain_text("Year-end return workbook")
    shoot(finance, screenshot_dir, "finance-read")

    # --- An Executive member approves it from their home page -------------------------------
    executive = new_page()
    login(executive, "rutland.executive")
    awaiting = executive.locator("[data-awaiting-decision]")
    expect(awaiting).to_contain_text("2025/26")
    shoot(executive, screenshot_dir, "executive-home")
    awaiting.get_by_role("link", name="record its decision").click()
    executive.get_by_label("Meeting and agenda item").select_option(index=0)
    executive.get_by_label("Resolution").fill("That the 2025/26 year-end return be approved.")
    executive.get_by_role("button", name="Record decision").click()
    expect(executive.get_by_text("Recorded: the Integration Executive approved")).to_be_visible()
    ret.refresh_from_db()
    assert ret.status == QuarterlyReturn.Status.APPROVED and ret.is_frozen

    # --- The assurer reads the approved, locked return on a phone ---------------------------
    assurer = new_page()
    login(assurer, "rutland.assurer")
    assurer.set_viewport_size({"width": 390, "height": 900})
    assurer.goto(f"/submissions/returns/{ret.pk}/")
    expect(assurer.locator("[data-status]")).to_have_text("Approved")
    expect(assurer.locator("[data-locked]")).to_be_visible()
    expect(assurer.locator("[data-money-by-stream]")).to_contain_text(f"£{icb_amount:,.0f}")
    export = assurer.get_by_role("button", name="Export the year-end workbook (.xlsx)")
    expect(export).to_have_count(0)  # read-only: the stored documents are downloaded
    with assurer.expect_download() as download_info:
        assurer.locator("[data-return-documents]").get_by_role(
            "link", name="Year-end return workbook"
        ).click()
    again = load_workbook(io.BytesIO(download_info.value.path().read_bytes()))
    assert again.sheetnames == workbook.sheetnames
    shoot(assurer, screenshot_dir, "assurer-approved")
