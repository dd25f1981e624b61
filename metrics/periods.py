"""The periods metric figures are given for, built on plans.periods (financial years and
quarters). A period is stored as a granularity and start/end dates; this module checks the
dates fit the granularity, names the period, and reads what a person types."""

from __future__ import annotations

import calendar
import datetime
import re

from django.db import models
from django.utils.formats import date_format

from plans.periods import FinancialYear, Quarter


class Granularity(models.TextChoices):
    MONTH = "month", "Month"
    QUARTER = "quarter", "Quarter"
    YEAR = "year", "Financial year"
    YEAR_TO_DATE = "year_to_date", "Financial year to date"
    BY_DATE = "by_date", "By a date"


def financial_year_of(day: datetime.date) -> FinancialYear:
    return FinancialYear.containing(day)


def _month_end(day: datetime.date) -> datetime.date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def _day(day: datetime.date) -> str:
    return date_format(day, "j F Y")


def label(granularity: str, start: datetime.date, end: datetime.date) -> str:
    """ "April 2016", "2016/17 Q1", "2016/17", "2016/17 to 28 February 2017",
    "by 31 December 2014"."""
    if granularity == Granularity.MONTH:
        return date_format(start, "F Y")
    if granularity == Granularity.QUARTER:
        return Quarter.containing(start).label
    if granularity == Granularity.YEAR:
        return FinancialYear.containing(start).label
    if granularity == Granularity.YEAR_TO_DATE:
        return f"{FinancialYear.containing(start).label} to {_day(end)}"
    return f"by {_day(end)}"


def months(granularity: str, start: datetime.date, end: datetime.date) -> int:
    """Whole calendar months the period covers (a "by" date counts as one month)."""
    if granularity == Granularity.BY_DATE:
        return 1
    return (end.year - start.year) * 12 + end.month - start.month + 1


def check(granularity: str, start: datetime.date, end: datetime.date) -> None:
    """Raise ValueError unless start and end are the bounds of a period of that granularity."""
    if end < start:
        raise ValueError("The period cannot end before it starts.")
    if granularity == Granularity.MONTH:
        ok = start.day == 1 and end == _month_end(start)
    elif granularity == Granularity.QUARTER:
        quarter = Quarter.containing(start)
        ok = (start, end) == (quarter.start, quarter.end)
    elif granularity == Granularity.YEAR:
        year = FinancialYear.containing(start)
        ok = (start, end) == (year.start, year.end)
    elif granularity == Granularity.YEAR_TO_DATE:
        year = FinancialYear.containing(start)
        ok = start == year.start and end <= year.end and end == _month_end(end)
    elif granularity == Granularity.BY_DATE:
        ok = start == end
    else:
        raise ValueError("Unknown kind of period.")
    if not ok:
        raise ValueError(f"These dates are not one {Granularity(granularity).label.lower()}.")


_MONTH = re.compile(r"^\s*([A-Za-z]+)\s+(\d{4})\s*$")
_ISO_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})\s*$")
_QUARTER = re.compile(r"^\s*(.+?)\s*Q([1-4])\s*$", re.IGNORECASE)
_MONTH_NAMES = {name.lower(): n for n, name in enumerate(calendar.month_name) if name}
_MONTH_NAMES.update({name.lower(): n for n, name in enumerate(calendar.month_abbr) if name})


def _date(text: str) -> datetime.date:
    text = text.strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(f"“{text}” is not a date such as 31/03/2017.")


def parse(granularity: str, text: str) -> tuple[datetime.date, datetime.date]:
    """Read a period as typed: "April 2016" or "2016-04"; "2016/17 Q1"; "2016/17";
    a last day (year to date, by a date) as "28/02/2017" or "2017-02-28"."""
    text = str(text or "").strip()
    if not text:
        raise ValueError("Enter the period.")
    if granularity == Granularity.MONTH:
        match = _MONTH.match(text)
        if match and match[1].lower() in _MONTH_NAMES:
            start = datetime.date(int(match[2]), _MONTH_NAMES[match[1].lower()], 1)
        elif (iso := _ISO_MONTH.match(text)) and 1 <= int(iso[2]) <= 12:
            start = datetime.date(int(iso[1]), int(iso[2]), 1)
        else:
            raise ValueError(f"“{text}” is not a month such as April 2016.")
        return start, _month_end(start)
    if granularity == Granularity.QUARTER:
        match = _QUARTER.match(text)
        if not match:
            raise ValueError(f"“{text}” is not a quarter such as 2016/17 Q1.")
        quarter = FinancialYear.parse(match[1]).quarter(int(match[2]))
        return quarter.start, quarter.end
    if granularity == Granularity.YEAR:
        year = FinancialYear.parse(text)
        return year.start, year.end
    if granularity == Granularity.YEAR_TO_DATE:
        end = _date(text)
        if end != _month_end(end):
            raise ValueError("A year to date ends on the last day of a month.")
        return FinancialYear.containing(end).start, end
    if granularity == Granularity.BY_DATE:
        day = _date(text)
        return day, day
    raise ValueError("Choose the kind of period.")


def as_typed(granularity: str, start: datetime.date, end: datetime.date) -> str:
    """The text `parse` reads back to the same period (for forms and spreadsheets)."""
    if granularity == Granularity.MONTH:
        return date_format(start, "F Y")
    if granularity in (Granularity.QUARTER, Granularity.YEAR):
        return label(granularity, start, end)
    return end.strftime("%d/%m/%Y")
