"""Financial years and quarters: the one place that knows how `2016/17` works.

A financial year runs from 1 April to 31 March and is named by its two calendar years,
`2016/17`. It is stored as the calendar year in which it starts (an integer, 2016).
Quarters: Q1 April–June, Q2 July–September, Q3 October–December, Q4 January–March.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

# The years a label may name: enough for any plan, few enough that every date of every
# year (and the year after) exists.
FIRST_YEAR = 1900
LAST_YEAR = 2199
_LABEL = re.compile(r"^\s*(\d{4})\s*[/-]\s*(\d{2}|\d{4})\s*$")


@dataclass(frozen=True, order=True)
class FinancialYear:
    start_year: int

    @classmethod
    def parse(cls, label: str) -> FinancialYear:
        """Read `2016/17` (also `2016-17` or `2016/2017`); raise ValueError otherwise."""
        match = _LABEL.match(str(label))
        if not match:
            raise ValueError(f"“{label}” is not a financial year such as 2016/17.")
        start, end = int(match[1]), match[2]
        end_year = int(end) if len(end) == 4 else (start + 1) // 100 * 100 + int(end)
        if end_year != start + 1:
            raise ValueError(f"“{label}” is not a financial year such as 2016/17.")
        if not FIRST_YEAR <= start <= LAST_YEAR:
            raise ValueError(
                f"“{label}” is not a financial year the planner knows: it knows "
                f"{cls(FIRST_YEAR).label} to {cls(LAST_YEAR).label}."
            )
        return cls(start)

    @classmethod
    def containing(cls, day: datetime.date) -> FinancialYear:
        return cls(day.year if day.month >= 4 else day.year - 1)

    @property
    def label(self) -> str:
        return f"{self.start_year}/{(self.start_year + 1) % 100:02d}"

    @property
    def start(self) -> datetime.date:
        return datetime.date(self.start_year, 4, 1)

    @property
    def end(self) -> datetime.date:
        return datetime.date(self.start_year + 1, 3, 31)

    def quarter(self, number: int) -> Quarter:
        return Quarter(self, number)

    @property
    def quarters(self) -> list[Quarter]:
        return [Quarter(self, n) for n in (1, 2, 3, 4)]

    @property
    def months(self) -> list[datetime.date]:
        """The first day of each of its twelve months, April to March."""
        return [
            datetime.date(self.start_year + (month < 4), month, 1)
            for month in (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)
        ]

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + years)

    def __str__(self) -> str:
        return self.label


@dataclass(frozen=True, order=True)
class Quarter:
    year: FinancialYear
    number: int

    def __post_init__(self):
        if not Quarter.valid_number(self.number):
            raise ValueError("A quarter is numbered 1 to 4.")

    @staticmethod
    def valid_number(number) -> bool:
        """Whether `number` numbers a quarter (1 to 4): the one place that says so, for the
        URLs, services and model checks that meet a bare number."""
        return number in (1, 2, 3, 4)

    @classmethod
    def containing(cls, day: datetime.date) -> Quarter:
        year = FinancialYear.containing(day)
        return cls(year, (day.month - 4) % 12 // 3 + 1)

    @property
    def start(self) -> datetime.date:
        month = 4 + (self.number - 1) * 3
        calendar_year = self.year.start_year + (month > 12)
        return datetime.date(calendar_year, (month - 1) % 12 + 1, 1)

    @property
    def end(self) -> datetime.date:
        following = self.year + 1 if self.number == 4 else self.year
        next_start = Quarter(following, self.number % 4 + 1).start
        return next_start - datetime.timedelta(days=1)

    @property
    def label(self) -> str:
        return f"{self.year.label} Q{self.number}"

    def __str__(self) -> str:
        return self.label


def month_end(day: datetime.date, *, months_after: int = 0) -> datetime.date:
    """The last day of the month `months_after` months after the month of `day`."""
    index = day.year * 12 + day.month - 1 + months_after + 1  # the month after that one
    return datetime.date(index // 12, index % 12 + 1, 1) - datetime.timedelta(days=1)


def parse_period(label: str) -> tuple[FinancialYear, int | None]:
    """Read "2016/17 Q4" (a quarter) or "2016/17" (a year); raise ValueError otherwise."""
    text = str(label).strip()
    match = re.match(r"^(.*?)\s+Q(\d)$", text)
    if match:
        number = int(match[2])
        if not Quarter.valid_number(number):
            raise ValueError(f"“{label}” is not a quarter such as 2016/17 Q4.")
        return FinancialYear.parse(match[1]), number
    return FinancialYear.parse(text), None


def year_range(first: int, last: int) -> list[FinancialYear]:
    """The financial years from the one starting in `first` to the one starting in `last`."""
    return [FinancialYear(y) for y in range(first, last + 1)]
