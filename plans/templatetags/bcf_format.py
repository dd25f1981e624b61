"""How money, dates, financial years and import problems read in the interface."""

from django import template

from plans import presentation, spreadsheets
from plans.models import Organisation
from plans.money import format_millions, format_money_input, format_thousands
from plans.narrative import render as render_narrative

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£18,251,000 (whole pounds unless there are pence): plans.presentation.money_text."""
    return presentation.money_text(value)


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
def uk_date(value, precision=None) -> str:
    """31 March 2015 (also from a snapshot's ISO date); September 2017 when the precision is
    "month" (plans.dates): plans.presentation.date_text."""
    return presentation.date_text(value, precision)


@register.filter
def financial_year(value) -> str:
    """2016 → 2016/17."""
    return presentation.year_text(value)


@register.filter
def metric(value, unit) -> str:
    """A metric's value at its unit's precision: 606.40, 87.0%, 827 (plans.presentation).
    `unit` is the unit's code or a metric definition."""
    return presentation.metric_text(value, getattr(unit, "unit", unit))


@register.simple_tag
def target(value, unit, direction=None) -> str:
    """A target as plans state one: 827 or fewer, 87.0% or more. `unit` is the unit's code
    (then `direction` is given) or a metric definition."""
    if direction is None:
        direction = getattr(unit, "direction", None)
    return presentation.target_text(value, getattr(unit, "unit", unit), direction)


@register.filter
def narrative(text: str):
    """Plan text (Markdown) as safe HTML, the same on the page and in the PDFs
    (plans/narrative.py)."""
    return render_narrative(text)


@register.filter
def problems_listed(problems):
    """An import's problems: the first few to list, and how many more (see plans.spreadsheets)."""
    return spreadsheets.problems_listed(list(problems))


@register.filter
def commissioners_heading(organisations) -> str:
    """The heading over a plan's NHS commissioners (Organisation.commissioners_heading)."""
    return Organisation.commissioners_heading(organisations)
