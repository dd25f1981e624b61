"""The browser-test harness: Debian's Chromium driven by Playwright against the live server.

Every test here runs against pytest-django's `live_server` (a real HTTP server in a thread,
serving static files from STATICFILES_DIRS, so `node_modules/nhsuk-frontend/dist` must be
installed). The data is a small Leicestershire-like plan built through the services, plus a
second area (Rutland) whose plan the Leicestershire users must never see.
"""

from __future__ import annotations

import datetime
import os
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from playwright.sync_api import Browser, Page, expect, sync_playwright

from metrics.models import MetricDefinition
from plans import permissions
from plans import services as plan_services
from plans.models import Organisation, Plan, PlanYear, SignOff
from schemes import services as scheme_services
from schemes.models import Scheme, Theme
from tests.factories import pack_headings

CHROMIUM = "/usr/bin/chromium"

# An assertion waits as long as an action may (the context's default, below): on a busy
# two-core machine an htmx round trip can outlast Playwright's default of five seconds.
expect.set_options(timeout=10_000)
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
# Anything not served by the live server. The app must work with no internet (DESIGN.md,
# Interface), so such requests are refused, never waited on, and recorded for a test to check.
EXTERNAL_URL = re.compile(r"^(?!https?://(localhost|127\.0\.0\.1)[:/])[a-z]+://")
PASSWORD = "correct horse battery staple"
SCREENSHOTS = Path("/tmp/bcf-screens")

# Playwright's sync API runs an asyncio event loop in this thread (in a greenlet), so while
# the browser is up Django sees a "running event loop" and refuses every ORM call made here
# (building test data, checking what a save stored, flushing the database afterwards) as
# "async unsafe". Nothing in these tests is async: the ORM calls and the loop never
# interleave, and the live server answers requests in its own thread.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"


@pytest.fixture(scope="session")
def browser() -> Browser:
    """One headless Chromium for the whole run; skipped where it is not installed (not in CI)."""
    if not Path(CHROMIUM).exists():
        message = f"Browser tests need Debian's Chromium at {CHROMIUM} (apt-get install chromium)."
        if os.environ.get("BROWSER_TESTS_REQUIRED") == "1":
            pytest.fail(f"{message} BROWSER_TESTS_REQUIRED=1, so they may not be skipped.")
        pytest.skip(message)
    playwright = sync_playwright().start()
    try:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
    except Exception:
        playwright.stop()
        raise
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def external_requests() -> list[str]:
    """The URLs outside the live server that this test's pages tried to load (refused)."""
    return []


@pytest.fixture
def new_page(browser, live_server, external_requests):
    """`new_page()`: a page in a fresh browser context (own cookies), closed after the test."""
    contexts = []

    def refuse(route):
        external_requests.append(route.request.url)
        route.abort("internetdisconnected")

    def open_page() -> Page:
        context = browser.new_context(
            base_url=live_server.url, viewport={"width": 1280, "height": 900}, locale="en-GB"
        )
        context.set_default_timeout(10_000)
        context.route(EXTERNAL_URL, refuse)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page) -> Page:
    return new_page()


@pytest.fixture
def login():
    """`login(page, username, password)`: sign in through the login form."""

    def sign_in(page: Page, username: str, password: str = PASSWORD) -> None:
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(username)
        page.locator("#id_password").fill(password)
        page.get_by_role("button", name="Log in").click()
        expect(page.get_by_role("button", name="Log out")).to_be_visible()

    return sign_in


@pytest.fixture
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass
class SamplePlan:
    """What the tests need to find again, and to compute expected figures from."""

    plan: Plan
    themes: dict[str, Theme]
    schemes: dict[str, Scheme]
    budgets: dict[str, dict[int, Decimal]]
    plan_years: dict[int, PlanYear]
    sign_offs: list[SignOff]
    metrics: dict[str, MetricDefinition]
    other_plan: Plan
    users: dict[str, User] = field(default_factory=dict)

    def scheme_total(self, year: int, names=None) -> Decimal:
        """Sum of the scheme budgets of one year (pounds), of the named schemes or all."""
        names = self.budgets if names is None else names
        return sum((self.budgets[name].get(year, Decimal(0)) for name in names), Decimal(0))


def _user(username: str, role: str, area, first_name: str, last_name: str) -> User:
    user = User.objects.create_user(
        username=username, password=PASSWORD, first_name=first_name, last_name=last_name
    )
    group, _ = Group.objects.get_or_create(name=role)
    user.groups.add(group)
    plan_services.membership_add(user=user, area=area)
    return user


@pytest.fixture
def sample(transactional_db, live_server) -> SamplePlan:
    """Leicestershire's 2014/15–2015/16 plan (two themes, four schemes) and Rutland's plan.

    Budgets are pounds as Decimal; 2014/15 schemes add to £18.002m against £18.251m agreed,
    as in the source plan. One scheme has no 2014/15 budget and pence in 2015/16.
    """
    leicestershire = plan_services.area_create(
        name="Leicestershire", code="E10000018", region="East Midlands"
    )
    rutland = plan_services.area_create(name="Rutland", code="E06000017", region="East Midlands")

    county = plan_services.organisation_get_or_create(
        name="Leicestershire County Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    ccgs = [
        plan_services.organisation_get_or_create(
            name="East Leicestershire and Rutland CCG", kind=Organisation.Kind.CCG
        ),
        plan_services.organisation_get_or_create(
            name="West Leicestershire CCG", kind=Organisation.Kind.CCG
        ),
    ]
    plan = plan_services.plan_create(
        area=leicestershire,
        title="Leicestershire Better Care Fund plan",
        first_year=2014,
        last_year=2015,
        version_kind=Plan.VersionKind.FINAL,
        version_date=datetime.date(2014, 4, 4),
        local_authority=county,
        ccgs=ccgs,
        dates_agreed="Health and Wellbeing Board, 13 February and 3 April 2014",
    )
    pack_headings(plan)
    plan_years = {
        2014: plan_services.plan_year_set(
            plan=plan,
            year=2014,
            minimum_required=Decimal("18000000.00"),
            agreed_total=Decimal("18251000.00"),
            protected_social_care_stated=Decimal("11852000.00"),
        ),
        2015: plan_services.plan_year_set(
            plan=plan,
            year=2015,
            minimum_required=Decimal("38362000.00"),
            agreed_total=Decimal("38362000.00"),
            protected_social_care_stated=Decimal("12600000.00"),
        ),
    }
    sign_offs = [
        plan_services.sign_off_add(
            plan=plan,
            on_behalf_of="Leicestershire Health and Wellbeing Board",
            name="Cllr Margaret Holt",
            position="Chair, Health and Wellbeing Board",
            signed_on=datetime.date(2014, 4, 3),
        ),
        plan_services.sign_off_add(
            plan=plan,
            on_behalf_of="West Leicestershire CCG",
            name="Dr Anil Mistry",
            position="Chief Officer",
            signed_on=datetime.date(2014, 4, 4),
        ),
    ]
    metrics = {
        "admissions": MetricDefinition.objects.create(
            code="non-elective-admissions",
            name="Total non-elective admissions into hospital (general and acute)",
            short_name="Non-elective admissions",
            number=1,
        ),
        "care_homes": MetricDefinition.objects.create(
            code="permanent-admissions-care-homes",
            name="Permanent admissions of older people to residential and nursing care homes",
            short_name="Care home admissions",
            number=2,
        ),
        "delayed_transfers": MetricDefinition.objects.create(
            code="delayed-transfers-of-care",
            name="Delayed transfers of care from hospital",
            short_name="Delayed transfers",
            number=3,
        ),
    }
    themes = {
        "prevention": scheme_services.theme_create(plan=plan, name="Unified prevention", order=1),
        "long_term": scheme_services.theme_create(
            plan=plan, name="Long term condition management", order=2
        ),
    }
    budgets = {
        "Local area coordination": {2014: Decimal("1250000.00"), 2015: Decimal("2400000.00")},
        "Protecting adult social care": {
            2014: Decimal("11852000.00"),
            2015: Decimal("12600000.00"),
        },
        "Integrated care teams": {2014: Decimal("4900000.00"), 2015: Decimal("9162000.00")},
        "Assistive technology": {2015: Decimal("750000.50")},
    }
    definitions = [
        ("Local area coordination", "prevention", Scheme.Status.NEW, "", ["admissions"]),
        (
            "Protecting adult social care",
            "prevention",
            Scheme.Status.EXISTING,
            Scheme.Protection.SOCIAL_CARE,
            ["care_homes"],
        ),
        (
            "Integrated care teams",
            "long_term",
            Scheme.Status.EXISTING_AND_NEW,
            Scheme.Protection.NHS,
            ["admissions", "delayed_transfers"],
        ),
        ("Assistive technology", "long_term", Scheme.Status.EXPANDING, "", []),
    ]
    schemes = {
        name: scheme_services.scheme_create(
            plan=plan,
            theme=themes[theme],
            name=name,
            status=status,
            protection=protection,
            metrics=[metrics[key] for key in metric_keys],
            budgets=budgets[name],
        )
        for name, theme, status, protection, metric_keys in definitions
    }

    other_plan = plan_services.plan_create(
        area=rutland,
        title="Rutland Better Care Fund plan",
        first_year=2014,
        last_year=2015,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2014, 2, 14),
    )
    pack_headings(other_plan)
    users = {
        "officer": _user("leics_officer", permissions.OFFICER, leicestershire, "Priya", "Shah"),
        "finance": _user("leics_finance", permissions.FINANCE, leicestershire, "Tom", "Barker"),
        "board": _user("leics_board", permissions.BOARD, leicestershire, "Ruth", "Ellis"),
        "other_officer": _user("rutland_officer", permissions.OFFICER, rutland, "Sam", "Cole"),
    }
    return SamplePlan(
        plan=plan,
        themes=themes,
        schemes=schemes,
        budgets=budgets,
        plan_years=plan_years,
        sign_offs=sign_offs,
        metrics=metrics,
        other_plan=other_plan,
        users=users,
    )


def schedule_held_meeting(page: Page, board, day: datetime.date) -> None:
    """On `board`'s page, schedule a meeting on `day`, recorded as held."""
    page.goto(f"/governance/boards/{board.pk}/")
    page.get_by_role("link", name="Schedule a meeting").click()
    page.get_by_label("Date").fill(day.isoformat())
    page.get_by_label("Status").select_option("held")
    page.get_by_role("button", name="Schedule").click()


def put_on_agenda(page: Page, board, day: datetime.date, title: str, obj: str) -> None:
    """Schedule `board`'s held meeting on `day` and add an item titled `title` putting
    `obj` ("app.model:pk") to it for decision."""
    schedule_held_meeting(page, board, day)
    page.get_by_role("link", name=f"{day:%-d %B %Y}").first.click()
    page.get_by_role("link", name="Add an agenda item").click()
    page.get_by_label("Title", exact=True).fill(title)
    page.get_by_label("What it puts to the meeting for decision (optional)").select_option(obj)
    page.get_by_role("button", name="Add item").click()
    expect(page.get_by_text("Item 1 added to the agenda.")).to_be_visible()
