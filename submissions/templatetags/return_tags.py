from django import template

from plans import presentation
from submissions import summary

register = template.Library()


@register.filter
def any_date(value, precision=None) -> str:
    """A date, or a snapshot's ISO date string, as 31 March 2017; September 2017 when its
    precision is "month" (plans.presentation)."""
    return presentation.date_text(value, precision)


@register.simple_tag
def dashboard_summary(data):
    """The summary band's counts of a quarter's figures (submissions.summary)."""
    return summary.summary(data or {})


@register.simple_tag
def money_chart(data):
    """Plan, forecast and actual by theme as server-side SVG (submissions.summary)."""
    return summary.money_chart(data or {})


@register.simple_tag
def metric_chart(metric):
    """A metric's actuals against its trajectory as a small SVG (submissions.summary)."""
    return summary.metric_chart(metric or {})


@register.simple_tag
def signal_legend(metric):
    """The special-cause points a metric's small chart marks, for its legend in words."""
    return summary.signal_legend(metric or {})
