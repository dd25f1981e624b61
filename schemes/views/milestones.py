"""Programme milestones of a plan: listed for everyone who reads the plan; added, changed
and removed by those who edit it (EDIT_PLAN), through schemes.services."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions
from plans.forms import NhsForm, date_field, refusal_on_form
from plans.inputs import whole_number
from plans.services import EditConflict
from schemes import services
from schemes.models import Milestone

_INPUT = {"class": "nhsuk-input"}


class MilestoneForm(NhsForm):
    workstream = forms.CharField(
        label="Theme or workstream",
        required=False,
        max_length=200,
        widget=forms.TextInput(attrs=_INPUT),
    )
    task = forms.CharField(max_length=300, widget=forms.TextInput(attrs=_INPUT))
    delivery = forms.CharField(
        label="Delivery date, as the plan states it",
        required=False,
        max_length=100,
        help_text="For example, June 2014 or By February 2015.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-20"}),
    )
    due_on = date_field(
        "Due on",
        required=False,
        example="30 June 2014",
        hint="The date it is held to, if there is one.",
    )
    implementation = forms.CharField(
        required=False, max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    status = forms.ChoiceField(
        choices=Milestone.Status.choices, widget=forms.Select(attrs={"class": "nhsuk-select"})
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)


def _milestone(plan, milestone_pk) -> Milestone:
    milestone = plan.milestones.filter(pk=milestone_pk).first()
    if milestone is None:
        raise Http404("No such milestone in this plan.")
    return milestone


@login_required
def milestone_list(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    return render(
        request,
        "schemes/milestone_list.html",
        {
            "plan": plan,
            "milestones": plan.milestones.order_by("order", "pk"),
            "can_edit": permissions.can(request.user, permissions.EDIT_PLAN, plan),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk, milestone_pk=None):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    milestone = _milestone(plan, milestone_pk) if milestone_pk else None
    initial = (
        {name: getattr(milestone, name) for name in services.MILESTONE_FIELDS}
        | {"lock_version": milestone.lock_version}
        if milestone
        else {}
    )
    form = MilestoneForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        fields = {name: form.cleaned_data[name] for name in services.MILESTONE_FIELDS}
        try:
            if milestone is None:
                services.milestone_create(plan=plan, user=request.user, **fields)
            else:
                services.milestone_update(
                    milestone=milestone,
                    expected_version=form.cleaned_data["lock_version"],
                    user=request.user,
                    **fields,
                )
        except ValidationError as error:  # EditConflict among them
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Milestone “{fields['task']}” saved.")
            return redirect("schemes:milestone_list", pk=plan.pk)
    return render(
        request,
        "schemes/milestone_form.html",
        {
            "plan": plan,
            "milestone": milestone,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def milestone_delete(request, pk, milestone_pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    milestone = _milestone(plan, milestone_pk)
    error = None
    if request.method == "POST":
        version = whole_number(request.POST.get("lock_version"), low=0)
        if version is None:
            version = -1  # none read: an old copy, never "any"
        try:
            services.milestone_delete(
                milestone=milestone, expected_version=version, user=request.user
            )
        except EditConflict as conflict:
            error = conflict.messages[0]
        else:
            messages.success(request, f"Milestone “{milestone.task}” removed.")
            return redirect("schemes:milestone_list", pk=plan.pk)
    return render(
        request,
        "schemes/milestone_confirm_delete.html",
        {"plan": plan, "milestone": milestone, "error": error},
    )
