from django import forms
from django.contrib import admin

from frameworks.admin import PastVersionsReadOnlyAdmin
from plans import permissions
from plans.forms import refusal_on_form
from plans.models import (
    Area,
    FundingStream,
    Membership,
    NarrativeHeading,
    NarrativeSection,
    NationalCondition,
    Organisation,
    Plan,
    PlanYear,
    SignOff,
)
from plans.services import plan_year_set, save_with_history


class FrozenGuardForm(forms.ModelForm):
    """Refuses, with a message on the form, a record added to or moved into an agreed plan
    or approved return (`plans.permissions.check_changeable` on the record as it would be
    saved). Changing or deleting what is already inside is refused by the permissions
    below, before any form."""

    def _post_clean(self):
        super()._post_clean()
        try:
            permissions.check_changeable(self.instance)
        except permissions.Frozen as refusal:
            refusal_on_form(self, refusal)


class HistoryAdmin(PastVersionsReadOnlyAdmin):
    """Admin edits go through the same history-recording save as the services.

    What belongs to an agreed plan or approved return is read-only here as everywhere
    (`plans.permissions.frozen_owner`): the change form shows it, a POST to change or delete
    it is refused, and adding a record to it or moving one into it is refused on the form.
    """

    form = FrozenGuardForm

    def has_change_permission(self, request, obj=None):
        if obj is not None and permissions.frozen_owner(obj) is not None:
            return False
        return super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        if obj is not None and permissions.frozen_owner(obj) is not None:
            return False
        return super().has_delete_permission(request, obj)

    def save_model(self, request, obj, form, change):
        permissions.check_changeable(obj)  # the form refused already; this is the last word
        if hasattr(obj, "lock_version") and change:
            obj.lock_version += 1
        save_with_history(obj, user=request.user, reason="Changed in administration")

    def delete_model(self, request, obj):
        permissions.check_changeable(obj)
        obj._history_user = request.user
        obj.delete()

    def delete_queryset(self, request, queryset):
        """The list's "delete selected" asks no per-object permission: refuse it whole when
        any selected record is frozen, so that nothing is half deleted."""
        for obj in queryset:
            permissions.check_changeable(obj)
        for obj in queryset:
            self.delete_model(request, obj)


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
    list_display = ("title", "area", "version_kind", "version_date", "status", "framework")
    list_filter = ("area", "status", "version_kind", "framework")
    filter_horizontal = ("ccgs",)
    # Status moves only through the approval and submission services, which check it.
    readonly_fields = ("status", "framework")


@admin.register(PlanYear)
class PlanYearAdmin(HistoryAdmin):
    """A year's pooled budget is set through `plan_year_set`, as on the plan's page; a plan's
    years follow the years it covers, so none is deleted here."""

    list_display = ("plan", "year", "minimum_required", "agreed_total")

    def get_readonly_fields(self, request, obj=None):
        return ("plan", "year") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        saved = plan_year_set(
            plan=obj.plan,
            year=obj.year,
            minimum_required=obj.minimum_required,
            agreed_total=obj.agreed_total,
            protected_social_care_stated=obj.protected_social_care_stated,
            user=request.user,
        )
        obj.pk = saved.pk


@admin.register(NarrativeSection)
class NarrativeSectionAdmin(HistoryAdmin):
    list_display = ("plan", "key")
    list_filter = ("key",)


@admin.register(SignOff)
class SignOffAdmin(HistoryAdmin):
    list_display = ("plan", "name", "position", "signed_on")


# The parts of a policy framework that plans keep, edited per framework.
@admin.register(NationalCondition)
class NationalConditionAdmin(HistoryAdmin):
    list_display = ("title", "framework", "number", "response_type")
    list_filter = ("framework", "response_type")
    search_fields = ("title", "code")


@admin.register(FundingStream)
class FundingStreamAdmin(HistoryAdmin):
    list_display = ("name", "framework", "kind", "within")
    list_filter = ("framework", "kind")


@admin.register(NarrativeHeading)
class NarrativeHeadingAdmin(HistoryAdmin):
    list_display = ("title", "framework", "order")
    list_filter = ("framework",)
