import datetime

from django import template
from django.utils.formats import date_format

register = template.Library()


@register.filter
def any_date(value) -> str:
    """A date, or a snapshot's ISO date string, as 31 March 2017."""
    if not value:
        return ""
    if isinstance(value, str):
        try:
            value = datetime.date.fromisoformat(value)
        except ValueError:
            return value
    return date_format(value, "j F Y")
