"""Reads of capacity and demand, shared by the page, the chart, the workbook and the API."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from plans.models import Plan
from plans.periods import FinancialYear
from schemes.models import CapacityDemand, CapacityScheme, CapacityServiceType, Scheme


@dataclass
class CapacityMonth:
    month: datetime.date
    demand: int | None = None
    capacity: int | None = None

    @property
    def gap(self) -> int | None:
        """Capacity less demand (people): negative where demand is not met."""
        if self.demand is None or self.capacity is None:
            return None
        return self.capacity - self.demand

    @property
    def shortfall(self) -> bool:
        """A gap to flag: more people expected than there is capacity for."""
        return self.gap is not None and self.gap < 0

    @property
    def short_by(self) -> int:
        """How many people more are expected than there is capacity for (0 when none)."""
        return -self.gap if self.shortfall and self.gap is not None else 0

    @property
    def label(self) -> str:
        return f"{self.month:%B %Y}"


@dataclass
class CapacityRow:
    service_type: CapacityServiceType
    months: list[CapacityMonth]
    schemes: list[Scheme] = field(default_factory=list)

    @property
    def shortfalls(self) -> list[CapacityMonth]:
        return [m for m in self.months if m.shortfall]

    def _total(self, name: str) -> int | None:
        values = [getattr(m, name) for m in self.months if getattr(m, name) is not None]
        return sum(values) if values else None

    @property
    def demand_total(self) -> int | None:
        return self._total("demand")

    @property
    def capacity_total(self) -> int | None:
        return self._total("capacity")


@dataclass
class CapacityPlan:
    """A plan's capacity and demand over `months` (a year of the plan, or all its years)."""

    plan: Plan
    months: list[datetime.date]
    rows: list[CapacityRow]

    @property
    def applies(self) -> bool:
        """Whether the plan's framework asks for capacity and demand at all."""
        return bool(self.rows)

    @property
    def shortfalls(self) -> list[tuple[CapacityRow, CapacityMonth]]:
        return [(row, month) for row in self.rows for month in row.shortfalls]

    @property
    def shortfall_count(self) -> int:
        return len(self.shortfalls)

    def totals(self) -> list[CapacityMonth]:
        """Each month's demand and capacity over every service type (people)."""
        out = []
        for i, month in enumerate(self.months):
            total = CapacityMonth(month)
            for row in self.rows:
                cell = row.months[i]
                if cell.demand is not None:
                    total.demand = (total.demand or 0) + cell.demand
                if cell.capacity is not None:
                    total.capacity = (total.capacity or 0) + cell.capacity
            out.append(total)
        return out

    @property
    def filled(self) -> bool:
        return any(
            m.demand is not None or m.capacity is not None for r in self.rows for m in r.months
        )


def service_types_of(plan: Plan) -> list[CapacityServiceType]:
    if plan.framework_id is None:
        return []
    return list(CapacityServiceType.objects.filter(framework_id=plan.framework_id))


def capacity_demand(plan: Plan, *, year: FinancialYear | None = None) -> CapacityPlan:
    """The plan's capacity and demand for `year` (all its years when None): every service
    type of its framework, every month, blank where nothing is entered. Three queries."""
    years = [year] if year is not None else plan.years
    months = [m for y in years for m in y.months]
    types = service_types_of(plan)
    figures = {
        (f.service_type_id, f.month): f
        for f in CapacityDemand.objects.filter(plan=plan, month__in=months)
    }
    links: dict[int, list[Scheme]] = {}
    for link in CapacityScheme.objects.filter(scheme__plan=plan).select_related("scheme"):
        links.setdefault(link.service_type_id, []).append(link.scheme)
    rows = []
    for service_type in types:
        cells = []
        for month in months:
            stored = figures.get((service_type.pk, month))
            cells.append(
                CapacityMonth(
                    month,
                    stored.demand if stored else None,
                    stored.capacity if stored else None,
                )
            )
        rows.append(CapacityRow(service_type, cells, links.get(service_type.pk, [])))
    return CapacityPlan(plan, months, rows)
