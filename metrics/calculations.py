"""The arithmetic of the outcome metrics: pure functions on Decimal, no database.

Units (metrics.models.MetricDefinition.Unit):
  - per_100k_year: events per 100,000 population per year (permanent admissions 65+);
  - per_100k_month: events per 100,000 population per month, averaged over the period
    (delayed transfers of care, non-elective admissions);
  - percentage: numerator as a percentage of the denominator (reablement, patient survey);
  - count: the number of events itself;
  - days: a mean number of days, total days (numerator) over the cases (denominator);
  - age_std_100k_year: an age-standardised rate per 100,000 per year, entered as published
    (it weights age bands by a standard population, so one count and one population do not
    give it).
Direction: "lower" when a lower value is better (admissions, delays), "higher" when a
higher one is (reablement, patient experience).
Statistical process control (XmR charts, as Making Data Count computes them) is in
metrics/spc.py.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal

PER_100K_YEAR = "per_100k_year"
PER_100K_MONTH = "per_100k_month"
PERCENTAGE = "percentage"
COUNT = "count"
DAYS = "days"
AGE_STANDARDISED = "age_std_100k_year"
LOWER, HIGHER = "lower", "higher"
MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
STATUS_LABELS = {MET: "Met", NOT_MET: "Not met", NO_DATA: "No data"}
HUNDRED_THOUSAND = Decimal(100_000)
_AGE_STANDARDISED_ENTERED = (
    "An age-standardised rate is entered as published: one count and one population do not give it."
)
TWELVE = Decimal(12)
# Stored figures keep four places; what people read is rounded where it is shown.
PLACES = Decimal("0.0001")


# What the two counts behind a value are called in each unit, as people entering them read
# them: (numerator, denominator); None where the unit has no such count (a count is its own
# value; an age-standardised rate is entered as published).
COUNT_NAMES: dict[str, tuple[str | None, str | None]] = {
    PER_100K_YEAR: ("numerator", "population"),
    PER_100K_MONTH: ("numerator", "population"),
    PERCENTAGE: ("numerator", "denominator"),
    COUNT: ("count", None),
    DAYS: ("total days", "number of cases"),
    AGE_STANDARDISED: (None, None),
}


def count_names(unit: str) -> tuple[str | None, str | None]:
    """What the numerator and denominator of a value in `unit` are called."""
    return COUNT_NAMES.get(unit, ("numerator", "population"))


def counts_wording(unit: str) -> str:
    """'the numerator and population' (or the unit's names): what may be entered instead of
    the value."""
    numerator, denominator = count_names(unit)
    if numerator is None:
        return ""
    return f"the {numerator} and {denominator}" if denominator else f"the {numerator}"


# Counts of people and events are forecast whole: 874 admissions, never 873.82.
WHOLE = Decimal(1)


def _round(value: Decimal, places: Decimal = PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def rate(
    *, numerator: Decimal, denominator: Decimal | None, unit: str, months: int = 12
) -> Decimal:
    """The value of a metric from counts over a period of `months` months.

    per_100k_year: numerator / population × 100,000, annualised (× 12 / months);
    per_100k_month: numerator / population × 100,000 / months (average per month);
    percentage: numerator / denominator × 100; count: the numerator.
    """
    if unit == COUNT:
        return _round(Decimal(numerator))
    if unit == AGE_STANDARDISED:
        raise ValueError(_AGE_STANDARDISED_ENTERED)
    if not denominator:
        raise ValueError("The population (denominator) must be more than zero.")
    share = Decimal(numerator) / Decimal(denominator)
    if unit == DAYS:
        return _round(share)
    if unit == PERCENTAGE:
        return _round(share * 100)
    if unit == PER_100K_MONTH:
        return _round(share * HUNDRED_THOUSAND / months)
    if unit == PER_100K_YEAR:
        return _round(share * HUNDRED_THOUSAND * TWELVE / months)
    raise ValueError(f"Unknown unit {unit!r}.")


def numerator_from_rate(*, value: Decimal, denominator: Decimal, unit: str, months: int = 12):
    """The count a value stands for over `months` months: the inverse of `rate`."""
    value = Decimal(value)
    if unit == COUNT:
        return _round(value)
    if unit == AGE_STANDARDISED:
        raise ValueError(_AGE_STANDARDISED_ENTERED)
    denominator = Decimal(denominator)
    if unit == DAYS:
        return _round(value * denominator)
    if unit == PERCENTAGE:
        return _round(value * denominator / 100)
    if unit == PER_100K_MONTH:
        return _round(value * denominator * months / HUNDRED_THOUSAND)
    if unit == PER_100K_YEAR:
        return _round(value * denominator * months / TWELVE / HUNDRED_THOUSAND)
    raise ValueError(f"Unknown unit {unit!r}.")


def denominator_from_rate(*, value: Decimal, numerator: Decimal, unit: str, months: int = 12):
    """The population that a count and a value imply (how the sample data derives them)."""
    value = Decimal(value)
    if not value:
        raise ValueError("A zero value implies no population.")
    if unit == DAYS:
        return Decimal(numerator) / value
    if unit == PERCENTAGE:
        return Decimal(numerator) * 100 / value
    if unit == PER_100K_MONTH:
        return Decimal(numerator) * HUNDRED_THOUSAND / months / value
    if unit == PER_100K_YEAR:
        return Decimal(numerator) * HUNDRED_THOUSAND * TWELVE / months / value
    raise ValueError(f"{unit!r} has no population.")


def annual_value(*, value: Decimal, unit: str) -> Decimal:
    """The value expressed per year (board minutes, April 2014: align with CCG planning):
    a monthly rate × 12; a yearly rate, percentage or count is already annual."""
    return _round(Decimal(value) * 12) if unit == PER_100K_MONTH else Decimal(value)


def annual_count(*, value: Decimal, unit: str, population: Decimal | None) -> Decimal | None:
    """The number of events in a year that a rate means for a population; None for a
    percentage or without a population."""
    if unit == COUNT:
        return Decimal(value)
    if unit in (PERCENTAGE, DAYS, AGE_STANDARDISED) or population is None:
        return None
    return _round(annual_value(value=value, unit=unit) * Decimal(population) / HUNDRED_THOUSAND)


def change_percent(*, start: Decimal, end: Decimal, places: str = "0.01") -> Decimal | None:
    """Change from `start` to `end` as a signed percentage of `start` (rounded half up).

    The 2014 plan writes a reduction "from 762.73 … to 718.74 (or 5.77%)": this returns
    -5.77; the plan states the size of the change, `abs()` of this.
    """
    if start is None or end is None or Decimal(start) == 0:
        return None
    return _round((Decimal(end) - Decimal(start)) / Decimal(start) * 100, Decimal(places))


def improvement_percent(*, start: Decimal, end: Decimal, direction: str) -> Decimal | None:
    """The change in the better direction: positive is an improvement whichever way is good."""
    change = change_percent(start=start, end=end)
    if change is None:
        return None
    return change if direction == HIGHER else -change


def status(*, actual: Decimal | None, target: Decimal | None, direction: str) -> str:
    """met / not met / no data for one period: met when the actual is on the target or on
    its better side (at or below it when lower is better, at or above when higher is)."""
    if actual is None or target is None:
        return NO_DATA
    actual, target = Decimal(actual), Decimal(target)
    good = actual <= target if direction == LOWER else actual >= target
    return MET if good else NOT_MET


def forecast_year_end(*, to_date: Sequence[Decimal], periods_in_year: int = 12) -> Decimal:
    """Year-end count forecast from the counts of the months (12) or quarters (4) so far:
    their total × periods in the year / periods so far, to the whole person or event (a
    forecast of people admitted is of whole people). A complete year is its own total.

    The 2017 report forecasts 874 permanent admissions from April–February: 801 × 12 / 11.
    """
    if not to_date:
        raise ValueError("A forecast needs at least one period of data.")
    if len(to_date) > periods_in_year:
        raise ValueError("More periods than the year has.")
    total = sum((Decimal(v) for v in to_date), Decimal(0))
    return _round(total * periods_in_year / len(to_date), WHOLE)


def forecast_from_total(*, total: Decimal, months_elapsed: int) -> Decimal:
    """Year-end count forecast, to the whole person or event, from one total of the first
    `months_elapsed` months."""
    if not 1 <= months_elapsed <= 12:
        raise ValueError("Between 1 and 12 months of a year.")
    return _round(Decimal(total) * 12 / months_elapsed, WHOLE)


def is_finite(value) -> bool:
    """Whether a number can be shown or charted (no NaN or infinity)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
