from django.contrib import admin

from plans.admin import HistoryAdmin, ReferenceAdmin
from schemes import services
from schemes.models import AreaOfSpend, Scheme, SchemeBudget, SchemeSubType, SchemeType, Theme


@admin.register(Theme)
class ThemeAdmin(HistoryAdmin):
    """Themes are added, renamed and removed through the themes' services, as on the plan's
    themes page (where they are put in order)."""

    list_display = ("name", "plan", "order")
    list_filter = ("plan",)
    fields = ("plan", "name")

    def get_readonly_fields(self, request, obj=None):
        return ("plan",) if obj is not None else ()

    def save_by_service(self, request, obj, form, change):
        name = form.cleaned_data["name"]
        if change:
            services.theme_rename(theme=obj, name=name, user=request.user)
        else:
            obj.pk = services.theme_create(plan=obj.plan, name=name, user=request.user).pk

    def delete_by_service(self, request, obj):
        services.theme_delete(theme=obj, user=request.user)


_SCHEME_ARGUMENTS = (
    "plan",
    "theme",
    "name",
    "status",
    "protection",
    "order",
    "funding_stream",
    "paid_to_housing_authority",
)


@admin.register(Scheme)
class SchemeAdmin(HistoryAdmin):
    """Schemes are added, changed and removed through the schemes' services, with their
    checks, as on the pages."""

    list_display = ("name", "plan", "theme", "status", "protection")
    list_filter = ("plan", "theme", "status", "protection")
    search_fields = ("name",)
    filter_horizontal = ("metrics",)

    def save_by_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data if name != "metrics"}
            metrics = list(data["metrics"]) if "metrics" in form.changed_data else None
            services.scheme_update(
                scheme=obj, expected_version=None, user=request.user, metrics=metrics, **fields
            )
        else:
            details = {name: data[name] for name in services.SCHEME_DETAILS if name in data}
            created = services.scheme_create(
                **{name: data[name] for name in _SCHEME_ARGUMENTS},
                metrics=list(data.get("metrics", [])),
                user=request.user,
                **details,
            )
            obj.pk = created.pk
        obj.refresh_from_db()

    def delete_by_service(self, request, obj):
        services.scheme_delete(scheme=obj, user=request.user)


@admin.register(SchemeBudget)
class SchemeBudgetAdmin(HistoryAdmin):
    """A scheme's budget for a year is set (or removed) through `scheme_update`, as the
    budget grid and the scheme's page do."""

    list_display = ("scheme", "year", "amount")
    list_filter = ("year",)

    def get_readonly_fields(self, request, obj=None):
        return ("scheme", "year") if obj is not None else ()

    def save_by_service(self, request, obj, form, change):
        services.scheme_update(
            scheme=obj.scheme,
            expected_version=None,
            user=request.user,
            budgets={obj.year: obj.amount},
        )
        obj.pk = SchemeBudget.objects.get(scheme=obj.scheme, year=obj.year).pk

    def delete_by_service(self, request, obj):
        services.scheme_update(
            scheme=obj.scheme, expected_version=None, user=request.user, budgets={obj.year: None}
        )


# NHS England reference data of the Part 2 template, versioned by planning year.
@admin.register(SchemeType)
class SchemeTypeAdmin(ReferenceAdmin):
    list_display = ("name", "framework", "planning_year", "order", "replaced_by")
    list_filter = ("framework", "planning_year")
    search_fields = ("name",)


@admin.register(SchemeSubType)
class SchemeSubTypeAdmin(ReferenceAdmin):
    list_display = ("name", "scheme_type", "order")
    list_filter = ("scheme_type__framework", "scheme_type__planning_year", "scheme_type")
    search_fields = ("name",)


@admin.register(AreaOfSpend)
class AreaOfSpendAdmin(ReferenceAdmin):
    list_display = ("name", "framework", "planning_year", "order")
    list_filter = ("framework", "planning_year")
    search_fields = ("name",)
