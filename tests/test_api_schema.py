"""The OpenAPI schema describes what the API gives: the fields each page shows, and the
documents' files (a plan's and a return's) fetched with the API's own credentials."""

import pytest
import yaml
from django.urls import reverse


@pytest.fixture
def schema(client):
    response = client.get(reverse("api-schema"))
    assert response.status_code == 200
    return yaml.safe_load(response.content)


def _fields(schema, component: str) -> set[str]:
    return set(schema["components"]["schemas"][component]["properties"])


@pytest.mark.parametrize(
    ("component", "fields"),
    [
        ("Fund", {"id", "name", "releases"}),
        ("FundRelease", {"amount", "released_on", "when", "to", "purpose", "decision"}),
        ("Risk", {"impact", "potential_impact", "mitigations", "likelihood_after", "impact_after"}),
        ("Scheme", {"protects_social_care", "protects_nhs_services"}),
        ("Meeting", {"title", "items"}),
        ("AgendaItem", {"summary", "minutes"}),
        ("MinutePoint", {"numeral", "text"}),
        ("Framework", {"id", "name", "years"}),
        (
            "FrameworkDetail",
            {"metrics", "conditions", "funding_streams", "templates", "source", "years"},
        ),
        ("FrameworkMetric", {"code", "name", "unit", "direction"}),
        ("Condition", {"number", "text", "response_type"}),
        ("FundingStream", {"name", "kind", "counts", "minimum", "checked_before_submission"}),
        ("Template", {"kind", "name", "format"}),
        ("PlanDetail", {"framework"}),
        # A return's stored report and workbook, each with the url of its file.
        # A year-end return is a return of kind year_end (the year's quarter 4).
        ("Return", {"documents", "kind"}),
        ("ReturnDetail", {"documents", "snapshot", "kind"}),
        ("Document", {"kind", "version", "checksum", "url"}),
    ],
)
def test_the_schema_names_what_the_pages_show(schema, component, fields):
    assert fields <= _fields(schema, component)


def test_the_schema_describes_the_frameworks_endpoints(schema):
    assert "/api/frameworks/" in schema["paths"]
    detail = schema["paths"]["/api/frameworks/{id}/"]["get"]
    assert {"200", "404"} <= set(detail["responses"])


def test_the_schema_describes_a_documents_file_and_how_to_sign_in_for_it(schema):
    operation = schema["paths"]["/api/documents/{id}/file/"]["get"]
    assert set(operation["responses"]["200"]["content"]) == {
        "application/pdf",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    }
    assert {"403", "404"} <= set(operation["responses"])
    schemes = {name for requirement in operation["security"] for name in requirement}
    assert "knoxApiToken" in schemes


def test_the_schema_gives_a_returns_documents_as_documents(schema):
    documents = schema["components"]["schemas"]["Return"]["properties"]["documents"]
    assert documents["items"]["$ref"] == "#/components/schemas/Document"
