"""The board's later ratification of a plan's sign-offs, recorded from the plan's sign-off
page by those who record the board's decisions (RECORD_DECISIONS)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from governance import services
from governance.selectors import meetings_for_ratifying
from plans import permissions
from plans.forms import NhsForm, refusal_on_form


class RatifyForm(NhsForm):
    meeting = forms.ModelChoiceField(
        label="Meeting",
        queryset=None,
        help_text="A meeting held on or after the last sign-off.",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    text = forms.CharField(
        label="Resolution",
        initial="Ratified the sign-offs of the plan given before the Board met.",
        widget=forms.Textarea(attrs={"class": "nhsuk-textarea", "rows": 3}),
    )

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings


@login_required
@require_http_methods(["GET", "POST"])
def sign_offs_ratify(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    permissions.check_in_area(request.user, permissions.RECORD_DECISIONS, plan.area_id)
    waiting = services.sign_offs_awaiting_ratification(plan)
    last = max((s.signed_on for s in waiting), default=None)
    meetings = meetings_for_ratifying(plan, signed_by=last)
    form = RatifyForm(request.POST or None, meetings=meetings)
    if request.method == "POST" and form.is_valid():
        try:
            services.sign_offs_ratify(
                plan=plan,
                meeting=form.cleaned_data["meeting"],
                text=form.cleaned_data["text"],
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Recorded the ratification of {len(waiting)} sign-offs.")
            return redirect("plans:sign_off_list", pk=plan.pk)
    return render(
        request,
        "governance/sign_offs_ratify.html",
        {
            "plan": plan,
            "waiting": waiting,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )
