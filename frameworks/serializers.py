"""The frameworks API's shapes. The parts other apps keep are read through the framework's
reverse relations (metrics, conditions, funding streams), so this app imports none of them."""

from rest_framework import serializers

from frameworks.models import PolicyFramework


class FrameworkSerializer(serializers.ModelSerializer):
    years = serializers.CharField(
        source="years_label", read_only=True, help_text="As “2025/26” or “2023/24–2024/25”."
    )

    class Meta:
        model = PolicyFramework
        fields = ["id", "code", "name", "years"]
        read_only_fields = fields


class FrameworkMetricSerializer(serializers.Serializer):
    code = serializers.CharField(source="metric.code")
    name = serializers.CharField(source="metric.name")
    unit = serializers.CharField(source="metric.unit")
    direction = serializers.CharField(source="metric.direction")
    number = serializers.IntegerField(allow_null=True)
    goal_granularity = serializers.CharField(help_text="Empty where the source does not say.")
    replaced_by = serializers.CharField(
        source="metric.replaced_by.code", allow_null=True, default=None
    )


class ConditionSerializer(serializers.Serializer):
    number = serializers.IntegerField(allow_null=True)
    text = serializers.CharField(source="title")
    response_type = serializers.CharField(
        help_text="status: met, in progress (with a date) or not met; assurance: yes or no "
        "with narrative."
    )


class FundingStreamSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    within = serializers.CharField(
        source="within.name", allow_null=True, default=None, help_text="For a ring-fence."
    )
    counts = serializers.CharField(
        help_text="For a ring-fence: which schemes funded from its stream count towards it "
        "(all, social_care, out_of_hospital, housing_authority); empty when not stated."
    )
    minimum = serializers.CharField(
        help_text="For a ring-fence: published (a figure per area and year, entered for the "
        "plan) or stream_in_full; empty when none is stated."
    )
    checked_before_submission = serializers.BooleanField(
        help_text="For a ring-fence: a plan short of its minimum fails the template checks."
    )


class TemplateSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="e.g. part1-pdf, part2-xlsx, quarterly-return-xlsx.")
    name = serializers.CharField()
    format = serializers.CharField()
    purpose = serializers.CharField()


class SourceSerializer(serializers.Serializer):
    title = serializers.CharField(source="source_title")
    url = serializers.CharField(source="source_url")
    note = serializers.CharField(source="source_note")
    unknowns = serializers.CharField(help_text="What the sources do not say.")


class FrameworkDetailSerializer(FrameworkSerializer):
    metrics = FrameworkMetricSerializer(source="framework_metrics", many=True, read_only=True)
    conditions = ConditionSerializer(many=True, read_only=True)
    funding_streams = FundingStreamSerializer(many=True, read_only=True)
    templates = TemplateSerializer(many=True, read_only=True)
    source = SourceSerializer(source="*", read_only=True)

    class Meta(FrameworkSerializer.Meta):
        fields = [
            *FrameworkSerializer.Meta.fields,
            "metrics",
            "conditions",
            "funding_streams",
            "templates",
            "source",
        ]
        read_only_fields = fields
