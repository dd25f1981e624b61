import django_filters
from django import forms
from django.db.models import Q

from plans.forms import Select
from risks import calculations
from risks.models import Band, Risk, overdue_condition

_SELECT = Select(attrs={"class": "nhsuk-select"})


class RiskFilter(django_filters.FilterSet):
    category = django_filters.ModelChoiceFilter(
        queryset=None, empty_label="All categories", widget=_SELECT
    )
    band = django_filters.ChoiceFilter(
        label="Current rating band",
        choices=(),
        empty_label="Any",
        method="filter_band",
        widget=_SELECT,
        help_text="After mitigation, or before where the risk has no rating after.",
    )
    owner = django_filters.CharFilter(
        label="Owner contains",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
    )
    overdue = django_filters.ChoiceFilter(
        label="Review",
        choices=[("yes", "Overdue"), ("no", "Not overdue")],
        empty_label="Any",
        method="filter_overdue",
        widget=_SELECT,
    )
    status = django_filters.ChoiceFilter(
        choices=Risk.Status.choices, empty_label="Any", widget=_SELECT
    )

    class Meta:
        model = Risk
        fields = ["category", "band", "owner", "overdue", "status"]

    def __init__(self, *args, register, today, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today
        self.filters["category"].queryset = register.categories.order_by("order", "name")
        self.filters["band"].extra["choices"] = [
            (value, Band(value).label) for value in calculations.bands_of(register.scale)
        ]

    def filter_band(self, queryset, name, value):
        return queryset.filter(Q(band_after=value) | Q(band_after="", band_before=value))

    def filter_overdue(self, queryset, name, value):
        overdue = overdue_condition(self.today)
        return queryset.filter(overdue) if value == "yes" else queryset.exclude(overdue)
