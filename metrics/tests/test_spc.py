"""SPC as Making Data Count computes it.

Expected values come from NHSRplotthedots, the NHS-R community's reference implementation
of MDC (its tests, vignettes and README, at version 0.2.2), held here as facts. MDC's tool
does not screen outlying moving ranges; the reference does by default, and its
"Deviations from Excel defaults" vignette sets `screen_outliers = FALSE` to reproduce MDC.
Where a fact below was published with screening on, the test says why it holds without.
"""

import itertools
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from metrics import spc

D = Decimal


def _values(*numbers) -> list[Decimal]:
    return [D(str(n)) for n in numbers]


def _readings(chart, direction="higher") -> list[str]:
    return [spc.point_variation(p, direction=direction) for p in chart.points]


# The reference's data sets ----------------------------------------------------------------

# tests/testthat/test-ptd_spc_standard.R: set.seed(123); y = rnorm(20) (R's values).
RNORM_20 = _values(
    "-0.56047565", "-0.23017749", "1.55870831", "0.07050839", "0.12928774",
    "1.71506499", "0.46091621", "-1.26506123", "-0.68685285", "-0.44566197",
    "1.22408180", "0.35981383", "0.40077145", "0.11068272", "-0.55584113",
    "1.78691314", "0.49785048", "-1.96661716", "0.70135590", "-0.47279141",
)  # fmt: skip

# NHSRdatasets::ae_attendances, type 1 breaches, April 2016 to March 2018 (24 months): the
# data of the reference's README (RQM) and introductory vignette (RRK).
RQM = _values(
    1199, 929, 970, 1178, 1110, 1388, 2061, 1985, 2675, 3141, 1942, 2030,
    1309, 1960, 1169, 1117, 1085, 1492, 1280, 1197, 1569, 1406, 1328, 1564,
)  # fmt: skip
RRK = _values(
    1195, 1843, 1397, 1333, 1771, 1751, 2013, 1759, 2179, 2585, 1654, 1543,
    1632, 1558, 1190, 1357, 1279, 1683, 2190, 1804, 986, 2181, 2048, 2154,
)  # fmt: skip


def test_the_reference_limits_of_twenty_normal_points():
    # _snaps/ptd_spc_standard.md, r1: mean 0.1416238, lpl -3.01138, upl 3.294627, and the
    # summary: 20 points, all common cause. No moving range reaches 3.267 times the mean
    # moving range, so the reference's screening removes nothing here.
    chart = spc.spc(RNORM_20)
    assert round(chart.mean, 7) == D("0.1416238")
    assert round(chart.lower_limit, 5) == D("-3.01138")
    assert round(chart.upper_limit, 6) == D("3.294627")
    assert not any(p.special_cause for p in chart.points)
    assert spc.variation(chart, direction="higher") == spc.COMMON_CAUSE


def test_the_reference_limits_with_an_outlier_kept_in_the_moving_ranges():
    # _snaps/ptd_spc_standard.md, r3: y[15] = 10 with screen_outliers = FALSE (MDC's way).
    values = list(RNORM_20)
    values[14] = D(10)
    chart = spc.spc(values)
    assert round(chart.mean, 7) == D("0.6694159")
    assert round(chart.lower_limit, 6) == D("-4.596625")
    assert round(chart.upper_limit, 6) == D("5.935457")


def test_the_deviations_vignette_reproduces_the_excel_tool():
    # vignettes/deviations.Rmd, "replicate Making Data Count Excel output": UPL 6.95,
    # mean 1.94, LPL -3.06; four common cause points, one special cause improvement
    # (improvement is an increase, the reference's default), then twelve common cause.
    chart = spc.spc(_values(1, 2, 1, 2, 10, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1, 2, 1))
    assert (round(chart.upper_limit, 2), round(chart.mean, 2), round(chart.lower_limit, 2)) == (
        D("6.95"),
        D("1.94"),
        D("-3.06"),
    )
    assert _readings(chart) == [spc.COMMON_CAUSE] * 4 + [spc.IMPROVING] + [spc.COMMON_CAUSE] * 13


def test_two_points_near_opposite_limits_are_common_cause():
    # test-ptd_spc_standard.R, "only reports special cause for 2of3 points close to limits
    # when they are on the same side of the mean".
    values = _values(*[1, -1] * 8)
    values[14], values[15] = D("5.5"), D("-5.5")
    chart = spc.spc(values)
    two_sigma = chart.latest_segment.two_sigma
    assert values[14] > two_sigma(spc.HIGH) and values[15] < two_sigma(spc.LOW)
    assert _readings(chart)[-2:] == [spc.COMMON_CAUSE, spc.COMMON_CAUSE]


def test_the_rrk_vignette_shows_eight_points_in_a_run_below_the_mean():
    # vignettes/NHSRplotthedots.Rmd, "Stable period" (improvement is a decrease): "8
    # sequential points coloured in blue ... triggered by a rule that looks for >=7 points
    # on one side of the mean". The mean does not depend on screening.
    chart = spc.spc(RRK)
    readings = _readings(chart, direction="lower")
    assert readings[10:18] == [spc.IMPROVING] * 8  # February to September 2017
    assert all(p.shift and p.sides == {spc.LOW} for p in chart.points[10:18])
    assert readings[:10] + readings[18:] == [spc.COMMON_CAUSE] * 16


def test_the_rqm_readme_example():
    # README: mean 1,545 (label_limits chart); variation "common_cause" and, against a
    # target of 1,200, assurance "inconsistent". December 2016 and January 2017 are
    # special cause concern, beyond the upper limit with screening or without. MDC's
    # unscreened limits are wider than the README's screened 740 to 2,350, so they still
    # hold the target of 1,200.
    verdict = spc.spc_verdict(RQM, direction="lower", target=D(1200))
    assert round(verdict.chart.mean) == 1545
    assert verdict.chart.lower_limit < D(740) and verdict.chart.upper_limit > D(2350)
    assert verdict.variation == spc.COMMON_CAUSE
    assert verdict.assurance == spc.INCONSISTENT
    readings = _readings(verdict.chart, direction="lower")
    assert readings[8:10] == [spc.CONCERNING, spc.CONCERNING]
    assert all(p.outside_limits for p in verdict.chart.points[8:10])


# The reference's rule tests (test-ptd_calculate_point_type.R), run through our rules -----

# A period of limits with mean 0, two sigma at ±2 and limits at ±3.
UNIT = spc.SpcSegment(
    first=0,
    count=0,
    mean=D(0),
    mean_moving_range=D(3) / spc.LIMIT_FACTOR,
    upper_limit=D(3),
    lower_limit=D(-3),
)


def _flags(rule, values, run_length=7) -> list[set[int]]:
    return rule(_values(*values), UNIT, run_length)


@pytest.mark.parametrize(
    "values, flagged, side",
    [
        ([1, 2, 3, 4, 5, 6], [], None),  # ptd_seven_point_trend(1:6): nothing
        ([1, 2, 3, 3, 4, 5, 6], [], None),  # an equal point breaks the run
        ([1, 2, 3, 4, 5, 6, 7], range(7), spc.HIGH),  # 1:7
        ([2, 1, 2, 3, 4, 5, 6, 7, 3], range(1, 8), spc.HIGH),  # c(2, 1:7, 3)
        ([7, 6, 5, 4, 3, 2, 1], range(7), spc.LOW),  # 7:1
        ([2, 7, 6, 5, 4, 3, 2, 1, 3], range(1, 8), spc.LOW),  # c(2, 7:1, 3)
    ],
)
def test_a_trend_is_seven_points_each_higher_or_each_lower(values, flagged, side):
    flags = _flags(spc.rule_trend, values)
    assert [i for i, f in enumerate(flags) if f] == list(flagged)
    assert all(f == {side} for f in flags if f)


@pytest.mark.parametrize(
    "sides, flagged",
    [
        ([1] * 6, []),  # ptd_seven_point_one_side_mean(rep(1, 6))
        ([1] * 6 + [-1], []),
        ([1] * 8 + [-1], range(8)),
        ([-1] * 8 + [1], range(8)),
    ],
)
def test_a_shift_is_seven_points_on_one_side_of_the_mean(sides, flagged):
    flags = _flags(spc.rule_shift, sides)
    assert [i for i, f in enumerate(flags) if f] == list(flagged)
    assert all(f == {sides[0]} for f in flags if f)


def _near(close: list[int], side_of_mean: list[int]) -> list[Decimal]:
    """Values with the reference's close_to_limits and relative_to_mean columns."""
    return [D("2.5") * s if c else D(1) * s for c, s in zip(close, side_of_mean, strict=True)]


@pytest.mark.parametrize(
    "close, side_of_mean, flagged",
    [
        ([1, 0, 1], [1, 1, 1], [0, 2]),
        ([0, 1, 1], [1, 1, 1], [1, 2]),
        ([1, 1, 0], [1, 1, 1], [0, 1]),
        ([0, 0, 1, 0, 1, 0, 0], [1] * 7, [2, 4]),
        ([0, 0, 1, 1, 0, 0, 0], [1] * 7, [2, 3]),
        ([1, 0, 0, 1], [1] * 4, []),
        ([1, 0, 0, 1, 1], [1] * 5, [3, 4]),
        # "when points are on opposite sides of the mean": nothing
        ([1, 0, 1], [1, -1, 1], []),
        ([0, 1, 1], [1, -1, 1], []),
        ([1, 1, 0], [1, -1, 1], []),
        ([0, 0, 1, 0, 1, 0, 0], [1, -1, 1, -1, 1, -1, 1], []),
        ([0, 0, 1, 1, 0, 0, 0], [-1, 1, -1, 1, -1, 1, -1], []),
    ],
)
def test_two_of_three_beyond_two_sigma_need_all_three_on_one_side(close, side_of_mean, flagged):
    flags = spc.rule_two_of_three(_near(close, side_of_mean), UNIT, 7)
    assert [i for i, f in enumerate(flags) if f] == flagged


def test_a_point_beyond_a_limit_counts_towards_two_of_three():
    # MDC's November 2023 rule: every point beyond two sigma counts, past the limit too
    # (the reference still counts only those between two and three sigma).
    flags = spc.rule_two_of_three(_values("2.5", "3.5", 1), UNIT, 7)
    assert flags == [{spc.HIGH}, {spc.HIGH}, set()]


# The run length: one setting for shifts and trends -------------------------------------

STEADY = _values(10, 12, 11, 13, 10, 12, 11, 12, 10, 13, 11, 12, 11)


def test_six_rising_points_are_a_trend_only_when_the_run_length_is_six():
    values = [*STEADY[:-6], *_values(9, "10.5", 11, "11.5", 12, "12.5")]
    default = spc.spc(values)
    assert default.run_length == 7
    assert not any(p.trend for p in default.points)
    six = spc.spc(values, run_length=6)
    assert six.run_length == 6
    assert [p.trend for p in six.points[-6:]] == [True] * 6
    assert not six.points[-7].trend


def test_six_points_below_the_mean_are_a_shift_only_when_the_run_length_is_six():
    values = _values(16, 12, 16, 12, 16, 12, 16, 10, 11, 10, 11, 10, 11)
    assert not any(p.shift for p in spc.spc(values).points)
    assert [p.shift for p in spc.spc(values, run_length=6).points] == [False] * 7 + [True] * 6


@pytest.mark.parametrize("run_length", [5, 8, 0])
def test_only_six_or_seven_is_a_run_length(run_length):
    with pytest.raises(ValueError, match="6 or 7"):
        spc.spc(STEADY, run_length=run_length)


# Too few points ---------------------------------------------------------------------------


def test_limits_and_icons_need_thirteen_points():
    short = spc.spc_verdict(STEADY[:12], direction="lower", target=D(11))
    assert not short.chart.enough_points and short.chart.mean is None
    assert not any(p.special_cause for p in short.chart.points)
    assert short.variation == short.assurance == spc.TOO_FEW
    assert short.variation_label == "Too few points for SPC: 12 of the 13 needed"
    enough = spc.spc_verdict(STEADY, direction="lower", target=D(11))
    assert enough.chart.enough_points
    assert enough.variation == spc.COMMON_CAUSE and enough.assurance == spc.INCONSISTENT


def test_no_points_say_too_few_too():
    verdict = spc.spc_verdict([], direction="higher", target=None)
    assert verdict.chart.points == [] and verdict.variation == spc.TOO_FEW
    assert verdict.assurance_label == "Too few points for SPC: 0 of the 13 needed"


def test_a_chart_without_a_target_says_so():
    verdict = spc.spc_verdict(STEADY, direction="higher", target=None)
    assert verdict.assurance == spc.NO_TARGET
    assert verdict.assurance_label == "No target to assure against"


# Conflicting signals ------------------------------------------------------------------------


def test_a_point_signalling_both_ways_reads_as_improving_whichever_way_is_better():
    # A jump, then seven points falling: the latest is above the limit and in a shift
    # above the mean (HIGH), and in a falling trend (LOW). MDC's tool shows improvement.
    values = _values(5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 5, 30, 29, 28, 27, 26, 25, 24)
    chart = spc.spc(values)
    latest = chart.points[-1]
    assert latest.shift and latest.trend and latest.sides == {spc.HIGH, spc.LOW}
    assert spc.variation(chart, direction="lower") == spc.IMPROVING
    assert spc.variation(chart, direction="higher") == spc.IMPROVING
    assert spc.variation(chart, direction=None) == spc.NEITHER


# Rebasing -----------------------------------------------------------------------------------


def test_limits_are_recalculated_only_from_a_chosen_point():
    before, after = STEADY, [v + 20 for v in STEADY]
    kept = spc.spc([*before, *after])
    assert len(kept.segments) == 1  # a sustained shift: signals, no new limits
    assert all(p.shift for p in kept.points)
    rebased = spc.spc([*before, *after], breaks=[13])
    first, second = rebased.segments
    assert (first.first, first.count, second.first, second.count) == (0, 13, 13, 13)
    assert first.mean == sum(before) / 13 and second.mean == sum(after) / 13
    assert rebased.mean == second.mean  # the icons read the latest limits
    assert rebased.points[13].moving_range is None  # no moving range across a rebase
    assert not any(p.special_cause for p in rebased.points)


def test_a_rebase_with_too_few_points_after_it_says_so():
    verdict = spc.spc_verdict([*STEADY, *STEADY[:5]], direction="lower", target=None, breaks=[13])
    assert verdict.chart.segments[0].has_limits and not verdict.chart.enough_points
    assert verdict.variation_label == (
        "Too few points for SPC: 5 since the limits were recalculated of the 13 needed"
    )


# Properties --------------------------------------------------------------------------------

series = st.lists(
    st.decimals(min_value=-1000, max_value=1000, places=1, allow_nan=False), min_size=0, max_size=40
)
small_steps = st.lists(st.integers(min_value=-3, max_value=3), min_size=12, max_size=40).map(
    lambda steps: [D(s) for s in itertools.accumulate(steps)]
)  # random walks with ties: shifts, trends and runs happen often
any_series = st.one_of(series, small_steps)
directions = st.sampled_from([spc.LOWER, spc.HIGHER])
run_lengths = st.sampled_from(spc.RUN_LENGTHS)
FLIP = {spc.LOWER: spc.HIGHER, spc.HIGHER: spc.LOWER}


@st.composite
def charts(draw):
    values = draw(any_series)
    breaks = draw(st.lists(st.integers(min_value=0, max_value=max(len(values), 1)), max_size=2))
    return values, draw(run_lengths), breaks


@settings(max_examples=300)
@given(charts(), directions, st.decimals(min_value=-1000, max_value=1000, places=1))
def test_a_mirrored_series_with_the_direction_flipped_gets_mirrored_flags_and_the_same_icons(
    chart_args, direction, target
):
    values, run_length, breaks = chart_args
    chart = spc.spc(values, run_length=run_length, breaks=breaks)
    mirror = spc.spc([-v for v in values], run_length=run_length, breaks=breaks)
    assert [p.signals for p in mirror.points] == [
        frozenset((rule, -side) for rule, side in p.signals) for p in chart.points
    ]
    assert spc.variation(chart, direction=direction) == spc.variation(
        mirror, direction=FLIP[direction]
    )
    assert spc.assurance(chart, target=target, direction=direction) == spc.assurance(
        mirror, target=-target, direction=FLIP[direction]
    )


@settings(max_examples=100)
@given(charts())
def test_no_signal_depends_on_the_order_the_rules_are_checked(chart_args):
    values, run_length, breaks = chart_args
    results = {
        tuple(
            p.signals
            for p in spc.spc(values, run_length=run_length, breaks=breaks, rules=order).points
        )
        for order in itertools.permutations(spc.RULES)
    }
    assert len(results) == 1


def _oracle(values, run_length):
    """Each rule straight from its definition, window by window (for one period)."""
    n = len(values)
    mean = sum(values, D(0)) / n
    mr = sum((abs(b - a) for a, b in zip(values, values[1:], strict=False)), D(0)) / (n - 1)
    upper, lower = mean + spc.LIMIT_FACTOR * mr, mean - spc.LIMIT_FACTOR * mr
    flags = [set() for _ in values]
    for i, v in enumerate(values):
        if v > upper:
            flags[i].add(("outside_limits", 1))
        if v < lower:
            flags[i].add(("outside_limits", -1))
    for i in range(n - run_length + 1):
        window = values[i : i + run_length]
        for side in (1, -1):
            if all((v - mean) * side > 0 for v in window):
                for j in range(i, i + run_length):
                    flags[j].add(("shift", side))
            if all((b - a) * side > 0 for a, b in zip(window, window[1:], strict=False)):
                for j in range(i, i + run_length):
                    flags[j].add(("trend", side))
    for i in range(n - 2):
        for side in (1, -1):
            line = mean + side * spc.LIMIT_FACTOR * mr * 2 / 3
            window = range(i, i + 3)
            beyond = [j for j in window if (values[j] - line) * side > 0]
            if all((values[j] - mean) * side > 0 for j in window) and len(beyond) >= 2:
                for j in beyond:
                    flags[j].add(("two_of_three", side))
    return [frozenset(f) for f in flags]


@settings(max_examples=300)
@given(st.one_of(small_steps, series.filter(lambda v: len(v) >= 13)), run_lengths)
def test_the_rules_flag_what_their_definitions_say(values, run_length):
    if len(values) < spc.SPC_MINIMUM_POINTS:
        values = [*values, *([D(0)] * (spc.SPC_MINIMUM_POINTS - len(values)))]
    chart = spc.spc(values, run_length=run_length)
    assert [p.signals for p in chart.points] == _oracle(values, run_length)


@given(series.filter(lambda v: len(v) >= 13))
def test_the_limits_contain_the_mean(values):
    chart = spc.spc(values)
    assert chart.lower_limit <= chart.mean <= chart.upper_limit
