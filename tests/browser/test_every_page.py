"""Every page of the sample data, in the browser, at a phone's 390 px and at desktop width.

The pages are those each role reaches from its home page (tests/crawl.py), each kind of page
once, whichever role reaches it first. On each: nothing makes the page wider than the screen
at 390 px (a wide table scrolls in its own box); a page below the top level has a back link
a phone shows; axe-core finds no serious or critical WCAG 2.2 AA violation at either width.
"""

from __future__ import annotations

import json
from urllib.parse import urlsplit

import pytest
from django.urls import resolve

from fixtures.loader import DEFAULT_DEMO_PASSWORD, load_sample_data
from tests.browser.test_axe import AXE, _violations
from tests.crawl import ROLES, SKIP, _kind

pytestmark = pytest.mark.browser

PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}
# The header's own pages: the top level, which needs no way back.
TOP_LEVEL = {
    "home",
    "accounts:account",
    "plans:plan_list",
    "governance:board_list",
    "submissions:national",
    "plans:area_list",
}
WIDTH = "() => document.documentElement.scrollWidth"
# A back link a phone shows: NHS.UK's, under the breadcrumbs, or any visible "Back to …".
BACK_LINK = """() => [...document.querySelectorAll('main a, .nhsuk-breadcrumb a')].some(a =>
    /^\\s*(back|back to)\\b/i.test(a.innerText + ' ' + a.textContent) && a.offsetParent !== null
    && (a.classList.contains('nhsuk-back-link') || /^\\s*back/i.test(a.innerText)))"""
LINKS = "() => [...document.querySelectorAll('a[href]')].map(a => a.getAttribute('href'))"


@pytest.fixture
def sample_data(transactional_db, live_server):
    load_sample_data(with_users=True)


@pytest.fixture
def page(browser, live_server):
    """A page that may run axe (the CSP would refuse its script tag)."""
    context = browser.new_context(
        base_url=live_server.url, viewport=PHONE, locale="en-GB", bypass_csp=True
    )
    context.set_default_timeout(15_000)
    yield context.new_page()
    context.close()


def _is_page(path: str) -> bool:
    return not (
        SKIP.search(path)
        or "_export" in path
        or path.endswith((".pdf", ".xlsx", ".csv"))
        or "/download/" in path
    )


def _walk(page, login, seen_kinds: set) -> dict[str, dict]:
    """Each page of a kind not seen yet that this signed-in user reaches, as found."""
    found: dict[str, dict] = {}
    queue, seen = ["/"], set()
    while queue:
        path = queue.pop(0)
        if path in seen:
            continue
        seen.add(path)
        response = page.goto(path)
        if response is None or "text/html" not in response.headers.get("content-type", ""):
            continue
        view = resolve(urlsplit(page.url).path).view_name
        page.set_viewport_size(PHONE)
        result = {"status": response.status, "width": page.evaluate(WIDTH)}
        if view not in TOP_LEVEL and response.status == 200:
            result["back link"] = page.evaluate(BACK_LINK)
        result["axe at 390 px"] = _violations(page)
        page.set_viewport_size(DESKTOP)
        result["axe at 1280 px"] = _violations(page)
        found[path] = result
        for href in page.evaluate(LINKS):
            parts = urlsplit(href)
            if parts.netloc or not (parts.path or parts.query):
                continue
            target = (parts.path or urlsplit(path).path) + (
                f"?{parts.query}" if parts.query else ""
            )
            kind = _kind(target)
            if kind is None or kind in seen_kinds or not _is_page(target):
                continue
            seen_kinds.add(kind)
            queue.append(target)
    return found


def test_every_page_fits_a_phone_has_a_way_back_and_passes_axe(page, sample_data):
    assert AXE.exists(), "npm ci installs axe-core (package.json)"
    seen_kinds: set = set()
    results: dict[str, dict] = {}
    for role in ROLES:
        page.context.clear_cookies()
        page.set_viewport_size(DESKTOP)
        page.goto("/accounts/login/")
        page.locator("#id_username").fill(role)
        page.locator("#id_password").fill(DEFAULT_DEMO_PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_load_state()
        for path, result in _walk(page, None, seen_kinds).items():
            results[f"{role} {path}"] = result

    print(f"\nchecked {len(results)} pages at 390 px and 1280 px")
    assert len(results) > 60
    wide = {key: r["width"] for key, r in results.items() if r["width"] > PHONE["width"]}
    no_way_back = [key for key, r in results.items() if r.get("back link") is False]
    axe = {
        f"{key} ({width})": r[width]
        for key, r in results.items()
        for width in ("axe at 390 px", "axe at 1280 px")
        if r[width]
    }
    assert wide == {}, f"wider than a phone: {wide}"
    assert no_way_back == [], f"no back link on a phone: {no_way_back}"
    assert axe == {}, json.dumps(axe, indent=1)


def test_each_plans_lists_fit_a_phone(page, sample_data):
    """The walk above sees each kind of page once; a list's filters are as wide as their
    longest choice, which differs by plan (the 2014 plan's theme names are long): every
    sample plan's schemes, risks and metrics at 390 px."""
    from django.contrib.auth.models import User

    from plans.models import Plan

    officer = User.objects.get(username="officer")
    page.goto("/accounts/login/")
    page.locator("#id_username").fill("officer")
    page.locator("#id_password").fill(DEFAULT_DEMO_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_load_state()
    page.set_viewport_size(PHONE)
    wide = {}
    # A version whose content is not among the sources has no lists (tested in
    # plans/tests/test_content_not_in_sources.py).
    plans = list(Plan.objects.visible_to(officer).with_content())
    assert len(plans) >= 2
    for plan in plans:
        for part in ("schemes", "risks", "metrics"):
            response = page.goto(f"/plans/{plan.pk}/{part}/")
            assert response is not None and response.status == 200
            if (width := page.evaluate(WIDTH)) > PHONE["width"]:
                wide[f"{plan} {part}"] = width
    assert wide == {}
