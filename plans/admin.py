from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from plans.models import Area, Membership, NarrativeSection, Organisation, Plan, PlanYear, SignOff
from plans.services import save_with_history


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin edits go through the same history-recording save as the services."""

    def save_model(self, request, obj, form, change):
        if hasattr(obj, "lock_version") and change:
            obj.lock_version += 1
        save_with_history(obj, user=request.user, reason="Changed in administration")

    def delete_model(self, request, obj):
        obj._history_user = request.user
        obj.delete()

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # SIMPLE_HISTORY_REVERT_DISABLED only hides the Revert button; simple_history would
        # still save a POST. Past versions are for reading: refuse it.
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


@admin.register(Area)
class AreaAdmin(HistoryAdmin):
    list_display = ("name", "code", "region")
    search_fields = ("name", "code")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ("user", "area")
    list_filter = ("area",)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    list_display = ("title", "area", "version_kind", "version_date", "status")
    list_filter = ("area", "status", "version_kind")
    filter_horizontal = ("ccgs",)
    # Status moves only through the approval and submission services, which check it.
    readonly_fields = ("status",)


@admin.register(PlanYear)
class PlanYearAdmin(HistoryAdmin):
    list_display = ("plan", "year", "minimum_required", "agreed_total")


@admin.register(NarrativeSection)
class NarrativeSectionAdmin(HistoryAdmin):
    list_display = ("plan", "key")
    list_filter = ("key",)


@admin.register(SignOff)
class SignOffAdmin(HistoryAdmin):
    list_display = ("plan", "name", "position", "signed_on")
