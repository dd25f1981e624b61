"""Frameworks in the administration site. The parts each app owns (metrics, national
conditions, funding streams, narrative headings, scheme catalogue) are edited in their
apps' pages there, filtered by framework."""

from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from frameworks.models import FrameworkDeadline, PolicyFramework, SubmissionTemplate


class DeadlineInline(admin.TabularInline):
    model = FrameworkDeadline
    extra = 0
    fields = ("order", "kind", "name", "due_on", "note")


class TemplateInline(admin.TabularInline):
    model = SubmissionTemplate
    extra = 0
    fields = ("order", "kind", "name", "purpose", "format", "note")


@admin.register(PolicyFramework)
class PolicyFrameworkAdmin(SimpleHistoryAdmin):
    list_display = ("name", "years_label", "code", "source_title")
    search_fields = ("name", "code")
    inlines = (DeadlineInline, TemplateInline)
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    @admin.display(description="Years")
    def years_label(self, obj):
        return obj.years_label
