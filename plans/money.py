"""Money as people type it and as they read it: the one place that reads and writes pounds.

Every form, grid and spreadsheet import reads an amount through `parse_money`, and every
page, PDF and message writes one through `format_pounds` (or its £000s and £m forms).
Amounts are `Decimal` pounds to the penny; nothing here uses floats except to take a number
a spreadsheet cell already holds. The API does not come through here: it keeps strict
decimal strings ("1234.50") in and out.

Read (`parse_money`), the way people write amounts in plans and spreadsheets:

    "£1,234"  "1,234"  "1234.5"  "£ 1,234.00"        → 1234, 1234.50 …
    "(1,234)"  "-1,234"  "−£1,234"  "-£1,234"         → -1234 (brackets as accounts write)
    ""  "-"  "–"  "—"                                 → None: no amount
    1234, 1234.5 (a spreadsheet cell's number)        → 1234, 1234.50

Refused with a message a person can act on (`MoneyError`, a ValueError): anything else,
more than two decimal places, amounts of a trillion pounds or more, and negative amounts
where the caller says none may be.

Written (`format_pounds`): "£1,234" (whole pounds unless there are pence: "£1,234.50"),
"-£1,234" for a negative, "–" for none. `format_money_input` writes the same without the
dash, for an amount put back into a box to edit. Whether an amount may be negative is the
caller's to say (a budget may not; a variance may).
"""

from __future__ import annotations

import re
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

PENNY = Decimal("0.01")
# The database keeps 14 digits with 2 after the point (plans.models.MONEY).
LIMIT = Decimal("1000000000000")
NONE_MARKS = frozenset({"", "-", "–", "—", "−"})
NOT_AN_AMOUNT = "Enter an amount in pounds, like £1,234 or 1234.50."
TOO_PRECISE = "Enter the amount to the penny at most, like £1,234.50."
TOO_LARGE = "Enter an amount under £1,000,000,000,000."
NEGATIVE = "The amount cannot be negative."

# Digits with commas between groups of three, or without commas; an optional fraction.
_NUMBER = re.compile(r"^(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?$|^\.\d+$")
_MINUS = ("-", "−", "–")  # hyphen, the minus sign, and the en dash Word types for one


class MoneyError(ValueError):
    """The text is not an amount of money; `str()` is the message for the person."""


def parse_money(value, *, allow_negative: bool = True) -> Decimal | None:
    """An amount typed or pasted by a person, or held in a spreadsheet cell, as Decimal
    pounds to the penny; None when the cell or box says there is no amount.

    With `allow_negative=False` a negative amount is refused (`NEGATIVE`), as budgets,
    contributions and spend are."""
    amount = _parse(value)
    if amount is not None and amount < 0 and not allow_negative:
        raise MoneyError(NEGATIVE)
    return amount


def _parse(value) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool):
        raise MoneyError(NOT_AN_AMOUNT)
    if isinstance(value, int | float | Decimal):
        return _checked(_from_number(value))
    text = str(value).strip().replace("\u00a0", "").replace(" ", "")
    if text in NONE_MARKS:
        return None
    negative = False
    if text.startswith("(") and text.endswith(")"):
        negative, text = True, text[1:-1]
    if text.startswith(_MINUS):
        negative, text = not negative, text[1:]
    if text.startswith("£"):
        text = text[1:]
    if text.startswith(_MINUS) and not negative:  # "£-1,234", as some exports write it
        negative, text = True, text[1:]
    if not _NUMBER.match(text):
        raise MoneyError(NOT_AN_AMOUNT)
    try:
        amount = Decimal(text.replace(",", ""))
    except InvalidOperation as error:  # pragma: no cover - the pattern admits only numbers
        raise MoneyError(NOT_AN_AMOUNT) from error
    return _checked(-amount if negative else amount)


def _from_number(value) -> Decimal:
    if isinstance(value, float):
        if value != value or value in (float("inf"), float("-inf")):
            raise MoneyError(NOT_AN_AMOUNT)
        amount = Decimal(repr(value))
        # A spreadsheet's arithmetic leaves binary noise (0.1 + 0.2): take the nearest penny
        # when it is that close; a figure truly finer than a penny is still refused.
        nearest = amount.quantize(PENNY, rounding=ROUND_HALF_UP)
        return nearest if abs(amount - nearest) < Decimal("0.000001") else amount
    amount = Decimal(value)
    if not amount.is_finite():
        raise MoneyError(NOT_AN_AMOUNT)
    return amount


def _checked(amount: Decimal) -> Decimal:
    # Size first: quantizing a number of hundreds of digits raises rather than answers.
    if abs(amount) >= LIMIT:
        raise MoneyError(TOO_LARGE)
    if amount != amount.quantize(PENNY, rounding=ROUND_HALF_UP):
        raise MoneyError(TOO_PRECISE)
    return amount.quantize(PENNY)


def _grouped(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{places}f}"
    return f"-{text}" if rounded < 0 else text


def _pounds_text(value) -> str:
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = _grouped(value, places)
    return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"


def format_pounds(value) -> str:
    """£18,251,000 (whole pounds unless there are pence: £750,000.50); -£249,000; – for none."""
    if value is None or value == "":
        return "–"
    return _pounds_text(value)


def format_money_input(value) -> str:
    """An amount as it goes back into a box to be edited: £1,234, or empty for none.

    Text a person typed (a bound form being shown again) is left exactly as typed."""
    if value is None or value == "":
        return ""
    if isinstance(value, str):
        try:
            value = Decimal(value)
        except InvalidOperation:
            return value
        if not value.is_finite():
            return str(value)
    return _pounds_text(value)


def format_thousands(value) -> str:
    """Pounds shown in £000s, as the plan's scheme tables write them: 3,852."""
    if value is None or value == "":
        return "–"
    return _grouped(Decimal(value) / 1000, 0)


def format_millions(value) -> str:
    """Pounds shown in £m to three places, as the plan's totals: £18.251m."""
    if value is None or value == "":
        return "–"
    text = _grouped(Decimal(value) / 1_000_000, 3)
    return f"-£{text[1:]}m" if text.startswith("-") else f"£{text}m"
