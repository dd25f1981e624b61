"""Every URL of the project against every role.

A URL added without a rule here fails `test_every_url_has_a_rule`, so access is decided
on purpose for each new page.
"""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

ROLES = (
    "anonymous",
    "officer",
    "finance",
    "executive",
    "board",
    "assurer",
    "admin_user",
    "other_officer",
)

LOGIN = "login"  # anonymous users are sent to log in
OK, FORBIDDEN, REDIRECT, NOT_ALLOWED, UNAUTHORISED = 200, 403, 302, 405, 401


def _grid(**by_role):
    return {role: by_role.get(role, by_role.get("default")) for role in ROLES}


VIEW = _grid(anonymous=LOGIN, other_officer=FORBIDDEN, default=OK)
EDIT_PLAN = _grid(anonymous=LOGIN, officer=OK, admin_user=OK, default=FORBIDDEN)
EDIT_SCHEMES = _grid(anonymous=LOGIN, officer=OK, finance=OK, admin_user=OK, default=FORBIDDEN)
SIGNED_IN = _grid(anonymous=LOGIN, default=OK)
API_VIEW = _grid(anonymous=UNAUTHORISED, other_officer=FORBIDDEN, default=OK)
API_SIGNED_IN = _grid(anonymous=UNAUTHORISED, default=OK)

RULES = {
    "home": _grid(default=REDIRECT),
    "login": _grid(default=OK),
    "logout": _grid(default=NOT_ALLOWED),  # only a POST logs out
    "admin:index": _grid(admin_user=OK, default=REDIRECT),
    "plans:plan_list": SIGNED_IN,
    "plans:plan_detail": VIEW,
    "plans:plan_edit": EDIT_PLAN,
    "plans:section_list": VIEW,
    "plans:section_edit": EDIT_PLAN,
    "plans:plan_history": VIEW,
    "schemes:scheme_list": VIEW,
    "schemes:scheme_create": EDIT_SCHEMES,
    "schemes:scheme_import": EDIT_SCHEMES,
    "schemes:scheme_history_all": VIEW,
    "schemes:scheme_detail": VIEW,
    "schemes:scheme_edit": EDIT_SCHEMES,
    "schemes:scheme_delete": EDIT_SCHEMES,
    "schemes:scheme_history": VIEW,
    "api-plan-list": API_SIGNED_IN,
    "api-plan-detail": API_VIEW,
    "api-plan-schemes": API_VIEW,
    "api-schema": _grid(default=OK),  # the schema describes the API; it holds no data
}


def _named_patterns(resolver=None, namespace=""):
    """Every named URL pattern as "namespace:name" (the admin counts as its index only)."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            if pattern.namespace == "admin":
                yield "admin:index"
                continue
            yield from _named_patterns(pattern, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}{pattern.name}"


def test_every_url_has_a_rule():
    names = set(_named_patterns())
    assert names - set(RULES) == set(), "add a rule for each new URL to RULES"
    assert set(RULES) - names == set(), "RULES lists URLs that no longer exist"


def _kwargs(name, plan):
    scheme = plan.schemes.order_by("pk").first()
    arguments = {"pk": plan.pk, "scheme_pk": scheme.pk, "key": "vision"}
    pattern_kwargs = {
        "plans:section_edit": ("pk", "key"),
        "schemes:scheme_detail": ("pk", "scheme_pk"),
        "schemes:scheme_edit": ("pk", "scheme_pk"),
        "schemes:scheme_delete": ("pk", "scheme_pk"),
        "schemes:scheme_history": ("pk", "scheme_pk"),
    }
    if name in pattern_kwargs:
        return {key: arguments[key] for key in pattern_kwargs[name]}
    if name.startswith(("plans:", "schemes:")) and name != "plans:plan_list":
        return {"pk": plan.pk}
    if name in ("api-plan-detail", "api-plan-schemes"):
        return {"pk": plan.pk}
    return {}


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("name", sorted(RULES))
def test_role_gets_the_expected_answer(request, client, plan, name, role):
    if role != "anonymous":
        client.force_login(request.getfixturevalue(role))
    url = reverse(name, kwargs=_kwargs(name, plan))
    response = client.get(url)
    expected = RULES[name][role]
    if expected == LOGIN:
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("login"))
    elif expected == UNAUTHORISED:
        # DRF answers 401 where a login scheme can be offered (token), else 403.
        assert response.status_code in (401, 403)
    else:
        assert response.status_code == expected, f"{role} GET {url}"


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
