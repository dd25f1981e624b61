from django import forms
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect

from frameworks.admin import PastVersionsReadOnlyAdmin
from plans import permissions, services
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


class ServiceRefused(Exception):
    """A service refused what an administrator saved or deleted (`refusal`)."""

    def __init__(self, refusal: ValidationError | permissions.Frozen):
        super().__init__(str(refusal))
        self.refusal = refusal


class FrozenGuardForm(forms.ModelForm):
    """Refuses, with a message on the form, a record added to or moved into an agreed plan
    or approved return (`plans.permissions.check_changeable` on the record as it would be
    saved), and shows a service's refusal of the save (`service_refusal`) with what was
    typed. Changing or deleting what is already inside is refused by the permissions of
    HistoryAdmin, before any form."""

    service_refusal: ValidationError | permissions.Frozen | None = None

    def _post_clean(self):
        super()._post_clean()
        try:
            permissions.check_changeable(self.instance)
        except permissions.Frozen as refusal:
            refusal_on_form(self, refusal)
        if self.service_refusal is not None:
            refusal_on_form(self, self.service_refusal)


class ServiceAdmin(admin.ModelAdmin):
    """Every write of the administration site goes through the owning app's services, as
    the pages' do, with their checks (and history naming the administrator, for a model
    with history: HistoryAdmin): a subclass says how in `save_by_service` and
    `delete_by_service`, or is read-only (ReadOnlyAdmin). Django's generic save is never
    used.

    What belongs to an agreed plan or approved return is read-only here as everywhere
    (`plans.permissions.frozen_owner`): the change form shows it, a POST to change or delete
    it is refused, and adding a record to it or moving one into it is refused on the form.
    A refusal of the service is shown on the form, with what was typed (on the change page,
    for a delete).
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

    def save_by_service(self, request, obj, form, change) -> None:
        raise NotImplementedError(f"{type(self).__name__}: save through the app's service")

    def delete_by_service(self, request, obj) -> None:
        raise NotImplementedError(f"{type(self).__name__}: delete through the app's service")

    def save_model(self, request, obj, form, change):
        try:
            self.save_by_service(request, obj, form, change)
        except (ValidationError, permissions.Frozen) as refusal:
            raise ServiceRefused(refusal) from refusal

    def save_related(self, request, form, formsets, change):
        pass  # the service has set the record's many-to-many fields

    def delete_model(self, request, obj):
        permissions.check_changeable(obj)
        try:
            self.delete_by_service(request, obj)
        except ValidationError as refusal:
            raise ServiceRefused(refusal) from refusal

    def delete_queryset(self, request, queryset):
        """The list's "delete selected" asks no per-object permission: refuse it whole when
        any selected record is frozen, so that nothing is half deleted."""
        for obj in queryset:
            permissions.check_changeable(obj)
        for obj in queryset:
            self.delete_model(request, obj)

    def get_form(self, request, obj=None, change=False, **kwargs):
        form = super().get_form(request, obj, change=change, **kwargs)
        refusal = getattr(request, "service_refusal", None)
        if refusal is not None:
            form = type(form.__name__, (form,), {"service_refusal": refusal})
        return form

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceRefused as refused:  # nothing was saved: the form again, with why
            request.service_refusal = refused.refusal
            return super().changeform_view(request, object_id, form_url, extra_context)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceRefused as refused:
            self.message_user(request, " ".join(refused.refusal.messages), messages.ERROR)
            return HttpResponseRedirect(request.get_full_path().replace("/delete/", "/change/"))


class HistoryAdmin(ServiceAdmin, PastVersionsReadOnlyAdmin):
    """A ServiceAdmin of a model with history: its past versions shown, for reading."""


class ReadOnlyAdmin(HistoryAdmin):
    """Shown, never written: what changes only through the pages' services."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReferenceAdmin(HistoryAdmin):
    """A policy framework's reference data (any app's), saved through
    `plans.services.reference_save` with its history."""

    def save_by_service(self, request, obj, form, change):
        m2m = {
            field.name: form.cleaned_data[field.name]
            for field in obj._meta.many_to_many
            if field.name in form.cleaned_data
        }
        services.reference_save(record=obj, user=request.user, m2m=m2m)

    def delete_by_service(self, request, obj):
        services.reference_delete(record=obj, user=request.user)


@admin.register(Area)
class AreaAdmin(HistoryAdmin):
    """Areas are set up and changed through `area_create` and `area_update`; one with plans
    or users stays (its pages are where an area is set up)."""

    list_display = ("name", "code", "region")
    search_fields = ("name", "code")
    filter_horizontal = ("partners",)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form, change):
        data = form.cleaned_data
        fields = {name: data[name] for name in services.AREA_FIELDS if name in data}
        partners = list(data["partners"]) if "partners" in data else None
        if change:
            services.area_update(area=obj, user=request.user, partners=partners, **fields)
        else:
            obj.pk = services.area_create(**fields, user=request.user).pk
            if partners:
                services.area_update(area=obj, user=request.user, partners=partners)


@admin.register(Membership)
class MembershipAdmin(ServiceAdmin):
    """A user is given an area through `membership_add` and loses it through
    `membership_remove` (as the users page sets them with the user's roles); a membership
    is a user and an area, so it is removed and another added rather than changed."""

    list_display = ("user", "area")
    list_filter = ("area",)
    search_fields = ("user__username", "area__name")

    def has_change_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form, change):
        data = form.cleaned_data
        obj.pk = services.membership_add(user=data["user"], area=data["area"]).pk

    def delete_by_service(self, request, obj):
        services.membership_remove(membership=obj)


@admin.register(Organisation)
class OrganisationAdmin(ServiceAdmin):
    """Partner organisations are added, changed and removed through the organisation
    services: a name unlike any other's, a kind kept while a plan names it, and none removed
    while an area or a plan names it."""

    list_display = ("name", "short_name", "kind")
    list_filter = ("kind",)
    search_fields = ("name", "short_name")

    def save_by_service(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in ("name", "kind", "short_name")}
        if change:
            services.organisation_update(organisation=obj, **fields)
        else:
            obj.pk = services.organisation_create(**fields).pk

    def delete_by_service(self, request, obj):
        services.organisation_delete(organisation=obj)


# What a new plan version is made with (`plan_create`); the rest is its own (a number, its
# framework, its narrative sections) or moves only with its status.
_PLAN_CREATE_FIELDS = (
    "area",
    "title",
    "first_year",
    "last_year",
    "version_kind",
    "version_date",
    "local_authority",
    "ccgs",
    "boundary_differences",
    "dates_agreed",
    "dates_submitted",
)


@admin.register(Plan)
class PlanAdmin(HistoryAdmin):
    """A plan version is made through `plan_create` and its details changed through
    `plan_update`, as on its pages; its status moves only through the approval and
    submission services, which check it. A version is not deleted here: a new one
    replaces it."""

    list_display = ("title", "area", "version_kind", "version_date", "status", "framework")
    list_filter = ("area", "status", "version_kind", "framework")
    filter_horizontal = ("ccgs",)
    readonly_fields = ("status", "framework")

    def get_fields(self, request, obj=None):
        return _PLAN_CREATE_FIELDS if obj is None else super().get_fields(request, obj)

    def has_delete_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form, change):
        data = form.cleaned_data
        if change:
            fields = {name: data[name] for name in form.changed_data}
            services.plan_update(plan=obj, expected_version=None, user=request.user, **fields)
        else:
            fields = {name: data[name] for name in _PLAN_CREATE_FIELDS}
            obj.pk = services.plan_create(**fields, user=request.user).pk
        obj.refresh_from_db()


@admin.register(PlanYear)
class PlanYearAdmin(HistoryAdmin):
    """A year's pooled budget is set through `plan_year_set`, as on the plan's page; a plan's
    years follow the years it covers, so none is deleted here."""

    list_display = ("plan", "year", "minimum_required", "agreed_total")

    def get_readonly_fields(self, request, obj=None):
        return ("plan", "year") if obj is not None else ()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form, change):
        saved = services.plan_year_set(
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
    """A section's text is changed through `section_update`, as on the plan's narrative
    page; a plan has its sections from the start, so none is added or deleted here."""

    list_display = ("plan", "key")
    list_filter = ("key",)
    fields = ("plan", "key", "body")
    readonly_fields = ("plan", "key")

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def save_by_service(self, request, obj, form, change):
        services.section_update(
            section=obj, body=form.cleaned_data["body"], expected_version=None, user=request.user
        )


@admin.register(SignOff)
class SignOffAdmin(HistoryAdmin):
    """Sign-offs are added, changed and removed through the plan's sign-off services, as on
    its sign-offs page (where they are put in order)."""

    list_display = ("plan", "name", "position", "signed_on")
    fields = ("plan", *services.SIGN_OFF_FIELDS)

    def get_readonly_fields(self, request, obj=None):
        return ("plan",) if obj is not None else ()

    def save_by_service(self, request, obj, form, change):
        fields = {name: form.cleaned_data[name] for name in services.SIGN_OFF_FIELDS}
        if change:
            services.sign_off_update(
                sign_off=obj, expected_version=None, user=request.user, **fields
            )
        else:
            obj.pk = services.sign_off_add(plan=obj.plan, user=request.user, **fields).pk

    def delete_by_service(self, request, obj):
        services.sign_off_delete(sign_off=obj, expected_version=None, user=request.user)


# The parts of a policy framework that plans keep, edited per framework.
@admin.register(NationalCondition)
class NationalConditionAdmin(ReferenceAdmin):
    list_display = ("title", "framework", "number", "response_type")
    list_filter = ("framework", "response_type")
    search_fields = ("title", "code")


@admin.register(FundingStream)
class FundingStreamAdmin(ReferenceAdmin):
    list_display = ("name", "framework", "kind", "within", "counts", "minimum")
    list_filter = ("framework", "kind")


@admin.register(NarrativeHeading)
class NarrativeHeadingAdmin(ReferenceAdmin):
    list_display = ("title", "framework", "order")
    list_filter = ("framework",)
