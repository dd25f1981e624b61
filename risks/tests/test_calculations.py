"""Scoring and banding on both scales, written ratings, overdue reviews, fund balances."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from risks import calculations
from risks.models import Band, Scale

FIVE, LMH = Scale.NHS_5X5, Scale.LMH


@pytest.mark.parametrize(
    ("score", "expected"),
    [
        (1, Band.LOW),
        (3, Band.LOW),
        (4, Band.MODERATE),
        (6, Band.MODERATE),
        (8, Band.HIGH),
        (12, Band.HIGH),
        (15, Band.EXTREME),
        (25, Band.EXTREME),
    ],
)
def test_five_by_five_scores_fall_in_the_npsa_bands(score, expected):
    assert calculations.band(FIVE, score) == expected


@given(st.integers(1, 5), st.integers(1, 5))
def test_every_five_by_five_product_has_a_band_and_bands_rise_with_the_score(likelihood, impact):
    score = calculations.score_5x5(likelihood, impact)
    assert 1 <= score <= 25
    order = calculations.bands_of(FIVE)
    assert calculations.band(FIVE, score) in order
    if likelihood < 5:
        higher = calculations.score_5x5(likelihood + 1, impact)
        assert order.index(calculations.band(FIVE, higher)) >= order.index(
            calculations.band(FIVE, score)
        )


@pytest.mark.parametrize("bad", [(0, 3), (6, 1), (3, 0)])
def test_a_five_by_five_score_needs_both_numbers_from_one_to_five(bad):
    with pytest.raises(ValueError):
        calculations.score_5x5(*bad)


def test_three_level_ratings_band_as_low_medium_high():
    assert [calculations.band(LMH, n) for n in (1, 2, 3)] == [Band.LOW, Band.MEDIUM, Band.HIGH]
    with pytest.raises(ValueError):
        calculations.band(LMH, 4)


@pytest.mark.parametrize(
    ("written", "expected"),
    [
        ("L", 1),
        ("M", 2),
        ("H", 3),
        ("High", 3),
        ("H (until further evidenced at end of Yr 1)", 3),
        ("L Except for avoidable emergency admissions (M)", 1),
        ("M/H?", None),
        ("", None),
        ("Severe", None),
    ],
)
def test_written_three_level_ratings_are_read_where_they_say_one_thing(written, expected):
    assert calculations.parse_rating(LMH, written) == expected
    assert calculations.parse_level(LMH, written) == expected


@pytest.mark.parametrize(
    ("written", "expected"),
    [("12", 12), ("4 × 3", 12), ("4x3", 12), ("25", 25), ("26", None), ("High", None)],
)
def test_written_five_by_five_ratings_are_read_as_scores(written, expected):
    assert calculations.parse_rating(FIVE, written) == expected


def test_an_unwritten_five_by_five_rating_is_likelihood_times_consequence():
    assert calculations.parse_rating(FIVE, "", likelihood=4, impact=3) == 12
    assert calculations.parse_rating(FIVE, "", likelihood=4, impact=None) is None
    assert calculations.parse_rating(LMH, "", likelihood=2, impact=3) is None


@pytest.mark.parametrize(
    ("written", "consequence", "expected"),
    [("3", False, 3), ("Almost certain", False, 5), ("Major", True, 4), ("7", False, None)],
)
def test_five_by_five_levels_read_numbers_and_npsa_words(written, consequence, expected):
    assert calculations.parse_level(FIVE, written, consequence=consequence) == expected


def test_written_ratings_are_scored_and_banded_together():
    scored = calculations.score_written(FIVE, likelihood="4", impact="Major", rating="")
    assert (scored.likelihood, scored.impact, scored.score, scored.band) == (4, 4, 16, "extreme")
    doubtful = calculations.score_written(LMH, likelihood="M/H?", impact="", rating="H")
    assert (doubtful.likelihood, doubtful.score, doubtful.band) == (None, 3, "high")


@given(st.text(max_size=30))
def test_parsing_never_fails_and_stays_on_the_scale(text):
    for scale in (FIVE, LMH):
        level = calculations.parse_level(scale, text)
        assert level is None or 1 <= level <= calculations.max_level(scale)
        score = calculations.parse_rating(scale, text)
        assert score is None or calculations.band(scale, score)


REVIEW_DUE = datetime.date(2017, 3, 31)


@pytest.mark.parametrize(
    ("now", "overdue"),
    [
        (datetime.datetime(2017, 3, 31, 23, 59), False),  # due today: not yet overdue
        (datetime.datetime(2017, 4, 1, 0, 1), True),  # first day of the new financial year
    ],
)
def test_a_risk_is_overdue_from_the_day_after_its_review_date(now, overdue):
    with time_machine.travel(timezone.make_aware(now), tick=False):
        today = timezone.localdate()
        assert calculations.is_overdue(REVIEW_DUE, today) is overdue


def test_closed_risks_and_risks_without_a_review_date_are_never_overdue():
    late = datetime.date(2020, 1, 1)
    assert calculations.is_overdue(REVIEW_DUE, late, closed=True) is False
    assert calculations.is_overdue(None, late) is False


def test_the_heat_map_counts_each_cell_and_those_it_cannot_place():
    heat = calculations.heat_map(FIVE, [(4, 3), (4, 3), (1, 1), (None, 2)])
    assert heat.placed == 3 and heat.not_placed == 1
    cell = next(c for c in heat.cells if (c.likelihood, c.impact) == (4, 3))
    assert cell.count == 2 and cell.band == Band.HIGH
    assert heat.rows[0][0].impact == 5  # highest impact on top
    small = calculations.heat_map(LMH, [(2, 3)])
    assert small.size == 3 and len(small.cells) == 9


def test_a_fund_balance_is_its_amount_less_its_releases():
    assert calculations.fund_balance(Decimal("1750000.00"), Decimal("1000000.00")) == Decimal(
        "750000.00"
    )
    assert calculations.fund_balance(Decimal("1300000.00"), None) == Decimal("1300000.00")


@given(
    st.decimals(min_value=0, max_value=10**9, places=2),
    st.decimals(min_value=Decimal("0.01"), max_value=10**9, places=2),
)
def test_a_release_beyond_the_balance_is_refused_and_any_other_accepted(balance, amount):
    refusal = calculations.release_refusal(balance, amount)
    assert (refusal is not None) == (amount > balance)
    if refusal:
        assert "more than" in refusal


@pytest.mark.parametrize(
    "written, levels",
    [
        ("M", (2, 2)),
        ("M/H?", (2, 3)),
        ("H/M", (2, 3)),
        ("L – M", (1, 2)),
        ("H (until further evidenced at end of Yr 1)", (3, 3)),
        ("L Except for avoidable emergency admissions (M)", (1, 1)),
        ("", None),
        ("Unknown", None),
    ],
)
def test_a_three_level_rating_is_read_as_the_levels_it_spans(written, levels):
    assert calculations.level_range(LMH, written) == levels


def test_a_rating_map_places_ratings_against_likelihood_and_keeps_ranges_as_ranges():
    ratings = calculations.rating_map(
        LMH, [("M", "H"), ("M", "H"), ("H", "M"), ("M/H?", "H"), ("L", ""), ("", "M")]
    )
    counts = {(c.likelihood, c.impact): c.count for row in ratings.rows for c in row}
    assert counts[(2, 3)] == 2 and counts[(3, 2)] == 1
    assert sum(counts.values()) == 3  # the range is not counted in any one cell
    assert [(r.likelihood, r.rating, r.likelihood_written) for r in ratings.ranges] == [
        ((2, 3), (3, 3), "M/H?")
    ]
    assert ratings.placed == 4 and ratings.not_placed == 2
    assert ratings.rows[0][0].impact == 3  # the highest rating on top
