"""Quarterly forecast and actual spend per scheme: a form with a row per scheme for the
chosen quarter, and a spreadsheet import (nothing imported if any cell is wrong).

Needs EDIT_SCHEMES in the plan's area: spend is reported each quarter after the plan has
been submitted, so it is checked in the area rather than against the frozen plan.
"""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from plans import permissions
from plans.forms import MoneyField, NhsForm
from plans.periods import FinancialYear
from plans.spreadsheets import SpreadsheetError, read_spreadsheet
from schemes import services
from schemes.models import SchemeQuarterSpend
from schemes.spend_resources import COLUMNS, validate


class SpendForm(NhsForm):
    """Two amounts per scheme: `forecast_<id>` and `actual_<id>` (pounds, optional)."""

    # The quarter's rows as loaded ("scheme:version,…"), so a save from an old copy is refused.
    versions = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, schemes, **kwargs):
        super().__init__(*args, **kwargs)
        self.schemes = schemes
        for scheme in schemes:
            self.fields[f"forecast_{scheme.pk}"] = MoneyField(
                label=f"{scheme.name}: forecast outturn for the year", required=False
            )
            self.fields[f"actual_{scheme.pk}"] = MoneyField(
                label=f"{scheme.name}: actual spend in the quarter", required=False
            )

    def expected_versions(self) -> dict[int, int]:
        pairs = (item.split(":") for item in self.cleaned_data["versions"].split(",") if item)
        return {int(scheme): int(version) for scheme, version in pairs}

    def rows(self):
        return {
            s.pk: (self.cleaned_data[f"forecast_{s.pk}"], self.cleaned_data[f"actual_{s.pk}"])
            for s in self.schemes
        }

    def pairs(self):
        return [(s, self[f"forecast_{s.pk}"], self[f"actual_{s.pk}"]) for s in self.schemes]


class SpendImportForm(NhsForm):
    file = forms.FileField(
        label="Spreadsheet (.csv or .xlsx)",
        help_text="Columns: " + ", ".join(COLUMNS) + ".",
        widget=forms.ClearableFileInput(attrs={"class": "nhsuk-file-upload"}),
    )


def _plan_and_period(request, pk, year, quarter):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    permissions.check_in_area(request.user, permissions.EDIT_SCHEMES, plan.area_id)
    if not plan.covers(year) or quarter not in (1, 2, 3, 4):
        raise Http404("No such quarter in this plan.")
    return plan, FinancialYear(year).quarter(quarter)


@login_required
@require_http_methods(["GET", "POST"])
def spend_edit(request, pk, year, quarter):
    plan, period = _plan_and_period(request, pk, year, quarter)
    schemes = list(plan.schemes.select_related("theme").order_by("theme__order", "order", "name"))
    initial = {}
    loaded = SchemeQuarterSpend.objects.filter(scheme__plan=plan, year=year, quarter=quarter)
    for spend in loaded:
        initial[f"forecast_{spend.scheme_id}"] = spend.forecast
        initial[f"actual_{spend.scheme_id}"] = spend.actual
    initial["versions"] = ",".join(f"{s.scheme_id}:{s.lock_version}" for s in loaded)
    form = SpendForm(request.POST or None, schemes=schemes, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            changed = services.quarter_spend_set(
                plan=plan,
                year=year,
                quarter=quarter,
                rows=form.rows(),
                expected_versions=form.expected_versions(),
                user=request.user,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"Saved the {period.label} spend of {changed} scheme(s).")
            return redirect("schemes:spend_edit", pk=plan.pk, year=year, quarter=quarter)
    return render(
        request,
        "schemes/spend_form.html",
        {
            "plan": plan,
            "period": period,
            "form": form,
            "quarters": [q for y in plan.years for q in y.quarters],
            "forms_with_errors": [form] if form.errors else [],
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_import(request, pk, year, quarter):
    plan, period = _plan_and_period(request, pk, year, quarter)
    form = SpendImportForm(request.POST or None, request.FILES or None)
    cell_errors = []
    if request.method == "POST" and form.is_valid():
        try:
            rows, cell_errors = validate(plan, read_spreadsheet(form.cleaned_data["file"]))
        except SpreadsheetError as error:
            form.add_error("file", str(error))
        else:
            if not cell_errors:
                changed = services.quarter_spend_set(
                    plan=plan, year=year, quarter=quarter, rows=rows, user=request.user
                )
                messages.success(
                    request, f"Imported the {period.label} spend of {changed} scheme(s)."
                )
                return redirect("schemes:spend_edit", pk=plan.pk, year=year, quarter=quarter)
    return render(
        request,
        "schemes/spend_import.html",
        {
            "plan": plan,
            "period": period,
            "form": form,
            "columns": COLUMNS,
            "cell_errors": cell_errors,
            "forms_with_errors": [form] if form.errors else [],
        },
    )
