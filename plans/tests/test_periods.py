import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from plans.periods import FinancialYear, Quarter, year_range


@pytest.mark.parametrize("label", ["2016/17", "2016-17", "2016/2017", " 2016 / 17 "])
def test_financial_year_reads_the_ways_people_write_it(label):
    assert FinancialYear.parse(label) == FinancialYear(2016)


@pytest.mark.parametrize("label", ["2016/18", "2016", "16/17", "next year", "2099/01"])
def test_financial_year_refuses_what_is_not_one(label):
    with pytest.raises(ValueError, match="is not a financial year"):
        FinancialYear.parse(label)


def test_financial_year_across_a_century():
    assert FinancialYear.parse("1999/00").label == "1999/00"
    assert FinancialYear(2099).label == "2099/00"


def test_financial_year_runs_from_april_to_march():
    year = FinancialYear(2016)
    assert (year.start, year.end) == (datetime.date(2016, 4, 1), datetime.date(2017, 3, 31))


@pytest.mark.parametrize(
    "day, year, quarter",
    [
        (datetime.date(2017, 3, 31), 2016, 4),
        (datetime.date(2017, 4, 1), 2017, 1),
        (datetime.date(2016, 6, 30), 2016, 1),
        (datetime.date(2016, 7, 1), 2016, 2),
        (datetime.date(2016, 12, 31), 2016, 3),
        (datetime.date(2017, 1, 1), 2016, 4),
    ],
)
def test_quarter_boundaries(day, year, quarter):
    assert Quarter.containing(day) == Quarter(FinancialYear(year), quarter)


def test_quarter_dates_and_label():
    q4 = FinancialYear(2016).quarter(4)
    assert (q4.start, q4.end, q4.label) == (
        datetime.date(2017, 1, 1),
        datetime.date(2017, 3, 31),
        "2016/17 Q4",
    )


def test_quarter_numbers_are_one_to_four():
    with pytest.raises(ValueError):
        Quarter(FinancialYear(2016), 5)


@given(st.dates(min_value=datetime.date(1950, 1, 1), max_value=datetime.date(2150, 12, 31)))
def test_every_day_lies_in_its_year_and_quarter(day):
    quarter = Quarter.containing(day)
    assert quarter.year.start <= quarter.start <= day <= quarter.end <= quarter.year.end
    assert FinancialYear.parse(quarter.year.label) == quarter.year


def test_year_range_includes_both_ends():
    assert [y.label for y in year_range(2014, 2015)] == ["2014/15", "2015/16"]
