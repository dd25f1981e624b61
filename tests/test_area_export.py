"""export_area and import_area round-trip an area's whole data with nothing lost.

The Leicestershire sample data (every plan, scheme, figure, risk, meeting and their
history) is exported, the database emptied (flush, as a restore into a new database
would start), the file imported, and every row of every model of the apps compared with
what was there before. The comparison is made with Django's own serializer over all the
models, not with the exporter's choice of rows, so a model the exporter missed shows up
as rows lost. Users and content types are compared by their natural keys (username,
app and model), which survive a new database; the other ids are kept by the import and
so compared as they are.
"""

from __future__ import annotations

import io
import json
from collections import Counter

import pytest
from django.apps import apps
from django.core import serializers
from django.core.management import CommandError, call_command

from fixtures.loader import load_sample_data
from plans.models import Area
from submissions.management.commands.export_area import APPS, NOT_EXPORTED
from submissions.management.commands.import_area import import_area

LEICESTERSHIRE = ("leicestershire_2014.yaml",)


def canonical_dump() -> dict[str, list[str]]:
    """Every row of every model of the apps, as sorted JSON texts per model."""
    dump = {}
    for label in APPS:
        for model in apps.get_app_config(label).get_models():
            if model._meta.label in NOT_EXPORTED:
                continue
            rows = serializers.serialize(
                "python", model._base_manager.order_by("pk"), use_natural_foreign_keys=True
            )
            dump[model._meta.label] = sorted(
                json.dumps(row, sort_keys=True, default=str) for row in rows
            )
    return dump


def export(name: str) -> str:
    out = io.StringIO()
    call_command("export_area", name, stdout=out)
    return out.getvalue()


@pytest.fixture
def leicestershire(transactional_db):
    load_sample_data(with_users=False, files=LEICESTERSHIRE)
    return Area.objects.get(name="Leicestershire")


def test_an_area_exported_and_imported_into_an_empty_database_is_the_same(leicestershire, tmp_path):
    before = canonical_dump()
    file = tmp_path / "leicestershire.json"
    file.write_text(export("Leicestershire"))

    call_command("flush", interactive=False, verbosity=0)
    assert Area.objects.count() == 0
    out = io.StringIO()
    call_command("import_area", str(file), stdout=out)
    after = canonical_dump()

    counts = {label: len(rows) for label, rows in before.items() if rows}
    print(f"\nround trip: {sum(counts.values())} rows of {len(counts)} models; {out.getvalue()}")
    assert {label: len(rows) for label, rows in after.items() if rows} == counts
    lost = {label: sorted(set(rows) - set(after[label]))[:3] for label, rows in before.items()}
    assert {label: rows for label, rows in lost.items() if rows} == {}
    assert after == before
    # The sample data reaches every part of an area: nothing compared is trivially empty.
    for label in (
        "plans.Plan",
        "schemes.SchemeBudget",
        "metrics.Actual",
        "risks.Risk",
        "governance.Decision",
        "governance.Approval",
        "submissions.QuarterlyReturn",
        "plans.ConditionStatus",
        "plans.HistoricalPlan",
    ):
        assert counts.get(label), label


def test_import_refuses_an_area_that_is_already_there_and_writes_nothing(
    leicestershire,
):
    text = export("Leicestershire")
    before = canonical_dump()
    with pytest.raises(CommandError, match="already in this database"):
        import_area(text)
    assert canonical_dump() == before


def test_import_writes_nothing_when_a_row_is_bad(leicestershire):
    records = json.loads(export("Leicestershire"))
    call_command("flush", interactive=False, verbosity=0)
    # A scheme budget of a scheme that is not in the file: the key check fails at the end.
    budget = next(r for r in records if r["model"] == "schemes.schemebudget")
    budget["fields"]["scheme"] = 999_999
    with pytest.raises(Exception):  # noqa: B017 (IntegrityError or CommandError)
        import_area(json.dumps(records))
    assert Area.objects.count() == 0
    assert Counter(r["model"] for r in records)["plans.plan"] > 0


def test_import_names_users_that_must_exist_first(leicestershire):
    records = json.loads(export("Leicestershire"))
    call_command("flush", interactive=False, verbosity=0)
    plan_history = next(r for r in records if r["model"] == "plans.historicalplan")
    plan_history["fields"]["history_user"] = ["priya.patel"]
    with pytest.raises(CommandError, match="priya.patel"):
        import_area(json.dumps(records))
    assert Area.objects.count() == 0


def test_export_holds_one_area_and_none_of_anothers(transactional_db):
    load_sample_data(with_users=False)
    rutland = Area.objects.get(name="Rutland")
    records = json.loads(export("Leicestershire"))
    areas = [r["pk"] for r in records if r["model"] == "plans.area"]
    plans = {r["pk"] for r in records if r["model"] == "plans.plan"}
    assert areas == [Area.objects.get(name="Leicestershire").pk]
    assert plans.isdisjoint(rutland.plans.values_list("pk", flat=True))
    assert not [r for r in records if r["fields"].get("area") == rutland.pk]
