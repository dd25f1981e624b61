"""The arithmetic of the outcome metrics: pure functions on Decimal, no database.

Units (metrics.models.MetricDefinition.Unit):
  - per_100k_year: events per 100,000 population per year (permanent admissions 65+);
  - per_100k_month: events per 100,000 population per month, averaged over the period
    (delayed transfers of care, non-elective admissions);
  - percentage: numerator as a percentage of the denominator (reablement, patient survey);
  - count: the number of events itself.
Direction: "lower" when a lower value is better (admissions, delays), "higher" when a
higher one is (reablement, patient experience).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

PER_100K_YEAR = "per_100k_year"
PER_100K_MONTH = "per_100k_month"
PERCENTAGE = "percentage"
COUNT = "count"
LOWER, HIGHER = "lower", "higher"
MET, NOT_MET, NO_DATA = "met", "not_met", "no_data"
STATUS_LABELS = {MET: "Met", NOT_MET: "Not met", NO_DATA: "No data"}
HUNDRED_THOUSAND = Decimal(100_000)
TWELVE = Decimal(12)
# Stored figures keep four places; what people read is rounded where it is shown.
PLACES = Decimal("0.0001")


def _round(value: Decimal, places: Decimal = PLACES) -> Decimal:
    return value.quantize(places, rounding=ROUND_HALF_UP)


def rate(*, numerator: Decimal, denominator: Decimal, unit: str, months: int = 12) -> Decimal:
    """The value of a metric from counts over a period of `months` months.

    per_100k_year: numerator / population × 100,000, annualised (× 12 / months);
    per_100k_month: numerator / population × 100,000 / months (average per month);
    percentage: numerator / denominator × 100; count: the numerator.
    """
    if unit == COUNT:
        return _round(Decimal(numerator))
    if not denominator:
        raise ValueError("The population (denominator) must be more than zero.")
    share = Decimal(numerator) / Decimal(denominator)
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
    denominator = Decimal(denominator)
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
    if unit == PERCENTAGE or population is None:
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
    their total × periods in the year / periods so far. A complete year is its own total.

    The 2017 report forecasts 874 permanent admissions from April–February: 801 × 12 / 11.
    """
    if not to_date:
        raise ValueError("A forecast needs at least one period of data.")
    if len(to_date) > periods_in_year:
        raise ValueError("More periods than the year has.")
    total = sum((Decimal(v) for v in to_date), Decimal(0))
    return _round(total * periods_in_year / len(to_date))


def forecast_from_total(*, total: Decimal, months_elapsed: int) -> Decimal:
    """Year-end count forecast from one total of the first `months_elapsed` months."""
    if not 1 <= months_elapsed <= 12:
        raise ValueError("Between 1 and 12 months of a year.")
    return _round(Decimal(total) * 12 / months_elapsed)


# Statistical process control (XmR), per NHS England's "Making Data Count" ----------------

SPC_MINIMUM_POINTS = 12  # fewer points than this and no limits are drawn
SHIFT_RUN = 7  # points in a row on one side of the mean
TREND_RUN = 6  # points in a row each higher (or each lower) than the one before
LIMIT_FACTOR = Decimal("2.66")  # 3 sigma = 2.66 × mean moving range (3 / d2, d2 = 1.128)

COMMON_CAUSE = "common_cause"
IMPROVING = "special_cause_improving"
CONCERNING = "special_cause_concerning"
NEITHER = "special_cause_neither"
VARIATION_LABELS = {
    COMMON_CAUSE: "Common cause variation",
    IMPROVING: "Special cause variation: improving",
    CONCERNING: "Special cause variation: concerning",
    NEITHER: "Special cause variation",
}
PASS, FAIL, INCONSISTENT = "consistently_pass", "consistently_fail", "inconsistent"
ASSURANCE_LABELS = {
    PASS: "Will consistently meet the target",
    FAIL: "Will consistently miss the target",
    INCONSISTENT: "Will hit and miss the target (target within the process limits)",
}


@dataclass(frozen=True)
class SpcPoint:
    value: Decimal
    moving_range: Decimal | None
    outside_limits: bool = False
    shift: bool = False
    trend: bool = False
    near_limits: bool = False
    side: int = 0  # +1 a signal high, -1 a signal low, 0 none

    @property
    def special_cause(self) -> bool:
        return self.outside_limits or self.shift or self.trend or self.near_limits


@dataclass(frozen=True)
class Spc:
    """An XmR chart: mean, mean moving range, process limits, and each point's signals."""

    mean: Decimal
    mean_moving_range: Decimal
    upper_limit: Decimal
    lower_limit: Decimal
    points: list[SpcPoint] = field(default_factory=list)


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _flag_runs(flags: list[dict], indices: list[int], key: str, side: int) -> None:
    for i in indices:
        flags[i][key] = True
        flags[i]["side"] = flags[i]["side"] or side


def spc(values: Sequence[Decimal]) -> Spc | None:
    """XmR limits and special-cause signals; None with fewer than SPC_MINIMUM_POINTS points.

    Process limits are mean ± 2.66 × mean moving range. Special causes: a point outside
    the limits; a shift of SHIFT_RUN points on one side of the mean; a trend of TREND_RUN
    points each rising (or falling); two of three points beyond two-thirds of the way
    to a limit, on the same side.
    """
    values = [Decimal(v) for v in values]
    if len(values) < SPC_MINIMUM_POINTS:
        return None
    mean = _mean(values)
    ranges = [abs(b - a) for a, b in zip(values, values[1:], strict=False)]
    mean_mr = _mean(ranges)
    upper, lower = mean + LIMIT_FACTOR * mean_mr, mean - LIMIT_FACTOR * mean_mr
    near_upper = mean + LIMIT_FACTOR * mean_mr * 2 / 3
    near_lower = mean - LIMIT_FACTOR * mean_mr * 2 / 3
    n = len(values)
    flags = [
        {"outside_limits": False, "shift": False, "trend": False, "near_limits": False, "side": 0}
        for _ in values
    ]
    for i, v in enumerate(values):
        if v > upper or v < lower:
            flags[i]["outside_limits"] = True
            flags[i]["side"] = 1 if v > upper else -1
    for side in (1, -1):
        run: list[int] = []
        for i, v in enumerate(values):
            if (v - mean) * side > 0:
                run.append(i)
            else:
                run = []
            if len(run) >= SHIFT_RUN:
                _flag_runs(flags, run, "shift", side)
        run = [0]
        for i in range(1, n):
            if (values[i] - values[i - 1]) * side > 0:
                run.append(i)
            else:
                run = [i]
            if len(run) >= TREND_RUN:
                _flag_runs(flags, run, "trend", side)
        for i in range(n - 2):
            window = range(i, i + 3)
            near = [
                j
                for j in window
                if (values[j] > near_upper if side == 1 else values[j] < near_lower)
            ]
            if len(near) >= 2:
                _flag_runs(flags, near, "near_limits", side)
    points = [
        SpcPoint(value=v, moving_range=None if i == 0 else ranges[i - 1], **flags[i])
        for i, v in enumerate(values)
    ]
    return Spc(
        mean=mean, mean_moving_range=mean_mr, upper_limit=upper, lower_limit=lower, points=points
    )


def variation(chart: Spc | None, *, direction: str | None) -> str | None:
    """The variation icon of the latest point: common cause, or special cause improving or
    concerning (high is improving when higher is better, low when lower is better)."""
    if chart is None:
        return None
    latest = chart.points[-1]
    if not latest.special_cause:
        return COMMON_CAUSE
    if direction not in (LOWER, HIGHER):
        return NEITHER
    better_side = 1 if direction == HIGHER else -1
    return IMPROVING if latest.side == better_side else CONCERNING


def assurance(chart: Spc | None, *, target: Decimal | None, direction: str) -> str | None:
    """The assurance icon: a target within the process limits will be hit and missed
    (inconsistent); outside them the process will consistently pass or fail it."""
    if chart is None or target is None:
        return None
    target = Decimal(target)
    if chart.lower_limit <= target <= chart.upper_limit:
        return INCONSISTENT
    target_above = target > chart.upper_limit
    if direction == LOWER:
        return PASS if target_above else FAIL
    return FAIL if target_above else PASS


def is_finite(value) -> bool:
    """Whether a number can be shown or charted (no NaN or infinity)."""
    try:
        return math.isfinite(float(value))
    except (TypeError, ValueError):
        return False
