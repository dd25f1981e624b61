"""Every query parameter the API reads (those its OpenAPI schema declares, and DRF's own
`format`), sent values nobody should send, with a token: a 400 saying why, or the value
ignored; never a 500. The schema has no paging: every list is given whole."""

from __future__ import annotations

import pytest
from django.test import Client

from accounts.services import token_create
from tests.test_fuzz_pages import MALFORMED

ALSO_READ = ("format",)  # DRF reads ?format= on every operation


@pytest.fixture
def api(officer, plan):
    token = token_create(user=officer, name="Fuzzing")[1]
    return Client(raise_request_exception=False, HTTP_AUTHORIZATION=f"Token {token}")


def operations(client, plan) -> list[tuple[str, list[str]]]:
    """(path, its query parameters) of every GET operation, a plan's with the plan's id."""
    schema = client.get("/api/schema/", {"format": "json"}).json()
    found = []
    for path, methods in schema["paths"].items():
        path = path.replace("/api/plans/{id}/", f"/api/plans/{plan.pk}/")
        if "get" in methods and "{" not in path:
            names = [p["name"] for p in methods["get"].get("parameters", []) if p["in"] == "query"]
            found.append((path, names))
    return found


def test_no_malformed_query_parameter_of_the_api_answers_500(api, plan):
    failures = []
    ran = 0
    for path, names in operations(api, plan):
        for name in (*names, *ALSO_READ):
            for value in (*MALFORMED, ["1", "2"]):
                response = api.get(path, {name: value})
                ran += 1
                if response.status_code >= 500:
                    failures.append(f"{path} {name}={value!r:.40}")
    assert ran > 100
    assert failures == []


@pytest.mark.parametrize("value", ["\x00", "x" * 5000, "x:y", ["me", "other"]])
def test_an_action_owner_nobody_could_be_is_refused_or_owns_nothing(api, value):
    response = api.get("/api/actions/", {"owner": value})
    assert response.status_code in (200, 400), response.status_code
    if response.status_code == 200:
        assert response.json() == []
