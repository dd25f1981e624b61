"""Operations that change themes, schemes and scheme budgets (amounts in pounds)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from metrics.models import MetricDefinition
from plans import permissions
from plans.models import Plan
from plans.services import EditConflict, check_version, locked, save_with_history
from schemes.models import Scheme, SchemeBudget, Theme


@transaction.atomic
def theme_create(*, plan: Plan, name: str, order: int = 0, user=None) -> Theme:
    permissions.check_changeable(plan)
    theme = Theme(plan=plan, name=name, order=order)
    save_with_history(theme, user=user)
    return theme


def _set_budgets(scheme: Scheme, budgets: dict[int, Decimal | None], user) -> None:
    """Set each year's amount; None removes that year's budget."""
    existing = {b.year: b for b in scheme.budgets.all()}
    for year, amount in budgets.items():
        budget = existing.get(year)
        if amount is None:
            if budget is not None:
                if user is not None:
                    budget._history_user = user
                budget.delete()
            continue
        if budget is None:
            budget = SchemeBudget(scheme=scheme, year=year)
        elif budget.amount == amount:
            continue
        budget.amount = amount
        save_with_history(budget, user=user)


def _validate_years(plan: Plan, budgets: dict[int, Decimal | None]) -> None:
    outside = [year for year in budgets if not plan.covers(year)]
    if outside:
        raise ValidationError({"budgets": "A budget year is outside the plan."})


@transaction.atomic
def scheme_create(
    *,
    plan: Plan,
    theme: Theme,
    name: str,
    status: str,
    protection: str = Scheme.Protection.NONE,
    metrics: list[MetricDefinition] = (),
    budgets: dict[int, Decimal | None] | None = None,
    order: int | None = None,
    user=None,
) -> Scheme:
    """Add a scheme to a plan with its budget per financial year (pounds)."""
    budgets = budgets or {}
    _validate_years(plan, budgets)
    scheme = Scheme(plan=plan, theme=theme, name=name.strip(), status=status, protection=protection)
    permissions.check_changeable(scheme)  # neither its plan nor its theme's plan is agreed
    scheme.order = theme.schemes.count() if order is None else order
    save_with_history(scheme, user=user, reason="Scheme created")
    scheme.metrics.set(metrics)
    _set_budgets(scheme, budgets, user)
    return scheme


@transaction.atomic
def scheme_update(
    *,
    scheme: Scheme,
    expected_version: int | None,
    user=None,
    metrics: list[MetricDefinition] | None = None,
    budgets: dict[int, Decimal | None] | None = None,
    **fields,
) -> Scheme:
    """Change a scheme; refused with EditConflict if it changed since `expected_version`."""
    current = locked(Scheme, scheme.pk)
    permissions.check_changeable(current.plan)
    check_version(current, expected_version)
    if budgets:
        _validate_years(current.plan, budgets)
    for name, value in fields.items():
        setattr(current, name, value.strip() if name == "name" else value)
    permissions.check_changeable(current)  # nor moved into an agreed plan
    current.lock_version += 1
    save_with_history(current, user=user)
    if metrics is not None:
        current.metrics.set(metrics)
    if budgets:
        _set_budgets(current, budgets, user)
    return current


@transaction.atomic
def scheme_delete(*, scheme: Scheme, expected_version: int | None = None, user=None) -> None:
    current = locked(Scheme, scheme.pk)
    permissions.check_changeable(current.plan)
    check_version(current, expected_version)
    for budget in current.budgets.all():
        if user is not None:
            budget._history_user = user
        budget.delete()
    if user is not None:
        current._history_user = user
    current.delete()


@transaction.atomic
def schemes_import(*, plan: Plan, rows, user=None) -> tuple[int, int]:
    """Create or update (matched by name) every checked row; all or nothing.

    Returns (created, updated).
    """
    permissions.check_changeable(plan)
    existing = {s.name.lower(): s for s in plan.schemes.all()}
    created = updated = 0
    for row in rows:
        fields = {
            "theme": row.theme,
            "name": row.name,
            "status": row.status,
            "protection": row.protection,
            "metrics": row.metrics,
            "budgets": row.budgets,
            "user": user,
        }
        scheme = existing.get(row.name.lower())
        if scheme is None:
            scheme_create(plan=plan, **fields)
            created += 1
        else:
            scheme_update(scheme=scheme, expected_version=None, **fields)
            updated += 1
    return created, updated


# Quarterly spend -------------------------------------------------------------------------


@transaction.atomic
def quarter_spend_set(
    *,
    plan: Plan,
    year: int,
    quarter: int,
    rows: dict[int, tuple[Decimal | None, Decimal | None]],
    expected_versions: dict[int, int] | None = None,
    user=None,
) -> int:
    """Set each scheme's forecast outturn and actual spend for a quarter; all or nothing.

    `rows` maps a scheme id of `plan` to (forecast, actual) in pounds; (None, None) removes
    the quarter's figures. Quarterly spend is reported after a plan is submitted, so a
    frozen plan still takes it. `expected_versions` (scheme id → lock_version of the
    quarter's rows as the form loaded them) refuses a save from an old copy with
    EditConflict. Returns how many schemes changed.
    """
    from schemes.models import SchemeQuarterSpend

    if not plan.covers(year) or quarter not in (1, 2, 3, 4):
        raise ValidationError("Choose a quarter of one of the plan's years.")
    schemes = {s.pk: s for s in plan.schemes.filter(pk__in=list(rows))}
    if len(schemes) != len(rows):
        raise ValidationError("A row is not a scheme of this plan.")
    existing = {
        s.scheme_id: s
        for s in SchemeQuarterSpend.objects.select_for_update().filter(
            scheme__in=list(schemes), year=year, quarter=quarter
        )
    }
    if expected_versions is not None:
        now = {scheme_id: spend.lock_version for scheme_id, spend in existing.items()}
        if now != expected_versions:
            stale = next(iter(set(now.items()) ^ set(expected_versions.items())))
            raise EditConflict(existing.get(stale[0]), now.get(stale[0], 0))
    changed = 0
    for scheme_id, (forecast, actual) in rows.items():
        spend = existing.get(scheme_id)
        if forecast is None and actual is None:
            if spend is not None:
                if user is not None:
                    spend._history_user = user
                spend.delete()
                changed += 1
            continue
        if spend is None:
            spend = SchemeQuarterSpend(scheme=schemes[scheme_id], year=year, quarter=quarter)
        elif (spend.forecast, spend.actual) == (forecast, actual):
            continue
        else:
            spend.lock_version += 1
        spend.forecast, spend.actual = forecast, actual
        save_with_history(spend, user=user)
        changed += 1
    return changed


@transaction.atomic
def plan_quarter_spend_set(
    *,
    plan: Plan,
    year: int,
    quarter: int,
    forecast: Decimal | None,
    actual_to_date: Decimal | None,
    note: str = "",
    user=None,
):
    """The whole plan's forecast outturn and spend to date for a quarter, when the source
    gives no scheme lines (pounds)."""
    from schemes.models import PlanQuarterSpend

    spend = PlanQuarterSpend.objects.select_for_update().filter(
        plan=plan, year=year, quarter=quarter
    ).first() or PlanQuarterSpend(plan=plan, year=year, quarter=quarter)
    if spend.pk:
        spend.lock_version += 1
    spend.forecast, spend.actual_to_date, spend.note = forecast, actual_to_date, note
    save_with_history(spend, user=user)
    return spend
