"""API serializers of metrics: formatting only; the figures come from metrics.selectors.

Rates, percentages and counts are decimal strings ("606.4000"), never floats; periods are
labels written by metrics.periods ("2016/17", "2016/17 Q1", "by 31 December 2014").
"""

from rest_framework import serializers

from metrics import periods
from metrics.models import Actual, Layout, MetricDefinition

FIGURE = {"max_digits": 14, "decimal_places": 4, "coerce_to_string": True}


class Figure(serializers.DecimalField):
    def __init__(self, **kwargs):
        super().__init__(**FIGURE, read_only=True, **kwargs)


class TargetSerializer(serializers.Serializer):
    period = serializers.CharField(source="period_label", read_only=True)
    value = Figure()
    derived = serializers.CharField(
        read_only=True,
        help_text="What of the figure its source does not give and how it was worked out; "
        "empty when the source gives it as it stands.",
    )


class BaselineSerializer(TargetSerializer):
    pass


class ActualOutSerializer(serializers.Serializer):
    period = serializers.CharField(source="actual.period_label", read_only=True)
    value = Figure(source="actual.value")
    numerator = Figure(source="actual.numerator", allow_null=True)
    denominator = Figure(source="actual.denominator", allow_null=True)
    stage = serializers.ChoiceField(
        source="actual.stage", choices=Actual.Stage.choices, read_only=True
    )
    status = serializers.CharField(
        read_only=True,
        help_text="met, not_met or no_data: against the target of its period, honouring "
        "the metric's direction.",
    )
    derived = serializers.CharField(
        source="actual.derived",
        read_only=True,
        help_text="What of the figure its source does not give and how it was worked out; "
        "empty when the source gives it as it stands.",
    )


class ForecastSerializer(serializers.Serializer):
    year = serializers.CharField(source="year.label", read_only=True)
    count = Figure(help_text="Forecast number of events in the year.")
    value = Figure(allow_null=True, help_text="The forecast count as the metric's value.")
    months_elapsed = serializers.IntegerField(read_only=True)
    derived = serializers.SerializerMethodField(
        help_text="How the forecast is worked out: no source gives it."
    )

    def get_derived(self, forecast) -> str:
        months = forecast.months_elapsed
        plural = "s" if months != 1 else ""
        return f"forecast: the {months} month{plural} so far carried on to the year's end"


class MetricSummarySerializer(serializers.Serializer):
    """One metric of a plan (serializes a metrics.selectors.MetricSummary)."""

    code = serializers.CharField(source="metric.code", read_only=True)
    name = serializers.CharField(source="metric.name", read_only=True)
    direction = serializers.ChoiceField(
        source="metric.direction", choices=MetricDefinition.Direction.choices, read_only=True
    )
    unit = serializers.ChoiceField(
        source="metric.unit", choices=MetricDefinition.Unit.choices, read_only=True
    )
    baseline = BaselineSerializer(read_only=True, allow_null=True)
    targets = TargetSerializer(many=True, read_only=True)
    actuals = ActualOutSerializer(many=True, read_only=True)
    change_from_baseline_percent = serializers.DecimalField(
        max_digits=8,
        decimal_places=2,
        coerce_to_string=True,
        read_only=True,
        allow_null=True,
        help_text="Signed change from the baseline to the final target, in per cent.",
    )
    forecast = ForecastSerializer(read_only=True, allow_null=True)


class ActualInSerializer(serializers.Serializer):
    """A new actual: its period, and its value or numerator and population."""

    granularity = serializers.ChoiceField(choices=periods.Granularity.choices)
    period = serializers.CharField(
        max_length=40,
        help_text="April 2016, 2016/17 Q1, 2016/17, or a last day (2017-02-28) for a year "
        "to date or a “by” date.",
    )
    value = serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    numerator = serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    denominator = serializers.DecimalField(
        max_digits=14, decimal_places=4, min_value=0, required=False, allow_null=True
    )
    stage = serializers.ChoiceField(choices=Actual.Stage.choices, default=Actual.Stage.PROVISIONAL)
    source = serializers.CharField(max_length=250, required=False, allow_blank=True, default="")

    def validate(self, attrs):
        granularity, text = attrs["granularity"], attrs["period"]
        try:
            attrs["start"], attrs["end"] = periods.parse(granularity, text)
        except ValueError as error:
            raise serializers.ValidationError({"period": [str(error)]}) from error
        given = [attrs.get(n) is not None for n in ("value", "numerator", "denominator")]
        if all(given):
            raise serializers.ValidationError(
                {"value": ["Give the value, or the numerator and denominator, not both."]}
            )
        if not given[0] and not given[1]:
            raise serializers.ValidationError(
                {"value": ["Give the value, or the numerator and denominator."]}
            )
        return attrs


# National publications ----------------------------------------------------------------------


class PublicationSerializer(serializers.Serializer):
    """A national publication whose figures were imported for every area at once."""

    id = serializers.IntegerField(read_only=True)
    name = serializers.CharField(read_only=True)
    published_on = serializers.DateField(read_only=True)
    url = serializers.CharField(read_only=True, help_text="Where it is published; may be empty.")
    layout = serializers.ChoiceField(choices=Layout.choices, read_only=True)
    file_name = serializers.CharField(read_only=True)
    sha256 = serializers.CharField(read_only=True, help_text="SHA-256 of the file imported.")
    imported_at = serializers.DateTimeField(read_only=True)
    added = serializers.IntegerField(read_only=True, help_text="Figures it added, over every area.")
    revised = serializers.IntegerField(
        read_only=True, help_text="Figures it revised, over every area."
    )
    unchanged = serializers.IntegerField(
        read_only=True, help_text="Figures it gave as they stood, over every area."
    )


class RevisionSerializer(serializers.Serializer):
    """An earlier value of a figure, as it stood before the publication revised it."""

    value = Figure()
    stage = serializers.ChoiceField(choices=Actual.Stage.choices, read_only=True)
    publication = serializers.IntegerField(
        source="publication_id",
        read_only=True,
        allow_null=True,
        help_text="The publication the earlier value came from; null: entered by hand.",
    )
    source = serializers.CharField(read_only=True)
    revised_at = serializers.DateTimeField(read_only=True)


class PublishedFigureSerializer(serializers.Serializer):
    """A figure a national publication gave one plan."""

    id = serializers.IntegerField(read_only=True)
    area = serializers.CharField(source="plan.area.name", read_only=True)
    plan = serializers.IntegerField(source="plan_id", read_only=True)
    metric = serializers.CharField(source="metric.code", read_only=True)
    metric_name = serializers.CharField(source="metric.name", read_only=True)
    granularity = serializers.ChoiceField(choices=periods.Granularity.choices, read_only=True)
    period = serializers.CharField(source="period_label", read_only=True)
    start = serializers.DateField(read_only=True)
    end = serializers.DateField(read_only=True)
    value = Figure()
    numerator = Figure(allow_null=True)
    denominator = Figure(allow_null=True)
    stage = serializers.ChoiceField(choices=Actual.Stage.choices, read_only=True)
    revisions = RevisionSerializer(
        source="revised_here",
        many=True,
        read_only=True,
        help_text="The values this publication replaced (oldest first); empty where it added "
        "the figure or gave it as it stood.",
    )
