from django.contrib import admin

from metrics.models import MetricDefinition
from plans.admin import HistoryAdmin


@admin.register(MetricDefinition)
class MetricDefinitionAdmin(HistoryAdmin):
    list_display = ("number", "short_name", "code", "kind")
