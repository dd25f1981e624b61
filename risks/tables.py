import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html

from plans.templatetags.bcf_format import uk_date
from risks.models import Band, Risk
from risks.services import RISK_FIELDS

# Risk.get_band_before_display() builds a dict of the choices on every call: once per cell.
_BAND_LABELS = dict(Band.choices)


class RiskTable(tables.Table):
    """The register; display columns show ratings as written, the export adds every field."""

    category = tables.Column(
        verbose_name="Category", accessor="category__name", order_by=("category__order", "order")
    )
    description = tables.Column()
    likelihood = tables.Column(order_by=("likelihood_score", "likelihood"))
    rating_before = tables.Column(
        verbose_name="Rating before mitigation", order_by=("score_before", "rating_before")
    )
    rating_after = tables.Column(
        verbose_name="Rating after mitigation", order_by=("score_after", "rating_after")
    )
    owner = tables.Column()
    next_review = tables.Column(verbose_name="Next review")
    status = tables.Column()  # django-tables2 shows a field with choices by its label
    # Export only: with the columns above, the import's columns.
    potential_impact = tables.Column(visible=False)
    impact = tables.Column(visible=False)
    mitigations = tables.Column(visible=False)
    likelihood_after = tables.Column(visible=False, verbose_name="Likelihood after mitigation")
    impact_after = tables.Column(visible=False, verbose_name="Impact after mitigation")
    notes = tables.Column(visible=False)

    class Meta:
        model = Risk
        fields = ()
        sequence = RISK_FIELDS
        attrs = {"class": "nhsuk-table", "id": "risks-table"}
        empty_text = "No risks match."

    def __init__(self, data, *, plan, today, **kwargs):
        self.plan = plan
        self.today = today
        super().__init__(data, **kwargs)

    def render_description(self, record, value):
        url = reverse("risks:risk_detail", args=[self.plan.pk, record.pk])
        first = value.splitlines()[0] if value else ""
        return format_html('<a href="{}">{}</a>', url, first)

    def value_description(self, value):
        return value

    def value_category(self, value):
        return value

    def render_rating_before(self, record, value):
        return self._rating(value, _BAND_LABELS.get(record.band_before, record.band_before))

    def render_rating_after(self, record, value):
        return self._rating(value, _BAND_LABELS.get(record.band_after, record.band_after))

    @staticmethod
    def _rating(written, band_label):
        if not band_label:
            return written
        return format_html(
            '{} <span class="nhsuk-u-visually-hidden">(band: {})</span>', written, band_label
        )

    def value_rating_before(self, value):
        return value

    def value_rating_after(self, value):
        return value

    def render_next_review(self, record, value):
        if record.is_overdue(self.today):
            return format_html(
                '{} <strong class="nhsuk-tag nhsuk-tag--red">Overdue</strong>', uk_date(value)
            )
        return uk_date(value)

    def value_next_review(self, value):
        """A date in the workbook (shown 31 March 2015); ISO 2015-03-31 in the CSV, which
        every spreadsheet reads as a date."""
        return value or None

    def value_status(self, record):
        return record.get_status_display()
