"""Frameworks in the administration site. The parts each app owns (metrics, national
conditions, funding streams, narrative headings, scheme catalogue) are edited in their
apps' pages there, filtered by framework."""

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from frameworks import services
from frameworks.models import FrameworkDeadline, PolicyFramework, SubmissionTemplate


class PastVersionsReadOnlyAdmin(SimpleHistoryAdmin):
    """Every history admin's base (plans.admin.HistoryAdmin builds on it): past versions are
    for reading. SIMPLE_HISTORY_REVERT_DISABLED only hides the Revert button; simple_history
    would still save a POST to a past version's page, so it is refused. Here, at the bottom
    of the apps' order, so that every app's admin can use it."""

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method == "POST" and self.revert_disabled(request):
            raise PermissionDenied
        return super().history_form_view(request, object_id, version_id, extra_context)


class DeadlineInline(admin.TabularInline):
    model = FrameworkDeadline
    extra = 0
    fields = ("order", "kind", "name", "due_on", "note")


class TemplateInline(admin.TabularInline):
    model = SubmissionTemplate
    extra = 0
    fields = ("order", "kind", "name", "purpose", "format", "note")


@admin.register(PolicyFramework)
class PolicyFrameworkAdmin(PastVersionsReadOnlyAdmin):
    list_display = ("name", "years_label", "code", "source_title")
    search_fields = ("name", "code")
    inlines = (DeadlineInline, TemplateInline)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    # Written through frameworks.services, as a pack loads: the framework, its deadlines
    # and templates in one transaction, with history naming the administrator.
    def save_model(self, request, obj, form, change):
        pass  # saved with its deadlines and templates in save_related, in one service call

    def save_related(self, request, form, formsets, change):
        parts, removed = [], []
        for formset in formsets:
            parts += formset.save(commit=False)
            removed += formset.deleted_objects
        services.framework_edit(
            framework=form.instance, parts=parts, removed=removed, user=request.user
        )

    def delete_model(self, request, obj):
        services.framework_delete(framework=obj, user=request.user)

    @admin.display(description="Years")
    def years_label(self, obj):
        return obj.years_label
