from django import template

from plans import presentation

register = template.Library()


@register.filter
def any_date(value) -> str:
    """A date, or a snapshot's ISO date string, as 31 March 2017 (plans.presentation)."""
    return presentation.date_text(value)
