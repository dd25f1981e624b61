"""Who may do what: roles × area × object state. The only place that decides.

Roles are Django groups. Areas are `Membership` rows. Views, the API, the admin and tasks
ask the functions here; none re-implements a check. Plan-level things (schemes, metrics,
risks, funds) are checked against their plan; area-level things (boards, meetings) against
their area.
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

VIEW = "view"
EDIT_PLAN = "edit_plan"  # plan details, pooled budget, narrative sections
EDIT_SCHEMES = "edit_schemes"  # schemes and their budgets
EDIT_METRICS = "edit_metrics"  # baselines and trajectories
ENTER_ACTUALS = "enter_actuals"  # metric actuals
EDIT_RISKS = "edit_risks"  # risk register, reviews, risk-sharing scenarios
EDIT_FUNDS = "edit_funds"  # contingency, risk pool and reserves, and their releases
EDIT_GOVERNANCE = "edit_governance"  # boards, meetings, agendas, minutes, actions
RECORD_DECISIONS = "record_decisions"  # decisions and the approvals they make

_ACTION_ROLES = {
    VIEW: set(ROLES),
    EDIT_PLAN: {OFFICER, ADMINISTRATOR},
    EDIT_SCHEMES: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_METRICS: {OFFICER, ADMINISTRATOR},
    ENTER_ACTUALS: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_RISKS: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_FUNDS: {OFFICER, FINANCE, ADMINISTRATOR},
    EDIT_GOVERNANCE: {OFFICER, ADMINISTRATOR},
    RECORD_DECISIONS: {OFFICER, ADMINISTRATOR},
}
CHANGES = frozenset(_ACTION_ROLES) - {VIEW}
# Changes that a frozen (submitted or assured) plan still takes: what happens after
# submission is recorded against it, the plan's own content is not.
_ALLOWED_ON_FROZEN = {ENTER_ACTUALS, EDIT_RISKS, EDIT_FUNDS}


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


def can_in_area(user, action: str, area_id: int) -> bool:
    """May `user` do `action` on things of the area `area_id` (boards, meetings…)?"""
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    member = area_id in area_ids_of(user)
    if action in CHANGES:
        return member and bool(roles_of(user) & _ACTION_ROLES[action])
    return (member or sees_all_areas(user)) and bool(roles_of(user) & _ACTION_ROLES[action])


def can(user, action: str, plan) -> bool:
    """May `user` do `action` on `plan` (and what belongs to it)?"""
    if action in CHANGES and plan.is_frozen and action not in _ALLOWED_ON_FROZEN:
        return False
    return can_in_area(user, action, plan.area_id)


def check(user, action: str, plan) -> None:
    if not can(user, action, plan):
        raise PermissionDenied


def check_in_area(user, action: str, area_id: int) -> None:
    if not can_in_area(user, action, area_id):
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


def get_in_area(user, queryset, pk, action: str = VIEW):
    """The scoped entry point to an area-level record (with an `area_id`) by id: 404/403."""
    record = queryset.filter(pk=pk).first()
    if record is None:
        raise Http404("Not found.")
    check_in_area(user, action, record.area_id)
    return record


def area_ids_visible_to(user):
    """For filtering area-level lists: None means every area."""
    if sees_all_areas(user):
        return None
    return area_ids_of(user)


def check_compares_areas(user) -> None:
    """The national view sets every area side by side: for those who read every area."""
    if not sees_all_areas(user):
        raise PermissionDenied("Comparing areas is open to assurers and administrators.")
