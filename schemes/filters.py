import django_filters
from django import forms

from metrics.models import MetricDefinition
from plans.forms import Select
from schemes.models import Scheme

_SELECT = Select(attrs={"class": "nhsuk-select"})


class SchemeFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(
        label="Name contains",
        lookup_expr="icontains",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    theme = django_filters.ModelChoiceFilter(
        queryset=None, empty_label="All themes", widget=_SELECT
    )
    status = django_filters.ChoiceFilter(
        label="New or existing", choices=Scheme.Status.choices, empty_label="Any", widget=_SELECT
    )
    metric = django_filters.ModelChoiceFilter(
        label="Metric",
        field_name="metrics",
        empty_label="Any metric",
        widget=_SELECT,
        queryset=MetricDefinition.objects.order_by("number", "code"),
    )
    protection = django_filters.ChoiceFilter(
        label="Protection of services",
        empty_label="Any",
        choices=[
            ("social_care", "Protects adult social care"),
            ("nhs", "NHS out-of-hospital"),
            ("none", "Not a protection line"),
        ],
        method="filter_protection",
        widget=_SELECT,
    )

    class Meta:
        model = Scheme
        fields = ["name", "theme", "status", "metric", "protection"]

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.filters["theme"].queryset = plan.themes.order_by("order", "name")

    def filter_protection(self, queryset, name, value):
        return queryset.filter(protection="" if value == "none" else value)
