"""Each kind of figure written one way (plans/presentation.py)."""

import datetime
from decimal import Decimal as D

import pytest

from plans import presentation as p


@pytest.mark.parametrize(
    "value, unit, expected",
    [
        (D("640.5963"), "per_100k_year", "640.60"),
        ("606.4000", "per_100k_year", "606.40"),
        (D("3746.28"), "per_100k_month", "3,746.28"),
        (D("87.0000"), "percentage", "87.0%"),
        ("84.2500", "percentage", "84.3%"),
        (D("78.22"), "percentage", "78.22%"),  # as the 2014 plan writes it
        (D("827.1717"), "count", "827"),
        (D("873.8182"), "count", "874"),
        (D("12.345"), None, "12.35"),
        # A value holding fewer decimals than its unit's is a figure kept as written.
        (D("1585.3"), "per_100k_year", "1,585.3"),
        (D("62.2"), "percentage", "62.2%"),
        (D("640"), "per_100k_year", "640.00"),
        (608.0, "per_100k_year", "608.00"),  # a chart's axis
        (None, "count", "–"),
        ("", "percentage", "–"),
    ],
)
def test_a_metric_value_is_written_at_the_precision_of_its_unit(value, unit, expected):
    assert p.metric_text(value, unit) == expected


@pytest.mark.parametrize(
    "value, unit, direction, expected",
    [
        (D("827.17"), "count", "lower", "827 or fewer"),
        (D("2010"), "count", "higher", "2,010 or more"),
        # Held as its source writes it ("a rate of 606.4"): not padded to the unit's two.
        (D("606.4"), "per_100k_year", "lower", "606.4 or lower"),
        (D("606.4000"), "per_100k_year", "lower", "606.40 or lower"),
        (D("84.2"), "percentage", "higher", "84.2% or higher"),
        (D("84.2"), "percentage", None, "84.2%"),
        (None, "count", "lower", "–"),
    ],
)
def test_a_target_is_written_with_the_wording_of_its_direction(value, unit, direction, expected):
    assert p.target_text(value, unit, direction) == expected


def test_money_dates_years_and_changes():
    assert p.money_text(D("18251000")) == "£18,251,000"
    assert p.money_text("750000.50") == "£750,000.50"
    assert p.money_text(D("-249000")) == "-£249,000"
    assert p.money_text(None) == "–"
    assert p.date_text(datetime.date(2015, 3, 31)) == "31 March 2015"
    assert p.date_text("2017-03-31") == "31 March 2017"
    assert p.date_text("not a date") == "not a date"
    assert p.date_text(None) == ""
    # A month the source gives without a day ("by September 2017") is never given one.
    assert p.date_text(datetime.date(2017, 9, 1), "month") == "September 2017"
    assert p.date_text("2015-11-01", "month") == "November 2015"
    assert p.year_text(2016) == "2016/17"
    assert p.year_text("2016-17") == "2016/17"
    assert p.change_text(D("-5.77")) == "-5.77%"
    assert p.change_text(D("3.1")) == "+3.10%"


def test_spreadsheet_numbers_are_the_numbers_the_page_shows():
    assert p.metric_number(D("640.5963"), "per_100k_year") == D("640.60")
    assert p.metric_number("87.0000", "percentage") == D("87.0")
    assert p.metric_number(D("873.8182"), "count") == D("874")
    assert p.money_number("18251000") == D("18251000.00")
    assert p.EXCEL_FORMATS[p.kind_of("percentage")] == '0.0"%"'
    assert p.EXCEL_FORMATS[p.kind_of("count")] == "#,##0"


def test_a_figure_kept_as_written_reads_so_in_a_spreadsheet_cell_too():
    assert p.metric_number(D("606.4"), "per_100k_year") == D("606.4")
    assert p.metric_excel_format(D("606.4"), "per_100k_year") == "#,##0.0"
    assert p.metric_excel_format(D("78.22"), "percentage") == '0.00"%"'
    assert p.metric_excel_format(D("606.4000"), "per_100k_year") == "#,##0.00"
    assert p.metric_number(D("606.4000"), "per_100k_year") == D("606.40")
