from django.contrib import admin

from plans.admin import HistoryAdmin
from schemes.models import AreaOfSpend, Scheme, SchemeBudget, SchemeSubType, SchemeType, Theme


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


# NHS England reference data of the Part 2 template, versioned by planning year.
@admin.register(SchemeType)
class SchemeTypeAdmin(HistoryAdmin):
    list_display = ("name", "planning_year", "order")
    list_filter = ("planning_year",)
    search_fields = ("name",)


@admin.register(SchemeSubType)
class SchemeSubTypeAdmin(HistoryAdmin):
    list_display = ("name", "scheme_type", "order")
    list_filter = ("scheme_type__planning_year", "scheme_type")
    search_fields = ("name",)


@admin.register(AreaOfSpend)
class AreaOfSpendAdmin(HistoryAdmin):
    list_display = ("name", "planning_year", "order")
    list_filter = ("planning_year",)
    search_fields = ("name",)
