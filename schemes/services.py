"""Operations that change themes, schemes and scheme budgets (amounts in pounds)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from metrics.models import MetricDefinition
from plans import permissions
from plans.models import Plan
from plans.money import format_pounds
from plans.periods import FinancialYear, Quarter
from plans.services import (
    EditConflict,
    check_version,
    delete_with_history,
    locked,
    move_in_order,
    save_with_history,
    versioned_delete,
    versioned_update,
)
from schemes.models import Milestone, Scheme, SchemeBudget, Theme


@dataclass(frozen=True)
class BudgetCell:
    """One cell of the budget grid: a scheme's amount in one year (pounds, None for none)."""

    scheme: Scheme
    year: int
    amount: Decimal | None


class BudgetConflict(ValidationError):
    """Cells changed by someone else since the page showed them; `cells` holds each with
    its amount now. Nothing was saved."""

    def __init__(self, cells: list[BudgetCell]):
        self.cells = cells
        super().__init__(
            [
                f"{c.scheme.name}, {FinancialYear(c.year).label}: someone else changed this "
                f"to {format_pounds(c.amount)} while you were editing. Your amount was not "
                "saved; check it and save again."
                for c in cells
            ],
            code="conflict",
        )


@transaction.atomic
def theme_create(*, plan: Plan, name: str, order: int | None = None, user=None) -> Theme:
    """Add a theme to a plan; without `order`, after the last one."""
    permissions.check_changeable(plan)
    if order is None:
        last = plan.themes.order_by("-order").values_list("order", flat=True).first()
        order = 0 if last is None else last + 1
    theme = Theme(plan=plan, name=name.strip(), order=order)
    _check_theme_name(theme)
    save_with_history(theme, user=user)
    return theme


def _check_theme_name(theme: Theme) -> None:
    clash = Theme.objects.filter(plan_id=theme.plan_id, name__iexact=theme.name)
    if clash.exclude(pk=theme.pk).exists():
        raise ValidationError({"name": "This plan already has a theme with this name."})


@transaction.atomic
def theme_rename(*, theme: Theme, name: str, user=None) -> Theme:
    current = locked(Theme, theme.pk)
    permissions.check_changeable(current.plan)
    current.name = name.strip()
    _check_theme_name(current)
    save_with_history(current, user=user)
    return current


@transaction.atomic
def theme_move(*, theme: Theme, offset: int, user=None) -> None:
    """Move a theme up (offset -1) or down (+1) the plan's order."""
    permissions.check_changeable(theme.plan)
    themes = list(Theme.objects.select_for_update().filter(plan_id=theme.plan_id))
    move_in_order(themes, theme.pk, offset, user)


@transaction.atomic
def theme_delete(*, theme: Theme, user=None) -> None:
    """Remove a theme that no scheme belongs to."""
    current = locked(Theme, theme.pk)
    permissions.check_changeable(current.plan)
    if current.schemes.exists():
        raise ValidationError("Move or delete this theme's schemes before removing it.")
    delete_with_history(current, user=user)


def _set_budgets(
    scheme: Scheme,
    budgets: dict[int, Decimal | None],
    user,
    expected: dict[int, Decimal | None] | None = None,
) -> None:
    """Set each year's amount; None removes that year's budget.

    With `expected` (year → the amount the form showed), only the years typed differently
    are written, and one changed by someone else since is refused with BudgetConflict."""
    existing = {b.year: b for b in scheme.budgets.select_for_update()}
    if expected is not None:
        budgets = {y: a for y, a in budgets.items() if a != expected.get(y)}
        stale = [
            BudgetCell(scheme, y, existing[y].amount if y in existing else None)
            for y in budgets
            if (existing[y].amount if y in existing else None) != expected.get(y)
        ]
        if stale:
            raise BudgetConflict(stale)
    for year, amount in budgets.items():
        budget = existing.get(year)
        if amount is None:
            if budget is not None:
                delete_with_history(budget, user=user)
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


SCHEME_DETAILS = (
    "reference",
    "description",
    "scheme_type",
    "sub_type",
    "area_of_spend",
    "commissioner",
    "nhs_share_percent",
    "provider",
    "source_of_funding",
    "no_metric_reason",
)


@transaction.atomic
def scheme_create(
    *,
    plan: Plan,
    theme: Theme,
    name: str,
    status: str,
    protection: str = Scheme.Protection.NONE,
    metrics: Sequence[MetricDefinition] = (),
    budgets: dict[int, Decimal | None] | None = None,
    order: int | None = None,
    user=None,
    status_as_written: str = "",
    source_conflict: str = "",
    funding_stream=None,
    paid_to_housing_authority: bool = False,
    **details,
) -> Scheme:
    """Add a scheme to a plan with its budget per financial year (pounds).

    `details` are the Part 2 fields (SCHEME_DETAILS): scheme ID, description, type and sub
    type, area of spend, commissioner and NHS share, provider, source of funding, and the
    reason it moves no metric. `status_as_written`: the source's own wording of the status
    ("Existing & new"), shown instead of its label; `source_conflict`: the source's words
    where it gives the scheme's money two ways. `funding_stream`: the stream of the plan's
    framework its budget comes from; `paid_to_housing_authority`: its money is passed to a
    district or borough council (both count towards the framework's ring-fences)."""
    unknown = set(details) - set(SCHEME_DETAILS)
    if unknown:
        raise TypeError(f"scheme_create() got unexpected fields {sorted(unknown)}")
    budgets = budgets or {}
    _validate_years(plan, budgets)
    scheme = Scheme(
        plan=plan,
        theme=theme,
        name=name.strip(),
        status=status,
        status_as_written=status_as_written,
        source_conflict=source_conflict,
        protection=protection,
        funding_stream=funding_stream,
        paid_to_housing_authority=paid_to_housing_authority,
        **details,
    )
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
    expected_budgets: dict[int, Decimal | None] | None = None,
    **fields,
) -> Scheme:
    """Change a scheme; refused with EditConflict if it changed since `expected_version`.

    `budgets` (year → pounds, None for none) with `expected_budgets` (what the form showed)
    writes only the years changed, and refuses one changed meanwhile (BudgetConflict)."""
    current = locked(Scheme, scheme.pk)
    permissions.check_changeable(current.plan)
    check_version(current, expected_version)
    if budgets:
        _validate_years(current.plan, budgets)
    if "status" in fields and fields["status"] != current.status:
        current.status_as_written = ""  # the source's wording was of the status it had
    for name, value in fields.items():
        setattr(current, name, value.strip() if name == "name" else value)
    permissions.check_changeable(current)  # nor moved into an agreed plan
    current.lock_version += 1
    save_with_history(current, user=user)
    if metrics is not None:
        current.metrics.set(metrics)
    if budgets:
        _set_budgets(current, budgets, user, expected_budgets)
    return current


@transaction.atomic
def scheme_delete(*, scheme: Scheme, expected_version: int | None = None, user=None) -> None:
    current = locked(Scheme, scheme.pk)
    permissions.check_changeable(current.plan)
    check_version(current, expected_version)
    for budget in current.budgets.all():
        delete_with_history(budget, user=user)
    delete_with_history(current, user=user)


# The budget grid -------------------------------------------------------------------------


@transaction.atomic
def budget_grid_save(
    *,
    plan: Plan,
    cells: dict[tuple[int, int], tuple[Decimal | None, Decimal | None]],
    user=None,
) -> int:
    """Save the cells of the budget grid that were typed differently; all or nothing.

    `cells` maps (scheme id, year) to (the amount the page showed, the amount typed), in
    pounds, None for no budget. A cell whose stored amount is no longer what the page showed
    was changed by someone else meanwhile: nothing is saved and BudgetConflict names each
    such cell with its amount now. Each changed cell is one recorded change (created,
    changed or removed budget). Returns the number of cells changed.
    """
    permissions.check_changeable(plan)
    changed = {key: pair for key, pair in cells.items() if pair[0] != pair[1]}
    if not changed:
        return 0
    years = {year for _, year in changed}
    if any(not plan.covers(year) for year in years):
        raise ValidationError("A budget year is outside the plan.")
    # Lock the schemes first: a budget that does not exist yet has no row to lock.
    schemes = {
        s.pk: s
        for s in Scheme.objects.select_for_update().filter(
            plan=plan, pk__in={scheme_id for scheme_id, _ in changed}
        )
    }
    if len(schemes) != len({scheme_id for scheme_id, _ in changed}):
        raise ValidationError("A row is not a scheme of this plan; reload the page.")
    stored = {
        (b.scheme_id, b.year): b
        for b in SchemeBudget.objects.select_for_update().filter(
            scheme_id__in=list(schemes), year__in=years
        )
    }
    stale = []
    for (scheme_id, year), (shown, _typed) in changed.items():
        now = stored.get((scheme_id, year))
        if (now.amount if now else None) != shown:
            stale.append(BudgetCell(schemes[scheme_id], year, now.amount if now else None))
    if stale:
        raise BudgetConflict(stale)
    count = 0
    for (scheme_id, year), (_shown, typed) in changed.items():
        budget = stored.get((scheme_id, year))
        if typed is None:
            if budget is not None:
                delete_with_history(budget, user=user)
                count += 1
            continue
        budget = budget or SchemeBudget(scheme=schemes[scheme_id], year=year)
        budget.amount = typed
        save_with_history(budget, user=user)
        count += 1
    return count


# Milestones ------------------------------------------------------------------------------

MILESTONE_FIELDS = ("workstream", "task", "delivery", "due_on", "implementation", "status")


@transaction.atomic
def milestone_create(*, plan: Plan, task: str, user=None, **fields) -> Milestone:
    """Add a milestone at the end of the plan's programme."""
    permissions.check_changeable(plan)
    last = plan.milestones.order_by("-order").values_list("order", flat=True).first()
    milestone = Milestone(plan=plan, task=task, order=0 if last is None else last + 1)
    for name, value in fields.items():
        if name not in MILESTONE_FIELDS:
            raise TypeError(f"milestone_create() got an unexpected field {name!r}")
        setattr(milestone, name, value)
    save_with_history(milestone, user=user)
    return milestone


@transaction.atomic
def milestone_update(
    *, milestone: Milestone, expected_version: int | None, user=None, **fields
) -> Milestone:
    """Change a milestone (MILESTONE_FIELDS); refused from an old copy (EditConflict)."""
    return versioned_update(
        Milestone,
        milestone,
        expected_version=expected_version,
        fields=fields,
        allowed=MILESTONE_FIELDS,
        user=user,
    )


@transaction.atomic
def milestone_delete(*, milestone: Milestone, expected_version: int | None, user=None) -> None:
    versioned_delete(Milestone, milestone, expected_version=expected_version, user=user)


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

    if not plan.covers(year) or not Quarter.valid_number(quarter):
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
                delete_with_history(spend, user=user)
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


class SpendConflict(ValidationError):
    """Spend cells changed by someone else since the page showed them; `current` maps each
    refused (scheme id, "forecast" or "actual") to its amount now. Nothing was saved."""

    def __init__(self, current: dict):
        self.current = current
        super().__init__("Someone else changed the spend while you were editing.", code="conflict")


@transaction.atomic
def spend_grid_save(
    *,
    plan: Plan,
    year: int,
    quarter: int,
    cells: dict[tuple[int, str], tuple[Decimal | None, Decimal | None]],
    user=None,
) -> int:
    """Save the spend grid's cells typed differently for one quarter; all or nothing.

    `cells` maps (scheme id, "forecast" or "actual") to (the amount shown, the amount typed)
    in pounds. A cell whose stored amount is no longer what was shown refuses the save
    (SpendConflict). Quarterly spend is reported after submission, so a frozen plan takes it.
    A scheme's quarter is one record: each scheme whose cells changed is one recorded change
    (both its cells, before and after); a quarter left with neither figure is removed.
    Returns the number of schemes changed."""
    from schemes.models import SchemeQuarterSpend

    if not plan.covers(year) or not Quarter.valid_number(quarter):
        raise ValidationError("Choose a quarter of one of the plan's years.")
    changed = {key: pair for key, pair in cells.items() if pair[0] != pair[1]}
    if any(column not in ("forecast", "actual") for _, column in changed):
        raise ValidationError("A cell is not a forecast or an actual; reload the page.")
    scheme_ids = {scheme_id for scheme_id, _ in changed}
    if not scheme_ids:
        return 0
    schemes = {
        s.pk: s for s in Scheme.objects.select_for_update().filter(plan=plan, pk__in=scheme_ids)
    }
    if len(schemes) != len(scheme_ids):
        raise ValidationError("A row is not a scheme of this plan; reload the page.")
    stored = {
        s.scheme_id: s
        for s in SchemeQuarterSpend.objects.select_for_update().filter(
            scheme_id__in=scheme_ids, year=year, quarter=quarter
        )
    }

    def now(scheme_id, column):
        row = stored.get(scheme_id)
        return getattr(row, column) if row else None

    current = {key: now(*key) for key, (shown, _) in changed.items() if now(*key) != shown}
    if current:
        raise SpendConflict(current)
    for scheme_id in scheme_ids:
        spend = stored.get(scheme_id) or SchemeQuarterSpend(
            scheme=schemes[scheme_id], year=year, quarter=quarter
        )
        for (row, column), (_, typed) in changed.items():
            if row == scheme_id:
                setattr(spend, column, typed)
        if spend.forecast is None and spend.actual is None:
            if spend.pk:
                delete_with_history(spend, user=user)
            continue
        if spend.pk:
            spend.lock_version += 1
        save_with_history(spend, user=user)
    return len(scheme_ids)


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


@transaction.atomic
def impact_set(
    *,
    plan: Plan,
    metric: MetricDefinition,
    year: int,
    target: Decimal | None,
    actual: Decimal | None,
    scheme: Scheme | None = None,
    description: str = "",
    source: str = "",
    user=None,
):
    """What a scheme (or, with no `scheme`, the plan's schemes together, where the source
    gives no scheme's share) was to change in a metric's count in a year and what it did:
    counts of people or events, e.g. emergency admissions avoided."""
    from schemes.models import SchemeImpact

    if scheme is not None and scheme.plan_id != plan.pk:
        raise ValidationError({"scheme": "Choose a scheme of this plan."})
    which = {"scheme": scheme} if scheme is not None else {"scheme__isnull": True}
    impact = (
        SchemeImpact.objects.select_for_update(of=("self",))
        .filter(plan=plan, metric=metric, year=year, **which)
        .first()
    ) or SchemeImpact(plan=plan, scheme=scheme, metric=metric, year=year)
    impact.target, impact.actual = target, actual
    impact.description, impact.source = description, source
    save_with_history(impact, user=user)
    return impact


# Reference data: the scheme catalogue of a planning year ---------------------------------


@transaction.atomic
def scheme_catalogue_load(
    *,
    planning_year: int,
    types: list[tuple[str, list[str]]],
    areas: list[str],
    source: str,
    framework=None,
) -> int:
    """A planning year's scheme types (with their sub types) and areas of spend, in the
    order given; entries already there are kept (and given to `framework` when one is
    named). Returns how many were added."""
    from schemes.models import AreaOfSpend, SchemeSubType, SchemeType

    added = 0
    for order, (name, sub_types) in enumerate(types):
        kind, created = SchemeType.objects.get_or_create(
            planning_year=planning_year, name=name, defaults={"order": order, "source": source}
        )
        added += created
        _belong(kind, framework=framework, order=order, source=source)
        for sub_order, sub_name in enumerate(sub_types):
            added += SchemeSubType.objects.get_or_create(
                scheme_type=kind, name=sub_name, defaults={"order": sub_order}
            )[1]
    for order, name in enumerate(areas):
        area, created = AreaOfSpend.objects.get_or_create(
            planning_year=planning_year, name=name, defaults={"order": order, "source": source}
        )
        added += created
        _belong(area, framework=framework, order=order, source=source)
    return added


def _belong(entry, *, framework, order: int, source: str) -> None:
    """An entry of a framework's catalogue takes the framework's order and source."""
    if framework is None:
        return
    if (entry.framework_id, entry.order, entry.source) != (framework.pk, order, source):
        entry.framework, entry.order, entry.source = framework, order, source
        save_with_history(entry)


@transaction.atomic
def scheme_type_mappings_set(*, mappings: list[tuple[int, int | None]]) -> None:
    """Which type of a later framework each scheme type becomes on rolling forward (pairs
    of primary keys; None: no type matches, the scheme is flagged for review)."""
    from schemes.models import SchemeType

    for type_id, replaced_by_id in mappings:
        kind = SchemeType.objects.get(pk=type_id)
        if kind.replaced_by_id != replaced_by_id:
            kind.replaced_by_id = replaced_by_id
            save_with_history(kind)
