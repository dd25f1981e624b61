"""How money, dates, financial years and import problems read in the interface."""

import datetime

from django import template
from django.utils.formats import date_format

from plans import spreadsheets
from plans.money import format_millions, format_money_input, format_pounds, format_thousands
from plans.narrative import render as render_narrative
from plans.periods import FinancialYear

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£18,251,000 (whole pounds unless there are pence): plans.money.format_pounds."""
    return format_pounds(value)


@register.filter
def money_input(value) -> str:
    """An amount as it goes back into a box to edit: £1,234, or empty for none."""
    return format_money_input(value)


@register.filter
def thousands(value) -> str:
    """Pounds shown in £000s, as the plan's scheme tables write them: 3,852."""
    return format_thousands(value)


@register.filter
def millions(value) -> str:
    """Pounds shown in £m to three places, as the plan's totals: £18.251m."""
    return format_millions(value)


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
    """Plan text (Markdown) as safe HTML, the same on the page and in the PDFs
    (plans/narrative.py)."""
    return render_narrative(text)


@register.filter
def problems_listed(problems):
    """An import's problems: the first few to list, and how many more (see plans.spreadsheets)."""
    return spreadsheets.problems_listed(list(problems))
