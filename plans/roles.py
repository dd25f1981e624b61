"""Who the user is: their roles (Django groups), the areas they are a member of and the
boards they sit on, looked up once per request. What they may do with it is decided in
plans/permissions.py, which re-exports these; they live apart so that the models (a plan
queryset's `visible_to`) can ask them without importing the permissions, which import the
models.
"""

from __future__ import annotations

OFFICER = "Programme officer"
FINANCE = "Finance lead"
EXECUTIVE = "Integration Executive member"
BOARD = "HWB Board member"
ASSURER = "Assurer"
ADMINISTRATOR = "Administrator"
ROLES = (OFFICER, FINANCE, EXECUTIVE, BOARD, ASSURER, ADMINISTRATOR)


def _per_request(user, name: str, compute) -> frozenset:
    """What `compute()` gives for the user, kept on the user object for the request."""
    if not user.is_authenticated:
        return frozenset()
    cached = getattr(user, name, None)
    if cached is None:
        cached = frozenset(compute())
        setattr(user, name, cached)
    return cached


def roles_of(user) -> frozenset[str]:
    return _per_request(user, "_bcf_roles", lambda: user.groups.values_list("name", flat=True))


def area_ids_of(user) -> frozenset[int]:
    return _per_request(
        user, "_bcf_area_ids", lambda: user.area_memberships.values_list("area_id", flat=True)
    )


def board_ids_of(user) -> frozenset[int]:
    """The boards the user has a seat on (governance BoardMember rows naming them)."""
    return _per_request(
        user, "_bcf_board_ids", lambda: user.board_seats.values_list("board_id", flat=True)
    )


def sees_all_areas(user) -> bool:
    """Assurers read every area; superusers administer every area."""
    return user.is_authenticated and (user.is_superuser or ASSURER in roles_of(user))
