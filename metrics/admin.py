from django.contrib import admin

from metrics.models import MetricDefinition, SpcRebase
from plans.admin import HistoryAdmin


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(HistoryAdmin):
    list_display = ("number", "short_name", "code", "kind")


@admin.register(SpcRebase)
class SpcRebaseAdmin(HistoryAdmin):
    """Read only here: limits are recalculated on the metric's page, through the service,
    by a named person with a reason."""

    list_display = ("plan", "metric", "granularity", "start", "recorded_by", "recorded_at")
    readonly_fields = (
        "plan",
        "metric",
        "granularity",
        "start",
        "reason",
        "recorded_by",
        "recorded_at",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
