"""Statements written once per process (plans/statements.py): the same SQL as the ORM
writes for the values asked for, the same rows, converted as the ORM converts them; a
queryset it cannot keep run by the ORM as it is."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.models import CharField, F, Value
from django.test.utils import CaptureQueriesContext

from plans import statements
from plans.models import Area, Plan
from tests.factories import AreaFactory, PlanFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _written_afresh():
    statements._STATEMENTS.clear()
    yield
    statements._STATEMENTS.clear()


def _sql(run) -> tuple[list, list[str]]:
    with CaptureQueriesContext(connection) as queries:
        rows = run()
    return rows, [q["sql"] for q in queries.captured_queries]


def _plans_of(year: int, region: str):
    return Plan.objects.filter(first_year__lte=year, area__region=region).order_by("pk")


def test_model_rows_are_the_orms_for_each_value_asked_for():
    north = AreaFactory(region="North")
    south = AreaFactory(region="South")
    plans = [PlanFactory(area=north, first_year=2015), PlanFactory(area=south, first_year=2016)]
    for year, region in ((2016, "North"), (2016, "South"), (2015, "South"), (2016, "East")):
        kept, kept_sql = _sql(
            lambda y=year, r=region: statements.model_rows("t", Plan, _plans_of, y, r)
        )
        orm, orm_sql = _sql(lambda y=year, r=region: list(_plans_of(y, r)))
        assert kept_sql == orm_sql  # the same statement, with the values asked for
        assert [vars(p) | {"_state": None} for p in kept] == [
            vars(p) | {"_state": None} for p in orm
        ]
        assert all(not p._state.adding and p._state.db == "default" for p in kept)
    assert statements._STATEMENTS[("t", "default")] is not None
    assert {p.pk for p in statements.model_rows("t", Plan, _plans_of, 2016, "North")} == {
        plans[0].pk
    }


def test_plan_by_id():
    plan = PlanFactory()
    kept, kept_sql = _sql(lambda: Plan.objects.by_id(plan.pk))
    orm, orm_sql = _sql(lambda: Plan.objects.get(pk=plan.pk))
    assert kept_sql == orm_sql
    assert vars(kept) | {"_state": None} == vars(orm) | {"_state": None}
    with pytest.raises(Plan.DoesNotExist):
        Plan.objects.by_id(plan.pk + 1000)


def _names(region: str):
    # A converted column (an annotation cast to text) and a flat list.
    return (
        Area.objects.filter(region=region)
        .annotate(shown=Value("x", output_field=CharField()))
        .order_by("name")
        .values_list("name", F("shown"))
    )


def _codes(region: str):
    return Area.objects.filter(region=region).order_by("code").values_list("code", flat=True)


def test_value_rows_flat_or_not():
    AreaFactory(region="North", name="B")
    AreaFactory(region="North", name="A")
    AreaFactory(region="South", name="C")
    for region in ("North", "South", "West"):
        assert statements.value_rows("names", Area, _names, region) == list(_names(region))
        assert statements.value_rows("codes", Area, _codes, region) == list(_codes(region))
    assert statements.value_rows("names", Area, _names, "North") == [("A", "x"), ("B", "x")]


def _with_area(year: int):
    return Plan.objects.select_related("area").filter(first_year=year)


def test_a_queryset_it_cannot_keep_is_run_by_the_orm():
    plan = PlanFactory(first_year=2017)
    found = statements.model_rows("related", Plan, _with_area, 2017)
    assert [p.pk for p in found] == [plan.pk]
    with CaptureQueriesContext(connection) as queries:
        assert found[0].area.name == plan.area.name  # read with the plan, as the ORM does
    assert not queries.captured_queries
    assert statements._STATEMENTS[("related", "default")] is None


def test_arguments_are_numbers_or_text():
    with pytest.raises(TypeError):
        statements.model_rows("none", Plan, lambda year: Plan.objects.filter(first_year=year), None)
