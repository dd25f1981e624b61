"""GET /api/frameworks/ and /api/frameworks/{id}/, and a plan's framework in the plans API."""

import pytest
import yaml

from fixtures.packs import pack_paths, packs_load
from frameworks.models import PolicyFramework

pytestmark = pytest.mark.django_db


def test_the_list_gives_each_framework_with_its_years(
    client_for, officer, django_assert_num_queries
):
    packs_load()
    client = client_for(officer)
    with django_assert_num_queries(3):  # session, user, frameworks
        answer = client.get("/api/frameworks/")
    assert answer.status_code == 200
    expected = {f.code: f.years_label for f in PolicyFramework.objects.all()}
    assert {row["code"]: row["years"] for row in answer.json()} == expected
    assert "2025/26" in expected.values()


def test_a_framework_gives_its_metrics_conditions_streams_templates_and_source(
    client_for, officer, django_assert_max_num_queries
):
    packs_load()
    client = client_for(officer)
    for path in pack_paths():
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        framework = PolicyFramework.objects.get(code=data["code"])
        # session, user, framework, its metrics (with their definitions and successors),
        # conditions, streams (with what they are within), templates: never one per row
        with django_assert_max_num_queries(10):
            answer = client.get(f"/api/frameworks/{framework.pk}/").json()
        assert [m["code"] for m in answer["metrics"]] == [m["code"] for m in data["metrics"]]
        assert [m["unit"] for m in answer["metrics"]] == [m["unit"] for m in data["metrics"]]
        assert [(c["text"], c["response_type"]) for c in answer["conditions"]] == [
            (" ".join(c["title"].split()), c["response_type"]) for c in data["conditions"]
        ]
        assert [(s["name"], s["kind"]) for s in answer["funding_streams"]] == [
            (s["name"], s["kind"]) for s in data["funding_streams"]
        ]
        rules = ("counts", "minimum", "checked_before_submission")
        assert [[s[k] for k in rules] for s in answer["funding_streams"]] == [
            [s.get("counts", ""), s.get("minimum", ""), s.get("checked_before_submission", False)]
            for s in data["funding_streams"]
        ]
        assert {t["kind"] for t in answer["templates"]} == {t["kind"] for t in data["templates"]}
        assert answer["source"]["title"] == " ".join(data["source"]["title"].split())


def test_the_2014_framework_names_the_document_kinds_the_plans_api_takes(client_for, officer):
    packs_load()
    framework = PolicyFramework.objects.covering(2014).get()
    answer = client_for(officer).get(f"/api/frameworks/{framework.pk}/").json()
    # and the product's own quarterly return workbook, which it writes for these years' returns
    assert {(t["kind"], t["format"]) for t in answer["templates"]} == {
        ("part1-pdf", "pdf"),
        ("part2-xlsx", "xlsx"),
        ("quarterly-return-xlsx", "xlsx"),
    }


def test_a_plan_names_its_framework(client_for, officer, plan):
    packs_load()
    plan.refresh_from_db()
    answer = client_for(officer).get(f"/api/plans/{plan.pk}/").json()
    assert answer["framework"] == plan.framework_id
    assert answer["framework"] is not None


def test_no_such_framework_is_a_404(client_for, officer):
    assert client_for(officer).get("/api/frameworks/999999/").status_code == 404


def test_signed_out_the_frameworks_are_refused(client):
    assert client.get("/api/frameworks/").status_code in (401, 403)
