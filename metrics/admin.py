from django.contrib import admin

from metrics.models import FrameworkMetric, MetricDefinition, NationalIndicator, Publication
from plans.admin import ReadOnlyAdmin, ReferenceAdmin


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(ReferenceAdmin):
    list_display = ("number", "short_name", "code", "kind", "unit")
    list_filter = ("frameworks", "kind", "unit")
    search_fields = ("name", "short_name", "code")


@admin.register(FrameworkMetric)
class FrameworkMetricAdmin(ReferenceAdmin):
    """A metric as a framework asks for it (its number, the granularity of its goals)."""

    list_display = ("metric", "framework", "number", "goal_granularity", "headline")
    list_filter = ("framework",)


@admin.register(NationalIndicator)
class NationalIndicatorAdmin(ReferenceAdmin):
    """The identifier a national publication gives a metric (Fingertips' indicator ID, a
    monthly file's measure): a publication's rows are matched to metrics by it. A pack that
    lists a metric's indicators sets them whole when it is loaded."""

    list_display = ("indicator_id", "layout", "metric")
    list_filter = ("layout",)
    search_fields = ("indicator_id", "metric__code", "metric__name")


@admin.register(Publication)
class PublicationAdmin(ReadOnlyAdmin):
    """A national publication imported (through its page, never here)."""

    list_display = ("name", "published_on", "layout", "added", "revised", "unchanged")
    list_filter = ("layout",)
