"""The budget grid: every scheme of a plan × its financial years on one page, edited in
place, with totals by theme and year and the reconciliation against the agreed pooled
budget.

With script, the totals follow the typing (htmx posts the grid to `budget_grid_totals`,
which saves nothing) and a block copied from a spreadsheet pastes across the cells
(static/js/grid.js). Without script it is an ordinary form: "Update totals" recalculates,
"Save budgets" saves. Only cells typed differently are saved, each as one recorded change,
and a cell someone else changed meanwhile is refused, never overwritten (plans/grids.py).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from plans import grids, permissions
from plans.models import Plan
from schemes import services
from schemes.selectors import budget_grid_data


def _plan(request, pk, action):
    queryset = Plan.objects.select_related("area").prefetch_related("plan_years")
    return permissions.get_plan(request.user, pk, action, queryset=queryset)


def _grid(plan, data=None) -> tuple[object, dict]:
    grid = budget_grid_data(plan=plan)
    cells = grids.read_cells(
        prefix="b", keys=grid.cell_keys(), stored=grid.budgets, data=data, labels=grid.labels()
    )
    return grid, cells


def _context(plan, grid, cells, *, can_edit: bool) -> dict:
    years = plan.years
    amounts = {key: cell.value for key, cell in cells.items()}
    summary = grid.reconcile(amounts)
    theme_totals = {
        (theme.theme_id, row.year.start_year): theme.total
        for row in summary
        for theme in row.themes
    }
    blocks, index = [], 0
    for theme in grid.themes:
        rows = []
        for scheme in (s for s in grid.schemes if s.theme_id == theme.pk):
            rows.append((scheme, index, [cells[scheme.pk, y.start_year] for y in years]))
            index += 1
        totals = [theme_totals[theme.pk, y.start_year] for y in years]
        blocks.append((theme, rows, totals))
    return {
        "plan": plan,
        "years": years,
        "blocks": blocks,
        "summary": summary,
        "can_edit": can_edit,
        "uncounted": grids.errors(cells),
        "scheme_count": len(grid.schemes),
    }


@login_required
@require_http_methods(["GET", "POST"])
def budget_grid(request, pk):
    plan = _plan(request, pk, permissions.VIEW)
    can_edit = permissions.can(request.user, permissions.EDIT_SCHEMES, plan)
    if request.method == "GET":
        grid, cells = _grid(plan)
        return render(
            request, "schemes/budget_grid.html", _context(plan, grid, cells, can_edit=can_edit)
        )
    permissions.check(request.user, permissions.EDIT_SCHEMES, plan)
    grid, cells = _grid(plan, request.POST)
    problems = grids.errors(cells)
    conflicts = []
    if not problems and "recalculate" not in request.POST:
        try:
            changed = services.budget_grid_save(
                plan=plan, cells=grids.changes(cells), user=request.user
            )
        except services.BudgetConflict as conflict:
            grids.mark_conflicts(cells, {(c.scheme.pk, c.year): c.amount for c in conflict.cells})
            conflicts = [cells[c.scheme.pk, c.year] for c in conflict.cells]
        else:
            messages.success(
                request,
                f"Saved {changed} budget{'' if changed == 1 else 's'}."
                if changed
                else "Nothing had changed: no budget saved.",
            )
            return redirect("schemes:budget_grid", pk=plan.pk)
    context = _context(plan, grid, cells, can_edit=True)
    context["problems"] = problems
    context["conflicts"] = conflicts
    context["recalculated"] = "recalculate" in request.POST and not problems
    return render(request, "schemes/budget_grid.html", context, status=200)


@login_required
@require_POST
def budget_grid_totals(request, pk):
    """The grid's totals for what is typed now, saving nothing (htmx, as the officer types)."""
    plan = _plan(request, pk, permissions.EDIT_SCHEMES)
    grid, cells = _grid(plan, request.POST)
    return render(
        request,
        "schemes/_budget_grid_totals.html",
        _context(plan, grid, cells, can_edit=True),
    )
