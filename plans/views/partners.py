"""The plan's partner organisations (its local authority and its CCGs or integrated care
boards, chosen from the area's partners) and each partner's contribution per year, as a
grid of money cells (plans/grids.py)."""

from __future__ import annotations

from typing import cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import grids, permissions, services
from plans.forms import NhsForm, refusal_on_form
from plans.models import Contribution, Organisation, Plan


class PartnersForm(NhsForm):
    local_authority = forms.ModelChoiceField(
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Not chosen yet",
        widget=forms.Select(attrs={"class": "nhsuk-select"}),
    )
    nhs_partners = forms.ModelMultipleChoiceField(
        label="Clinical commissioning groups or integrated care boards",
        queryset=Organisation.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    lock_version = forms.IntegerField(widget=forms.HiddenInput)

    def __init__(self, *args, plan: Plan, **kwargs):
        kwargs.setdefault(
            "initial",
            {
                "local_authority": plan.local_authority_id,
                "nhs_partners": [o.pk for o in plan.ccgs.all()],
                "lock_version": plan.lock_version,
            },
        )
        super().__init__(*args, **kwargs)
        # The area's partners, and whoever the plan already names (a plan made before its
        # area's partners were listed keeps them).
        partners = Organisation.objects.filter(areas=plan.area_id) | Organisation.objects.filter(
            pk__in=[plan.local_authority_id or 0, *[o.pk for o in plan.ccgs.all()]]
        )
        partners = partners.distinct().order_by("name")
        cast(forms.ModelChoiceField, self.fields["local_authority"]).queryset = partners.filter(
            kind=Organisation.Kind.LOCAL_AUTHORITY
        )
        cast(
            forms.ModelMultipleChoiceField, self.fields["nhs_partners"]
        ).queryset = partners.filter(kind__in=Organisation.NHS_COMMISSIONERS)


def _plan(request, pk, action):
    queryset = Plan.objects.select_related("area", "local_authority").prefetch_related("ccgs")
    return permissions.get_plan(request.user, pk, action, queryset=queryset)


@login_required
@require_http_methods(["GET", "POST"])
def partners_edit(request, pk):
    plan = _plan(request, pk, permissions.EDIT_PLAN)
    form = PartnersForm(request.POST or None, plan=plan)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_partners_set(
                plan=plan,
                local_authority=form.cleaned_data["local_authority"],
                nhs_partners=list(form.cleaned_data["nhs_partners"]),
                expected_version=form.cleaned_data["lock_version"],
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Partner organisations saved.")
            return redirect("plans:contributions", pk=plan.pk)
    return render(
        request,
        "plans/partners_form.html",
        {
            "plan": plan,
            "form": form,
            "forms_with_errors": [form] if form.errors else [],
            "can_set_up_area": permissions.administers(request.user),
        },
    )


def _rows(plan, stored_rows: set[tuple[int, str]]) -> list[tuple[str, Organisation, str, str]]:
    """(row key, partner, row, what it is) for each partner and each funding stream of the
    plan's framework it pays into; for a plan whose framework lists no streams, each kind of
    contribution. A contribution stored under no stream keeps its row, so nothing held is
    hidden."""
    partners = ([plan.local_authority] if plan.local_authority else []) + sorted(
        plan.ccgs.all(), key=lambda o: o.name
    )
    streams = services.contribution_streams(plan)
    rows = []
    for o in partners:
        if streams:
            offered = [(s.code, s.name) for s in streams if s.paid_by(o)]
            codes = {code for code, _ in offered}
            offered += [
                (kind.value, f"{kind.label} (no funding stream chosen)")
                for kind in Contribution.Kind
                if (o.pk, kind.value) in stored_rows and kind.value not in codes
            ]
        else:
            offered = [(kind.value, kind.label) for kind in Contribution.Kind]
        rows += [(f"{o.pk}_{row}", o, row, label) for row, label in offered]
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def contributions(request, pk):
    """Each partner's contribution per year: read by all who read the plan, typed by those
    who keep its money (EDIT_SCHEMES: officers and finance leads)."""
    plan = _plan(request, pk, permissions.VIEW)
    can_edit = permissions.can(request.user, permissions.EDIT_SCHEMES, plan)
    if request.method == "POST":
        permissions.check(request.user, permissions.EDIT_SCHEMES, plan)
    records = list(Contribution.objects.filter(plan=plan).select_related("stream"))
    rows = _rows(plan, {(c.organisation_id, services.contribution_row(c)) for c in records})
    years = plan.years
    stored = {
        (f"{c.organisation_id}_{services.contribution_row(c)}", c.year): c.amount for c in records
    }
    keys = [(key, y.start_year) for key, _, _, _ in rows for y in years]
    labels = {
        (key, y.start_year): f"{o} ({label}), {y.label}" for key, o, _, label in rows for y in years
    }
    cells = grids.read_cells(
        prefix="c",
        keys=keys,
        stored=stored,
        data=request.POST if request.method == "POST" else None,
        labels=labels,
    )
    problems, conflicts = grids.errors(cells), []
    if request.method == "POST" and not problems:
        by_key = {key: (o.pk, row) for key, o, row, _ in rows}
        changes = {(*by_key[row], year): pair for (row, year), pair in grids.changes(cells).items()}
        try:
            changed = services.contributions_save(plan=plan, cells=changes, user=request.user)
        except services.ContributionConflict as conflict:
            refused = {(f"{o}_{k}", y): amount for (o, k, y), amount in conflict.current.items()}
            grids.mark_conflicts(cells, refused)
            conflicts = [cells[key] for key in refused]
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("plans:contributions", pk=plan.pk)
        else:
            messages.success(request, f"Saved {changed} contribution(s).")
            return redirect("plans:contributions", pk=plan.pk)
    table = [(o, label, [cells[key, y.start_year] for y in years]) for key, o, _, label in rows]
    totals = [
        sum((c.value or 0 for (_, year), c in cells.items() if year == y.start_year), 0)
        for y in years
    ]
    agreed = {py.year: py.agreed_total for py in plan.plan_years.all()}
    return render(
        request,
        "plans/contributions.html",
        {
            "plan": plan,
            "years": years,
            "table": table,
            "totals": totals,
            "agreed": [agreed.get(y.start_year) for y in years],
            "can_edit": can_edit,
            "problems": problems,
            "conflicts": conflicts,
            "streams": services.contribution_streams(plan),
        },
    )
