"""Setting up an area in the browser (administrators): the area itself, its partner
organisations and its users with their roles; and a new plan, for those who edit plans in
one of their areas."""

from __future__ import annotations

import datetime

from django import forms
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions, services
from plans.forms import NhsForm, refusal_on_form
from plans.inputs import whole_number
from plans.models import Area, Organisation, Plan
from plans.periods import FinancialYear

_INPUT = {"class": "nhsuk-input"}
_SELECT = {"class": "nhsuk-select"}


class AreaForm(NhsForm):
    name = forms.CharField(
        label="Health and Wellbeing Board area",
        max_length=120,
        widget=forms.TextInput(attrs=_INPUT),
    )
    code = forms.CharField(
        label="ONS code",
        max_length=20,
        help_text="For example, E10000018.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-10"}),
    )
    region = forms.CharField(required=False, max_length=80, widget=forms.TextInput(attrs=_INPUT))


class PartnerForm(NhsForm):
    name = forms.CharField(
        label="Organisation", max_length=200, widget=forms.TextInput(attrs=_INPUT)
    )
    kind = forms.ChoiceField(
        label="Kind", choices=Organisation.Kind.choices, widget=forms.Select(attrs=_SELECT)
    )


ROLE_CHOICES = [(role, role) for role in permissions.ROLES if role != permissions.ASSURER]


class UserForm(NhsForm):
    username = forms.CharField(
        label="User name", max_length=150, widget=forms.TextInput(attrs=_INPUT)
    )
    first_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs=_INPUT))
    last_name = forms.CharField(max_length=150, widget=forms.TextInput(attrs=_INPUT))
    email = forms.EmailField(required=False, widget=forms.EmailInput(attrs=_INPUT))
    password = forms.CharField(
        label="First password",
        help_text="At least 8 characters, not a common password; tell it to the user.",
        widget=forms.PasswordInput(attrs={**_INPUT, "autocomplete": "new-password"}),
    )
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=True
    )


class RolesForm(NhsForm):
    roles = forms.MultipleChoiceField(
        choices=ROLE_CHOICES, widget=forms.CheckboxSelectMultiple, required=True
    )


def _area(user, area_pk) -> Area:
    permissions.check_administers(user)
    area = Area.objects.filter(pk=area_pk).first()
    if area is None:
        raise Http404("No such area.")
    return area


@login_required
@require_http_methods(["GET", "POST"])
def area_list(request):
    permissions.check_administers(request.user)
    form = AreaForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            area = services.area_create(**form.cleaned_data, user=request.user)
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"{area.name} set up: add its partners and users.")
            return redirect("plans:area_detail", area_pk=area.pk)
    return render(
        request,
        "plans/area_list.html",
        {
            "areas": Area.objects.order_by("name"),
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_detail(request, area_pk):
    area = _area(request.user, area_pk)
    form = PartnerForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST":
        try:
            if request.POST.get("action") == "add":
                if form.is_valid():
                    organisation = services.area_partner_add(area=area, **form.cleaned_data)
                    messages.success(request, f"{organisation.name} is a partner of {area.name}.")
                    return redirect("plans:area_detail", area_pk=area.pk)
            elif request.POST.get("action") == "remove":
                organisation = area.partners.filter(
                    pk=whole_number(request.POST.get("organisation"))
                )
                if organisation.exists():
                    services.area_partner_remove(area=area, organisation=organisation.get())
                return redirect("plans:area_detail", area_pk=area.pk)
        except ValidationError as error:
            if form.is_bound:
                refusal_on_form(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("plans:area_detail", area_pk=area.pk)
    members = (
        get_user_model()
        .objects.filter(area_memberships__area=area)
        .prefetch_related("groups")
        .order_by("username")
    )
    return render(
        request,
        "plans/area_detail.html",
        {
            "area": area,
            "partners": area.partners.order_by("kind", "name"),
            "members": members,
            "plans": area.plans.order_by("-first_year", "-version_date"),
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_user_add(request, area_pk):
    area = _area(request.user, area_pk)
    form = UserForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user = services.user_create(
                username=data["username"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password"],
                roles=data["roles"],
                areas=[area],
            )
        except ValidationError as error:
            refusal_on_form(form, error, field="password")
        else:
            messages.success(request, f"{user.username} can now sign in to {area.name}.")
            return redirect("plans:area_detail", area_pk=area.pk)
    return render(
        request,
        "plans/area_user_form.html",
        {"area": area, "form": form, "forms_with_errors": [form] if form.errors else []},
    )


@login_required
@require_http_methods(["GET", "POST"])
def area_user_edit(request, area_pk, user_pk):
    area = _area(request.user, area_pk)
    member = get_user_model().objects.filter(pk=user_pk, area_memberships__area=area).first()
    if member is None:
        raise Http404("No such user in this area.")
    roles = [g.name for g in member.groups.all()]
    form = RolesForm(request.POST or None, initial={"roles": roles})
    if request.method == "POST" and (form.is_valid() or "remove" in request.POST):
        areas = list(Area.objects.filter(memberships__user=member))
        if "remove" in request.POST:
            services.user_roles_set(
                user=member, roles=roles, areas=[a for a in areas if a.pk != area.pk]
            )
            messages.success(request, f"{member.username} no longer belongs to {area.name}.")
        else:
            services.user_roles_set(user=member, roles=form.cleaned_data["roles"], areas=areas)
            messages.success(request, f"Roles of {member.username} saved.")
        return redirect("plans:area_detail", area_pk=area.pk)
    return render(
        request,
        "plans/area_user_edit.html",
        {
            "area": area,
            "member": member,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
        },
    )


# A new plan -------------------------------------------------------------------------------


class PlanCreateForm(NhsForm):
    area = forms.ModelChoiceField(
        queryset=Area.objects.none(), empty_label=None, widget=forms.Select(attrs=_SELECT)
    )
    title = forms.CharField(max_length=200, widget=forms.TextInput(attrs=_INPUT))
    first_year = forms.CharField(
        label="First financial year",
        help_text="For example, 2016/17.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    last_year = forms.CharField(
        label="Last financial year",
        help_text="The same as the first for a one-year plan.",
        widget=forms.TextInput(attrs={"class": "nhsuk-input nhsuk-input--width-5"}),
    )
    version_kind = forms.ChoiceField(
        label="Version",
        choices=Plan.VersionKind.choices,
        initial=Plan.VersionKind.DRAFT,
        widget=forms.Select(attrs=_SELECT),
    )

    def __init__(self, *args, areas, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["area"].queryset = areas

    def _year(self, name) -> int:
        try:
            return FinancialYear.parse(self.cleaned_data[name].strip()).start_year
        except ValueError as error:
            raise forms.ValidationError(str(error)) from error

    def clean_first_year(self):
        return self._year("first_year")

    def clean_last_year(self):
        return self._year("last_year")

    def clean(self):
        data = super().clean()
        first, last = data.get("first_year"), data.get("last_year")
        if first is not None and last is not None and last < first:
            self.add_error("last_year", "The last year cannot come before the first.")
        return data


@login_required
@require_http_methods(["GET", "POST"])
def plan_create(request):
    """A new, empty draft plan in one of the user's areas, with every narrative heading."""
    area_ids = [
        area_id
        for area_id in permissions.area_ids_of(request.user)
        if permissions.can_in_area(request.user, permissions.EDIT_PLAN, area_id)
    ]
    if not area_ids:
        raise PermissionDenied("Making a plan is for those who edit plans in an area.")
    form = PlanCreateForm(
        request.POST or None, areas=Area.objects.filter(pk__in=area_ids).order_by("name")
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_create(
                area=data["area"],
                title=data["title"],
                first_year=data["first_year"],
                last_year=data["last_year"],
                version_kind=data["version_kind"],
                version_date=datetime.date.today(),
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, f"“{plan.title}” started: work through its template checks.")
            return redirect("submissions:checklist", pk=plan.pk)
    return render(
        request,
        "plans/plan_create.html",
        {"form": form, "forms_with_errors": [form] if form.errors else []},
    )
