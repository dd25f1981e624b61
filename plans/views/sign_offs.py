"""Who signed the plan off, for whom, in what position and when: listed, added, changed,
reordered and removed by those who edit the plan (EDIT_PLAN)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions, services
from plans.forms import NhsForm, date_field, refusal_on_form
from plans.inputs import whole_number
from plans.models import Organisation, SignOff, SignOffRole
from plans.selectors import partners_of, required_sign_offs, sign_off_roles_of

_INPUT = {"class": "nhsuk-input"}


class SignOffForm(NhsForm):
    on_behalf_of = forms.CharField(
        label="Signed on behalf of",
        max_length=120,
        help_text="For example, Leicestershire Health and Wellbeing Board.",
        widget=forms.TextInput(attrs=_INPUT),
    )
    name = forms.CharField(label="Signed by", max_length=120, widget=forms.TextInput(attrs=_INPUT))
    position = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    signed_on = date_field("Date", required=False, example="3 April 2014")
    role = forms.ModelChoiceField(
        label="Role",
        queryset=SignOffRole.objects.none(),
        required=False,
        empty_label="No role of the framework",
        help_text="The sign-off the plan's framework asks for that this gives.",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    organisation = forms.ModelChoiceField(
        label="Partner signing",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="None",
        help_text="Which of the plan's partners (which integrated care board, say).",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    delegated = forms.BooleanField(
        label="Signed by someone on the role holder's behalf",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "nhsuk-checkboxes__input"}),
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["role"].queryset = sign_off_roles_of(plan)
        self.fields["organisation"].queryset = partners_of(plan)


def _sign_off(plan, sign_off_pk) -> SignOff:
    sign_off = plan.sign_offs.filter(pk=sign_off_pk).first()
    if sign_off is None:
        raise Http404("No such sign-off in this plan.")
    return sign_off


@login_required
@require_http_methods(["GET", "POST"])
def sign_off_list(request, pk):
    """The plan's sign-offs in order, with the form to add one (and to move one)."""
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    sign_offs = list(plan.sign_offs.select_related("role", "organisation").order_by("order", "pk"))
    form = SignOffForm(request.POST if request.POST.get("action") == "add" else None, plan=plan)
    if request.method == "POST":
        action = request.POST.get("action", "")
        if action == "add":
            if form.is_valid():
                fields = {name: form.cleaned_data[name] for name in services.SIGN_OFF_FIELDS}
                try:
                    services.sign_off_add(plan=plan, user=request.user, **fields)
                except ValidationError as error:
                    refusal_on_form(form, error)
                else:
                    messages.success(request, f"Sign-off by {fields['name']} added.")
                    return redirect("plans:sign_off_list", pk=plan.pk)
        else:
            chosen = request.POST.get("sign_off")
            sign_off = next((s for s in sign_offs if str(s.pk) == chosen), None)
            if sign_off is not None and action in ("up", "down"):
                services.sign_off_move(
                    sign_off=sign_off, offset=-1 if action == "up" else 1, user=request.user
                )
            return redirect("plans:sign_off_list", pk=plan.pk)
    return render(
        request,
        "plans/sign_off_list.html",
        {
            "plan": plan,
            "sign_offs": sign_offs,
            "required": required_sign_offs(plan),
            "can_ratify": permissions.can_in_area(
                request.user, permissions.RECORD_DECISIONS, plan.area_id
            ),
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def sign_off_edit(request, pk, sign_off_pk):
    plan = permissions.get_plan(request.user, pk, permissions.EDIT_PLAN)
    sign_off = _sign_off(plan, sign_off_pk)
    initial = {name: getattr(sign_off, name) for name in services.SIGN_OFF_FIELDS}
    form = SignOffForm(
        request.POST or None,
        initial={**initial, "lock_version": sign_off.lock_version},
        plan=plan,
    )
    if request.method == "POST" and "remove" in request.POST:
        try:
            services.sign_off_delete(
                sign_off=sign_off,
                expected_version=_version(request.POST.get("lock_version")),
                user=request.user,
            )
        except ValidationError as error:
            form = SignOffForm(
                initial={**initial, "lock_version": sign_off.lock_version}, plan=plan
            )
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Sign-off by {sign_off.name} removed.")
            return redirect("plans:sign_off_list", pk=plan.pk)
    elif request.method == "POST" and form.is_valid():
        try:
            services.sign_off_update(
                sign_off=sign_off,
                expected_version=form.cleaned_data["lock_version"],
                user=request.user,
                **{name: form.cleaned_data[name] for name in services.SIGN_OFF_FIELDS},
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"Sign-off by {form.cleaned_data['name']} saved.")
            return redirect("plans:sign_off_list", pk=plan.pk)
    return render(
        request,
        "plans/sign_off_form.html",
        {
            "plan": plan,
            "sign_off": sign_off,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


def _version(value) -> int:
    version = whole_number(value, low=0)
    return -1 if version is None else version  # none read: an old copy, never "any"
