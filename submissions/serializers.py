from django.urls import reverse
from rest_framework import serializers

from plans.periods import FinancialYear
from submissions.models import Document, Job, QuarterlyReturn


class JobSerializer(serializers.ModelSerializer):
    stalled = serializers.CharField(
        read_only=True,
        help_text="Why an unfinished job will not finish by itself (its worker stopped, or it "
        "never reached the queue); empty while it may. Such a job, like a failed one, may be "
        "tried again.",
    )

    class Meta:
        model = Job
        fields = ["id", "kind", "state", "progress", "message", "error", "stalled", "result"]
        read_only_fields = fields


class DocumentSerializer(serializers.ModelSerializer):
    version = serializers.CharField(source="source_version", read_only=True)
    created = serializers.DateTimeField(source="created_at", read_only=True)
    url = serializers.SerializerMethodField()

    class Meta:
        model = Document
        fields = ["id", "kind", "version", "created", "checksum", "size", "url"]
        read_only_fields = fields

    def get_url(self, document) -> str:
        """Where the file is fetched, with the same session or token as this answer."""
        path = reverse("api-document-file", args=[document.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class ReturnSerializer(serializers.ModelSerializer):
    """A return in a list: its quarter, kind, version, status, dates and checksum, and its
    stored documents (the report as a PDF, the workbook; a year-end return's year-end
    workbook and PDF), each with the `url` its file is fetched from with the same session
    or token."""

    year = serializers.SerializerMethodField()
    kind = serializers.SerializerMethodField(
        help_text="`year_end`: the year's quarter 4 return where the plan's framework declares "
        "a year-end template (its snapshot then holds `year_end`); `quarterly` otherwise."
    )
    documents = DocumentSerializer(many=True, read_only=True)

    class Meta:
        model = QuarterlyReturn
        fields = [
            "id",
            "year",
            "quarter",
            "kind",
            "version",
            "status",
            "approved_on",
            "submitted_on",
            "checksum",
            "documents",
        ]
        read_only_fields = fields

    def get_year(self, obj) -> str:
        return FinancialYear(obj.year).label

    def get_kind(self, obj) -> str:
        from submissions.selectors import is_year_end

        declared = self.context.get("year_end_declared")
        if obj.quarter == 4 and not obj.snapshot and declared is not None:
            year_end = declared  # a list asked its plan's framework once
        else:
            year_end = is_year_end(obj)
        return "year_end" if year_end else "quarterly"


class ReturnDetailSerializer(ReturnSerializer):
    """A return with its frozen snapshot (Decimals as strings, dates as ISO strings)."""

    snapshot = serializers.JSONField(read_only=True, allow_null=True)

    class Meta(ReturnSerializer.Meta):
        fields = [*ReturnSerializer.Meta.fields, "snapshot"]
        read_only_fields = fields


class ReturnStartSerializer(serializers.Serializer):
    year = serializers.CharField(help_text="Financial year, e.g. 2016/17.")
    quarter = serializers.IntegerField(min_value=1, max_value=4)

    def validate_year(self, value) -> int:
        try:
            return FinancialYear.parse(value).start_year
        except ValueError as error:
            raise serializers.ValidationError(str(error)) from None


class JobStartedSerializer(serializers.Serializer):
    job = serializers.IntegerField(help_text="The id of the job; follow it at /api/jobs/{id}/.")
