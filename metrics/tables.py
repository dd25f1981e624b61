import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from metrics.templatetags.metric_format import figure, status_tag
from plans import presentation

_NUMBER = {
    "td": {"class": "nhsuk-table__cell bcf-money"},
    "th": {"class": "nhsuk-table__header bcf-money"},
}


class ActualTable(tables.Table):
    """The actuals of one metric, each against the target it is judged by (rows are
    metrics.selectors.ActualRow)."""

    period = tables.Column(verbose_name="Period", accessor="actual__period_label", orderable=False)
    value = tables.Column(verbose_name="Actual", accessor="actual__value", attrs=_NUMBER)
    numerator = tables.Column(
        verbose_name="Numerator", accessor="actual__numerator", attrs=_NUMBER, default="–"
    )
    denominator = tables.Column(
        verbose_name="Population", accessor="actual__denominator", attrs=_NUMBER, default="–"
    )
    target = tables.Column(
        verbose_name="Target", accessor="target__value", attrs=_NUMBER, default="–"
    )
    status = tables.Column(verbose_name="Status")
    spc = tables.Column(verbose_name="SPC", accessor="spc_label", default="–")
    stage = tables.Column(verbose_name="Provisional or final", accessor="actual__stage")
    source = tables.Column(verbose_name="Source", accessor="actual__source", empty_values=())
    note = tables.Column(verbose_name="Note", accessor="actual__note", empty_values=())

    class Meta:
        attrs = {"class": "nhsuk-table", "id": "actuals-table"}
        orderable = False
        empty_text = "No actuals yet."

    def __init__(self, data, *, plan, metric, can_edit=False, **kwargs):
        self.plan, self.metric, self.can_edit = plan, metric, can_edit
        extra = (
            [("edit", tables.Column(verbose_name="", accessor="actual__pk"))] if can_edit else []
        )
        super().__init__(data, extra_columns=extra, **kwargs)

    def render_period(self, record, value):
        return value

    def render_value(self, value):
        return figure(value, self.metric)

    def render_target(self, value):
        return presentation.target_text(value, self.metric.unit, self.metric.direction)

    def render_numerator(self, value):
        return presentation.number_text(value, presentation.COUNT)

    def render_denominator(self, value):
        return presentation.number_text(value, presentation.COUNT)

    def render_status(self, record):
        return status_tag(record.status)

    def render_note(self, record):
        actual = record.actual
        if not actual.derived:
            return actual.note or "–"
        return format_html(
            '{}{}<span class="nhsuk-body-s bcf-derived" data-derived>Derived, not in the '
            "source: {}</span>",
            actual.note,
            " " if actual.note else "",
            actual.derived,
        )

    def render_source(self, record):
        """The source as entered, or the national publication a figure came from (its
        date, lag and revisions are in the table of publications below)."""
        actual = record.actual
        if actual.publication is not None:
            return actual.publication.name
        return actual.source or "–"

    def render_stage(self, record):
        return record.actual.get_stage_display()

    def render_edit(self, record):
        url = reverse(
            "metrics:actual_edit", args=[self.plan.pk, self.metric.code, record.actual.pk]
        )
        return format_html(
            '<a href="{}">Change<span class="nhsuk-u-visually-hidden"> {}</span></a>',
            url,
            record.actual.period_label,
        )
