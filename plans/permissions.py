"""Who may do what: roles × area × object state. The only place that decides.

Roles are Django groups. Areas are `Membership` rows. Views, the API, the admin and tasks
ask the functions here; none re-implements a check.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.http import Http404

OFFICER = "Programme officer"
FINANCE = "Finance lead"
EXECUTIVE = "Integration Executive member"
BOARD = "HWB Board member"
ASSURER = "Assurer"
ADMINISTRATOR = "Administrator"
ROLES = (OFFICER, FINANCE, EXECUTIVE, BOARD, ASSURER, ADMINISTRATOR)

# What each action needs: the roles allowed, on a plan of one of the user's areas.
VIEW = "view"
EDIT_PLAN = "edit_plan"  # plan details, pooled budget, narrative sections
EDIT_SCHEMES = "edit_schemes"  # schemes and their budgets
_ACTION_ROLES = {
    VIEW: set(ROLES),
    EDIT_PLAN: {OFFICER, ADMINISTRATOR},
    EDIT_SCHEMES: {OFFICER, FINANCE, ADMINISTRATOR},
}
_CHANGES = {EDIT_PLAN, EDIT_SCHEMES}


def roles_of(user) -> frozenset[str]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_bcf_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._bcf_roles = cached
    return cached


def area_ids_of(user) -> frozenset[int]:
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, "_bcf_area_ids", None)
    if cached is None:
        cached = frozenset(user.area_memberships.values_list("area_id", flat=True))
        user._bcf_area_ids = cached
    return cached


def sees_all_areas(user) -> bool:
    """Assurers read every area; superusers administer every area."""
    return user.is_authenticated and (user.is_superuser or ASSURER in roles_of(user))


def can(user, action: str, plan) -> bool:
    """May `user` do `action` on `plan` (and what belongs to it)?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return action == VIEW or not plan.is_frozen
    if plan.area_id not in area_ids_of(user) and not sees_all_areas(user):
        return False
    if action in _CHANGES and (plan.is_frozen or plan.area_id not in area_ids_of(user)):
        return False
    return bool(roles_of(user) & _ACTION_ROLES[action])


def can_change_anything(user) -> bool:
    """Whether to offer editing at all (links, buttons); each change is still checked."""
    return user.is_superuser or bool(
        roles_of(user) & (_ACTION_ROLES[EDIT_PLAN] | _ACTION_ROLES[EDIT_SCHEMES])
    )


def check(user, action: str, plan) -> None:
    if not can(user, action, plan):
        raise PermissionDenied


def get_plan(user, pk, action: str = VIEW, queryset=None):
    """The scoped entry point to a plan by id: 404 if there is none, 403 if not allowed."""
    from plans.models import Plan

    queryset = Plan.objects.all() if queryset is None else queryset
    plan = queryset.filter(pk=pk).first()
    if plan is None:
        raise Http404("No such plan.")
    check(user, action, plan)
    return plan
