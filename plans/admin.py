from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from plans.models import Area, Membership, NarrativeSection, Organisation, Plan, PlanYear, SignOff
from plans.services import save_with_history

# How a record reaches the plan or return it belongs to, nearest first (a scheme's budget
# → its scheme → its plan; a fund release → its fund → its plan).
OWNER_FIELDS = ("ret", "quarterly_return", "scheme", "theme", "risk", "register", "fund", "plan")
# Kinds of record that a frozen plan still takes (plans.permissions._ALLOWED_ON_FROZEN:
# actuals, risks and funds), by app label or "app_label.model".
ALLOWED_ON_FROZEN_PLAN = frozenset(
    {"metrics.actual", "schemes.schemequarterspend", "schemes.planquarterspend", "risks"}
)


def frozen_owner(obj):
    """The frozen plan (submitted, assured) or return (approved, submitted) that `obj` is or
    belongs to, found through the known foreign keys; None if it belongs to none.

    The nearest owner with a state decides: a draft return of a submitted plan is not frozen
    (returns follow submission), and records a frozen plan still takes are not frozen.
    """
    seen = set()
    current = obj
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if hasattr(type(current), "is_frozen"):  # a Plan or a QuarterlyReturn
            if not current.is_frozen:
                return None
            kinds = {obj._meta.app_label, obj._meta.label_lower}
            if current._meta.label_lower == "plans.plan" and kinds & ALLOWED_ON_FROZEN_PLAN:
                return None
            return current
        names = {f.name for f in current._meta.concrete_fields if f.is_relation}
        current = next(
            (getattr(current, n) for n in OWNER_FIELDS if n in names and getattr(current, n)),
            None,
        )
    return None


class HistoryAdmin(SimpleHistoryAdmin):
    """Admin edits go through the same history-recording save as the services.

    What belongs to a frozen plan or return is read-only here as everywhere (see
    `frozen_owner`): the change form shows it, and a POST to change or delete it is refused.
    """

    def has_change_permission(self, request, obj=None):
        if obj is not None and frozen_owner(obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and frozen_owner(obj) is not None:
            return False
        return super().has_delete_permission(request, obj)

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
