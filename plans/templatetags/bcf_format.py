"""How money, dates and financial years read in the interface."""

import datetime
from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.formats import date_format

from plans.periods import FinancialYear

register = template.Library()

_PENCE = Decimal("0.01")


def _grouped(value: Decimal, places: int) -> str:
    quantum = Decimal(1).scaleb(-places)
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP)
    text = f"{abs(rounded):,.{places}f}"
    return f"-{text}" if rounded < 0 else text


@register.filter
def pounds(value) -> str:
    """£18,251,000 (whole pounds unless there are pence)."""
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    places = 0 if value == value.to_integral_value() else 2
    text = _grouped(value, places)
    return f"-£{text[1:]}" if text.startswith("-") else f"£{text}"


@register.filter
def thousands(value) -> str:
    """Pounds shown in £000s, as the plan's scheme tables write them: 3,852."""
    if value is None or value == "":
        return "–"
    return _grouped(Decimal(value) / 1000, 0)


@register.filter
def millions(value) -> str:
    """Pounds shown in £m to three places, as the plan's totals: £18.251m."""
    if value is None or value == "":
        return "–"
    text = _grouped(Decimal(value) / 1_000_000, 3)
    return f"-£{text[1:]}m" if text.startswith("-") else f"£{text}m"


@register.filter
def uk_date(value) -> str:
    """31 March 2015."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return date_format(value, "j F Y, H:i")
    return date_format(value, "j F Y")


@register.filter
def financial_year(value) -> str:
    """2016 → 2016/17."""
    if value in (None, ""):
        return ""
    if isinstance(value, FinancialYear):
        return value.label
    return FinancialYear(int(value)).label


@register.filter
def narrative(text: str):
    """Plan text to HTML: blank-line paragraphs, "- " lines as bullets; everything escaped."""
    from django.utils.html import escape
    from django.utils.safestring import mark_safe

    if not text:
        return ""
    html = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.strip() for line in block.strip().split("\n") if line.strip()]
        if not lines:
            continue
        if all(line.startswith("- ") for line in lines):
            items = "".join(f"<li>{escape(line[2:])}</li>" for line in lines)
            html.append(f'<ul class="nhsuk-list nhsuk-list--bullet">{items}</ul>')
        else:
            html.append("<p>" + "<br>".join(escape(line) for line in lines) + "</p>")
    return mark_safe("".join(html))
