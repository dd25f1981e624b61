"""A plan of today, written in the browser: an officer starts a 2025/26 plan, which takes the
2025/26 policy framework from its data file, and completes it as that framework asks (its
narrative headings, the funding streams its partners pay into, a scheme, the three metrics of
2025/26, the four national conditions answered as assurance statements, a risk and the
chief executives' sign-offs) until every template check passes; then exports the plan's
PDF and workbook and prepares its first quarter's return. Screenshots at 1280 and 390 px."""

import io
import re

import pytest
from django.contrib.auth.models import Group, User
from django.urls import reverse
from openpyxl import load_workbook
from playwright.sync_api import expect

from fixtures.packs import packs_load
from frameworks.models import PolicyFramework
from plans import permissions
from plans import services as plan_services
from plans.models import Organisation, Plan
from submissions.models import QuarterlyReturn
from tests.browser.conftest import PASSWORD
from tests.pdf import pdf_pages

pytestmark = pytest.mark.browser


@pytest.fixture
def shireton(transactional_db, live_server):
    """The framework packs loaded, an area with its council and ICB, and its officer."""
    packs_load()
    area = plan_services.area_create(name="Shireton", code="E06000099", region="East Midlands")
    plan_services.area_partner_add(
        area=area, name="Shireton Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    plan_services.area_partner_add(area=area, name="Shireton ICB", kind=Organisation.Kind.ICB)
    officer = User.objects.create_user(
        username="shireton.officer", password=PASSWORD, first_name="Jo", last_name="Patel"
    )
    officer.groups.add(Group.objects.get_or_create(name=permissions.OFFICER)[0])
    plan_services.membership_add(user=officer, area=area)
    return area


def fix(page, plan_pk: int, item: str) -> None:
    """Open the template checks and follow the "Fix" link of the requirement named."""
    page.goto(reverse("submissions:checklist", args=[plan_pk]))
    row = page.locator("tr", has_text=item).filter(has=page.get_by_role("link", name="Fix"))
    link = row.first.get_by_role("link", name="Fix")
    href = link.get_attribute("href")
    link.click()
    # The form is filled only once its page has loaded: typing into the checks page as it
    # unloads left a field empty now and then.
    path = href.split("#")[0].split("?")[0]
    page.wait_for_url(lambda url: path in url)
    page.wait_for_load_state("load")


def shoot(page, directory, name: str) -> None:
    """The page at 1280 px and at 390 px, whole."""
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=directory / f"plan-2025-26-{name}-{width}.png", full_page=True)
        scroll = page.evaluate("document.documentElement.scrollWidth")
        assert scroll <= width, f"{name} is {scroll} px wide at {width} px"
    page.set_viewport_size({"width": 1280, "height": 900})


def test_an_officer_writes_a_2025_26_plan_and_prepares_its_first_return(
    page, login, shireton, screenshot_dir, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path
    framework = PolicyFramework.objects.get(code="bcf-2025-26")
    login(page, "shireton.officer")
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Title").fill("Shireton Better Care Fund plan 2025/26")
    page.get_by_label("First financial year").fill("2025/26")
    page.get_by_label("Last financial year").fill("2025/26")
    page.get_by_role("button", name="Start plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Template checks")
    plan = Plan.objects.get(area=shireton)
    assert plan.framework == framework
    # The checks ask for what 2025/26 asks: its headings, its metrics, its assurance statements.
    checks = page.locator("#maincontent")
    expect(checks).to_contain_text("Section “The shift from sickness to prevention” written")
    expect(checks).to_contain_text("Metric “Discharge delays” has a baseline and trajectory")
    expect(checks).to_contain_text("Assurance statement for “1. Plans to be jointly agreed”")
    expect(checks).not_to_contain_text("Vision for health and care services")
    shoot(page, screenshot_dir, "checks")

    # Partners, and what each pays in under the 2025/26 funding streams.
    nav = page.get_by_role("navigation", name="This plan")
    nav.get_by_role("link", name="Overview").click()
    expect(page.locator("[data-framework]")).to_have_text("Better Care Fund 2025/26")
    expect(page.locator("[data-deadlines]")).to_contain_text("31 March 2025")
    page.get_by_role("link", name="Change partner organisations").click()
    page.get_by_label("Local authority").select_option(label="Shireton Council")
    page.get_by_label("Shireton ICB").check()
    page.get_by_role("button", name="Save partners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners' contributions")
    council = Organisation.objects.get(name="Shireton Council")
    icb = Organisation.objects.get(name="Shireton ICB")
    expect(page.locator(f'[name="c-{icb.pk}_la-better-care-grant-2025"]')).to_have_count(0)
    page.locator(f'[name="c-{icb.pk}_nhs-minimum-2025"]').fill("£10,000,000")
    page.locator(f'[name="c-{council.pk}_la-better-care-grant-2025"]').fill("£2,000,000")
    page.locator(f'[name="c-{council.pk}_dfg-2025"]').fill("£500,000")
    page.get_by_role("button", name="Save contributions").click()
    expect(page.get_by_role("status").first).to_contain_text("Saved 3 contribution(s)")
    shoot(page, screenshot_dir, "contributions")
    assert {c.stream.code for c in plan.contributions.all()} == {
        "nhs-minimum",
        "la-better-care-grant",
        "dfg",
    }

    fix(page, plan.pk, "2025/26: pooled budget at least the minimum")
    page.get_by_label("Minimum required value (£)").fill("£12,500,000")
    page.get_by_label("Total agreed value (£)").fill("£12,500,000")
    page.get_by_label("Protection of adult social care as stated (£)").fill("£4,000,000")
    page.get_by_role("button", name="Save plan").click()

    # The narrative, under the 2025/26 framework's headings.
    for title in framework.narrative_headings.values_list("title", flat=True):
        fix(page, plan.pk, f"Section “{title}” written")
        expect(page.locator(".bcf-guidance")).to_contain_text("national condition two")
        page.get_by_role("textbox", name=title).fill(f"## {title}\n\n- Shireton's plan for it.")
        page.get_by_role("button", name="Save section").click()
        expect(page.get_by_role("status").first).to_contain_text("saved")

    # A theme and a scheme (2025/26's scheme types are not in its sources: none asked).
    nav.get_by_role("link", name="Themes").click()
    page.get_by_label("Theme name").last.fill("Home first")
    page.get_by_role("button", name="Add theme").click()
    fix(page, plan.pk, "The plan has schemes")
    page.get_by_label("Name", exact=True).fill("Discharge to assess at home")
    page.get_by_label("Theme").select_option(label="Home first")
    page.get_by_label("New or existing").select_option(label="New")
    page.get_by_label("Protection of services").select_option(label="Protects adult social care")
    page.get_by_label("Funding stream").select_option(
        label="NHS minimum contribution (integrated care boards)"
    )
    page.get_by_label("Discharge delays").check()
    page.get_by_role("group", name="Budget row 1").get_by_label(re.compile("Amount")).fill(
        "£4,000,000"
    )
    page.get_by_role("button", name="Save scheme").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")

    # The three metrics of 2025/26: a baseline and the year's goal each.
    for short_name, baseline, goal in (
        ("Emergency admissions (65+)", "24,100", "23,500"),
        ("Discharge delays", "1.6", "1.2"),
        ("Permanent admissions to care homes (65+)", "590", "560"),
    ):
        for period, value in (("2024/25", baseline), ("2025/26", goal)):
            fix(page, plan.pk, f"Metric “{short_name}”")
            page.get_by_label("Kind of period").select_option(label="Financial year")
            page.get_by_label("Period", exact=True).fill(period)
            page.get_by_label(re.compile("^Value")).fill(value)
            page.get_by_role("button").filter(has_text="Save").first.click()
            expect(page.get_by_role("status").first).to_contain_text("saved")

    # The national conditions, each an assurance statement: yes, with how.
    fix(page, plan.pk, "Assurance statement for “1. Plans to be jointly agreed”")
    expect(page.get_by_role("heading", level=1)).to_have_text(
        "National conditions as the plan answers them"
    )
    expect(page.get_by_label("Expected to be met by")).to_have_count(0)
    for condition in framework.conditions.order_by("order"):
        group = page.get_by_role("group", name=re.compile(re.escape(f"{condition.number}. ")))
        group.get_by_label(re.compile("Assurance statement")).select_option(label="Yes")
        group.get_by_label(re.compile("^Narrative")).fill(
            f"Shireton meets condition {condition.number}: agreed by the partners."
        )
    shoot(page, screenshot_dir, "conditions")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("National conditions saved")

    # The risk register and a risk, mitigated.
    fix(page, plan.pk, "The plan has a risk register")
    page.get_by_label("Add categories").fill("Risks to plan delivery")
    page.get_by_role("button", name="Save").click()
    fix(page, plan.pk, "The plan has a risk register")
    page.get_by_label("Category").select_option(label="Risks to plan delivery")
    page.get_by_label("Description").fill("Home care capacity is not recruited in time")
    page.get_by_label("Likelihood", exact=True).fill("3")
    page.get_by_label("Impact", exact=True).fill("4")
    page.get_by_label("Mitigations").fill("Joint recruitment with the ICB from April")
    page.get_by_label("Rating after mitigation").fill("6")
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")

    # Signed off as the 2025/26 framework asks: each partner's chief executive, in person,
    # and the council's section 151 officer.
    fix(page, plan.pk, "Sign-off")
    for on_behalf_of, name, position, role in (
        ("Shireton Council", "Sam Reed", "Chief Executive", "Local authority chief executive"),
        ("Shireton ICB", "Ola Ade", "Chief Executive", "Integrated care board chief executive"),
        ("Shireton Council", "Kim Lowe", "Director of Finance", "section 151 officer"),
    ):
        page.get_by_label("Signed on behalf of").fill(on_behalf_of)
        page.get_by_label("Signed by", exact=True).fill(name)
        page.get_by_label("Position").fill(position)
        page.get_by_label("Date").fill("28/03/2025")
        role_select = page.get_by_label("Role", exact=True)
        label = next(o for o in role_select.locator("option").all_inner_texts() if role in o)
        role_select.select_option(label=label)
        page.get_by_label("Partner signing").select_option(label=on_behalf_of)
        page.get_by_role("button", name="Add sign-off").click()
        expect(page.get_by_role("cell", name=name).first).to_be_visible()
    expect(page.locator("#required-sign-offs")).not_to_contain_text("Missing")
    shoot(page, screenshot_dir, "sign-offs")

    # The section 75 agreement that pools the funds.
    fix(page, plan.pk, "Section 75 agreement signed")
    page.get_by_label("Host of the pooled fund").select_option(label="Shireton Council")
    page.get_by_label("Pool manager").fill("Kim Lowe, Director of Finance")
    page.get_by_label("NHS minimum contribution (integrated care boards)").check()
    page.get_by_label("Signed on").fill("30/06/2025")
    page.get_by_role("button", name="Save the agreement").click()

    # The NHS minimum contribution to adult social care: the scheme above counts towards it;
    # the area's published minimum is entered with its source. Short of it, the check fails.
    fix(page, plan.pk, "2025/26: NHS minimum contribution to adult social care")
    expect(page.get_by_role("heading", level=1)).to_have_text("Funding streams and ring-fences")
    minimum = page.get_by_label(re.compile("^Minimum for NHS minimum contribution to adult"))
    minimum.fill("£4,100,000")
    page.get_by_label(re.compile("^Source of the minimum")).fill("BCF allocations 2025/26")
    page.get_by_role("button", name="Save minimums").click()
    fence = page.locator('[data-ring-fence="social-care-contribution"]')
    expect(fence).to_contain_text("Short by £100,000")
    shoot(page, screenshot_dir, "ring-fence-short")
    fix(page, plan.pk, "2025/26: NHS minimum contribution to adult social care")
    page.get_by_label(re.compile("^Minimum for NHS minimum contribution to adult")).fill(
        "£3,950,000"
    )
    page.get_by_role("button", name="Save minimums").click()
    expect(fence).to_contain_text("Met")
    expect(page.locator('[data-stream="nhs-minimum"] [data-figure="allocated"]')).to_have_text(
        "£4,000,000"
    )

    page.goto(reverse("submissions:checklist", args=[plan.pk]))
    assert page.locator('tr[data-ok="no"]').all_inner_texts() == []
    expect(page.get_by_text("Every requirement of the templates is met.")).to_be_visible()
    shoot(page, screenshot_dir, "checks-met")

    # Its PDF and its workbook.
    nav.get_by_role("link", name="Documents").click()
    page.get_by_role("button", name=re.compile("^Export PDF")).click()
    expect(page.locator("#job-status [data-state]")).to_have_attribute("data-state", "success")
    with page.expect_download() as download_info:
        page.locator("#job-status").get_by_role("link").click()
    content = download_info.value.path().read_bytes()
    (screenshot_dir / "plan-2025-26.pdf").write_bytes(content)
    text = "\n".join(pdf_pages(content))
    assert "Shireton Better Care Fund plan 2025/26" in text
    assert "Discharge to assess at home" in text
    # Its narrative, under the 2025/26 headings; its conditions answered yes.
    assert "The shift from sickness to prevention" in text
    assert "Shireton's plan for it." in text
    assert "Shireton meets condition 1" in text
    page.goto(reverse("submissions:document_list", args=[plan.pk]))
    page.get_by_role("button", name=re.compile("workbook")).click()
    expect(page.locator("#job-status [data-state]")).to_have_attribute("data-state", "success")
    with page.expect_download() as download_info:
        page.locator("#job-status").get_by_role("link").click()
    content = download_info.value.path().read_bytes()
    (screenshot_dir / "plan-2025-26.xlsx").write_bytes(content)
    workbook = load_workbook(io.BytesIO(content))
    assert "National Conditions" in workbook.sheetnames  # the 2025/26 planning workbook
    cells = {
        str(cell.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for cell in row
        if cell.value is not None
    }
    assert "Discharge to assess at home" in cells
    assert any("Discharge delays" in value for value in cells)

    # The quarter's report of the conditions, which the return carries (the plan's own
    # answers are the plan's, not a quarter's).
    page.goto(reverse("plans:condition_list", args=[plan.pk]))
    expect(page.locator("[data-plan-answer]").first).to_contain_text("Yes")
    page.get_by_role("link", name="Report 2025/26 Q1").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("National conditions, 2025/26 Q1")
    for condition in framework.conditions.order_by("order"):
        group = page.get_by_role("group", name=re.compile(re.escape(f"{condition.number}. ")))
        group.get_by_label(re.compile("Assurance statement")).select_option(label="Yes")
        group.get_by_label(re.compile("^Narrative")).fill(f"Still met in Q1 ({condition.number}).")
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("status").first).to_contain_text("National conditions saved")

    # Its first quarter's return, prepared.
    page.goto(reverse("submissions:return_list", args=[plan.pk]))
    expect(page.locator("[data-return-deadlines]")).to_contain_text("2025/26 Q1 return")
    page.get_by_label("Financial year").fill("2025/26")
    page.get_by_label("Quarter").select_option(label="Q1")
    page.get_by_role("button", name="Prepare return").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("2025/26 Q1 return, version 1")
    expect(page.locator("#job-status [data-state]")).to_have_attribute("data-state", "success")
    page.reload()
    expect(page.locator("[data-due-on]")).to_contain_text("Better Care Fund 2025/26")
    ret = QuarterlyReturn.objects.get(plan=plan)
    assert {m["code"] for m in ret.snapshot["metrics"]} == set(
        framework.metrics.values_list("code", flat=True)
    )
    assert {c["status"] for c in ret.snapshot["conditions"]} == {"yes"}
    shoot(page, screenshot_dir, "return")
