"""The metric arithmetic, checked against the sources' own figures and by properties."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from metrics import calculations as calc

D = Decimal
counts = st.decimals(min_value=0, max_value=100_000, places=0)
populations = st.decimals(min_value=1, max_value=10_000_000, places=0)
values = st.decimals(min_value=0, max_value=10_000, places=2)
units = st.sampled_from([calc.PER_100K_YEAR, calc.PER_100K_MONTH, calc.PERCENTAGE])


# Rates ----------------------------------------------------------------------------------


def test_a_rate_per_100000_per_year_is_annualised_from_the_months_counted():
    assert calc.rate(numerator=D(874), denominator=D(136407), unit=calc.PER_100K_YEAR) == D(
        "640.7296"
    )
    # Eleven months of 801 admissions is the same yearly rate as 873.8 in twelve.
    eleven = calc.rate(numerator=D(801), denominator=D(136407), unit=calc.PER_100K_YEAR, months=11)
    assert eleven == calc.rate(
        numerator=D(801) * 12 / 11, denominator=D(136407), unit=calc.PER_100K_YEAR
    )


def test_a_rate_per_month_is_the_average_month_of_the_period():
    # 59,030 non-elective admissions in a year for 679,096 people: 724.37 per 100,000 a month.
    value = calc.rate(numerator=D(59030), denominator=D(679096), unit=calc.PER_100K_MONTH)
    assert value.quantize(D("0.01")) == D("724.37")


def test_a_percentage_and_a_count():
    assert calc.rate(numerator=D(87), denominator=D(100), unit=calc.PERCENTAGE) == D("87.0000")
    assert calc.rate(numerator=D(12), denominator=None, unit=calc.COUNT) == D(12)


def test_a_rate_needs_a_population():
    with pytest.raises(ValueError):
        calc.rate(numerator=D(1), denominator=D(0), unit=calc.PER_100K_YEAR)


def test_the_numerator_and_population_a_rate_implies_invert_the_rate():
    count = calc.numerator_from_rate(value=D("606.4"), denominator=D(136407), unit="per_100k_year")
    assert count.quantize(D("0.1")) == D("827.2")  # "827 or fewer admissions"
    population = calc.denominator_from_rate(
        value=D("640.73"), numerator=D(874), unit="per_100k_year"
    )
    assert round(population) == 136407


@given(numerator=counts, population=populations, unit=units, factor=st.integers(1, 50))
def test_a_rate_scales_linearly_with_its_numerator(numerator, population, unit, factor):
    single = calc.rate(numerator=numerator, denominator=population, unit=unit)
    scaled = calc.rate(numerator=numerator * factor, denominator=population, unit=unit)
    assert abs(scaled - single * factor) <= D("0.0001") * factor


def test_a_monthly_rate_is_expressed_per_year_and_as_a_yearly_count():
    assert calc.annual_value(value=D("724.37"), unit=calc.PER_100K_MONTH) == D("8692.44")
    assert calc.annual_value(value=D("606.4"), unit=calc.PER_100K_YEAR) == D("606.4")
    count = calc.annual_count(value=D("724.37"), unit=calc.PER_100K_MONTH, population=D(679096))
    assert round(count) == 59030
    assert calc.annual_count(value=D("84.2"), unit=calc.PERCENTAGE, population=D(100)) is None


# Change from baseline -------------------------------------------------------------------

# (from, to, as the 2014 plan states the change) — lines 364-409 of seed 001.
STATED = [
    ("762.73", "718.74", "5.77"),  # permanent admissions 65+
    ("78.22", "82.19", "5.08"),  # still at home 91 days after reablement
    ("292.71", "288.18", "1.55"),  # delayed transfers, baseline to December 2014
    ("288.18", "287.67", "0.18"),  # delayed transfers, December 2014 to June 2015
    ("124.12", "121.69", "1.96"),  # avoidable emergency admissions
    ("162.17", "162.21", "0.02"),  # falls, March 2015 to September 2015
]


@pytest.mark.parametrize(("start", "end", "stated"), STATED)
def test_the_2014_plans_stated_percentage_changes_are_reproduced(start, end, stated):
    assert abs(calc.change_percent(start=D(start), end=D(end))) == D(stated)


def test_a_reduction_of_762_73_to_718_74_is_5_77_percent():
    assert calc.change_percent(start=D("762.73"), end=D("718.74")) == D("-5.77")
    assert calc.improvement_percent(start=D("762.73"), end=D("718.74"), direction="lower") == D(
        "5.77"
    )


def test_the_falls_reduction_the_plan_states_as_3_58_percent_is_3_585_so_rounds_to_3_59():
    # The plan presumably divided unrounded rates; from the printed 168.20 and 162.17 the
    # change is 3.58502 %, which rounds half up to 3.59. Recorded, not hidden.
    change = calc.change_percent(start=D("168.20"), end=D("162.17"), places="0.00001")
    assert change == D("-3.58502")
    assert calc.change_percent(start=D("168.20"), end=D("162.17")) == D("-3.59")


def test_no_change_from_a_missing_or_zero_baseline():
    assert calc.change_percent(start=None, end=D(1)) is None
    assert calc.change_percent(start=D(0), end=D(1)) is None


# Status ---------------------------------------------------------------------------------


def test_lower_is_better_meets_on_or_below_the_target():
    assert calc.status(actual=D("606.4"), target=D("606.4"), direction="lower") == calc.MET
    assert calc.status(actual=D("640.73"), target=D("606.4"), direction="lower") == calc.NOT_MET


def test_higher_is_better_meets_on_or_above_the_target():
    assert calc.status(actual=D("87.0"), target=D("84.2"), direction="higher") == calc.MET
    assert calc.status(actual=D("80"), target=D("84.2"), direction="higher") == calc.NOT_MET


def test_without_an_actual_or_a_target_there_is_no_data():
    assert calc.status(actual=None, target=D(1), direction="lower") == calc.NO_DATA
    assert calc.status(actual=D(1), target=None, direction="higher") == calc.NO_DATA


@given(actual=values, target=values)
def test_flipping_direction_flips_met_and_not_met(actual, target):
    lower = calc.status(actual=actual, target=target, direction="lower")
    higher = calc.status(actual=actual, target=target, direction="higher")
    if actual == target:
        assert lower == higher == calc.MET
    else:
        assert {lower, higher} == {calc.MET, calc.NOT_MET}


# Forecast -------------------------------------------------------------------------------


def test_the_2017_report_forecast_of_874_whole_admissions_from_april_to_february():
    assert calc.forecast_from_total(total=D(801), months_elapsed=11) == D(874)
    monthly = [D(73)] * 10 + [D(71)]  # 801 in eleven months
    assert calc.forecast_year_end(to_date=monthly) == D(874)


def test_a_forecast_from_quarters():
    assert calc.forecast_year_end(to_date=[D(10), D(20)], periods_in_year=4) == D(60)


@given(st.lists(counts, min_size=12, max_size=12))
def test_the_forecast_of_a_complete_year_equals_its_actual(months):
    assert calc.forecast_year_end(to_date=months) == sum(months, D(0))
    assert calc.forecast_from_total(total=sum(months, D(0)), months_elapsed=12) == sum(months)


def test_a_forecast_needs_data():
    with pytest.raises(ValueError):
        calc.forecast_year_end(to_date=[])


@pytest.mark.parametrize(
    ("typed", "held"),
    [("24,100", "24100"), ("1,585.3", "1585.3"), ("606.4", "606.4"), ("1,234,567", "1234567")],
)
def test_a_figure_is_read_with_its_thousands_grouped_by_commas(typed, held):
    from decimal import Decimal

    from metrics.forms import FigureField

    assert FigureField(required=False).clean(typed) == Decimal(held)


@pytest.mark.parametrize("typed", ["24,10", "2,4100", "24.100,5"])
def test_a_figure_grouped_wrongly_is_refused(typed):
    from django.core.exceptions import ValidationError

    from metrics.forms import FigureField

    with pytest.raises(ValidationError):
        FigureField(required=False).clean(typed)
