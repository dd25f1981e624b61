"""A new area from nothing: an administrator sets up a Health and Wellbeing Board area in
the browser (the area, its partner organisations, its users and their roles), and its
programme officer writes a complete plan, from empty to every template check passing,
following the checks' "Fix" links, without the Django admin or a shell."""

import re
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import Group, User
from django.urls import reverse
from playwright.sync_api import expect

from frameworks.services import framework_set
from metrics.models import MetricDefinition
from plans import permissions
from plans.models import Plan
from plans.services import HeadingSpec, framework_headings_set
from schemes.services import scheme_catalogue_load
from tests.browser.conftest import PASSWORD

pytestmark = pytest.mark.browser

OFFICER_PASSWORD = "Shireton plans 2016, safely"
PACKS = Path(__file__).resolve().parents[2] / "fixtures" / "frameworks"


@pytest.fixture
def national(transactional_db, live_server):
    """What the product brings before any area exists: an administrator, and the 2016/17
    reference data (a scheme catalogue and one national metric)."""
    admin = User.objects.create_user(username="administrator", password=PASSWORD)
    admin.groups.add(Group.objects.get_or_create(name=permissions.ADMINISTRATOR)[0])
    framework = framework_set(
        code="test-2016",
        name="A framework for 2016/17",
        first_year=2016,
        last_year=2016,
        source_title="Invented for the test",
    )
    pack = yaml.safe_load((PACKS / "bcf-2016-17.yaml").read_text(encoding="utf-8"))
    framework_headings_set(
        framework=framework,
        headings=[HeadingSpec(key=h["key"], title=h["title"]) for h in pack["narrative_headings"]],
    )
    scheme_catalogue_load(
        planning_year=2016,
        types=[("Reablement and intermediate care", ["Reablement at home"])],
        areas=["Community health"],
        source="Test catalogue",
        framework=framework,
    )
    MetricDefinition.objects.create(
        code="delayed-transfers-of-care",
        name="Delayed transfers of care from hospital",
        short_name="Delayed transfers",
        number=3,
        first_policy_year=2016,
    )


def fix(page, plan_pk: int, item: str) -> None:
    """Open the template checks and follow the "Fix" link of the requirement named."""
    page.goto(reverse("submissions:checklist", args=[plan_pk]))
    row = page.locator("tr", has_text=item).filter(has=page.get_by_role("link", name="Fix"))
    row.first.get_by_role("link", name="Fix").click()


def test_an_administrator_sets_up_an_area_and_its_officer_completes_a_plan(
    new_page, login, national, screenshot_dir
):
    admin = new_page()
    login(admin, "administrator")
    admin.get_by_role("link", name="Areas and users").click()
    admin.get_by_label("Health and Wellbeing Board area").fill("Shireton")
    admin.get_by_label("ONS code").fill("E06000099")
    admin.get_by_label("Region").fill("East Midlands")
    admin.get_by_role("button", name="Set up area").click()
    expect(admin.get_by_role("heading", level=1)).to_have_text("Shireton")
    for name, kind in (
        ("Shireton Council", "Local authority"),
        ("Shireton ICB", "Integrated care board"),
    ):
        admin.get_by_label("Organisation").fill(name)
        admin.get_by_label("Kind").select_option(label=kind)
        admin.get_by_role("button", name="Add partner").click()
        expect(admin.get_by_role("status").first).to_contain_text(f"{name} is a partner")
    admin.get_by_role("link", name="Add a user").click()
    admin.get_by_label("User name").fill("shireton.officer")
    admin.get_by_label("First name").fill("Jo")
    admin.get_by_label("Last name").fill("Patel")
    admin.get_by_label("First password").fill(OFFICER_PASSWORD)
    admin.get_by_label(permissions.OFFICER).check()
    admin.get_by_role("button", name="Add user").click()
    expect(admin.get_by_role("row", name=re.compile("shireton.officer"))).to_contain_text(
        permissions.OFFICER
    )

    page = new_page()
    login(page, "shireton.officer", OFFICER_PASSWORD)
    page.get_by_role("link", name="Start a plan").click()
    page.get_by_label("Title").fill("Shireton Better Care Fund plan 2016/17")
    page.get_by_label("First financial year").fill("2016/17")
    page.get_by_label("Last financial year").fill("2016/17")
    page.get_by_role("button", name="Start plan").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Template checks")
    plan = Plan.objects.get(area__name="Shireton")
    expect(page.get_by_text("Not ready")).to_be_visible()

    # Partners and the pooled budget.
    nav = page.get_by_role("navigation", name="This plan")
    nav.get_by_role("link", name="Overview").click()
    page.get_by_role("link", name="Change partner organisations").click()
    page.get_by_label("Local authority").select_option(label="Shireton Council")
    page.get_by_label("Shireton ICB").check()
    page.get_by_role("button", name="Save partners").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Partners' contributions")

    fix(page, plan.pk, "2016/17: pooled budget at least the minimum")
    page.get_by_label("Minimum required value (£)").fill("£12,000,000")
    page.get_by_label("Total agreed value (£)").fill("£12,500,000")
    page.get_by_label("Protection of adult social care as stated (£)").fill("£3,000,000")
    page.get_by_role("button", name="Save plan").click()

    # The narrative, every section (its framework's headings).
    for label in plan.framework.narrative_headings.values_list("title", flat=True):
        fix(page, plan.pk, f"Section “{label}” written")
        page.get_by_role("textbox", name=label).fill(f"## {label}\n\n- Shireton's {label.lower()}.")
        page.get_by_role("button", name="Save section").click()
        expect(page.get_by_role("status").first).to_contain_text("saved")

    # A theme and a scheme with every field the checks ask for.
    fix(page, plan.pk, "The plan has schemes")
    expect(page.get_by_label("Theme")).to_be_visible()
    nav.get_by_role("link", name="Themes").click()
    page.get_by_label("Theme name").last.fill("Home first")
    page.get_by_role("button", name="Add theme").click()
    fix(page, plan.pk, "The plan has schemes")
    page.get_by_label("Name", exact=True).fill("Reablement at home")
    page.get_by_label("Theme").select_option(label="Home first")
    page.get_by_label("New or existing").select_option(label="New")
    page.get_by_label("Protection of services").select_option(label="Protects adult social care")
    page.get_by_label("Delayed transfers").check()
    page.get_by_label("Scheme type").select_option(label="Reablement and intermediate care")
    page.get_by_label("Sub type").select_option(label="Reablement at home")
    page.get_by_label("Area of spend").select_option(label="Community health")
    page.get_by_role("group", name="Budget row 1").get_by_label(re.compile("Amount")).fill(
        "£3,000,000"
    )
    page.get_by_role("button", name="Save scheme").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")

    # The metric's baseline and trajectory.
    fix(page, plan.pk, "Metric “Delayed transfers”")
    page.get_by_label("Kind of period").select_option(label="Financial year")
    page.get_by_label("Period", exact=True).fill("2015/16")
    page.get_by_label("Value").fill("812.4")
    page.get_by_role("button").filter(has_text="Save").first.click()
    fix(page, plan.pk, "Metric “Delayed transfers”")
    page.get_by_label("Kind of period").select_option(label="Financial year")
    page.get_by_label("Period", exact=True).fill("2016/17")
    page.get_by_label("Value").fill("790")
    page.get_by_role("button").filter(has_text="Save").first.click()

    # The risk register and a risk, mitigated.
    fix(page, plan.pk, "The plan has a risk register")
    page.get_by_label("Add categories").fill("Risks to plan delivery")
    page.get_by_role("button", name="Save").click()
    fix(page, plan.pk, "The plan has a risk register")
    page.get_by_label("Category").select_option(label="Risks to plan delivery")
    page.get_by_label("Description").fill("Reablement capacity is not recruited in time")
    page.get_by_label("Likelihood", exact=True).fill("3")
    page.get_by_label("Impact", exact=True).fill("4")
    page.get_by_label("Mitigations").fill("Joint recruitment with the ICB from April")
    page.get_by_label("Rating after mitigation").fill("6")
    page.get_by_role("button", name="Save risk").click()
    expect(page.get_by_role("status").first).to_contain_text("saved")

    # Sign-off.
    fix(page, plan.pk, "Sign-offs recorded")
    page.get_by_label("Signed on behalf of").fill("Shireton Health and Wellbeing Board")
    page.get_by_label("Signed by").fill("Cllr Dana Moss")
    page.get_by_label("Position").fill("Chair")
    page.get_by_label("Date").fill("03/05/2016")
    page.get_by_role("button", name="Add sign-off").click()

    page.goto(reverse("submissions:checklist", args=[plan.pk]))
    page.screenshot(path=screenshot_dir / "new-area-checks.png", full_page=True)
    expect(page.get_by_text("Every requirement of the templates is met.")).to_be_visible()
    expect(page.locator('tr[data-ok="no"]')).to_have_count(0)
