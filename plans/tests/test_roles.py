"""A user's roles and areas: read together, in one query, once per request."""

from __future__ import annotations

import pytest
from django.contrib.auth import get_user_model

from plans import permissions
from plans.models import Area
from tests.factories import AreaFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_a_users_roles_and_areas_are_read_in_one_query(area, django_assert_num_queries):
    other = AreaFactory()
    made = UserFactory(roles=[permissions.OFFICER, permissions.FINANCE], areas=[area, other])
    user = get_user_model().objects.get(pk=made.pk)  # nothing kept on it yet
    with django_assert_num_queries(1):
        roles, areas = permissions.roles_of(user), permissions.area_ids_of(user)
        assert permissions.can_in_area(user, permissions.EDIT_SCHEMES, area.pk)
    assert roles == {permissions.OFFICER, permissions.FINANCE}
    assert areas == {area.pk, other.pk}
    assert areas == set(Area.objects.filter(memberships__user=user).values_list("pk", flat=True))


@pytest.mark.parametrize(
    ("roles", "member"), [([], True), ([permissions.ASSURER], False), ([], False)]
)
def test_a_user_without_roles_or_areas_has_none(area, roles, member):
    made = UserFactory(roles=roles, areas=[area] if member else [])
    user = get_user_model().objects.get(pk=made.pk)
    assert permissions.roles_of(user) == set(roles)
    assert permissions.area_ids_of(user) == ({area.pk} if member else set())
    assert permissions.sees_all_areas(user) is (permissions.ASSURER in roles)


def test_someone_not_signed_in_has_no_roles_and_no_areas():
    from django.contrib.auth.models import AnonymousUser

    assert permissions.roles_of(AnonymousUser()) == set()
    assert permissions.area_ids_of(AnonymousUser()) == set()
