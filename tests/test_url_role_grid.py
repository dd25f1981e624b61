"""Every URL of the project against every role.

The rules live beside each app in `<app>/tests/url_rules.py` (vocabulary in tests/grid.py).
A URL added without a rule fails `test_every_url_has_a_rule`, so access to each new page
is decided on purpose.
"""

import importlib

import pytest
from django.apps import apps
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.grid import LOGIN, ROLES, UNAUTHORISED


def _all_rules() -> dict:
    rules = {}
    for config in apps.get_app_configs():
        try:
            module = importlib.import_module(f"{config.name}.tests.url_rules")
        except ModuleNotFoundError:
            continue
        clash = set(rules) & set(module.RULES)
        assert not clash, f"URL rules given twice: {clash}"
        rules.update(module.RULES)
    return rules


RULES = _all_rules()


def _named_patterns(resolver=None, namespace=""):
    """Every named URL pattern as "namespace:name" (the admin counts as its index only)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:index"
                continue
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_rule():
    names = set(_named_patterns())
    assert names - set(RULES) == set(), "add a rule for each new URL to <app>/tests/url_rules.py"
    assert set(RULES) - names == set(), "rules name URLs that no longer exist"


def _outcome(response, expected) -> bool:
    if expected == LOGIN:
        return response.status_code == 302 and response["Location"].startswith(reverse("login"))
    if expected == UNAUTHORISED:
        return response.status_code in (401, 403)
    return response.status_code == expected


@pytest.mark.parametrize("name", sorted(RULES))
def test_every_role_gets_the_expected_answer(request, plan, name):
    rule = RULES[name]
    url = reverse(name, kwargs=rule.kwargs(plan))
    wrong = []
    for role in ROLES:
        client = Client()
        if role != "anonymous":
            client.force_login(request.getfixturevalue(role))
        response = client.get(url)
        if not _outcome(response, rule.expect[role]):
            wrong.append(f"{role}: expected {rule.expect[role]}, got {response.status_code}")
    assert wrong == [], f"GET {url}"


@pytest.mark.parametrize("role", ("finance", "executive", "board", "assurer", "other_officer"))
def test_roles_without_edit_rights_cannot_post_changes(request, client, plan, role):
    """A read-only role's POST is refused and changes nothing."""
    client.force_login(request.getfixturevalue(role))
    section = plan.sections.get(key="vision")
    response = client.post(
        reverse("plans:section_edit", kwargs={"pk": plan.pk, "key": "vision"}),
        {"body": "Changed", "lock_version": section.lock_version},
    )
    assert response.status_code == 403
    section.refresh_from_db()
    assert section.body != "Changed"
    if role != "finance":
        scheme = plan.schemes.order_by("pk").first()
        response = client.post(
            reverse("schemes:scheme_delete", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk}),
            {"lock_version": scheme.lock_version},
        )
        assert response.status_code == 403
        assert plan.schemes.filter(pk=scheme.pk).exists()


def test_a_submitted_plan_is_frozen_for_every_role(client, plan, officer):
    plan.status = plan.Status.SUBMITTED
    plan.save()
    client.force_login(officer)
    response = client.get(reverse("schemes:scheme_create", kwargs={"pk": plan.pk}))
    assert response.status_code == 403
    response = client.get(reverse("schemes:scheme_list", kwargs={"pk": plan.pk}))
    assert response.status_code == 200
    assert b"Add a scheme" not in response.content
