from django.contrib import admin

from plans.admin import HistoryAdmin
from submissions.models import QuarterlyReturn


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(HistoryAdmin):
    """Read-only: a return changes only through its services (prepare, approve, submit)."""

    list_display = ("plan", "year", "quarter", "version", "status", "prepared_at")
    list_filter = ("status", "year", "quarter")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
