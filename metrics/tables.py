import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html, format_html_join

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

    def __init__(self, data, *, plan, metric, can_edit=False, revisions=None, **kwargs):
        self.plan, self.metric, self.can_edit = plan, metric, can_edit
        self.revisions = revisions or {}
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
        """The source as entered or, for a figure of a national publication, the
        publication, the day it came out and the lag since the period ended (derived from
        those two dates); then any values later publications revised."""
        actual = record.actual
        parts = []
        publication = actual.publication
        if publication is None:
            parts.append(format_html("{}", actual.source or "–"))
        else:
            name = (
                format_html(
                    '<a href="{}" rel="noopener noreferrer">{}</a>',
                    publication.url,
                    publication.name,
                )
                if publication.url
                else format_html("{}", publication.name)
            )
            lag = actual.data_lag_days
            parts.append(
                format_html(
                    '{}, published {} <span class="nhsuk-body-s bcf-derived" data-derived>'
                    "({})</span>",
                    name,
                    presentation.date_text(publication.published_on),
                    _days(lag),
                )
            )
        for revision in self.revisions.get(actual.pk, []):
            earlier = (
                revision.publication.name
                if revision.publication
                else (revision.source or "entered by hand")
            )
            parts.append(
                format_html(
                    '<span class="nhsuk-body-s bcf-revision" data-revision>Revised by {}: '
                    "was {} ({}, {})</span>",
                    revision.revised_by.name,
                    figure(revision.value, self.metric),
                    earlier,
                    revision.get_stage_display().lower(),
                )
            )
        return format_html_join("<br>", "{}", ((p,) for p in parts))

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


def _days(days: int | None) -> str:
    """The data lag in words, derived from the publication's date and the period's end."""
    if days is None or days < 0:
        return "published before the period ended"
    return f"data lag: {days:,} day{'s' if days != 1 else ''} after the period ended"
