"""The vocabulary of the role × URL grid (tests/test_url_role_grid.py).

Each app lists its URLs in `<app>/tests/url_rules.py` as `RULES = {url name: Rule(...)}`.
A rule says what every role gets for a GET, and how to build the URL's arguments from the
shared `plan` fixture (creating, through the services, whatever else the URL needs).
"""

from collections.abc import Callable
from dataclasses import dataclass, field

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
OK, REDIRECT, FORBIDDEN, NOT_FOUND, NOT_ALLOWED = 200, 302, 403, 404, 405
UNAUTHORISED = "unauthorised"  # an API refusal to an anonymous caller: 401 or 403


def grid(**by_role) -> dict[str, object]:
    """What each role gets; `default` covers the roles not named."""
    unknown = set(by_role) - set(ROLES) - {"default"}
    assert not unknown, f"unknown roles {unknown}"
    return {role: by_role.get(role, by_role.get("default")) for role in ROLES}


def plan_only(plan) -> dict:
    return {"pk": plan.pk}


def no_arguments(plan) -> dict:
    return {}


@dataclass(frozen=True)
class Rule:
    expect: dict[str, object]
    kwargs: Callable = field(default=plan_only)


# Pages of a plan, by the permission they need (plans/permissions.py).
VIEW = grid(anonymous=LOGIN, other_officer=FORBIDDEN, default=OK)
SIGNED_IN = grid(anonymous=LOGIN, default=OK)
EDIT_PLAN = grid(anonymous=LOGIN, officer=OK, admin_user=OK, default=FORBIDDEN)
EDIT_SCHEMES = grid(anonymous=LOGIN, officer=OK, finance=OK, admin_user=OK, default=FORBIDDEN)
EDIT_METRICS = EDIT_PLAN
ENTER_ACTUALS = EDIT_SCHEMES
EDIT_RISKS = EDIT_SCHEMES
EDIT_FUNDS = EDIT_SCHEMES
EDIT_GOVERNANCE = EDIT_PLAN
RECORD_DECISIONS = EDIT_PLAN
# The API answers instead of redirecting.
API_VIEW = grid(anonymous=UNAUTHORISED, other_officer=FORBIDDEN, default=OK)
API_SIGNED_IN = grid(anonymous=UNAUTHORISED, default=OK)
# A page only administrators use (setting up areas and users).
ADMINISTER = grid(anonymous=LOGIN, admin_user=OK, default=FORBIDDEN)
# An address that only takes a POST (htmx fragments): a GET is refused once signed in.
POST_ONLY = grid(anonymous=LOGIN, default=NOT_ALLOWED)
