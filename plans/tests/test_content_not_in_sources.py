"""A version the sources name without giving its content: held by its dates, the decision on
it and the sources' words, with no content; its own page, versions page and history show it
for what it is, and every other page, change, document and API answer of it says that its
content is not among the sources (plans.permissions.ContentNotHeld)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from plans import permissions
from plans import services as plan_services
from plans.models import Plan
from plans.templatetags.plan_nav import _GROUPS, _WITHOUT_CONTENT
from submissions.documents.services import plan_roll_forward

SAID = (
    "“Date submitted: 14/02/2014 and 04/04/14” (001 line 15)\n"
    "“We provided an initial risk analysis for the draft submission.” (001 line 1274)"
)


@pytest.fixture
def draft(area):
    return plan_services.plan_create(
        area=area,
        title=f"{area.name} Better Care Fund plan",
        first_year=2014,
        last_year=2015,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2014, 2, 14),
        content_not_in_sources=SAID,
    )


def test_it_is_made_with_no_content_and_named_so(draft):
    assert not draft.content_held
    assert draft.content_said == SAID.splitlines()
    assert not draft.sections.exists() and not draft.ccgs.exists()
    assert draft.version_label == "Draft 1, not yet agreed (its content is not among the sources)"
    assert list(Plan.objects.with_content().filter(pk=draft.pk)) == []


def test_no_content_is_given_to_it(draft, area):
    with pytest.raises(ValidationError):
        plan_services.plan_create(
            area=area,
            title="Another",
            first_year=2014,
            last_year=2015,
            version_kind=Plan.VersionKind.DRAFT,
            version_date=datetime.date(2014, 2, 14),
            boundary_differences="Some content.",
            content_not_in_sources=SAID,
        )
    with pytest.raises(permissions.ContentNotHeld):
        plan_services.plan_year_set(
            plan=draft,
            year=2014,
            minimum_required=1,
            agreed_total=2,
        )
    with pytest.raises(permissions.ContentNotHeld):
        plan_roll_forward(plan=draft, version_kind="final", version_date=datetime.date(2014, 4, 4))


def _plan_pages():
    for _, links in _GROUPS:
        for _label, name, _action, _scope, _covers in links:
            yield name


@pytest.mark.parametrize("role", ["officer", "board", "assurer"])
def test_its_own_pages_say_so_and_the_others_refuse_with_the_sources_words(
    request, client_for, draft, role
):
    client = client_for(request.getfixturevalue(role))
    for name in _plan_pages():
        response = client.get(reverse(name, args=[draft.pk]))
        page = response.content.decode()
        if name in _WITHOUT_CONTENT:
            assert response.status_code == 200, name
            assert "The content of this version is not among the sources." in page, name
        elif response.status_code != 403:  # a page the role may not open at all
            assert response.status_code == 404, name
            assert "This version's content is not among the sources" in page, name
            assert "“We provided an initial risk analysis for the draft submission.”" in page
    plan_page = client.get(reverse("plans:plan_detail", args=[draft.pk])).content.decode()
    for absent in ("Plan details", "Authorisation and sign-off", "Edit plan details"):
        assert absent not in plan_page
    nav = plan_page.split('aria-label="This plan"')[1].split("</nav>")[0]
    assert reverse("schemes:scheme_list", args=[draft.pk]) not in nav


def test_its_documents_are_refused_with_the_message(client_for, officer, draft):
    response = client_for(officer).post(
        reverse("submissions:document_render", args=[draft.pk]), {"kind": "part1_pdf"}
    )
    assert response.status_code == 404
    assert "its content is not among the sources" in response.content.decode()
    assert not permissions.can(officer, permissions.RENDER_DOCUMENTS, draft)
    assert not permissions.can(officer, permissions.ENTER_ACTUALS, draft)


def test_the_api_gives_it_with_the_sources_words_and_refuses_its_content(client_for, board, draft):
    client = client_for(board)
    detail = client.get(reverse("api-plan-detail", args=[draft.pk])).json()
    assert detail["content_in_sources"] is False
    assert detail["content_not_in_sources"] == SAID.splitlines()
    assert detail["budget"] is None
    listed = {p["id"]: p for p in client.get(reverse("api-plan-list")).json()}
    assert listed[draft.pk]["content_in_sources"] is False
    for name in ("api-plan-schemes", "api-plan-metrics", "api-plan-risks", "api-plan-returns"):
        response = client.get(reverse(name, args=[draft.pk]))
        assert response.status_code == 404, name
        assert "content is not among the sources" in response.json()["detail"], name


def test_a_version_after_it_names_it_in_its_approval_trail(client_for, board, draft, plan):
    # `plan` (the conftest's final of the same area and years) is made after the draft.
    assert plan.number == 2
    page = client_for(board).get(reverse("plans:plan_detail", args=[plan.pk])).content.decode()
    assert "Before this version" in page
    assert draft.version_label in page
    versions = client_for(board).get(reverse("submissions:version_list", args=[plan.pk]))
    text = versions.content.decode()
    assert reverse("submissions:version_diff", args=[plan.pk, draft.pk]) not in text
    assert reverse("plans:plan_detail", args=[draft.pk]) in text
