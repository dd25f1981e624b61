"""How every kind of figure is written: the one place that decides, for pages, CSV, PDFs and
workbooks alike.

Kinds of figure and how they read:

- money: pounds with thousands separators, `£18,251,000` (pence only when there are any:
  `£750,000.50`), `-£249,000` for a negative (plans/money.py does the writing). Pages
  write whole pounds; £000s and £m appear only where a table's heading says so.
- a metric's value, at the precision of its unit:
  rates per 100,000 to two decimals (`606.40`), percentages to one decimal with the sign
  (`87.0%`), counts of people or events as whole numbers (`827`); a figure kept as its
  source writes it keeps its decimals (`606.4`, `78.22%`: `metrics.models.Figure`);
- a change from a baseline, signed, in per cent to two decimals: `-5.77%`;
- a target, with the wording of its direction: `827 or fewer`, `87.0% or more`,
  `606.40 or lower`;
- dates as `31 March 2015` (a date and time: `31 March 2015, 14:05`);
- financial years as `2016/17`.

Text for people comes from the `*_text` functions; spreadsheets take the numbers rounded the
same way (`metric_number`, `money_number`) with the number format that shows them the same
(`EXCEL_FORMATS`), so a figure reads alike on the page, in the CSV, in the PDF and in the
workbook. Nothing here stores or computes a figure: values arrive as Decimal, int, or the
decimal strings a frozen snapshot keeps.
"""

from __future__ import annotations

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils.formats import date_format

from plans.money import format_pounds
from plans.periods import FinancialYear

NONE = "–"

# Kinds of figure.
MONEY = "money"
RATE = "rate"
PERCENTAGE = "percentage"
COUNT = "count"
CHANGE = "change"  # a change in per cent (from a baseline to a target)
NUMBER = "number"  # a figure of no stated unit (an old snapshot's): two decimals at most

# A metric's unit (metrics.models.MetricDefinition.Unit) → the kind of figure it is.
UNIT_KINDS = {
    "per_100k_year": RATE,
    "per_100k_month": RATE,
    "percentage": PERCENTAGE,
    "count": COUNT,
}
# Decimal places each kind is written to. Money keeps its pence when it has any.
PLACES = {MONEY: 2, RATE: 2, PERCENTAGE: 1, COUNT: 0, CHANGE: 2, NUMBER: 2}
# The same precision as a spreadsheet number format (openpyxl / Excel / LibreOffice).
EXCEL_FORMATS = {
    MONEY: '"£"#,##0.00;-"£"#,##0.00',
    RATE: "#,##0.00",
    PERCENTAGE: '0.0"%"',
    COUNT: "#,##0",
    CHANGE: '+0.00"%";-0.00"%";0.00"%"',
    NUMBER: "#,##0.00",
}
EXCEL_DATE_FORMAT = "d mmmm yyyy"

# A target's wording by the metric's direction and kind: counts are "fewer", the rest "lower".
_WORDING = {
    ("lower", COUNT): "or fewer",
    ("lower", None): "or lower",
    ("higher", COUNT): "or more",
    ("higher", None): "or higher",
}


# Metric figures are stored with four decimals (metrics.calculations.PLACES); one held with
# fewer is a figure as its source writes it (metrics.models.Figure.value_places).
STORED_PLACES = 4


def kind_of(unit: str | None) -> str:
    """The kind of figure a metric unit is; NUMBER when the unit is not known."""
    return UNIT_KINDS.get(unit or "", NUMBER)


def _decimal(value) -> Decimal | None:
    if value is None or value == "" or value == NONE:
        return None
    if isinstance(value, float):
        value = repr(value)
    try:
        number = Decimal(value)
    except (InvalidOperation, TypeError, ValueError):
        return None
    return number if number.is_finite() else None


def rounded(value, kind: str) -> Decimal | None:
    """The value at its kind's precision (half up, as the sources round), or None."""
    number = _decimal(value)
    if number is None:
        return None
    quantum = Decimal(1).scaleb(-PLACES[kind])
    return number.quantize(quantum, rounding=ROUND_HALF_UP)


def number_text(value, kind: str) -> str:
    """A figure of a kind as people read it: `606.40`, `87.0%`, `827`, `£18,251,000`."""
    if kind == MONEY:
        return money_text(value)
    number = rounded(value, kind)
    if number is None:
        return NONE
    text = f"{number:,.{PLACES[kind]}f}"
    return f"{text}%" if kind == PERCENTAGE else text


def _written_places(value, unit: str | None) -> int | None:
    """The decimals of a metric value kept as its source writes it, or None (the unit's):
    a value held with fewer decimals than figures are stored with (four) is one so kept,
    606.4 or 78.22; 606.4000 from the database, a computed rate and a chart's float are not."""
    kind = kind_of(unit)
    if kind in (MONEY, NUMBER) or not PLACES[kind] or isinstance(value, float):
        return None
    number = _decimal(value)
    if number is None:
        return None
    exponent = number.as_tuple().exponent
    if isinstance(exponent, int) and -STORED_PLACES < exponent < 0:
        return -exponent
    return None


def metric_text(value, unit: str | None) -> str:
    """A metric's value at the precision of its unit, or with the decimals its source writes
    (`_written_places`): 606.4, 1,585.3, 78.22%; 606.4000 from the database reads 606.40."""
    places = _written_places(value, unit)
    if places is None:
        return number_text(value, kind_of(unit))
    text = f"{_decimal(value):,.{places}f}"
    return f"{text}%" if kind_of(unit) == PERCENTAGE else text


def metric_excel_format(value, unit: str | None) -> str:
    """The number format of a metric value's cell, so that it reads as `metric_text` writes
    it (606.4 stays 606.4)."""
    places = _written_places(value, unit)
    kind = kind_of(unit)
    if places is None:
        return EXCEL_FORMATS[kind]
    decimals = "0." + "0" * places
    return f'{decimals}"%"' if kind == PERCENTAGE else f"#,##{decimals}"


def target_text(value, unit: str | None, direction: str | None) -> str:
    """A target as the plans state one: `827 or fewer`, `87.0% or more`, `606.40 or lower`."""
    text = metric_text(value, unit)
    if text == NONE or direction not in ("lower", "higher"):
        return text
    kind = kind_of(unit)
    wording = _WORDING.get((direction, kind)) or _WORDING[(direction, None)]
    return f"{text} {wording}"


def change_text(value) -> str:
    """A change in per cent, signed, to two decimals as the plans state theirs: -5.77%."""
    number = rounded(value, CHANGE)
    if number is None:
        return NONE
    return f"{'+' if number > 0 else ''}{number:,.2f}%"


def metric_number(value, unit: str | None) -> Decimal | None:
    """A metric's value for a spreadsheet cell: the number the page shows, unformatted."""
    if _written_places(value, unit) is not None:
        return _decimal(value)
    return rounded(value, kind_of(unit))


def money_text(value) -> str:
    """£18,251,000; £750,000.50; -£249,000; – for none."""
    number = _decimal(value)
    return NONE if number is None else format_pounds(number)


def money_number(value) -> Decimal | None:
    """An amount for a spreadsheet cell: pounds to the penny, or None (an empty cell)."""
    return rounded(value, MONEY)


def as_date(value) -> datetime.date | datetime.datetime | None:
    """A date, a date and time, or a snapshot's ISO string as a date; None when it is not one."""
    if isinstance(value, datetime.date):
        return value
    if isinstance(value, str) and value:
        try:
            return (
                datetime.datetime.fromisoformat(value)
                if "T" in value
                else (datetime.date.fromisoformat(value))
            )
        except ValueError:
            return None
    return None


# A date whose source gives only its month (plans.dates.DatePrecision.MONTH).
MONTH_PRECISION = "month"


def date_text(value, precision: str | None = None) -> str:
    """31 March 2015 (a date and time: 31 March 2015, 14:05); September 2017 when its
    `precision` is "month", a date whose source gives no day (held as the 1st, never shown
    so); text that is not a date is returned as it is, and nothing as empty."""
    if not value:
        return ""
    day = as_date(value)
    if day is None:
        return str(value)
    if isinstance(day, datetime.datetime):
        return date_format(day, "j F Y, H:i")
    if precision == MONTH_PRECISION:
        return date_format(day, "F Y")
    return date_format(day, "j F Y")


def year_text(value) -> str:
    """A financial year, given as its first calendar year (2016), a FinancialYear or a label,
    as 2016/17."""
    if value in (None, ""):
        return ""
    if isinstance(value, FinancialYear):
        return value.label
    if isinstance(value, str) and not value.strip().isdigit():
        return FinancialYear.parse(value).label
    return FinancialYear(int(value)).label
