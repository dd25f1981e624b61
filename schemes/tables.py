import django_tables2 as tables
from django.db.models import F
from django.urls import reverse
from django.utils.html import format_html

from plans.exports import pounds_cell
from plans.templatetags.bcf_format import pounds
from schemes.models import Scheme
from schemes.selectors import budget_column


class BudgetColumn(tables.Column):
    """One financial year's budget (pounds); footer shows the total of the filtered rows."""

    attrs = {
        "td": {"class": "nhsuk-table__cell bcf-money"},
        "th": {"class": "nhsuk-table__header bcf-money"},
        "tf": {"class": "nhsuk-table__cell bcf-money"},
    }

    def __init__(self, year, **kwargs):
        self.year = year
        super().__init__(
            verbose_name=f"{year.label} (£)",
            accessor=budget_column(year.start_year),
            default="–",
            **kwargs,
        )

    def render(self, value):
        return pounds(value)

    def value(self, value):
        """Exports get pounds to the penny whatever the database returns; blank if none."""
        return pounds_cell(value)

    def order(self, queryset, is_descending):
        """Schemes with no budget that year come last, whichever way the column sorts."""
        field = F(str(self.accessor))
        ordering = field.desc(nulls_last=True) if is_descending else field.asc(nulls_last=True)
        return queryset.order_by(ordering, "name"), True

    def render_footer(self, bound_column, table):
        return pounds(table.totals.get(self.year.start_year))


class SchemeTable(tables.Table):
    name = tables.Column(verbose_name="Scheme", footer="Total of the schemes shown")
    theme = tables.Column(
        verbose_name="Theme", accessor="theme__name", order_by=("theme__order", "order")
    )
    status = tables.Column(verbose_name="New or existing")
    protection = tables.Column(verbose_name="Protection of services", default="")
    metrics = tables.Column(verbose_name="Metrics", accessor="pk", orderable=False)

    class Meta:
        model = Scheme
        fields = ("name", "theme", "status", "protection")
        sequence = ("name", "theme", "status", "protection", "...", "metrics")
        attrs = {"class": "nhsuk-table", "id": "schemes-table"}
        order_by = ("theme",)
        empty_text = "No schemes match."

    def __init__(self, data, *, plan, totals, can_edit=False, **kwargs):
        self.plan = plan
        self.totals = totals
        self.can_edit = can_edit
        extra = [(f"budget_{y.start_year}", BudgetColumn(y)) for y in plan.years]
        super().__init__(data, extra_columns=extra, **kwargs)

    def render_status(self, record):
        return record.status_label

    def value_status(self, record):
        return record.status_label

    def render_name(self, record, value):
        url = reverse("schemes:scheme_detail", args=[self.plan.pk, record.pk])
        if record.source_conflict:
            return format_html(
                '<a href="{}">{}</a><br><span class="nhsuk-body-s" data-source-conflict>{}</span>',
                url,
                value,
                record.source_conflict,
            )
        return format_html('<a href="{}">{}</a>', url, value)

    def value_name(self, value):
        return value

    def render_protection(self, record):
        return {"social_care": "Adult social care", "nhs": "NHS"}.get(record.protection, "")

    def value_protection(self, record):
        return self.render_protection(record)

    def render_metrics(self, record):
        return "; ".join(m.short_name for m in record.metrics.all())

    def value_metrics(self, record):
        return ", ".join(m.code for m in record.metrics.all())
