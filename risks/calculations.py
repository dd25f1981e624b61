"""Risk scoring and fund balances: pure functions, no database.

Two scales (GLOSSARY: NHS 5×5 risk matrix):
- NHS 5×5 (NPSA 2008): likelihood 1–5 (rare … almost certain) × consequence 1–5
  (negligible … catastrophic) = score 1–25, banded low (1–3), moderate (4–6), high (8–12),
  extreme (15–25). No product of two numbers 1–5 falls in 7, 13 or 14.
- Three levels, as the 2014 Leicestershire register writes them: L, M, H (1, 2, 3).

Written ratings are kept as written; `parse_level` and `parse_rating` read a number from the
text where it says one thing clearly, and give None where it does not ("M/H?").
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal

from plans.templatetags.bcf_format import pounds
from risks.scales import Band, Scale

LIKELIHOOD_WORDS = {
    "rare": 1,
    "unlikely": 2,
    "possible": 3,
    "likely": 4,
    "almost certain": 5,
}
CONSEQUENCE_WORDS = {
    "negligible": 1,
    "minor": 2,
    "moderate": 3,
    "major": 4,
    "catastrophic": 5,
}
LEVELS = {"l": 1, "low": 1, "m": 2, "medium": 2, "med": 2, "h": 3, "high": 3}
LEVEL_LABELS = {1: "L", 2: "M", 3: "H"}
BAND_LEVELS = {"low": 1, "medium": 2, "moderate": 2, "high": 3}

# A level word at the start, then nothing or a space/bracket: "H (until … Yr 1)", "L Except
# for … (M)". "M/H?" (a slash or question mark straight after) is a doubt, so not read.
_LEADING_WORD = re.compile(r"^\s*([A-Za-z]+(?: certain)?)(?=$|[\s(,.;:])")
_LEADING_NUMBER = re.compile(r"^\s*(\d{1,2})(?=$|[\s(,.;:])")
_PRODUCT = re.compile(r"^\s*([1-5])\s*[x×*]\s*([1-5])\s*(?=$|[\s(=,.;:])", re.IGNORECASE)


def max_level(scale: str) -> int:
    return 5 if scale == Scale.NHS_5X5 else 3


def parse_level(scale: str, text: str, *, consequence: bool = False) -> int | None:
    """A likelihood or impact as written, as a number on the scale (1–5 or 1–3), or None.

    5×5: a number 1–5 or the NPSA word (rare…almost certain; negligible…catastrophic when
    `consequence`). L/M/H: L, M, H (or Low, Medium, High). Text that adds a doubt straight
    after the level ("M/H?") is not read; a note after a space ("H (until …)") is.
    """
    text = (text or "").strip()
    if not text:
        return None
    if scale == Scale.NHS_5X5:
        number = _LEADING_NUMBER.match(text)
        if number:
            value = int(number[1])
            return value if 1 <= value <= 5 else None
        words = CONSEQUENCE_WORDS if consequence else LIKELIHOOD_WORDS
        lowered = text.lower()
        for word, value in words.items():
            if lowered == word or re.match(rf"^{word}(?=$|[\s(,.;:])", lowered):
                return value
        return None
    word = _LEADING_WORD.match(text)
    if word and word[1].lower() in LEVELS:
        return LEVELS[word[1].lower()]
    return None


def score_5x5(likelihood: int, consequence: int) -> int:
    """Likelihood (1–5) × consequence (1–5): a score 1–25."""
    if not (1 <= likelihood <= 5 and 1 <= consequence <= 5):
        raise ValueError("Likelihood and consequence are each 1 to 5.")
    return likelihood * consequence


def parse_rating(
    scale: str, text: str, *, likelihood: int | None = None, impact: int | None = None
) -> int | None:
    """A rating as written, as a score: 1–25 on the 5×5 matrix, 1–3 on L/M/H; or None.

    On the 5×5 matrix a rating is a score ("12"), a product ("4 × 3") or a band word; when
    nothing is written it is likelihood × consequence if both are known. On L/M/H it is the
    level the text starts with; with nothing written it stays unknown (the three-level
    scale has no agreed product).
    """
    text = (text or "").strip()
    if scale == Scale.NHS_5X5:
        if not text:
            if likelihood and impact:
                return score_5x5(likelihood, impact)
            return None
        product = _PRODUCT.match(text)
        if product:
            return score_5x5(int(product[1]), int(product[2]))
        number = _LEADING_NUMBER.match(text)
        if number:
            value = int(number[1])
            return value if 1 <= value <= 25 else None
        return None
    if not text:
        return None
    word = _LEADING_WORD.match(text)
    if word and word[1].lower() in LEVELS:
        return LEVELS[word[1].lower()]
    return None


def band(scale: str, score: int | None) -> str:
    """The band of a score on its scale; "" when there is no score."""
    if score is None:
        return ""
    if scale == Scale.NHS_5X5:
        if not 1 <= score <= 25:
            raise ValueError("A 5×5 score is 1 to 25.")
        if score <= 3:
            return Band.LOW
        if score <= 6:
            return Band.MODERATE
        if score <= 12:
            return Band.HIGH
        return Band.EXTREME
    if score not in (1, 2, 3):
        raise ValueError("A three-level rating is 1 (L), 2 (M) or 3 (H).")
    return {1: Band.LOW, 2: Band.MEDIUM, 3: Band.HIGH}[score]


def bands_of(scale: str) -> list[str]:
    if scale == Scale.NHS_5X5:
        return [Band.LOW, Band.MODERATE, Band.HIGH, Band.EXTREME]
    return [Band.LOW, Band.MEDIUM, Band.HIGH]


@dataclass(frozen=True)
class Scored:
    likelihood: int | None
    impact: int | None
    score: int | None
    band: str


def score_written(scale: str, *, likelihood: str, impact: str, rating: str) -> Scored:
    """Read the numbers out of one set of written ratings (before or after mitigation)."""
    likelihood_score = parse_level(scale, likelihood)
    impact_score = parse_level(scale, impact, consequence=True)
    score = parse_rating(scale, rating, likelihood=likelihood_score, impact=impact_score)
    return Scored(likelihood_score, impact_score, score, band(scale, score))


def is_overdue(next_review: datetime.date | None, today: datetime.date, *, closed=False) -> bool:
    """An open risk is overdue when its next review date is before `today` (not on it)."""
    return not closed and next_review is not None and next_review < today


# Heat map ------------------------------------------------------------------------------


@dataclass(frozen=True)
class HeatCell:
    likelihood: int
    impact: int
    count: int
    band: str


@dataclass(frozen=True)
class HeatMap:
    """Counts of risks per (likelihood, impact) cell; rows from highest impact down."""

    scale: str
    size: int
    rows: list[list[HeatCell]]
    placed: int
    not_placed: int

    @property
    def cells(self) -> list[HeatCell]:
        return [cell for row in self.rows for cell in row]


def heat_map(scale: str, points: list[tuple[int | None, int | None]]) -> HeatMap:
    """Count (likelihood, impact) pairs on the scale's grid; pairs with a gap are not placed.

    A cell's band is that of likelihood × impact on the 5×5 matrix; on the three-level
    scale, where the source defines no product, it is the higher of the two levels.
    """
    size = max_level(scale)
    counts: dict[tuple[int, int], int] = {}
    not_placed = 0
    for likelihood, impact in points:
        if likelihood is None or impact is None:
            not_placed += 1
            continue
        counts[(likelihood, impact)] = counts.get((likelihood, impact), 0) + 1
    rows = []
    for impact in range(size, 0, -1):
        row = []
        for likelihood in range(1, size + 1):
            if scale == Scale.NHS_5X5:
                cell_band = band(scale, likelihood * impact)
            else:
                cell_band = band(scale, max(likelihood, impact))
            row.append(HeatCell(likelihood, impact, counts.get((likelihood, impact), 0), cell_band))
        rows.append(row)
    return HeatMap(scale, size, rows, sum(counts.values()), not_placed)


# Funds ---------------------------------------------------------------------------------


# Ratings against likelihood (a register with no impact) ---------------------------------

# Two levels with a slash or dash between, a doubt mark allowed: "M/H?", "L-M", "M – H".
_RANGE = re.compile(r"^\s*([A-Za-z]+)\s*[/\-–]\s*([A-Za-z]+)\s*\??(?=$|[\s(,.;:])")


def level_range(scale: str, text: str) -> tuple[int, int] | None:
    """A likelihood or rating as written, as the levels it spans on the three-level scale:
    "M" → (2, 2), "M/H?" → (2, 3), "H (until …)" → (3, 3); None when no level is written."""
    text = (text or "").strip()
    if not text:
        return None
    both = _RANGE.match(text)
    if both and both[1].lower() in LEVELS and both[2].lower() in LEVELS:
        low, high = sorted((LEVELS[both[1].lower()], LEVELS[both[2].lower()]))
        return low, high
    level = parse_level(scale, text)
    return None if level is None else (level, level)


@dataclass(frozen=True)
class RatedRisk:
    """One risk on a rating map: the levels its likelihood and rating span, as written."""

    likelihood: tuple[int, int]
    rating: tuple[int, int]
    likelihood_written: str
    rating_written: str

    @property
    def is_range(self) -> bool:
        return self.likelihood[0] != self.likelihood[1] or self.rating[0] != self.rating[1]


@dataclass(frozen=True)
class RatingMap:
    """Risks by likelihood (across) and overall rating (up) on the three-level scale: counts
    of the risks written as one level each, the risks written as a range kept as ranges, and
    how many have no likelihood or no rating written."""

    size: int
    rows: list[list[HeatCell]]  # HeatCell.impact holds the rating here; highest first
    ranges: list[RatedRisk]
    placed: int
    not_placed: int


def rating_map(scale: str, risks: list[tuple[str, str]]) -> RatingMap:
    """Place (likelihood, rating) as written on a grid of likelihood × rating: the picture of
    a register that gives a rating but no impact (the 2014 register). Nothing is derived:
    a cell's band is the rating's own."""
    size = max_level(scale)
    counts: dict[tuple[int, int], int] = {}
    ranges, not_placed = [], 0
    for likelihood_text, rating_text in risks:
        likelihood = level_range(scale, likelihood_text)
        rating = level_range(scale, rating_text)
        if likelihood is None or rating is None:
            not_placed += 1
            continue
        rated = RatedRisk(likelihood, rating, likelihood_text.strip(), rating_text.strip())
        if rated.is_range:
            ranges.append(rated)
        else:
            key = (likelihood[0], rating[0])
            counts[key] = counts.get(key, 0) + 1
    rows = [
        [
            HeatCell(likelihood, rating, counts.get((likelihood, rating), 0), band(scale, rating))
            for likelihood in range(1, size + 1)
        ]
        for rating in range(size, 0, -1)
    ]
    return RatingMap(size, rows, ranges, sum(counts.values()) + len(ranges), not_placed)


def fund_balance(amount: Decimal, released: Decimal | None) -> Decimal:
    """Pounds left in a fund: its amount less everything released from it (never hidden
    when negative: a negative balance means releases beyond the fund were recorded)."""
    return amount - (released or Decimal(0))


def release_refusal(balance: Decimal, amount: Decimal) -> str | None:
    """Why a release of `amount` (pounds) from a fund with `balance` left is refused, if it is."""
    if amount <= 0:
        return "A release is a positive amount of pounds."
    if amount > balance:
        return (
            f"This release of {pounds(amount)} is more than the {pounds(balance)} left in the "
            "fund. Release no more than the balance."
        )
    return None
