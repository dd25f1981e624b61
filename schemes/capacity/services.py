"""Writes of capacity and demand: one transaction each, with history (people, per month)."""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.models import PolicyFramework
from plans import permissions
from plans.models import Plan
from plans.services import delete_with_history, save_changed, save_with_history
from schemes.models import CapacityDemand, CapacityScheme, CapacityServiceType, Scheme

DEMAND, CAPACITY = "demand", "capacity"
FIELDS = (DEMAND, CAPACITY)


@dataclass(frozen=True)
class ServiceTypeSpec:
    code: str
    name: str
    group: str
    pathway: str = ""
    description: str = ""
    source: str = ""


@transaction.atomic
def capacity_service_types_set(
    *, framework: PolicyFramework, service_types: list[ServiceTypeSpec], user=None
) -> list[CapacityServiceType]:
    """The framework's capacity and demand service types in the order given (found by
    code); those no longer listed removed, unless a plan's figures or schemes use them."""
    kept = []
    for order, spec in enumerate(service_types):
        record = CapacityServiceType.objects.filter(framework=framework, code=spec.code).first()
        record = record or CapacityServiceType(framework=framework, code=spec.code)
        values = {
            "name": spec.name,
            "group": spec.group,
            "pathway": spec.pathway,
            "description": spec.description,
            "source": spec.source,
            "order": order,
        }
        save_changed(record, values, user=user)
        kept.append(record)
    gone = framework.capacity_service_types.exclude(pk__in=[k.pk for k in kept])
    in_use = gone.filter(figures__isnull=False) | gone.filter(scheme_links__isnull=False)
    if in_use.exists():
        names = ", ".join(sorted({t.name for t in in_use}))
        raise ValidationError(f"Plans hold figures or schemes for {names}: keep it in the pack.")
    for record in gone:
        delete_with_history(record, user=user)
    return kept


@dataclass(frozen=True)
class CapacityCell:
    """One figure of the grid: a service type's demand or capacity in a month (people)."""

    service_type: CapacityServiceType
    month: datetime.date
    field: str
    value: int | None


class CapacityConflict(ValidationError):
    """Figures changed by someone else since the page showed them; nothing was saved."""

    def __init__(self, cells: list[CapacityCell]):
        self.cells = cells
        super().__init__(
            [
                f"{c.service_type.name}, {c.field} in {c.month:%B %Y}: someone else changed "
                f"this to {'nothing' if c.value is None else f'{c.value:,}'} while you were "
                "editing. Your figure was not saved; check it and save again."
                for c in cells
            ],
            code="conflict",
        )


def _service_types(plan: Plan, ids: Iterable[int]) -> dict[int, CapacityServiceType]:
    ids = set(ids)
    found = CapacityServiceType.objects.filter(pk__in=ids, framework_id=plan.framework_id)
    types = {t.pk: t for t in found}
    if len(types) != len(ids):
        raise ValidationError("A row is not a service type of this plan's framework.")
    return types


def _check_months(plan: Plan, months: Iterable[datetime.date]) -> None:
    allowed = {m for year in plan.years for m in year.months}
    if any(month not in allowed for month in months):
        raise ValidationError("A month is outside the plan's years.")


@transaction.atomic
def capacity_grid_save(
    *,
    plan: Plan,
    cells: Mapping[tuple[int, datetime.date, str], tuple[int | None, int | None]],
    user=None,
) -> int:
    """Save the figures typed differently from what the page showed; all or nothing.

    `cells` maps (service type id, month, "demand" or "capacity") to (the figure the page
    showed, the figure typed), in people, None for none. A figure whose stored value is no
    longer what the page showed was changed by someone else: nothing is saved and
    CapacityConflict names each. Returns the number of figures changed."""
    permissions.check_changeable(plan)
    changed = {key: pair for key, pair in cells.items() if pair[0] != pair[1]}
    if not changed:
        return 0
    if any(field not in FIELDS for _, _, field in changed):
        raise ValidationError("A row is neither demand nor capacity.")
    types = _service_types(plan, {type_id for type_id, _, _ in changed})
    _check_months(plan, {month for _, month, _ in changed})
    Plan.objects.select_for_update().filter(pk=plan.pk).first()
    stored = {
        (r.service_type_id, r.month): r
        for r in CapacityDemand.objects.select_for_update().filter(
            plan=plan, service_type_id__in=list(types)
        )
    }
    stale = []
    for (type_id, month, field), (shown, _typed) in changed.items():
        record = stored.get((type_id, month))
        now = getattr(record, field) if record else None
        if now != shown:
            stale.append(CapacityCell(types[type_id], month, field, now))
    if stale:
        raise CapacityConflict(stale)
    rows: dict[tuple[int, datetime.date], dict[str, int | None]] = {}
    for (type_id, month, field), (_shown, typed) in changed.items():
        rows.setdefault((type_id, month), {})[field] = typed
    for (type_id, month), values in rows.items():
        _write(plan, types[type_id], month, values, stored.get((type_id, month)), user=user)
    return len(changed)


def _write(plan, service_type, month, values: dict, record, *, user) -> None:
    record = record or CapacityDemand(plan=plan, service_type=service_type, month=month)
    for field, value in values.items():
        setattr(record, field, value)
    if record.demand is None and record.capacity is None:
        if record.pk is not None:
            delete_with_history(record, user=user)
        return
    save_with_history(record, user=user)


@transaction.atomic
def capacity_demand_set(
    *,
    plan: Plan,
    rows: Mapping[tuple[int, datetime.date], Mapping[str, int | None]],
    user=None,
) -> int:
    """Set figures as given (an import): each (service type id, month) → {"demand": …,
    "capacity": …}; a field not given is left as it is, None clears it. Returns the number
    of months written."""
    permissions.check_changeable(plan)
    types = _service_types(plan, {type_id for type_id, _ in rows})
    _check_months(plan, {month for _, month in rows})
    stored = {
        (r.service_type_id, r.month): r
        for r in CapacityDemand.objects.select_for_update().filter(
            plan=plan, service_type_id__in=list(types)
        )
    }
    for (type_id, month), values in rows.items():
        if any(field not in FIELDS for field in values):
            raise ValidationError("A figure is neither demand nor capacity.")
        _write(plan, types[type_id], month, dict(values), stored.get((type_id, month)), user=user)
    return len(rows)


@transaction.atomic
def capacity_schemes_set(
    *, plan: Plan, service_type: CapacityServiceType, schemes: Iterable[Scheme], user=None
) -> None:
    """The plan's schemes that fund `service_type`'s capacity: exactly these."""
    permissions.check_changeable(plan)
    if service_type.framework_id != plan.framework_id:
        raise ValidationError("Choose a service type of the plan's framework.")
    wanted = {s.pk: s for s in schemes}
    if any(s.plan_id != plan.pk for s in wanted.values()):
        raise ValidationError("Choose schemes of this plan.")
    links = CapacityScheme.objects.filter(service_type=service_type, scheme__plan=plan)
    for link in links:
        if link.scheme_id not in wanted:
            delete_with_history(link, user=user)
    have = {link.scheme_id for link in links}
    for pk, scheme in wanted.items():
        if pk not in have:
            save_with_history(CapacityScheme(scheme=scheme, service_type=service_type), user=user)


@transaction.atomic
def capacity_links_save(*, plan: Plan, links: Mapping[int, Iterable[Scheme]], user=None) -> None:
    """Every service type's funding schemes at once (service type id → schemes), as the
    page saves them: all or nothing."""
    types = _service_types(plan, links)
    for type_id, schemes in links.items():
        capacity_schemes_set(plan=plan, service_type=types[type_id], schemes=schemes, user=user)


@transaction.atomic
def capacity_copy(*, source: Plan, target: Plan, schemes: Mapping[int, Scheme], user=None) -> int:
    """Carry `source`'s capacity and demand into a new version `target` of the same
    framework: the figures of the months `target` covers, and the links of the schemes
    copied (`schemes`: the source scheme's id → its copy). A version of another framework
    starts with none, its service types being another list. Returns the months copied."""
    if source.framework_id is None or source.framework_id != target.framework_id:
        return 0
    months = {m for year in target.years for m in year.months}
    rows = {
        (f.service_type_id, f.month): {DEMAND: f.demand, CAPACITY: f.capacity}
        for f in CapacityDemand.objects.filter(plan=source, month__in=months)
    }
    if rows:
        capacity_demand_set(plan=target, rows=rows, user=user)
    links: dict[int, list[Scheme]] = {}
    for link in CapacityScheme.objects.filter(scheme__plan=source):
        if link.scheme_id in schemes:
            links.setdefault(link.service_type_id, []).append(schemes[link.scheme_id])
    if links:
        capacity_links_save(plan=target, links=links, user=user)
    return len(rows)
