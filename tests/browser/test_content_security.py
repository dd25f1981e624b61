"""The content security policy blocks nothing the app itself needs: its scripts run."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_scripts_run_under_the_policy_and_nothing_is_blocked(page, login, sample):
    blocked = []
    page.on(
        "console",
        lambda message: (
            blocked.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    login(page, "leics_officer")
    for path in (f"/plans/{sample.plan.pk}/", f"/plans/{sample.plan.pk}/schemes/"):
        page.goto(path)
        # supported.js marks the body; init.js starts the NHS.UK header component.
        expect(page.locator("body")).to_have_class("js-enabled nhsuk-frontend-supported")
        expect(page.locator("header.nhsuk-header")).to_have_attribute("data-nhsuk-header-init", "")
    assert blocked == []
