"""Statistical process control (XmR charts) as NHS England's Making Data Count (MDC)
computes it: pure functions on Decimal, no database.

The reference is MDC's single chart tool, as reproduced by the NHS-R community's
NHSRplotthedots with `screen_outliers = FALSE` (its "Deviations from Excel defaults"
vignette). Every figure here is in the metric's own unit.

- Mean and process limits: the mean of the points, and mean ± 2.66 × the mean moving
  range (3 sigma; 2.66 = 3 / 1.128). No point is screened out of the moving ranges.
- Limits and icons from SPC_MINIMUM_POINTS points (13, as MDC's tool shows them); with
  fewer, the chart says "too few points for SPC".
- Special cause, each rule on its own (none depends on another or on the order they run):
  a point beyond a process limit; a shift of `run_length` points in a row on one side of
  the mean; a trend of `run_length` points in a row each higher (or each lower) than the
  one before, counting the first; two of three points in a row beyond two sigma (two
  thirds of the way to a limit, or past it) with all three on the same side of the mean
  (MDC's November 2023 rule); only the points beyond two sigma are flagged.
- `run_length` is one setting for shifts and trends alike: 7 by default, 6 allowed, as
  MDC's tool offers; it is recorded with each chart.
- A point signalling in both directions (a shift above while falling in a trend, say) is
  read as MDC's tool reads it: improvement wins. So a series judged "lower is better" and
  its mirror image judged "higher is better" always get the same icons.
- Limits are recalculated only where someone chose to (`breaks`, the first point of each
  new period of limits): each period has its own mean, limits and signals, and the icons
  come from the latest. Nothing rebases automatically.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

LOWER, HIGHER = "lower", "higher"
HIGH, LOW = 1, -1

SPC_MINIMUM_POINTS = 13  # MDC's single chart tool shows limits and icons from 13 points
RUN_LENGTHS = (6, 7)  # the two values MDC's tool allows for shifts and trends
DEFAULT_RUN_LENGTH = 7
LIMIT_FACTOR = Decimal("2.66")  # 3 sigma = 2.66 × mean moving range (3 / d2, d2 = 1.128)

OUTSIDE_LIMITS = "outside_limits"
SHIFT = "shift"
TREND = "trend"
TWO_OF_THREE = "two_of_three"
RULE_LABELS = {
    OUTSIDE_LIMITS: "beyond a limit",
    SHIFT: "shift",
    TREND: "trend",
    TWO_OF_THREE: "2 of 3 near a limit",
}

COMMON_CAUSE = "common_cause"
IMPROVING = "special_cause_improving"
CONCERNING = "special_cause_concerning"
NEITHER = "special_cause_neither"
TOO_FEW = "too_few_points"
VARIATION_LABELS = {
    COMMON_CAUSE: "Common cause variation",
    IMPROVING: "Special cause variation: improving",
    CONCERNING: "Special cause variation: concerning",
    NEITHER: "Special cause variation",
}
PASS, FAIL, INCONSISTENT = "consistently_pass", "consistently_fail", "inconsistent"
NO_TARGET = "no_target"
ASSURANCE_LABELS = {
    PASS: "Will consistently meet the target",
    FAIL: "Will consistently miss the target",
    INCONSISTENT: "Will hit and miss the target (target within the process limits)",
    NO_TARGET: "No target to assure against",
}


@dataclass(frozen=True)
class SpcPoint:
    """One point: its value, moving range, period of limits, and the signals it is part
    of, each a (rule, side) pair with side HIGH (+1) or LOW (-1)."""

    value: Decimal
    moving_range: Decimal | None
    segment: int = 0
    signals: frozenset[tuple[str, int]] = frozenset()

    @property
    def special_cause(self) -> bool:
        return bool(self.signals)

    @property
    def sides(self) -> frozenset[int]:
        return frozenset(side for _, side in self.signals)

    def signalled(self, rule: str) -> bool:
        return any(name == rule for name, _ in self.signals)

    @property
    def outside_limits(self) -> bool:
        return self.signalled(OUTSIDE_LIMITS)

    @property
    def shift(self) -> bool:
        return self.signalled(SHIFT)

    @property
    def trend(self) -> bool:
        return self.signalled(TREND)

    @property
    def near_limits(self) -> bool:
        return self.signalled(TWO_OF_THREE)


@dataclass(frozen=True)
class SpcSegment:
    """A period of limits: points [first, first + count). Without enough points it has
    no mean or limits (None) and no signals."""

    first: int
    count: int
    mean: Decimal | None = None
    mean_moving_range: Decimal | None = None
    upper_limit: Decimal | None = None
    lower_limit: Decimal | None = None

    @property
    def has_limits(self) -> bool:
        return self.mean is not None

    @property
    def indices(self) -> range:
        return range(self.first, self.first + self.count)

    def two_sigma(self, side: int) -> Decimal:
        """The line two thirds of the way from the mean to the limit on `side`."""
        if self.mean is None or self.mean_moving_range is None:
            raise ValueError("A segment without limits has no two-sigma line.")
        return self.mean + side * LIMIT_FACTOR * self.mean_moving_range * 2 / 3


@dataclass(frozen=True)
class Spc:
    """An XmR chart: its periods of limits, each point's signals, and the run length."""

    run_length: int
    segments: list[SpcSegment] = field(default_factory=list)
    points: list[SpcPoint] = field(default_factory=list)

    @property
    def latest_segment(self) -> SpcSegment | None:
        return self.segments[-1] if self.segments else None

    @property
    def enough_points(self) -> bool:
        """Whether the latest period of limits has the points MDC needs for its icons."""
        return self.latest_segment is not None and self.latest_segment.has_limits

    # The latest period's figures, which the icons and the caption read.
    @property
    def mean(self) -> Decimal | None:
        return self.latest_segment.mean if self.latest_segment else None

    @property
    def mean_moving_range(self) -> Decimal | None:
        return self.latest_segment.mean_moving_range if self.latest_segment else None

    @property
    def upper_limit(self) -> Decimal | None:
        return self.latest_segment.upper_limit if self.latest_segment else None

    @property
    def lower_limit(self) -> Decimal | None:
        return self.latest_segment.lower_limit if self.latest_segment else None


def _mean(values: Sequence[Decimal]) -> Decimal:
    return sum(values, Decimal(0)) / len(values)


def _side(value: Decimal, level: Decimal) -> int:
    return HIGH if value > level else LOW if value < level else 0


# The rules. Each takes the values of one period of limits and that period, and returns for
# each point the sides it signals on (empty when none). None reads another's result.

Signals = list[set[int]]


def rule_outside_limits(values: Sequence[Decimal], segment: SpcSegment, run_length: int):
    """A point above the upper process limit (HIGH) or below the lower (LOW)."""
    upper, lower = segment.upper_limit, segment.lower_limit
    if upper is None or lower is None:
        raise ValueError("SPC rules run on segments with limits.")
    return [{HIGH} if v > upper else {LOW} if v < lower else set() for v in values]


def _runs(keys: Sequence[int], run_length: int) -> Signals:
    """Points in a run of at least `run_length` equal non-zero keys, flagged with the key."""
    flags: Signals = [set() for _ in keys]
    start = 0
    for i in range(1, len(keys) + 1):
        if i == len(keys) or keys[i] != keys[start]:
            if keys[start] and i - start >= run_length:
                for j in range(start, i):
                    flags[j].add(keys[start])
            start = i
    return flags


def rule_shift(values: Sequence[Decimal], segment: SpcSegment, run_length: int) -> Signals:
    """`run_length` or more points in a row on one side of the mean (a point on the mean
    breaks the run)."""
    mean = segment.mean
    if mean is None:
        raise ValueError("SPC rules run on segments with limits.")
    return _runs([_side(v, mean) for v in values], run_length)


def rule_trend(values: Sequence[Decimal], segment: SpcSegment, run_length: int) -> Signals:
    """`run_length` or more points in a row, each higher (HIGH) or each lower (LOW) than
    the one before, the first point counted (an equal point breaks the run). A point at a
    peak or trough ends one trend and starts the next: it is in both."""
    steps = [_side(b, a) for a, b in zip(values, values[1:], strict=False)]
    flags: Signals = [set() for _ in values]
    # A run of run_length - 1 equal steps covers run_length points: each step's points.
    for i, sides in enumerate(_runs(steps, run_length - 1)):
        flags[i] |= sides
        flags[i + 1] |= sides
    return flags


def rule_two_of_three(values: Sequence[Decimal], segment: SpcSegment, run_length: int):
    """Two (or three) of three points in a row beyond two sigma on one side, all three on
    that side of the mean; the points beyond two sigma are flagged."""
    flags: Signals = [set() for _ in values]
    mean = segment.mean
    if mean is None:
        raise ValueError("SPC rules run on segments with limits.")
    for side in (HIGH, LOW):
        line = segment.two_sigma(side)
        for i in range(len(values) - 2):
            window = range(i, i + 3)
            if not all(_side(values[j], mean) == side for j in window):
                continue
            beyond = [j for j in window if _side(values[j], line) == side]
            if len(beyond) >= 2:
                for j in beyond:
                    flags[j].add(side)
    return flags


Rule = Callable[[Sequence[Decimal], SpcSegment, int], Signals]
RULES: tuple[tuple[str, Rule], ...] = (
    (OUTSIDE_LIMITS, rule_outside_limits),
    (SHIFT, rule_shift),
    (TREND, rule_trend),
    (TWO_OF_THREE, rule_two_of_three),
)


def _segment(values: Sequence[Decimal], first: int, count: int) -> SpcSegment:
    if count < SPC_MINIMUM_POINTS:
        return SpcSegment(first=first, count=count)
    mine = values[first : first + count]
    mean = _mean(mine)
    mean_mr = _mean([abs(b - a) for a, b in zip(mine, mine[1:], strict=False)])
    return SpcSegment(
        first=first,
        count=count,
        mean=mean,
        mean_moving_range=mean_mr,
        upper_limit=mean + LIMIT_FACTOR * mean_mr,
        lower_limit=mean - LIMIT_FACTOR * mean_mr,
    )


def check_run_length(run_length: int) -> int:
    if run_length not in RUN_LENGTHS:
        raise ValueError(f"The run length for shifts and trends is 6 or 7, not {run_length!r}.")
    return run_length


def spc(
    values: Sequence[Decimal],
    *,
    run_length: int = DEFAULT_RUN_LENGTH,
    breaks: Sequence[int] = (),
    rules: Sequence[tuple[str, Rule]] = RULES,
) -> Spc:
    """The XmR chart of `values` in time order.

    `breaks` are the indices of the points from which limits were recalculated (a chosen
    rebase); each period of limits is computed on its own points only. Moving ranges
    never cross a break.
    """
    check_run_length(run_length)
    values = [Decimal(v) for v in values]
    starts = sorted({0, *(b for b in breaks if 0 < b < len(values))})
    ends = [*starts[1:], len(values)]
    segments = [_segment(values, a, b - a) for a, b in zip(starts, ends, strict=True) if b > a]
    signals: list[set[tuple[str, int]]] = [set() for _ in values]
    for segment in segments:
        if not segment.has_limits:
            continue
        mine = values[segment.first : segment.first + segment.count]
        for name, rule in rules:
            for offset, sides in enumerate(rule(mine, segment, run_length)):
                signals[segment.first + offset] |= {(name, side) for side in sides}
    points = []
    for number, segment in enumerate(segments):
        for i in segment.indices:
            moving_range = None if i == segment.first else abs(values[i] - values[i - 1])
            points.append(
                SpcPoint(
                    value=values[i],
                    moving_range=moving_range,
                    segment=number,
                    signals=frozenset(signals[i]),
                )
            )
    return Spc(run_length=run_length, segments=segments, points=points)


def point_variation(point: SpcPoint, *, direction: str | None) -> str:
    """A point's reading: common cause, or special cause improving or concerning (high is
    improving when higher is better, low when lower is better); a point signalling both
    ways is improving, as MDC's tool shows it. With no direction: special cause."""
    if not point.special_cause:
        return COMMON_CAUSE
    if direction not in (LOWER, HIGHER):
        return NEITHER
    better = HIGH if direction == HIGHER else LOW
    return IMPROVING if better in point.sides else CONCERNING


POINT_LABELS = {
    COMMON_CAUSE: "Common cause",
    IMPROVING: "Improving",
    CONCERNING: "Concerning",
    NEITHER: "Special cause",
}


def point_label(point: SpcPoint, *, direction: str | None) -> str:
    """A point's reading in words, with the rules it is part of: "Improving: shift"."""
    rules = [RULE_LABELS[name] for name, _ in RULES if point.signalled(name)]
    reading = POINT_LABELS[point_variation(point, direction=direction)]
    return f"{reading}: {'; '.join(rules)}" if rules else reading


def variation(chart: Spc, *, direction: str | None) -> str:
    """The variation icon: the reading of the latest point, or TOO_FEW."""
    if not chart.enough_points:
        return TOO_FEW
    return point_variation(chart.points[-1], direction=direction)


def assurance(chart: Spc, *, target: Decimal | None, direction: str) -> str:
    """The assurance icon, from the latest period's limits: a target within them will be
    hit and missed (inconsistent); beyond them the process will consistently pass or fail
    it. TOO_FEW without enough points, NO_TARGET without a target."""
    if not chart.enough_points:
        return TOO_FEW
    if target is None:
        return NO_TARGET
    target = Decimal(target)
    lower, upper = chart.lower_limit, chart.upper_limit
    if lower is None or upper is None:  # enough points means limits
        raise ValueError("A chart with enough points has limits.")
    if lower <= target <= upper:
        return INCONSISTENT
    target_above = target > upper
    if direction == LOWER:
        return PASS if target_above else FAIL
    return FAIL if target_above else PASS


@dataclass(frozen=True)
class SpcVerdict:
    """What every page, dashboard and document shows of a metric's SPC: the chart, its
    variation and assurance icons, and their labels."""

    chart: Spc
    variation: str
    assurance: str

    @property
    def points_needed(self) -> int:
        return SPC_MINIMUM_POINTS

    @property
    def latest_points(self) -> int:
        """The points in the latest period of limits (all of them if never rebased)."""
        segment = self.chart.latest_segment
        return segment.count if segment else 0

    @property
    def too_few_label(self) -> str:
        rebased = len(self.chart.segments) > 1
        return (
            f"Too few points for SPC: {self.latest_points} "
            f"{'since the limits were recalculated ' if rebased else ''}"
            f"of the {SPC_MINIMUM_POINTS} needed"
        )

    @property
    def variation_label(self) -> str:
        return self.too_few_label if self.variation == TOO_FEW else VARIATION_LABELS[self.variation]

    @property
    def assurance_label(self) -> str:
        return self.too_few_label if self.assurance == TOO_FEW else ASSURANCE_LABELS[self.assurance]


def spc_verdict(
    values: Sequence[Decimal],
    *,
    direction: str,
    target: Decimal | None,
    run_length: int = DEFAULT_RUN_LENGTH,
    breaks: Sequence[int] = (),
) -> SpcVerdict:
    """The one SPC computation: the chart of `values` with its icons (see the module)."""
    chart = spc(values, run_length=run_length, breaks=breaks)
    return SpcVerdict(
        chart=chart,
        variation=variation(chart, direction=direction),
        assurance=assurance(chart, target=target, direction=direction),
    )
