"""Which national conditions apply to a planning year is one rule, said twice: in SQL
(`NationalCondition.objects.applying_to`, for lists and the national figures) and in Python
(`NationalCondition.applies_to`, for a condition in hand). They must agree on every case."""

import itertools

import pytest

from plans.models import NationalCondition

YEARS = range(2013, 2019)


@pytest.mark.django_db
def test_the_queryset_and_the_method_agree_for_every_span_and_year():
    spans = [
        (first, last) for first in YEARS for last in (None, *YEARS) if last is None or last >= first
    ]
    conditions = [
        NationalCondition.objects.create(
            code=f"c-{i}", title=f"{first}–{last}", first_year=first, last_year=last
        )
        for i, (first, last) in enumerate(spans)
    ]
    for year in itertools.chain([2012], YEARS, [2020]):
        in_sql = set(NationalCondition.objects.applying_to(year).values_list("pk", flat=True))
        in_python = {c.pk for c in conditions if c.applies_to(year)}
        assert in_sql == in_python, year
    # Not vacuous: some apply and some do not.
    assert 0 < NationalCondition.objects.applying_to(2015).count() < len(conditions)
