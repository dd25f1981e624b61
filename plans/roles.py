"""Who the user is: their roles (Django groups), the areas they are a member of and the
boards they sit on, looked up once per request. What they may do with it is decided in
plans/permissions.py, which re-exports these; they live apart so that the models (a plan
queryset's `visible_to`) can ask them without importing the permissions, which import the
models.
"""

from __future__ import annotations

from django.core.exceptions import ImproperlyConfigured
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import CharField, IntegerField, Value

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


# The statement reading a user's roles and areas, as the ORM writes it, by database: built
# once per process; each request runs it with the user's id (building and compiling the
# query took a tenth of a page served from the cache).
_ROLES_AND_AREAS_SQL: dict[str, str] = {}


def _roles_and_areas_query(user):
    return user.groups.values_list("name", Value(None, output_field=IntegerField())).union(
        user.area_memberships.values_list(Value(None, output_field=CharField()), "area_id"),
        all=True,
    )


def _roles_and_areas(user) -> tuple[frozenset[str], frozenset[int]]:
    """The user's roles and the areas they are a member of, kept on the user object for the
    request and read in one query: nearly every page asks for both (its permissions, the
    menu), and a page reused from the cache makes few other queries."""
    if not user.is_authenticated:
        return frozenset(), frozenset()
    cached = getattr(user, "_bcf_roles_and_areas", None)
    if cached is not None:
        return cached
    alias = user._state.db or DEFAULT_DB_ALIAS
    sql = _ROLES_AND_AREAS_SQL.get(alias)
    if sql is None:
        sql, params = _roles_and_areas_query(user).query.sql_with_params()
        if list(params) != [user.pk, user.pk]:  # pragma: no cover - the ORM wrote it otherwise
            raise ImproperlyConfigured(f"Unexpected parameters of the roles query: {params}")
        _ROLES_AND_AREAS_SQL[alias] = sql
    with connections[alias].cursor() as cursor:
        cursor.execute(sql, [user.pk, user.pk])
        rows = cursor.fetchall()
    roles, areas = set(), set()
    for role, area in rows:
        if role is None:
            areas.add(area)
        else:
            roles.add(role)
    cached = user._bcf_roles_and_areas = (frozenset(roles), frozenset(areas))
    return cached


def roles_of(user) -> frozenset[str]:
    return _roles_and_areas(user)[0]


def area_ids_of(user) -> frozenset[int]:
    return _roles_and_areas(user)[1]


def board_ids_of(user) -> frozenset[int]:
    """The boards the user has a seat on (governance BoardMember rows naming them)."""
    return _per_request(
        user, "_bcf_board_ids", lambda: user.board_seats.values_list("board_id", flat=True)
    )


def sees_all_areas(user) -> bool:
    """Assurers read every area; superusers administer every area."""
    return user.is_authenticated and (user.is_superuser or ASSURER in roles_of(user))
