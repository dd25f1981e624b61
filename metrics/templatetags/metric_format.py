"""How metric figures and statuses read: 606.4 per 100,000; 87.0%; a coloured status tag."""

from decimal import ROUND_HALF_UP, Decimal

from django import template
from django.utils.html import format_html

from metrics import calculations as calc

register = template.Library()

_TAGS = {calc.MET: "green", calc.NOT_MET: "red", calc.NO_DATA: "grey"}


@register.filter
def figure(value, metric=None) -> str:
    """A number to two places at most, grouped; with % for a percentage metric."""
    if value is None or value == "":
        return "–"
    value = Decimal(value)
    places = Decimal("0.01")
    rounded = value.quantize(places, rounding=ROUND_HALF_UP).normalize()
    text = f"{rounded:,f}" if rounded == rounded.to_integral() else f"{rounded:,}"
    if "." in text:
        whole, _, fraction = text.partition(".")
        text = f"{whole}.{fraction.rstrip('0')}".rstrip(".")
    if metric is not None and metric.unit == calc.PERCENTAGE:
        return f"{text}%"
    return text


@register.filter
def signed_percent(value) -> str:
    if value is None:
        return "–"
    return f"{'+' if value > 0 else ''}{value}%"


@register.simple_tag
def status_tag(status: str):
    return format_html(
        '<strong class="nhsuk-tag nhsuk-tag--{}" data-status="{}">{}</strong>',
        _TAGS.get(status, "grey"),
        status,
        calc.STATUS_LABELS.get(status, status),
    )
