"""The plan's funding streams page: each stream's planned amount (the partners'
contributions under it), its schemes' allocations and their actual spend per quarter, and
each ring-fence of the framework worked out from the schemes against its minimum, met or
short by how much. Those who edit the plan enter a ring-fence's published minimum for each
year, with its source, on the same page."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions
from plans.forms import MoneyField, NhsForm, refusal_on_form
from plans.inputs import whole_number
from plans.money import format_money_input
from schemes.funding import services
from schemes.funding.selectors import RingFenceYear, plan_funding


class MinimumsForm(NhsForm):
    """A box for each published minimum of each year (pounds) and one for its source."""

    def __init__(self, *args, entries: list[RingFenceYear], **kwargs):
        self.entries = entries
        super().__init__(*args, **kwargs)
        for entry in entries:
            name, label = self.prefix_of(entry), f"{entry.ring_fence.name}, {entry.year.label}"
            record = entry.record
            self.fields[f"{name}-amount"] = MoneyField(
                label=f"Minimum for {label} (£)", required=False
            )
            self.fields[f"{name}-source"] = forms.CharField(
                label=f"Source of the minimum for {label}",
                required=False,
                max_length=300,
                widget=forms.TextInput(attrs={"class": "nhsuk-input"}),
            )
            self.fields[f"{name}-version"] = forms.CharField(
                required=False, widget=forms.HiddenInput
            )
            self.initial.update(
                {
                    f"{name}-amount": format_money_input(record.amount if record else None),
                    f"{name}-source": record.source if record else "",
                    f"{name}-version": record.lock_version if record else "",
                }
            )

    @staticmethod
    def prefix_of(entry: RingFenceYear) -> str:
        return f"min-{entry.ring_fence.pk}-{entry.year.start_year}"

    def rows(self):
        """Each ring-fence year with its three fields, for the template."""
        for entry in self.entries:
            name = self.prefix_of(entry)
            yield entry, self[f"{name}-amount"], self[f"{name}-source"], self[f"{name}-version"]

    def clean(self):
        data = super().clean()
        for entry in self.entries:
            name = self.prefix_of(entry)
            if (
                data.get(f"{name}-amount") is not None
                and not (data.get(f"{name}-source") or "").strip()
            ):
                self.add_error(
                    f"{name}-source",
                    "Say where the figure comes from (the allocations it is published in), "
                    "or that it is illustrative.",
                )
        return data

    def entries_typed(self) -> list[services.MinimumEntry]:
        typed = []
        for entry in self.entries:
            name = self.prefix_of(entry)
            typed.append(
                services.MinimumEntry(
                    ring_fence=entry.ring_fence,
                    year=entry.year.start_year,
                    amount=self.cleaned_data.get(f"{name}-amount"),
                    source=self.cleaned_data.get(f"{name}-source") or "",
                    shown_version=whole_number(self.cleaned_data.get(f"{name}-version")),
                )
            )
        return typed


@login_required
@require_http_methods(["GET", "POST"])
def funding_streams(request, pk):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    years = plan_funding(plan=plan)
    can_edit = permissions.can(request.user, permissions.EDIT_PLAN, plan)
    published = [
        entry
        for year in years
        for entry in year.ring_fences
        if entry.ring_fence.minimum == entry.ring_fence.Minimum.PUBLISHED
    ]
    form = None
    if can_edit and published:
        post = request.POST if request.method == "POST" else None
        form = MinimumsForm(post, entries=published)
        if post is not None and form.is_valid():
            try:
                written = services.ring_fence_minimums_save(
                    plan=plan, entries=form.entries_typed(), user=request.user
                )
            except (ValidationError, PermissionDenied) as refusal:
                refusal_on_form(form, refusal)
            else:
                messages.success(request, f"Saved {written} minimum(s).")
                return redirect("schemes:funding_streams", pk=plan.pk)
    elif request.method == "POST":
        permissions.check(request.user, permissions.EDIT_PLAN, plan)
    return render(
        request,
        "schemes/funding_streams.html",
        {
            "plan": plan,
            "years": years,
            "form": form,
            "forms_with_errors": [form] if form is not None and form.errors else [],
            "has_streams": any(y.streams for y in years),
        },
    )
