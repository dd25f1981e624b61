"""The plan's navigation: its links reversed once per plan, written once per plan, the
permissions it passes and the part of the plan shown, and each permission asked once per
page; the rendered navigation the same as reversing and checking link by link."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template import Context, Template
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import resolve, reverse

from plans.models import Plan
from plans.templatetags import plan_nav

pytestmark = pytest.mark.django_db

VIEWS = ("plans:plan_detail", "schemes:scheme_list", "risks:register", "submissions:dashboard")


def _request(user, plan, view_name):
    request = RequestFactory().get(reverse(view_name, args=[plan.pk]))
    request.user = user
    request.resolver_match = resolve(request.path)
    return request


def _rendered(request, plan) -> str:
    template = Template("{% load plan_nav %}{% plan_tabs plan %}")
    return template.render(Context({"request": request, "plan": plan}))


def _reference(request, plan) -> str:
    """The navigation as it was built before: every link reversed and checked on its own."""
    current = request.resolver_match.view_name
    groups = []
    for title, links in plan_nav._GROUPS:
        allowed = [
            (label, reverse(name, args=[plan.pk]), current in covers)
            for label, name, action, scope, covers in links
            if plan_nav._allowed(request.user, action, scope, plan)
        ]
        if allowed:
            groups.append((title, allowed))
    return render_to_string("plans/_plan_tabs.html", {"groups": groups, "plan": plan})


@pytest.mark.parametrize("frozen", [False, True], ids=["draft", "frozen"])
def test_the_navigation_is_the_same_for_every_role_on_draft_and_frozen_plans(
    frozen, plan, officer, finance, executive, board, assurer, admin_user, other_officer
):
    status = Plan.Status.AGREED if frozen else Plan.Status.DRAFT
    Plan.objects.filter(pk=plan.pk).update(status=status)
    plan.refresh_from_db()
    assert plan.is_frozen is frozen
    users = (officer, finance, executive, board, assurer, admin_user, other_officer)
    seen = set()
    for user in (*users, AnonymousUser()):
        for view_name in VIEWS:
            request = _request(user, plan, view_name)
            rendered = _rendered(request, plan)
            assert rendered == _reference(request, plan)
            seen.add(rendered)
    # The roles and states do differ: the comparison is not between empty navigations.
    assert len(seen) > len(VIEWS)
    assert "Quarterly spend" in _rendered(_request(finance, plan, VIEWS[0]), plan)
    assert ("Sign-off" in _rendered(_request(officer, plan, VIEWS[0]), plan)) is not frozen


def test_each_permission_is_asked_once_and_links_reversed_once_per_plan(
    plan, officer, monkeypatch, django_assert_num_queries
):
    asked = []
    allowed = plan_nav._allowed
    monkeypatch.setattr(
        plan_nav, "_allowed", lambda *args: asked.append(args[1:3]) or allowed(*args)
    )
    plan_nav._links.cache_clear()
    plan_nav._tabs.cache_clear()
    request = _request(officer, plan, "schemes:scheme_list")
    _rendered(request, plan)
    assert len(asked) == len(set(asked)) == len(plan_nav._CHECKS) == 4
    with django_assert_num_queries(0):
        _rendered(request, plan)
    # Written once: the second page is given the navigation the first wrote.
    assert plan_nav._tabs.cache_info().misses == 1
    assert plan_nav._tabs.cache_info().hits == 1
    # Another part of the same plan: its links are not reversed again, only written.
    _rendered(_request(officer, plan, "risks:register"), plan)
    assert plan_nav._tabs.cache_info().misses == 2
    assert plan_nav._links.cache_info().misses == 1
    assert plan_nav._links.cache_info().hits == 1
