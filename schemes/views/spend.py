"""Quarterly forecast and actual spend per scheme: a grid with a row per scheme for the
chosen quarter (the year's budget, forecast outturn, actual spend, actual to date and
variance, with totals by theme and for the plan, following the typing as the budget grid
does). Its spreadsheet import is schemes/imports.py's SpendImport.

Needs EDIT_SCHEMES in the plan's area: spend is reported each quarter after the plan has
been submitted, so it is checked in the area rather than against the frozen plan.
"""

from __future__ import annotations

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plans import grids, permissions
from plans.periods import FinancialYear, Quarter
from schemes import services
from schemes.calculations import ZERO, SpendLine, spend_total
from schemes.selectors import spend_grid_data


def plan_and_period(request, pk, year, quarter):
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    permissions.check_in_area(request.user, permissions.EDIT_SCHEMES, plan.area_id)
    if not plan.covers(year) or not Quarter.valid_number(quarter):
        raise Http404("No such quarter in this plan.")
    return plan, FinancialYear(year).quarter(quarter)


def _spend_context(plan, period, data, cells) -> dict:
    """Rows by theme with each scheme's budget, cells, actual to date and variance, and the
    totals of each theme and of the plan, from what the cells hold (typed or stored)."""
    blocks, lines, index = [], [], 0
    for theme in data.themes:
        rows, theme_lines = [], []
        for scheme in (s for s in data.schemes if s.theme_id == theme.pk):
            forecast, actual = cells[scheme.pk, "forecast"], cells[scheme.pk, "actual"]
            line = SpendLine(
                budget=data.budgets.get(scheme.pk),
                forecast=forecast.value,
                actual=actual.value,
                actual_before=data.actual_before.get(scheme.pk, ZERO),
            )
            rows.append((scheme, index, forecast, actual, line))
            theme_lines.append(line)
            index += 1
        blocks.append((theme, rows, spend_total(theme_lines)))
        lines += theme_lines
    return {
        "plan": plan,
        "period": period,
        "blocks": blocks,
        "total": spend_total(lines),
        "quarters": [q for y in plan.years for q in y.quarters],
        "uncounted": grids.errors(cells),
        "scheme_count": len(data.schemes),
    }


def _spend_cells(plan, year, quarter, post=None):
    data = spend_grid_data(plan=plan, year=year, quarter=quarter)
    cells = grids.read_cells(
        prefix="s", keys=data.cell_keys(), stored=data.stored, data=post, labels=data.labels()
    )
    return data, cells


@login_required
def spend_index(request, pk):
    """The plan's quarterly spend: the quarter we are in, if the plan covers it, else its
    first quarter."""
    plan = permissions.get_plan(request.user, pk, permissions.VIEW)
    permissions.check_in_area(request.user, permissions.EDIT_SCHEMES, plan.area_id)
    quarters = [q for y in plan.years for q in y.quarters]
    current = next((q for q in quarters if q.start <= datetime.date.today() <= q.end), None)
    chosen = current or quarters[0]
    return redirect(
        "schemes:spend_edit", pk=plan.pk, year=chosen.year.start_year, quarter=chosen.number
    )


@login_required
@require_http_methods(["GET", "POST"])
def spend_edit(request, pk, year, quarter):
    """The spend grid of one quarter: forecast outturn and actual spend per scheme, with
    the year's budget, actual to date and variance, and totals by theme and for the plan."""
    plan, period = plan_and_period(request, pk, year, quarter)
    post = request.POST if request.method == "POST" else None
    data, cells = _spend_cells(plan, year, quarter, post)
    problems, conflicts = grids.errors(cells), []
    if post is not None and not problems and "recalculate" not in post:
        try:
            changed = services.spend_grid_save(
                plan=plan,
                year=year,
                quarter=quarter,
                cells=grids.changes(cells),
                user=request.user,
            )
        except services.SpendConflict as conflict:
            grids.mark_conflicts(cells, conflict.current)
            conflicts = [cells[key] for key in conflict.current]
        else:
            messages.success(request, f"Saved the {period.label} spend of {changed} scheme(s).")
            return redirect("schemes:spend_edit", pk=plan.pk, year=year, quarter=quarter)
    context = _spend_context(plan, period, data, cells)
    context.update(
        problems=problems,
        conflicts=conflicts,
        can_edit=True,
        recalculated=post is not None and "recalculate" in post and not problems,
    )
    return render(request, "schemes/spend_form.html", context)


@login_required
@require_POST
def spend_totals(request, pk, year, quarter):
    """The spend grid's computed cells and totals for what is typed now (htmx; saves
    nothing)."""
    plan, period = plan_and_period(request, pk, year, quarter)
    data, cells = _spend_cells(plan, year, quarter, request.POST)
    context = _spend_context(plan, period, data, cells)
    context["recalculated"] = True
    return render(request, "schemes/_spend_totals.html", context)
