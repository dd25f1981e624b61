"""The capacity and demand pages: one year of a plan on one page, every service type ×
month, demand and capacity edited in place with the gap beneath each (flagged where demand
exceeds capacity), the monthly totals as a chart with its table as text alternative, and the
schemes that fund each service type.

As the budget grid does (schemes/views/budgets.py): with script, the gaps and totals follow
the typing (htmx posts the grid to `capacity_totals`, which saves nothing) and a block
copied from a spreadsheet pastes across the cells (static/js/grid.js); without script it is
an ordinary form. Only figures typed differently are saved, and a figure someone else
changed meanwhile is refused, never overwritten.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from plans import permissions
from plans.forms import NhsForm, refusal_on_form
from plans.models import Plan
from plans.periods import FinancialYear
from schemes.capacity import charts, services, workbook
from schemes.capacity.selectors import CapacityMonth, CapacityPlan, capacity_demand

_COUNT = re.compile(r"^\d{1,7}$")


def parse_count(text: str) -> int | None:
    """A number of people as typed ("1,234", "12"); blank or "-" for none. ValueError
    with a message otherwise."""
    text = str(text).strip().replace(",", "")
    if text in ("", "-", "–"):
        return None
    if text.endswith(".0"):
        text = text[:-2]
    if not _COUNT.match(text):
        raise ValueError("Enter a whole number of people, such as 24, or leave it empty.")
    return int(text)


def _count_text(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


@dataclass
class CountCell:
    """One figure of the grid as the page shows it (people)."""

    name: str
    label: str
    stored: int | None
    shown: int | None
    text: str
    value: int | None
    error: str = ""
    conflict: str = ""

    @property
    def id(self) -> str:
        return f"id-{self.name}"

    @property
    def was(self) -> str:
        return _count_text(self.shown)

    @property
    def changed(self) -> bool:
        return not self.error and self.value != self.shown


def _name(service_type_id: int, month: datetime.date, field: str) -> str:
    return f"c-{service_type_id}-{month:%Y%m}-{field}"


def _cells(data: CapacityPlan, post=None) -> dict[tuple, CountCell]:
    cells = {}
    for row in data.rows:
        for month in row.months:
            for field in services.FIELDS:
                name = _name(row.service_type.pk, month.month, field)
                stored = getattr(month, field)
                label = f"{row.service_type.label}, {field} in {month.label}"
                if post is None:
                    cell = CountCell(name, label, stored, stored, _count_text(stored), stored)
                else:
                    try:
                        shown = parse_count(post.get(f"{name}-was", ""))
                    except ValueError:
                        shown = None
                    text = str(post.get(name, ""))[:20]
                    cell = CountCell(name, label, stored, shown, text, None)
                    try:
                        cell.value = parse_count(text)
                    except ValueError as error:
                        cell.error = str(error)
                cells[row.service_type.pk, month.month, field] = cell
    return cells


def _plan(request, pk, action=permissions.VIEW) -> Plan:
    return permissions.get_plan(request.user, pk, action)


def _year(plan: Plan, year: int | None) -> FinancialYear:
    if year is None:
        return plan.years[0]
    if not plan.covers(year):
        raise Http404("No such year in this plan.")
    return FinancialYear(year)


def _context(plan, year, data: CapacityPlan, cells, *, can_edit: bool) -> dict:
    """Rows grouped as the framework groups its service types, each with its demand and
    capacity cells (typed or stored) and the gaps they give; the monthly totals."""
    typed = CapacityPlan(plan, data.months, [])
    groups: list[tuple[str, list]] = []
    index = 0
    for row in data.rows:
        months = []
        for month in row.months:
            demand = cells[row.service_type.pk, month.month, services.DEMAND]
            capacity = cells[row.service_type.pk, month.month, services.CAPACITY]
            months.append(CapacityMonth(month.month, demand.value, capacity.value))
        typed_row = type(row)(row.service_type, months, row.schemes)
        typed.rows.append(typed_row)
        demand_cells = [cells[row.service_type.pk, m.month, services.DEMAND] for m in months]
        capacity_cells = [cells[row.service_type.pk, m.month, services.CAPACITY] for m in months]
        entry = (typed_row, index, demand_cells, capacity_cells)
        index += 2
        group = row.service_type.get_group_display()
        if not groups or groups[-1][0] != group:
            groups.append((group, []))
        groups[-1][1].append(entry)
    totals = typed.totals()
    return {
        "plan": plan,
        "year": year,
        "years": plan.years,
        "months": data.months,
        "groups": groups,
        "totals": totals,
        "shortfalls": typed.shortfalls,
        "applies": data.applies,
        "source": data.rows[0].service_type.source if data.rows else "",
        "can_edit": can_edit,
        "uncounted": [c for c in cells.values() if c.error],
        "chart": charts.capacity_chart(totals, title=f"Demand and capacity, {year.label}")
        if data.applies
        else "",
    }


@login_required
@require_http_methods(["GET", "POST"])
def capacity_grid(request, pk, year=None):
    plan = _plan(request, pk)
    financial_year = _year(plan, year)
    can_edit = permissions.can(request.user, permissions.EDIT_SCHEMES, plan)
    data = capacity_demand(plan, year=financial_year)
    if request.method == "GET":
        context = _context(plan, financial_year, data, _cells(data), can_edit=can_edit)
        return render(request, "schemes/capacity_demand.html", context)
    permissions.check(request.user, permissions.EDIT_SCHEMES, plan)
    cells = _cells(data, request.POST)
    problems = [c for c in cells.values() if c.error]
    conflicts = []
    if not problems and "recalculate" not in request.POST:
        changed = {key: (cell.shown, cell.value) for key, cell in cells.items() if cell.changed}
        try:
            count = services.capacity_grid_save(plan=plan, cells=changed, user=request.user)
        except services.CapacityConflict as conflict:
            for c in conflict.cells:
                cell = cells[c.service_type.pk, c.month, c.field]
                cell.conflict = (
                    f"Someone else changed this to {_count_text(c.value) or 'nothing'} while "
                    "you were editing; your figure was not saved."
                )
                cell.shown = cell.stored = c.value
                conflicts.append(cell)
        else:
            messages.success(
                request,
                f"Saved {count} figure{'' if count == 1 else 's'}."
                if count
                else "Nothing had changed: no figure saved.",
            )
            return redirect("schemes:capacity_year", pk=plan.pk, year=financial_year.start_year)
    context = _context(plan, financial_year, data, cells, can_edit=True)
    context.update(
        problems=problems,
        conflicts=conflicts,
        recalculated="recalculate" in request.POST and not problems,
    )
    return render(request, "schemes/capacity_demand.html", context)


@login_required
@require_POST
def capacity_totals(request, pk, year):
    """The gaps and totals for what is typed now, saving nothing (htmx, as the officer
    types)."""
    plan = _plan(request, pk, permissions.EDIT_SCHEMES)
    financial_year = _year(plan, year)
    data = capacity_demand(plan, year=financial_year)
    context = _context(plan, financial_year, data, _cells(data, request.POST), can_edit=True)
    context["recalculated"] = True
    return render(request, "schemes/_capacity_totals.html", context)


@login_required
@require_GET
def capacity_export(request, pk):
    """The plan's capacity and demand as a workbook, every year, in the layout the import
    reads back."""
    plan = _plan(request, pk)
    content = workbook.capacity_workbook(capacity_demand(plan), plan=plan)
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="capacity-demand-plan-{plan.pk}.xlsx"'
    return response


class SchemeLinksForm(NhsForm):
    def __init__(self, *args, plan: Plan, service_types, links: dict, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(s.pk, s.name) for s in plan.schemes.order_by("name")]
        for service_type in service_types:
            self.fields[f"t{service_type.pk}"] = forms.TypedMultipleChoiceField(
                label=service_type.label,
                choices=choices,
                coerce=int,
                required=False,
                initial=links.get(service_type.pk, []),
                widget=forms.CheckboxSelectMultiple(attrs={"class": "nhsuk-checkboxes__input"}),
            )


@login_required
@require_http_methods(["GET", "POST"])
def capacity_schemes(request, pk):
    """Which schemes fund which service type's capacity."""
    plan = _plan(request, pk, permissions.EDIT_SCHEMES)
    data = capacity_demand(plan, year=plan.years[0])
    types = [row.service_type for row in data.rows]
    links = {row.service_type.pk: [s.pk for s in row.schemes] for row in data.rows}
    form = SchemeLinksForm(request.POST or None, plan=plan, service_types=types, links=links)
    if request.method == "POST" and form.is_valid():
        schemes = plan.schemes.in_bulk()
        try:
            services.capacity_links_save(
                plan=plan,
                links={
                    t.pk: [schemes[i] for i in form.cleaned_data[f"t{t.pk}"] if i in schemes]
                    for t in types
                },
                user=request.user,
            )
        except ValidationError as error:
            refusal_on_form(form, error)
        else:
            messages.success(request, "Saved the schemes that fund each service type.")
            return redirect(reverse("schemes:capacity_grid", args=[plan.pk]) + "#schemes")
    return render(
        request,
        "schemes/capacity_schemes.html",
        {"plan": plan, "form": form, "forms_with_errors": [form] if form.errors else []},
    )
