"""You always know where you are: the header marks the section, the plan's navigation lists
every part of a plan and marks the current one, and the error pages say what happened."""

from __future__ import annotations

import pytest
from bs4 import BeautifulSoup
from django.test import RequestFactory
from django.urls import reverse
from django.views import defaults

from plans.context_processors import section_of

pytestmark = pytest.mark.django_db


def _soup(response) -> BeautifulSoup:
    return BeautifulSoup(response.content, "html.parser")


def _current(soup, selector: str) -> list[str]:
    return [a.get_text(strip=True) for a in soup.select(f"{selector} a[aria-current]")]


@pytest.mark.parametrize(
    "view_name, section",
    [
        ("home", "home"),
        ("plans:plan_list", "plans"),
        ("schemes:scheme_list", "plans"),
        ("submissions:dashboard", "plans"),
        ("submissions:national", "national"),
        ("plans:area_list", "areas"),
        ("governance:board_list", "boards"),
        ("admin:index", ""),
        (None, ""),
    ],
)
def test_each_view_belongs_to_one_header_section(view_name, section):
    assert section_of(view_name) == section


def test_the_header_and_the_plan_navigation_mark_where_you_are(client_for, officer, plan):
    client = client_for(officer)
    soup = _soup(client.get(reverse("metrics:metrics_overview", args=[plan.pk])))
    assert _current(soup, ".nhsuk-header__navigation") == ["Plans"]
    nav = soup.select_one("nav[aria-label='This plan']")
    assert _current(soup, "nav[aria-label='This plan']") == ["Metrics"]
    labels = [a.get_text(strip=True) for a in nav.select("a")]
    for part in (
        "Overview",
        "Schemes",
        "Budgets",
        "Quarterly spend",
        "Funds",
        "Metrics",
        "Risks",
        "Dashboard",
        "Quarterly returns",
        "Documents",
        "Versions",
        "History",
    ):
        assert part in labels, part

    soup = _soup(client.get(reverse("governance:board_list")))
    assert _current(soup, ".nhsuk-header__navigation") == ["Boards"]


def test_a_part_the_role_cannot_open_is_not_offered(client_for, executive, plan):
    soup = _soup(client_for(executive).get(reverse("plans:plan_detail", args=[plan.pk])))
    labels = [a.get_text(strip=True) for a in soup.select("nav[aria-label='This plan'] a")]
    assert "Overview" in labels and "Dashboard" in labels
    assert "Quarterly spend" not in labels and "Themes" not in labels


def test_a_page_not_found_is_styled_and_says_where_to_go(client_for, officer):
    response = client_for(officer).get("/no-such-page/")
    soup = _soup(response)
    assert response.status_code == 404
    assert soup.h1.get_text() == "Page not found"
    assert soup.select_one("link[href$='nhsuk.css']") is not None
    assert soup.find("a", string="Go to your home page")["href"] == reverse("home")


def test_a_refusal_is_styled_and_says_where_to_go(client_for, other_officer, plan):
    response = client_for(other_officer).get(reverse("schemes:theme_list", args=[plan.pk]))
    soup = _soup(response)
    assert response.status_code in (403, 404)
    assert soup.select_one("link[href$='nhsuk.css']") is not None
    assert soup.find("a", string="Go to your home page") is not None


def test_the_server_error_page_is_styled_without_a_request_context():
    request = RequestFactory().get("/anything/")
    response = defaults.server_error(request)
    soup = _soup(response)
    assert response.status_code == 500
    assert soup.h1.get_text() == "Sorry, there is a problem with the service"
    assert soup.select_one("link[href$='nhsuk.css']") is not None


def test_the_sign_in_boxes_are_nhs_inputs_and_a_failure_marks_them(client):
    soup = _soup(client.get(reverse("login")))
    for name in ("username", "password"):
        assert "nhsuk-input" in soup.select_one(f"#id_{name}")["class"]
    soup = _soup(client.post(reverse("login"), {"username": "nobody", "password": "wrong"}))
    assert soup.select_one(".nhsuk-error-summary") is not None
    assert "nhsuk-input--error" in soup.select_one("#id_password")["class"]
