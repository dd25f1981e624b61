"""Framework packs: one data file per framework, loaded through the services, checked
before anything is written, idempotent; each plan takes the framework of its years."""

import datetime
import io
from pathlib import Path

import pytest
import yaml
from django.core.exceptions import ValidationError
from django.core.management import call_command

from fixtures.packs import PackError, pack_load, pack_paths, packs_load
from frameworks.models import PolicyFramework
from metrics import calculations
from metrics.models import MetricDefinition
from plans import services as plan_services
from plans.models import ConditionStatus, NationalCondition
from schemes.models import SchemeType
from tests.factories import AreaFactory

pytestmark = pytest.mark.django_db


def _read(path: Path) -> dict:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


SMALL = {
    "code": "test-small",
    "name": "An invented framework",
    "years": ["2031/32"],
    "source": {"title": "Invented for a test; no public source"},
    "unknowns": "Everything: it is invented.",
    "return_due_months": 1,
    "metrics": [
        {
            "code": "test-wait-days",
            "name": "Mean days waited for a care assessment",
            "short_name": "Days waited",
            "unit": "days",
            "direction": "lower",
            "goal_granularity": "quarter",
        },
        {
            "code": "test-admissions-asr",
            "name": "Emergency admissions, age-standardised",
            "short_name": "Admissions (age-standardised)",
            "unit": "age_std_100k_year",
            "direction": "lower",
        },
    ],
    "conditions": [
        {"code": "test-plan-agreed", "title": "The plan is agreed", "response_type": "assurance"}
    ],
    "funding_streams": [
        {"code": "pool", "name": "The pool", "kind": "nhs_minimum"},
        {"code": "care", "name": "Care share", "kind": "ring_fence", "within": "pool"},
    ],
    "scheme_catalogue": {
        "source": "Invented",
        "types": [{"name": "Invented type", "sub_types": ["Invented sub type"]}],
        "areas_of_spend": ["Invented area"],
    },
    "narrative_headings": [{"key": "approach", "title": "Our approach"}],
    "deadlines": [{"kind": "plan", "name": "Plan in", "due_on": datetime.date(2031, 6, 30)}],
    "templates": [
        {"kind": "plan-xlsx", "name": "Plan", "purpose": "plan", "format": "xlsx"},
        {
            "kind": "quarterly-return-xlsx",
            "name": "Return",
            "purpose": "quarterly_return",
            "format": "xlsx",
        },
    ],
}


def _write(tmp_path: Path, data: dict, name: str = "small.yaml") -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


def test_every_pack_loads_with_what_its_file_lists():
    packs_load()
    for path in pack_paths():
        data = _read(path)
        framework = PolicyFramework.objects.get(code=data["code"])
        assert framework.source_title
        assert sorted(framework.metrics.values_list("code", flat=True)) == sorted(
            m["code"] for m in data.get("metrics") or []
        )
        assert list(framework.conditions.order_by("order").values_list("code", flat=True)) == [
            c["code"] for c in data.get("conditions") or []
        ]
        assert [s.name for s in framework.funding_streams.all()] == [
            s["name"] for s in data.get("funding_streams") or []
        ]
        assert [h.key for h in framework.narrative_headings.all()] == [
            h["key"] for h in data.get("narrative_headings") or []
        ]
        assert sorted(t.kind for t in framework.templates.all()) == sorted(
            t["kind"] for t in data.get("templates") or []
        )


def test_loading_the_packs_again_changes_nothing():
    packs_load()
    counts = (
        MetricDefinition.history.count(),
        NationalCondition.history.count(),
        PolicyFramework.history.count(),
        SchemeType.history.count(),
    )
    packs_load()
    assert (
        MetricDefinition.history.count(),
        NationalCondition.history.count(),
        PolicyFramework.history.count(),
        SchemeType.history.count(),
    ) == counts


def test_a_plan_takes_the_framework_of_its_first_year():
    packs_load()
    area = AreaFactory()
    for first_year in (2014, 2015, 2016):
        plan = plan_services.plan_create(
            area=area,
            title=f"Plan {first_year}",
            first_year=first_year,
            last_year=first_year,
            version_kind="draft",
            version_date=datetime.date(first_year, 4, 1),
        )
        assert plan.framework.covers(first_year)
    outside = plan_services.plan_create(
        area=area,
        title="Plan of a year no framework covers",
        first_year=2040,
        last_year=2040,
        version_kind="draft",
        version_date=datetime.date(2040, 4, 1),
    )
    assert outside.framework is None


def test_a_framework_loaded_later_is_given_to_the_plans_of_its_years(tmp_path):
    area = AreaFactory()
    plan = plan_services.plan_create(
        area=area,
        title="Written before its framework was loaded",
        first_year=2031,
        last_year=2031,
        version_kind="draft",
        version_date=datetime.date(2031, 4, 1),
    )
    framework = pack_load(_write(tmp_path, SMALL))
    plan.refresh_from_db()
    assert plan.framework == framework


def test_an_invented_framework_is_one_data_file(tmp_path):
    out = io.StringIO()
    call_command("load_frameworks", str(_write(tmp_path, SMALL)), stdout=out)
    assert "1 frameworks loaded" in out.getvalue()
    framework = PolicyFramework.objects.get(code="test-small")
    assert framework.years_label == "2031/32"
    units = dict(framework.metrics.values_list("code", "unit"))
    assert units == {"test-wait-days": "days", "test-admissions-asr": "age_std_100k_year"}
    ring_fence = framework.funding_streams.get(code="care")
    assert ring_fence.within.code == "pool"
    assert framework.scheme_types.get().sub_types.get().name == "Invented sub type"
    assert framework.deadlines.get().due_on == datetime.date(2031, 6, 30)
    condition = framework.conditions.get()
    assert condition.response_type == NationalCondition.ResponseType.ASSURANCE


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["metrics"][1].update(unit="furlongs"), "metrics[1].unit is “furlongs”"),
        (lambda d: d.update(colour="blue"), "pack.colour is not a key a pack knows"),
        (lambda d: d.update(years=["2031/33"]), "years: “2031/33” is not a financial year"),
        (lambda d: d["conditions"][0].pop("title"), "conditions[0].title is missing"),
        (
            lambda d: d["funding_streams"][1].update(within="elsewhere"),
            "funding_streams[1].within names “elsewhere”",
        ),
        (lambda d: d["deadlines"][0].update(due_on="soon"), "deadlines[0].due_on should be"),
    ],
)
def test_a_faulty_pack_is_refused_naming_file_and_place_and_nothing_is_written(
    tmp_path, change, message
):
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    change(data)
    with pytest.raises(PackError) as refused:
        pack_load(_write(tmp_path, data, "faulty.yaml"))
    assert str(refused.value).startswith("faulty.yaml: ")
    assert message in str(refused.value)
    assert not PolicyFramework.objects.exists()
    assert not MetricDefinition.objects.exists()


def test_a_metric_replaced_by_an_unknown_code_is_refused_and_nothing_is_written(tmp_path):
    data = yaml.safe_load(yaml.safe_dump(SMALL))
    data["metrics"][0]["replaced_by"] = "no-such-metric"
    with pytest.raises(PackError, match="no metric has the code “no-such-metric”"):
        pack_load(_write(tmp_path, data))
    assert not PolicyFramework.objects.exists()


def test_frameworks_cannot_overlap(tmp_path):
    pack_load(_write(tmp_path, SMALL))
    other = dict(SMALL, code="test-overlapping", years=["2030/31", "2031/32"], metrics=[])
    with pytest.raises(PackError, match="overlap those of An invented framework"):
        pack_load(_write(tmp_path, other, "overlapping.yaml"))


def test_older_metrics_name_the_later_metrics_that_replace_them():
    packs_load()
    replaced = MetricDefinition.objects.get(code="avoidable-emergency-admissions")
    assert replaced.replaced_by.frameworks.filter(
        first_year__gt=replaced.frameworks.get().last_year
    )


def test_an_assurance_statement_is_answered_yes_or_no_with_narrative(tmp_path):
    framework = pack_load(_write(tmp_path, SMALL))
    plan = plan_services.plan_create(
        area=AreaFactory(),
        title="Plan",
        first_year=2031,
        last_year=2031,
        version_kind="draft",
        version_date=datetime.date(2031, 4, 1),
    )
    condition = framework.conditions.get()
    answer = {"plan": plan, "condition": condition, "year": 2031, "quarter": 1}
    with pytest.raises(ValidationError, match="answered yes or no"):
        plan_services.condition_status_set(**answer, status="met", narrative="Agreed in May.")
    with pytest.raises(ValidationError, match="Say how the plan meets it"):
        plan_services.condition_status_set(**answer, status="yes")
    recorded = plan_services.condition_status_set(**answer, status="yes", narrative="Agreed.")
    assert recorded.status == ConditionStatus.Status.YES


def test_days_are_total_days_over_cases_and_age_standardised_rates_are_entered():
    assert calculations.rate(numerator=45, denominator=10, unit=calculations.DAYS) == 4.5
    assert calculations.numerator_from_rate(value=4.5, denominator=10, unit="days") == 45
    with pytest.raises(ValueError, match="entered as published"):
        calculations.rate(numerator=45, denominator=10, unit=calculations.AGE_STANDARDISED)


def test_packs_that_share_a_metric_give_it_one_definition():
    """A metric asked for by several frameworks is one definition (plans' figures refer to
    it across years): the packs must say the same of it, or the last loaded would win."""
    fields = ("name", "short_name", "unit", "direction", "definition", "kind", "population_basis")
    seen: dict[str, tuple[str, dict]] = {}
    for path in pack_paths():
        for metric in _read(path).get("metrics") or []:
            said = {f: " ".join(str(metric.get(f) or "").split()) for f in fields}
            if metric["code"] in seen:
                first_path, first = seen[metric["code"]]
                assert said == first, f"{metric['code']}: {path.name} differs from {first_path}"
            else:
                seen[metric["code"]] = (path.name, said)


def test_every_pack_cites_its_source_and_says_what_it_does_not_know():
    for path in pack_paths():
        data = _read(path)
        assert data["source"]["title"].strip(), path.name
        assert data.get("unknowns", "").strip(), path.name
