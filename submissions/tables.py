"""The national view's tables: areas with their plan, budget and latest return; and each
metric's status in each area. Both sort; the areas table exports to CSV and Excel."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import format_html

from metrics import calculations as calc
from plans.exports import pounds_cell
from plans.presentation import money_text
from plans.tables import url_for_each
from submissions.models import Assurance, QuarterlyReturn

_RIGHT = {
    "td": {"class": "nhsuk-table__cell bcf-money"},
    "th": {"class": "nhsuk-table__header bcf-money"},
    "tf": {"class": "nhsuk-table__cell bcf-money"},
}
_RETURN_STATUS = dict(QuarterlyReturn.Status.choices)
_TAG = {calc.MET: "green", calc.NOT_MET: "red", calc.NO_DATA: "grey"}
# Three statuses, each written once rather than for each of a thousand cells.
_STATUS_TAGS = {
    status: format_html(
        '<strong class="nhsuk-tag nhsuk-tag--{}">{}</strong>', colour, calc.STATUS_LABELS[status]
    )
    for status, colour in _TAG.items()
}


class MoneyColumn(tables.Column):
    """Shown and exported in pounds, right-aligned; the footer shows the total of the
    rows (summed in the database)."""

    attrs = _RIGHT

    def __init__(self, *args, total=None, **kwargs):
        self.total = total
        super().__init__(*args, default="–", **kwargs)

    def render(self, value):
        return money_text(value)

    def value(self, value):
        return pounds_cell(value)

    def render_footer(self, bound_column, table):
        return money_text(table.totals.get(self.total)) if self.total else ""


# How an illustrative plan (sample data from no source) is marked wherever it appears.
ILLUSTRATIVE = "Illustrative: not from a source, not in the totals"


class AreaTable(tables.Table):
    """Rows are plans' summaries (submissions.national.summaries)."""

    # Each row shows its summary's own values only: a row written before for the same values
    # is used again (plans/templatetags/bcf_tables.py), so the page computed after a change
    # in one area writes that area's row.
    keeps_rows = True

    area_name = tables.Column(
        verbose_name="Area",
        footer=lambda table: (
            "Total of the areas shown"
            + (" (illustrative plans left out)" if table.totals.get("illustrative_areas") else "")
        ),
    )
    region = tables.Column(verbose_name="Region")
    status = tables.Column(verbose_name="Plan status")
    agreed_total = MoneyColumn(verbose_name="Pooled budget", total="agreed")
    minimum_required = MoneyColumn(verbose_name="Minimum", total="minimum")
    scheme_total = MoneyColumn(verbose_name="Schemes", total="schemes")
    protected_total = MoneyColumn(verbose_name="Protected (schemes)", total="protected")
    protected_stated = MoneyColumn(verbose_name="Protected (stated)", total="stated")
    assurance = tables.Column(
        verbose_name="Assurance",
        accessor="assurance_outcome",
        order_by=("assurance_outcome",),
        empty_values=(),
    )
    return_status = tables.Column(
        verbose_name="Latest return",
        order_by=("return_quarter", "return_status"),
        default="None this year",
    )

    class Meta:
        attrs = {"class": "nhsuk-table", "id": "areas-table"}
        order_by = ("area_name",)
        empty_text = "No area has a plan for this year."

    def __init__(self, data, *, totals, **kwargs):
        self.totals = totals
        self.plan_url = url_for_each("plans:plan_detail")
        self.assurance_url = url_for_each("submissions:assurance")
        self.return_url = url_for_each("submissions:return_detail")
        super().__init__(data, **kwargs)

    def render_area_name(self, record, value):
        url = self.plan_url(record.plan_id)
        if record.illustrative:
            return format_html(
                '<a href="{}">{}</a> <strong class="nhsuk-tag nhsuk-tag--grey" '
                "data-illustrative>{}</strong>",
                url,
                value,
                ILLUSTRATIVE,
            )
        return format_html('<a href="{}">{}</a>', url, value)

    def value_area_name(self, record, value):
        return f"{value} ({ILLUSTRATIVE})" if record.illustrative else value

    def render_status(self, record):
        return record.get_status_display()

    def value_status(self, record):
        return record.get_status_display()

    def render_assurance(self, record):
        text = self.value_assurance(record)
        if record.status not in ("submitted", "assured"):
            return text
        url = self.assurance_url(record.plan_id)
        return format_html('<a href="{}">{}</a>', url, text)

    def value_assurance(self, record):
        """Each area's assurance status: the outcome and its open conditions, or awaiting."""
        if record.assurance_outcome:
            label = Assurance.Outcome(record.assurance_outcome).label
            if record.assurance_open:
                label += f" ({record.assurance_open} open)"
            return label
        if record.status == "submitted":
            return "Awaiting assurance"
        if record.status == "assured":
            return "Assured"  # recorded before assurances were kept here
        return "Not submitted"

    def render_return_status(self, record):
        url = self.return_url(record.return_pk)
        return format_html('<a href="{}">{}</a>', url, self.value_return_status(record))

    def value_return_status(self, record):
        """Called only for an area with a return this year (else the column's default)."""
        status = _RETURN_STATUS[record.return_status]
        return f"Q{record.return_quarter} v{record.return_version}: {status}"


class StatusColumn(tables.Column):
    """A metric's status in an area, as a tag; sorts met, not met, no data."""

    def render(self, value):
        return _STATUS_TAGS[value]

    def value(self, value):
        return calc.STATUS_LABELS[value]


class MetricStatusTable(tables.Table):
    """Rows are dicts: area, region, plan (its pk) and a status per metric code."""

    keeps_rows = True  # as AreaTable's: each row shows its dict's values only

    area = tables.Column(verbose_name="Area")
    region = tables.Column(verbose_name="Region")

    class Meta:
        attrs = {"class": "nhsuk-table", "id": "metric-status-table"}
        order_by = ("area",)
        empty_text = "No area has a plan for this year."

    def __init__(self, data, *, metrics, **kwargs):
        extra = [(f"metric_{m.pk}", StatusColumn(verbose_name=m.short_name)) for m in metrics]
        # An area with no status for a metric has no data for it: said with the same tag
        # (a column's default would be shown as it is, "no_data") and sorted as such.
        none = {key: calc.NO_DATA for key, _ in extra}
        super().__init__([{**none, **row} for row in data], extra_columns=extra, **kwargs)
        self.metrics_url = url_for_each("metrics:metrics_overview")

    def render_area(self, record, value):
        url = self.metrics_url(record["plan"])
        return format_html('<a href="{}">{}</a>', url, value)
