"""National publications in the API, read only: the publications a user may read and the
figures each gave, scoped to the user's areas as every plan's data is (assurers and
administrators read every area's); their schema as the OpenAPI document gives it."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
import yaml
from django.urls import reverse

from plans.roles import ASSURER, OFFICER
from tests.factories import AreaFactory, UserFactory

from .test_publications import imported, national  # noqa: F401

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(national):  # noqa: F811
    _, first = imported("fingertips_falls_2016.csv", national["admin"], title="PHOF 2016")
    _, second = imported(
        "fingertips_falls_2017.csv",
        national["admin"],
        title="PHOF 2017",
        published_on=datetime.date(2017, 11, 7),
    )
    leicestershire = national["leicestershire"].area
    return {
        **national,
        "first": first,
        "second": second,
        "officer": UserFactory(roles=[OFFICER], areas=[leicestershire]),
        "elsewhere": UserFactory(roles=[OFFICER], areas=[AreaFactory(name="Elsewhere")]),
        "assurer": UserFactory(roles=[ASSURER]),
    }


def _get(client, user, name, *args):
    client.force_login(user)
    return client.get(reverse(name, args=args))


def _areas(figures) -> set[str]:
    return {figure["area"] for figure in figures}


@pytest.mark.parametrize("reader", ["assurer", "admin"])
def test_assurers_and_administrators_read_every_publication_and_every_areas_figures(
    client, published, reader
):
    listed = _get(client, published[reader], "api-publications").json()
    assert [p["name"] for p in listed] == ["PHOF 2017", "PHOF 2016"]
    second = next(p for p in listed if p["name"] == "PHOF 2017")
    assert (second["added"], second["revised"], second["unchanged"]) == (1, 1, 2)
    assert second["published_on"] == "2017-11-07" and second["layout"] == "fingertips"
    figures = _get(client, published[reader], "api-publication-figures", second["id"]).json()
    assert _areas(figures) == {"Leicestershire", "Rutland"}
    (revised,) = [f for f in figures if f["revisions"]]
    assert (revised["area"], revised["period"], revised["value"]) == (
        "Leicestershire",
        "2015/16",
        "1961.8000",
    )
    assert revised["metric"] == "falls-admissions-65-dsr"
    (earlier,) = revised["revisions"]
    assert (Decimal(earlier["value"]), earlier["publication"]) == (
        Decimal("1950.25"),
        published["first"].pk,
    )


def test_an_area_user_reads_only_their_areas_figures_and_the_publications_that_gave_them(
    client, published
):
    officer = published["officer"]
    listed = _get(client, officer, "api-publications").json()
    assert {p["name"] for p in listed} == {"PHOF 2016", "PHOF 2017"}
    for publication in (published["first"], published["second"]):
        figures = _get(client, officer, "api-publication-figures", publication.pk).json()
        assert figures and _areas(figures) == {"Leicestershire"}
    detail = _get(client, officer, "api-publication-detail", published["first"].pk).json()
    assert detail["name"] == "PHOF 2016" and detail["sha256"] == published["first"].sha256


def test_a_user_whose_areas_no_publication_reached_sees_none_and_is_refused_each(client, published):
    elsewhere = published["elsewhere"]
    assert _get(client, elsewhere, "api-publications").json() == []
    for name in ("api-publication-detail", "api-publication-figures"):
        assert _get(client, elsewhere, name, published["first"].pk).status_code == 404
    client.logout()
    assert client.get(reverse("api-publications")).status_code in (401, 403)


def test_the_figures_are_read_in_constant_queries(client, published, django_assert_max_num_queries):
    client.force_login(published["assurer"])
    url = reverse("api-publication-figures", args=[published["second"].pk])
    client.get(url)
    # the session and user with roles, the publication, the figures, their revisions
    with django_assert_max_num_queries(6):
        assert len(client.get(url).json()) == 2  # one added, one revised


def test_the_schema_describes_the_publications_endpoints(client):
    schema = yaml.safe_load(client.get(reverse("api-schema")).content)
    assert set(schema["paths"]["/api/publications/"]) == {"get"}  # read only
    for path in ("/api/publications/{id}/", "/api/publications/{id}/figures/"):
        assert set(schema["paths"][path]) - {"parameters"} == {"get"}  # read only
        assert {"200", "403", "404"} <= set(schema["paths"][path]["get"]["responses"])
    components = schema["components"]["schemas"]
    assert {"id", "name", "published_on", "url", "added", "revised", "unchanged"} <= set(
        components["Publication"]["properties"]
    )
    figure = components["PublishedFigure"]["properties"]
    assert {"area", "plan", "metric", "period", "value", "stage", "revisions"} <= set(figure)
    assert figure["revisions"]["items"]["$ref"] == "#/components/schemas/Revision"
