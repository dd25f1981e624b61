"""Dates held at the precision their source gives them.

A source that says "by September 2017" or "approved in November 2015" gives a month, not a
day. Such a date is stored as the first day of the month with the precision `month`
beside it, and always shown as the month ("September 2017"): no day is invented. A date
known to the day is shown as 31 March 2015 (the rule is plans.presentation.date_text's).
"""

from __future__ import annotations

import datetime

from django.db import models

from plans import presentation


class DatePrecision(models.TextChoices):
    DAY = "day", "Day"
    MONTH = presentation.MONTH_PRECISION, "Month"


def precision_field(help_text: str = "") -> models.CharField:
    """The precision of the date field beside it: the day (default) or only the month."""
    return models.CharField(
        max_length=5,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text=help_text or "Whether the source gives the day or only the month.",
    )


def on_or_in(date: datetime.date | None, precision: str | None = DatePrecision.DAY) -> str:
    """ "on 3 May 2016", or "in May 2016" when only the month is known."""
    if not date:
        return "(date not recorded)"
    word = "in" if precision == DatePrecision.MONTH else "on"
    return f"{word} {presentation.date_text(date, precision)}"


def month_start(date: datetime.date) -> datetime.date:
    """The day a month-precision date is stored as: the 1st."""
    return date.replace(day=1)
