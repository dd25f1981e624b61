from django import template

from plans import presentation

register = template.Library()


@register.filter
def any_date(value, precision=None) -> str:
    """A date, or a snapshot's ISO date string, as 31 March 2017; September 2017 when its
    precision is "month" (plans.presentation)."""
    return presentation.date_text(value, precision)
