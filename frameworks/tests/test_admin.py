"""Administrators edit frameworks in the administration site: the framework with its
deadlines and templates, and each app's part of it filtered by framework."""

import pytest

from fixtures.packs import packs_load
from frameworks.models import PolicyFramework

pytestmark = pytest.mark.django_db


def test_an_administrator_edits_a_framework_and_its_deadlines(client, admin_user):
    packs_load()
    framework = PolicyFramework.objects.get(code="bcf-2016-17")
    client.force_login(admin_user)
    listing = client.get("/admin/frameworks/policyframework/")
    assert listing.status_code == 200
    assert "Better Care Fund 2016/17" in listing.content.decode()
    page = client.get(f"/admin/frameworks/policyframework/{framework.pk}/change/")
    assert page.status_code == 200
    deadline = framework.deadlines.get(kind="quarterly_return")
    assert deadline.name in page.content.decode()


@pytest.mark.parametrize(
    "path",
    [
        "/admin/metrics/metricdefinition/",
        "/admin/metrics/frameworkmetric/",
        "/admin/plans/nationalcondition/",
        "/admin/plans/fundingstream/",
        "/admin/plans/narrativeheading/",
        "/admin/schemes/schemetype/",
    ],
)
def test_each_part_of_a_framework_is_listed_by_framework(client, admin_user, path):
    packs_load()
    framework = PolicyFramework.objects.get(code="bcf-2014-16")
    client.force_login(admin_user)
    field = "frameworks__id__exact" if "metricdefinition" in path else "framework__id__exact"
    page = client.get(f"{path}?{field}={framework.pk}")
    assert page.status_code == 200
    assert "0 results" not in page.content.decode()
