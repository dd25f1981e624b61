"""Funding streams in the money: each stream of the plan's framework with what the partners
put into it (their contributions), what the schemes funded from it are allocated and what
they spent each quarter, and each ring-fence worked out from the schemes against its
minimum (pounds throughout).

A ring-fence's rule is its framework's data (`FundingStream.counts`, `.minimum`,
`.checked_before_submission`); what each name of `counts` takes in is this module's fixed
registry, COUNTS, and nowhere else. The plan's page, the template checks and the workbooks
read `plan_funding`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Sum

from plans.models import Contribution, FundingStream, Plan
from plans.periods import FinancialYear, Quarter
from plans.selectors import funding_streams_of
from schemes.models import (
    PlanQuarterSpend,
    RingFenceMinimum,
    Scheme,
    SchemeBudget,
    SchemeQuarterSpend,
    counts_as_protected,
)

ZERO = Decimal(0)
QUARTERS = (1, 2, 3, 4)

# What a scheme is read by when a ring-fence counts it: the fields grouped on below.
_SCHEME_FIELDS = (
    "scheme__funding_stream",
    "scheme__funding_stream__kind",
    "scheme__protection",
    "scheme__paid_to_housing_authority",
)

# FundingStream.Counts → whether a group of schemes (funded from the ring-fence's stream)
# counts towards it, from the fields above.
COUNTS: dict[str, Callable[[dict], bool]] = {
    FundingStream.Counts.ALL: lambda row: True,
    # protected adult social care, by its one rule (schemes.models.counts_as_protected)
    FundingStream.Counts.SOCIAL_CARE: (
        # (counts_towards takes only schemes funded from the ring-fence's stream)
        lambda row: counts_as_protected(
            row["scheme__protection"],
            row["scheme__funding_stream__kind"],
            plan_names_streams=True,
        )
    ),
    FundingStream.Counts.OUT_OF_HOSPITAL: (
        lambda row: row["scheme__protection"] == Scheme.Protection.NHS
    ),
    FundingStream.Counts.HOUSING_AUTHORITY: (
        lambda row: bool(row["scheme__paid_to_housing_authority"])
    ),
}


def counts_towards(fence: FundingStream, row: dict) -> bool:
    """Whether a group of scheme figures (`row`, grouped on _SCHEME_FIELDS) counts towards
    the ring-fence `fence`: funded from the stream it is part of, and taken in by its rule."""
    rule = COUNTS.get(fence.counts)
    return rule is not None and row["scheme__funding_stream"] == fence.within_id and rule(row)


@dataclass(frozen=True)
class SchemeAllocation:
    """A scheme's budget in a year, under the stream it is funded from (pounds)."""

    scheme_id: int
    name: str
    amount: Decimal


@dataclass
class StreamYear:
    """One stream in one year: what partners put in, what its schemes are allocated, and
    what they spent each quarter (pounds). `stream` None: money under no stream."""

    stream: FundingStream | None
    planned: Decimal | None = None
    allocated: Decimal = ZERO
    actual: dict[int, Decimal] = field(default_factory=dict)
    schemes: list[SchemeAllocation] = field(default_factory=list)

    @property
    def name(self) -> str:
        return self.stream.name if self.stream is not None else "Not under a stream"

    @property
    def unallocated(self) -> Decimal | None:
        """Planned less allocated (negative: the schemes take more than is put in)."""
        return None if self.planned is None else self.planned - self.allocated

    @property
    def actual_total(self) -> Decimal | None:
        return sum(self.actual.values(), ZERO) if self.actual else None

    @property
    def actual_row(self) -> list[Decimal | None]:
        """Actual spend of quarters 1 to 4, None where none is entered."""
        return [self.actual.get(number) for number in QUARTERS]


@dataclass
class RingFenceYear:
    """A ring-fence in one year: the schemes' planned budgets that count towards it and
    their actual spend by quarter, against its minimum (pounds)."""

    ring_fence: FundingStream
    year: FinancialYear
    planned: Decimal = ZERO
    actual: dict[int, Decimal] = field(default_factory=dict)
    minimum: Decimal | None = None
    source: str = ""  # where the minimum comes from
    record: RingFenceMinimum | None = None  # an entered minimum, to edit

    @property
    def has_minimum(self) -> bool:
        return bool(self.ring_fence.minimum)

    @property
    def met(self) -> bool | None:
        """Planned at least the minimum; None while there is no minimum to compare."""
        return None if self.minimum is None else self.planned >= self.minimum

    @property
    def shortfall(self) -> Decimal:
        return ZERO if not self.minimum or self.met else self.minimum - self.planned

    @property
    def actual_total(self) -> Decimal | None:
        return sum(self.actual.values(), ZERO) if self.actual else None

    @property
    def field_id(self) -> str:
        """The HTML id of the box its minimum is entered in (the template checks link it)."""
        return f"id_min-{self.ring_fence.pk}-{self.year.start_year}-amount"


@dataclass
class FundingYear:
    year: FinancialYear
    streams: list[StreamYear]
    ring_fences: list[RingFenceYear]
    # Quarterly spend entered for the whole plan, not by scheme (PlanQuarterSpend): in no
    # stream. Actual to date at each quarter's end, as it is entered.
    plan_actual_to_date: dict[int, Decimal] = field(default_factory=dict)

    @property
    def quarters(self) -> list[Quarter]:
        return self.year.quarters

    @property
    def planned_total(self) -> Decimal | None:
        planned = [s.planned for s in self.streams if s.planned is not None]
        return sum(planned, ZERO) if planned else None

    @property
    def allocated_total(self) -> Decimal:
        return sum((s.allocated for s in self.streams), ZERO)

    @property
    def has_allocations(self) -> bool:
        """Whether any scheme has a budget this year (under a stream or none)."""
        return any(s.schemes for s in self.streams)

    @property
    def none_streamed(self) -> bool:
        """Schemes have budgets this year but none names the stream it is funded from."""
        return self.has_allocations and not any(
            s.schemes for s in self.streams if s.stream is not None
        )

    @property
    def has_minimums(self) -> bool:
        return any(fence.has_minimum for fence in self.ring_fences)

    @property
    def actual_row(self) -> list[Decimal | None]:
        """The streams' actual spend of quarters 1 to 4 together, None where none."""
        totals: dict[int, Decimal] = defaultdict(Decimal)
        for stream in self.streams:
            for quarter, amount in stream.actual.items():
                totals[quarter] += amount
        return [totals.get(number) for number in QUARTERS]

    @property
    def actual_total(self) -> Decimal | None:
        spent = [amount for amount in self.actual_row if amount is not None]
        return sum(spent, ZERO) if spent else None

    @property
    def plan_actual_row(self) -> list[tuple[Quarter, Decimal]]:
        """Quarters with spend entered for the whole plan: (quarter, actual to date)."""
        return [
            (q, self.plan_actual_to_date[q.number])
            for q in self.quarters
            if q.number in self.plan_actual_to_date
        ]


def plan_funding(*, plan: Plan) -> list[FundingYear]:
    """Each year of the plan: its framework's streams (planned, allocated, actual by quarter;
    a last row for money under none, where there is any) and ring-fences (worked out from
    the schemes against their minimums). Seven queries, however many schemes and years."""
    streams = list(funding_streams_of(plan).select_related("within"))
    top = [s for s in streams if s.within_id is None]
    fences = [s for s in streams if s.within_id is not None]
    planned: dict[tuple[int, int | None], Decimal] = {}
    for contributed in (
        Contribution.objects.filter(plan=plan)
        .order_by()
        .values("year", "stream")
        .annotate(total=Sum("amount"))
    ):
        planned[contributed["year"], contributed["stream"]] = contributed["total"]
    budgets = list(SchemeBudget.objects.filter(scheme__plan=plan).totals_per_year(*_SCHEME_FIELDS))
    spend = list(
        SchemeQuarterSpend.objects.filter(scheme__plan=plan, actual__isnull=False)
        .order_by()
        .values("year", "quarter", *_SCHEME_FIELDS)
        .annotate(total=Sum("actual"))
    )
    allocations = list(
        SchemeBudget.objects.filter(scheme__plan=plan)
        .order_by("scheme__theme__order", "scheme__order", "scheme__name")
        .values("year", "scheme_id", "scheme__name", "scheme__funding_stream", "amount")
    )
    minimums = {(m.ring_fence_id, m.year): m for m in RingFenceMinimum.objects.filter(plan=plan)}
    plan_spend: dict[tuple[int, int], Decimal] = {
        (s.year, s.quarter): s.actual_to_date
        for s in PlanQuarterSpend.objects.filter(plan=plan, actual_to_date__isnull=False)
        if s.actual_to_date is not None
    }
    result = []
    for fy in plan.years:
        year = fy.start_year
        rows = {s.pk: StreamYear(s, planned.get((year, s.pk))) for s in top}
        unassigned = StreamYear(None, planned.get((year, None)))
        for row in (b for b in budgets if b["year"] == year):
            rows.get(row["scheme__funding_stream"], unassigned).allocated += row["total"]
        for allocation in (a for a in allocations if a["year"] == year):
            rows.get(allocation["scheme__funding_stream"], unassigned).schemes.append(
                SchemeAllocation(
                    allocation["scheme_id"], allocation["scheme__name"], allocation["amount"]
                )
            )
        for row in (s for s in spend if s["year"] == year):
            line = rows.get(row["scheme__funding_stream"], unassigned)
            line.actual[row["quarter"]] = line.actual.get(row["quarter"], ZERO) + row["total"]
        lines = list(rows.values())
        if unassigned.planned is not None or unassigned.allocated or unassigned.actual:
            lines.append(unassigned)
        ring_fences = []
        for fence in fences:
            entry = RingFenceYear(fence, fy)
            for row in (b for b in budgets if b["year"] == year):
                if counts_towards(fence, row):
                    entry.planned += row["total"]
            for row in (s for s in spend if s["year"] == year):
                if counts_towards(fence, row):
                    quarter = row["quarter"]
                    entry.actual[quarter] = entry.actual.get(quarter, ZERO) + row["total"]
            if fence.minimum == FundingStream.Minimum.PUBLISHED:
                entry.record = minimums.get((fence.pk, year))
                if entry.record is not None:
                    entry.minimum, entry.source = entry.record.amount, entry.record.source
            elif fence.minimum == FundingStream.Minimum.STREAM_IN_FULL:
                entry.minimum = planned.get((year, fence.within_id))
                entry.source = f"The whole {fence.within.name} the partners put in"
            ring_fences.append(entry)
        result.append(
            FundingYear(
                fy,
                lines,
                ring_fences,
                {q: a for (y, q), a in plan_spend.items() if y == year},
            )
        )
    return result


def funding_of_quarter(*, plan: Plan, fy: FinancialYear, quarter: Quarter) -> dict:
    """The year's streams and ring-fences as a quarter's return states them (pounds): each
    stream's planned and allocated amounts and its actual spend to the quarter's end; each
    ring-fence's planned amount, minimum (with its source) and whether it is met, and its
    actual spend to date. Plain data, for the dashboard and the return's snapshot."""
    year = next((y for y in plan_funding(plan=plan) if y.year == fy), None)
    if year is None:
        return {"streams": [], "ring_fences": []}
    return funding_of_year(year, quarter=quarter)


def funding_of_year(year: FundingYear, *, quarter: Quarter) -> dict:
    """`funding_of_quarter` of a year already worked out (plan_funding)."""

    def to_date(actual: dict[int, Decimal]) -> Decimal | None:
        spent = [amount for number, amount in actual.items() if number <= quarter.number]
        return sum(spent, ZERO) if spent else None

    return {
        "streams": [
            {
                "code": line.stream.code if line.stream is not None else "",
                "name": line.name,
                "planned": line.planned,
                "allocated": line.allocated,
                "unallocated": line.unallocated,
                "actual_to_date": to_date(line.actual),
            }
            for line in year.streams
        ],
        "ring_fences": [
            {
                "code": fence.ring_fence.code,
                "name": fence.ring_fence.name,
                "within": str(fence.ring_fence.within),
                "planned": fence.planned if fence.ring_fence.counts else None,
                "minimum": fence.minimum,
                "source": fence.source,
                "met": fence.met,
                "shortfall": fence.shortfall if fence.met is False else None,
                "has_minimum": fence.has_minimum,
                "checked_before_submission": fence.ring_fence.checked_before_submission,
                "actual_to_date": to_date(fence.actual),
            }
            for fence in year.ring_fences
        ],
    }
