"""How metric figures and statuses read: 606.40 per 100,000; 87.0%; a coloured status tag."""

from django import template
from django.utils.html import format_html

from metrics import calculations as calc
from plans import presentation

register = template.Library()

_TAGS = {calc.MET: "green", calc.NOT_MET: "red", calc.NO_DATA: "grey"}


@register.filter
def figure(value, metric=None) -> str:
    """A metric's value at the precision of its unit (plans.presentation): 606.40, 87.0%, 827;
    without a metric, two decimals."""
    return presentation.metric_text(value, getattr(metric, "unit", None))


@register.filter
def signed_percent(value) -> str:
    """A change in per cent, signed: +5.2%, -14.0% (plans.presentation.change_text)."""
    return presentation.change_text(value)


@register.simple_tag
def status_tag(status: str):
    return format_html(
        '<strong class="nhsuk-tag nhsuk-tag--{}" data-status="{}">{}</strong>',
        _TAGS.get(status, "grey"),
        status,
        calc.STATUS_LABELS.get(status, status),
    )
