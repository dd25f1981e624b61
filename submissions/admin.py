from django.contrib import admin

from plans.admin import ReadOnlyAdmin
from submissions.models import QuarterlyReturn


@admin.register(QuarterlyReturn)
class QuarterlyReturnAdmin(ReadOnlyAdmin):
    """Read-only: a return changes only through its services (prepare, approve, submit)."""

    list_display = ("plan", "year", "quarter", "version", "status", "prepared_at")
    list_filter = ("status", "year", "quarter")
