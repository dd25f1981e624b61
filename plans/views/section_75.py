"""The plan's section 75 agreement: host, pool manager, the funds it covers, when it was
signed, its variations, and where it stands against the framework's deadline. Kept by those
who edit the plan, in its area, agreed or not: the agreement is signed after the plan."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_http_methods

from plans import permissions, services
from plans.forms import NhsForm, date_field, refusal_on_form
from plans.selectors import funding_streams_of, partners_of, section_75_status


class AgreementForm(NhsForm):
    host: forms.ModelChoiceField = forms.ModelChoiceField(
        label="Host of the pooled fund",
        queryset=None,
        required=False,
        empty_label="Not recorded",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    pool_manager = forms.CharField(
        label="Pool manager",
        max_length=200,
        required=False,
        help_text="Name and post.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
    )
    funding_streams: forms.ModelMultipleChoiceField = forms.ModelMultipleChoiceField(
        label="Pooled funds it covers",
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    signed_on = date_field(
        "Signed on",
        required=False,
        example="30 September 2025",
        hint="Leave empty until it is signed.",
    )
    note = forms.CharField(
        required=False, widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3})
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["host"].queryset = partners_of(plan)
        self.fields["funding_streams"].queryset = funding_streams_of(plan)


class VariationForm(NhsForm):
    agreed_on = date_field("Agreed on", example="1 January 2026")
    summary = forms.CharField(
        label="What it changes",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )


@login_required
@require_http_methods(["GET", "POST"])
def section_75(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    can_edit = permissions.can_in_area(request.user, permissions.EDIT_PLAN, plan.area_id)
    status = section_75_status(plan, today=timezone.localdate())
    agreement = status.agreement
    initial = {}
    if agreement is not None:
        initial = {
            "host": agreement.host,
            "pool_manager": agreement.pool_manager,
            "funding_streams": list(agreement.funding_streams.all()),
            "signed_on": agreement.signed_on,
            "note": agreement.note,
        }
    form = AgreementForm(
        request.POST if request.POST.get("action") == "agreement" else None,
        initial=initial,
        plan=plan,
    )
    variation_form = VariationForm(
        request.POST if request.POST.get("action") == "variation" else None
    )
    if request.method == "POST":
        permissions.check_in_area(request.user, permissions.EDIT_PLAN, plan.area_id)
        action = request.POST.get("action")
        if action == "agreement" and form.is_valid():
            try:
                services.section_75_save(plan=plan, user=request.user, **form.cleaned_data)
            except ValidationError as error:
                refusal_on_form(form, error)
            else:
                messages.success(request, "Saved the section 75 agreement.")
                return redirect("plans:section_75", pk=plan.pk)
        elif action == "variation" and variation_form.is_valid():
            try:
                if agreement is None:
                    raise ValidationError("Record the agreement before its variations.")
                services.section_75_variation_add(
                    agreement=agreement, user=request.user, **variation_form.cleaned_data
                )
            except ValidationError as error:
                refusal_on_form(variation_form, error)
            else:
                messages.success(request, "Added the variation.")
                return redirect("plans:section_75", pk=plan.pk)
    forms_with_errors = [f for f in (form, variation_form) if f.errors]
    return render(
        request,
        "plans/section_75.html",
        {
            "plan": plan,
            "status": status,
            "agreement": agreement,
            "variations": list(agreement.variations.all()) if agreement else [],
            "streams": list(agreement.funding_streams.all()) if agreement else [],
            "form": form,
            "variation_form": variation_form,
            "can_edit": can_edit,
            "forms_with_errors": forms_with_errors,
        },
    )
