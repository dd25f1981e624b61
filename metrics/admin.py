from django.contrib import admin

from metrics.models import FrameworkMetric, MetricDefinition
from plans.admin import ReferenceAdmin


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
