"""An agreed, submitted or assured plan offers no change it would refuse: walking the
frozen sample plans' pages as a programme officer (who may change a draft), no link leads
to a refusal (403, or the page saying the version no longer changes), and no form, sent as
the page fills it, is refused. What a frozen plan still takes (actuals, spend, conditions'
quarterly status, risks, funds: plans.permissions.ALLOWED_ON_FROZEN) stays offered.

Pages decide what to offer with the `may` tag (plans/templatetags/plan_permissions.py) or
a view's `permissions.can`: the rule itself lives in plans.permissions alone.
"""

from __future__ import annotations

import collections
import re
from urllib.parse import urljoin, urlsplit

import pytest
from bs4 import BeautifulSoup
from django.db import transaction
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client, RequestFactory
from django.urls import Resolver404, resolve

from fixtures.loader import load_sample_data
from tests.form_data import form_data

# The words of plans.permissions.Frozen, the refusal of a change to a frozen plan.
REFUSAL = "no longer changes: start a new draft version"
SKIP = re.compile(r"^/(admin|api|accounts)/|/(delete|remove|withdraw)/")
PER_KIND = 3


def _view(path: str) -> str | None:
    try:
        return resolve(urlsplit(path).path).view_name
    except Resolver404:
        return None


def _refused(response, client) -> bool:
    if response.status_code == 403:
        return True
    body = b"" if getattr(response, "streaming", False) else response.content
    if response.status_code in (301, 302) and response["Location"].startswith("/"):
        follow = client.get(response["Location"])
        body += b"" if getattr(follow, "streaming", False) else follow.content
    return REFUSAL in body.decode(errors="ignore")


def offers_refused(client: Client, plans: list[int]) -> tuple[list, int]:
    """The links and forms on the plans' pages whose target refuses, each with the page
    that offers it; and how many pages were read."""
    numbers = "|".join(str(pk) for pk in plans)
    in_plans = re.compile(rf"/plans/({numbers})/")
    queue = collections.deque(f"/plans/{pk}/" for pk in plans)
    seen: set[str] = set()
    kinds: collections.Counter = collections.Counter()
    forms_sent: set = set()
    found, offered_by, pages = [], {}, 0
    while queue:
        path = queue.popleft()
        if path in seen:
            continue
        seen.add(path)
        response = client.get(path)
        pages += 1
        if _refused(response, client):
            found.append(("link", path, offered_by.get(path)))
            continue
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            continue
        soup = BeautifulSoup(response.content, "html.parser")
        for anchor in soup.find_all("a", href=True):
            target = urlsplit(urljoin(path, anchor["href"]))
            if target.netloc and target.netloc != "testserver":
                continue
            href = target.path + (f"?{target.query}" if target.query else "")
            view = _view(href)
            if SKIP.search(href) or not in_plans.search(href) or view is None or href in seen:
                continue
            if kinds[view] < PER_KIND:
                kinds[view] += 1
                queue.append(href)
                offered_by.setdefault(href, (path, anchor.get_text(" ", strip=True)[:60]))
        for form in soup.find_all("form"):
            action = urljoin(path, form.get("action") or path)
            if (form.get("method") or "get").lower() != "post" or SKIP.search(action):
                continue
            data = form_data(form)
            key = (_view(action), tuple(sorted(data)))
            if key in forms_sent:
                continue
            forms_sent.add(key)
            with transaction.atomic():  # sent, then undone: the walk reads the same data
                refused = _refused(client.post(action, data), client)
                transaction.set_rollback(True)
            if refused:
                found.append(("form", urlsplit(action).path, path))
    return found, pages


@pytest.fixture(scope="module")
def sample(django_db_setup, django_db_blocker):
    from django.contrib.auth.models import User

    from plans.models import Plan

    with django_db_blocker.unblock(), transaction.atomic():
        load_sample_data(with_users=True)
        # The versions whose content is held: the 2014 draft, known only by its dates, has
        # no page beyond its own to offer anything (plans/tests/test_content_not_in_sources.py).
        frozen = sorted(p.pk for p in Plan.objects.with_content() if p.is_frozen)
        client = Client()
        client.force_login(User.objects.get(username="officer"))
        yield {"frozen": frozen, "result": offers_refused(client, frozen), "client": client}
        transaction.set_rollback(True)


def test_the_frozen_sample_plans_offer_no_change_they_refuse(sample):
    assert len(sample["frozen"]) == 2  # the 2014 plan (submitted) and 2016/17 (assured)
    found, pages = sample["result"]
    assert pages > 60
    assert found == []


def test_the_walk_finds_a_link_to_a_refusal(sample):
    """The check can fail: an edit page of a frozen plan is refused, and the walk says so."""
    pk = sample["frozen"][0]
    response = sample["client"].get(f"/plans/{pk}/edit/")
    assert response.status_code == 403 and _refused(response, sample["client"])


@pytest.mark.django_db
def test_may_asks_the_permissions_of_the_plan_as_it_stands(plan, officer, board):
    request = RequestFactory().get("/")
    template = Template('{% load plan_permissions %}{% may "edit_schemes" plan as ok %}{{ ok }}')
    request.user = officer
    assert template.render(Context({"request": request, "plan": plan})) == "True"
    request.user = board
    assert template.render(Context({"request": request, "plan": plan})) == "False"
    plan.status = "agreed"  # an agreed version no longer changes (not saved: asked as is)
    assert plan.is_frozen
    request.user = officer
    assert template.render(Context({"request": request, "plan": plan})) == "False"
    allowed = Template('{% load plan_permissions %}{% may "enter_actuals" plan as ok %}{{ ok }}')
    assert allowed.render(Context({"request": request, "plan": plan})) == "True"
    with pytest.raises(TemplateSyntaxError):
        Template('{% load plan_permissions %}{% may "edit_everything" plan as ok %}').render(
            Context({"request": request, "plan": plan})
        )
