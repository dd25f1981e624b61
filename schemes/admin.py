from django.contrib import admin

from plans.admin import HistoryAdmin
from schemes.models import Scheme, SchemeBudget, Theme


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    list_display = ("name", "plan", "order")
    list_filter = ("plan",)


@admin.register(Scheme)
class SchemeAdmin(HistoryAdmin):
    list_display = ("name", "plan", "theme", "status", "protection")
    list_filter = ("plan", "theme", "status", "protection")
    search_fields = ("name",)
    filter_horizontal = ("metrics",)


@admin.register(SchemeBudget)
class SchemeBudgetAdmin(HistoryAdmin):
    list_display = ("scheme", "year", "amount")
    list_filter = ("year",)
