"""The national and regional assurer's view: every area's plan and latest return for a
financial year, its pooled budget and protected social care, and each metric's status
across the areas.

Each plan's figures for a year are computed once and kept as a summary row
(submissions.models.PlanSummary) with the state of the data they came from
(plans.freshness): the view reads one row per area, and computes again only the rows of
plans changed since (`summaries`), so it grows with the number of areas, not with the whole
of England's data. A job brings every year's rows up to date in the background
(submissions.tasks.refresh_plan_summaries) and `manage.py check_plan_summaries` recomputes
them all and compares.

Computing is done in the database: the area rows are one query whatever the number of
plans, the metric statuses two. The status of a metric in an area follows metrics.selectors
(the latest actual of the year against its target, better side by the metric's direction),
written as SQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import (
    Case,
    CharField,
    Count,
    DecimalField,
    F,
    FilteredRelation,
    IntegerField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
    Window,
)
from django.db.models.functions import Cast, Coalesce, RowNumber

from metrics import calculations as calc
from metrics.models import Actual, MetricDefinition, TrajectoryPoint
from metrics.periods import Granularity
from plans import freshness, statements
from plans.models import Area, Plan
from plans.periods import FinancialYear
from schemes.selectors import scheme_total_subquery
from submissions.models import AssuranceCondition, PlanSummary, QuarterlyReturn


def regions() -> list[str]:
    return list(
        Area.objects.exclude(region="")
        .values_list("region", flat=True)
        .distinct()
        .order_by("region")
    )


def years() -> list[FinancialYear]:
    """Every financial year some plan covers, latest first."""
    spans = Plan.objects.values_list("first_year", "last_year").distinct().order_by()
    return _covered(spans)


def _covered(spans) -> list[FinancialYear]:
    covered = {year for first, last in spans for year in range(first, last + 1)}
    return [FinancialYear(year) for year in sorted(covered, reverse=True)]


def _years_and_regions():
    # Typed: PostgreSQL reads a bare NULL under DISTINCT as text.
    named = Area.objects.exclude(region="").values_list(
        "region", Cast(Value(None), IntegerField()), Cast(Value(None), IntegerField())
    )
    spans = Plan.objects.values_list(Cast(Value(None), CharField()), "first_year", "last_year")
    rows = named.distinct().order_by().union(spans.distinct().order_by(), all=True)
    return rows.order_by("region")  # the regions in the database's order, as regions()


def years_and_regions() -> tuple[list[FinancialYear], list[str]]:
    """`years()` and `regions()` in one query: what the view's filters offer, read on every
    request, the page reused or not (its statement written once per process)."""
    found = statements.value_rows("years_and_regions", Area, _years_and_regions)
    return (
        _covered((first, last) for region, first, last in found if region is None),
        [region for region, *_ in found if region is not None],
    )


def plans_for(*, year: int, region: str = "") -> QuerySet[Plan]:
    """Each area's latest plan version covering the year (by version date), in the region."""
    plans = Plan.objects.latest_covering(year)
    if region:
        plans = plans.filter(area__region=region)
    return plans


def area_rows(*, year: int, region: str = "", plans=None) -> QuerySet[Plan]:
    """One row per area: its plan for the year with the pooled budget as agreed, the sum of
    its schemes' budgets, protected social care (flagged schemes and as stated), and its
    latest return of the year (quarter, version, status), and its assurance (outcome, open
    conditions). One query. `plans` (ids) instead of the year's latest: those plans'."""
    latest_return = QuarterlyReturn.objects.filter(plan=OuterRef("pk"), year=year).order_by(
        "-quarter", "-version"
    )
    chosen = (
        plans_for(year=year, region=region) if plans is None else Plan.objects.filter(pk__in=plans)
    )
    return (
        chosen.select_related("area")
        # The year's pooled budget: at most one row per plan (unique plan and year).
        .annotate(pooled=FilteredRelation("plan_years", condition=Q(plan_years__year=year)))
        .annotate(
            area_name=F("area__name"),
            region=F("area__region"),
            agreed_total=F("pooled__agreed_total"),
            minimum_required=F("pooled__minimum_required"),
            protected_stated=F("pooled__protected_social_care_stated"),
            scheme_total=scheme_total_subquery(year=year),
            protected_total=scheme_total_subquery(year=year, social_care_only=True),
            return_pk=Subquery(latest_return.values("pk")[:1]),
            return_quarter=Subquery(latest_return.values("quarter")[:1]),
            return_version=Subquery(latest_return.values("version")[:1]),
            return_status=Subquery(latest_return.values("status")[:1]),
            assurance_outcome=F("assurance__outcome"),
            assurance_open=Subquery(
                AssuranceCondition.objects.filter(
                    assurance__plan=OuterRef("pk"), closed_on__isnull=True
                )
                .order_by()
                .values("assurance")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            ),
        )
        .order_by("area__name")
    )


# Illustrative sample plans (taken from no source) are shown, marked, but never counted.
REAL = Q(illustrative=False)


def totals(rows: QuerySet[Plan]) -> dict:
    """The totals of the rows shown (the region's, or England's), illustrative plans left
    out and counted apart: one query."""
    return rows.order_by().aggregate(
        areas=Count("pk", filter=REAL),
        illustrative_areas=Count("pk", filter=~REAL),
        agreed=Sum("agreed_total", filter=REAL),
        minimum=Sum("minimum_required", filter=REAL),
        schemes=Sum("scheme_total", filter=REAL),
        protected=Sum("protected_total", filter=REAL),
        stated=Sum("protected_stated", filter=REAL),
        below_minimum=Count("pk", filter=REAL & Q(agreed_total__lt=F("minimum_required"))),
    )


def _metrics_for(year: int):
    return MetricDefinition.objects.applying_to(year).order_by("number", "code")


def metrics_for(year: int) -> list[MetricDefinition]:
    """The metrics whose policy years include the year (the statement written once per
    process)."""
    return statements.model_rows("metrics_for", MetricDefinition, _metrics_for, year)


def _target(year: int):
    """The target an actual is judged against (metrics.selectors._target_for): the same
    period; for a year to date, the year's; else the first "by" date target not yet
    passed, or the year's."""
    targets = TrajectoryPoint.objects.filter(plan=OuterRef("plan"), metric=OuterRef("metric"))
    same = targets.filter(
        granularity=OuterRef("granularity"), start=OuterRef("start"), end=OuterRef("end")
    )
    of_year = targets.filter(granularity=Granularity.YEAR, start=FinancialYear(year).start)
    by_date = targets.filter(granularity=Granularity.BY_DATE, end__gte=OuterRef("end"))
    value = DecimalField(max_digits=20, decimal_places=4)

    def first(qs):
        return Subquery(qs.order_by("end", "start").values("value")[:1], output_field=value)

    return Coalesce(
        first(same),
        Case(
            When(granularity=Granularity.YEAR_TO_DATE, then=first(of_year)),
            default=Coalesce(first(by_date), first(of_year)),
        ),
    )


_STATUS = Case(
    When(target__isnull=True, then=Value(calc.NO_DATA)),
    When(
        Q(metric__direction=calc.LOWER, value__lte=F("target"))
        | Q(metric__direction=calc.HIGHER, value__gte=F("target")),
        then=Value(calc.MET),
    ),
    default=Value(calc.NOT_MET),
    output_field=CharField(),
)


def latest_actuals(*, year: int, region: str = "", plans=None) -> QuerySet[Actual]:
    """Each area's latest actual of the year for each metric, with its target and status
    (of those `plans` only, if given).

    Two queries: the latest actuals are ranked by a window function, then judged."""
    fy = FinancialYear(year)
    if plans is None:
        plans = plans_for(year=year, region=region).values("pk")
    ranked = (
        Actual.objects.filter(
            plan__in=plans,
            end__gte=fy.start,
            end__lte=fy.end,
        )
        .annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("plan_id"), F("metric_id")],
                order_by=[F("end").desc(), F("start").desc(), F("pk").desc()],
            )
        )
        .filter(rank=1)
    )
    latest = list(ranked.values_list("pk", flat=True))
    return (
        Actual.objects.filter(pk__in=latest).annotate(target=_target(year)).annotate(status=_STATUS)
    )


@dataclass(frozen=True)
class MetricCounts:
    metric: MetricDefinition
    met: int
    not_met: int
    areas: int

    @property
    def no_data(self) -> int:
        """Areas with no actual this year, or no target to judge it by."""
        return self.areas - self.met - self.not_met

    @property
    def met_percent(self) -> int | None:
        judged = self.met + self.not_met
        return round(100 * self.met / judged) if judged else None


def metric_counts(
    statuses: list[dict[str, str]], metrics: list[MetricDefinition], areas: int
) -> list[MetricCounts]:
    """For each metric, how many areas met their target, did not, or cannot be judged,
    from each area's statuses (`{"<metric id>": status}`, as the summaries keep them)."""
    counts: dict[tuple[int, str], int] = {}
    for of_area in statuses:
        for metric_id, status in of_area.items():
            key = (int(metric_id), status)
            counts[key] = counts.get(key, 0) + 1
    return [
        MetricCounts(
            metric=metric,
            met=counts.get((metric.pk, calc.MET), 0),
            not_met=counts.get((metric.pk, calc.NOT_MET), 0),
            areas=areas,
        )
        for metric in metrics
    ]


# Summaries -------------------------------------------------------------------------------

_SUMMARY_FIELDS = (
    "area_name",
    "region",
    "status",
    "illustrative",
    "agreed_total",
    "minimum_required",
    "protected_stated",
    "scheme_total",
    "protected_total",
    "return_pk",
    "return_quarter",
    "return_version",
    "return_status",
    "assurance_outcome",
    "assurance_open",
)


def summaries_computed(*, year: int, plans: dict[int, str]) -> list[PlanSummary]:
    """Summary rows of these plans (`{plan id: the version of the data}`) for the year,
    computed from their sources, not saved: three queries whatever their number."""
    statuses: dict[int, dict[str, str]] = {}
    actuals = latest_actuals(year=year, plans=list(plans))
    for plan_id, metric_id, status in actuals.values_list("plan_id", "metric_id", "status"):
        statuses.setdefault(plan_id, {})[str(metric_id)] = status
    rows = area_rows(year=year, plans=list(plans))
    return [
        PlanSummary(
            plan_id=row.pk,
            year=year,
            version=plans[row.pk],
            statuses=statuses.get(row.pk, {}),
            **{name: getattr(row, name) for name in _SUMMARY_FIELDS},
        )
        for row in rows
    ]


def _figures(summary: PlanSummary) -> tuple:
    """What the national view shows of a summary (not the version it was computed at)."""
    return (*(getattr(summary, name) for name in _SUMMARY_FIELDS), summary.statuses)


def summaries_refresh(*, year: int, plans: dict[int, str]) -> int:
    """Compute and save the summaries of these plans for the year (`{plan id: the version
    of the data read before computing}`); how many were saved. When one is new or its
    figures differ from those kept, the national view is computed again after the commit
    (plans.freshness.national_changed); a save that changes none of them leaves it reused.

    The kept rows are locked first (in plan order), so two refreshes of the same plan take
    turns: each computes from data at least as new as the other's and compares with what
    the other wrote. Five queries: the kept rows, three to compute, one to save."""
    with transaction.atomic(savepoint=False):
        kept = {
            s.plan_id: _figures(s)
            for s in PlanSummary.objects.select_for_update()
            .filter(year=year, plan__in=list(plans))
            .order_by("plan_id")
        }
        rows = summaries_computed(year=year, plans=plans)
        PlanSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["plan", "year"],
            update_fields=["version", "statuses", "computed_at", *_SUMMARY_FIELDS],
        )
        if any(kept.get(row.plan_id) != _figures(row) for row in rows):
            transaction.on_commit(freshness.national_changed, robust=True)
    return len(rows)


def summaries_maintain(*, plans=(), areas=()) -> int:
    """After a commit changed these plans or areas (plans.freshness.changed): their
    summaries computed again from their sources with the data's new version, so that the
    national view finds them current and reads them as they are. A changed plan's summary
    for every year it covers; an area's plans' summaries already kept (its name and region
    are in them). How many were saved; five queries for a plan of one year."""
    wanted: dict[int, set[int]] = {}
    if areas:
        for plan_id, year in PlanSummary.objects.filter(plan__area__in=list(areas)).values_list(
            "plan_id", "year"
        ):
            wanted.setdefault(year, set()).add(plan_id)
    areas_of: dict[int, int] = {}
    for plan_id, area_id, first, last in Plan.objects.filter(
        pk__in={*plans, *(p for ids in wanted.values() for p in ids)}
    ).values_list("pk", "area_id", "first_year", "last_year"):
        areas_of[plan_id] = area_id
        if plan_id in plans:
            for year in range(first, last + 1):
                wanted.setdefault(year, set()).add(plan_id)
    current = freshness.versions(plans=areas_of)
    return sum(
        summaries_refresh(year=year, plans={p: current[p] for p in ids if p in current})
        for year, ids in sorted(wanted.items())
    )


def summaries_after_change(sender, *, plans, areas, everything, **kwargs) -> None:
    """Receiver of plans.freshness.changed. After a change to reference data every summary
    is out of date: the background job (refresh_plan_summaries) and the next national view
    compute them again, not the request that saved."""
    if plans or areas:
        summaries_maintain(plans=plans, areas=areas)


def _plans_shown(year: int, region: str = ""):
    """The plans shown for the year and region: id, area and the version of their kept
    summary."""
    kept = PlanSummary.objects.filter(plan=OuterRef("pk"), year=year).values("version")[:1]
    shown = plans_for(year=year, region=region).annotate(kept_version=Subquery(kept))
    return shown.values_list("pk", "area_id", "kept_version")


def _up_to_date(*, year: int, region: str = "") -> tuple[list[int], int]:
    """The plans shown for the year and region, with their summaries brought up to date;
    how many had to be computed again. One query (the plans with the version of their kept
    summary) when none is out of date."""
    # The statement written once per process, for all regions and for one.
    shown = (
        statements.value_rows(("plans_shown", "region"), Plan, _plans_shown, year, region)
        if region
        else statements.value_rows(("plans_shown", ""), Plan, _plans_shown, year)
    )
    plans: dict[int, int] = {}
    held: dict[int, str | None] = {}
    for plan, area, version in shown:
        plans[plan], held[plan] = area, version
    current = freshness.versions(plans=plans)
    stale = {plan: version for plan, version in current.items() if held.get(plan) != version}
    if stale:
        summaries_refresh(year=year, plans=stale)
    return list(plans), len(stale)


def summaries(*, year: int, region: str = "") -> QuerySet[PlanSummary]:
    """One row per area: its latest plan for the year, summarised (see the module note).
    Rows of plans changed since they were computed are computed again first; when none
    has, one query and one round trip to the cache before the rows are read."""
    plans, _ = _up_to_date(year=year, region=region)
    return PlanSummary.objects.filter(year=year, plan__in=plans).order_by("area_name")


def summaries_bring_up_to_date() -> dict[str, int]:
    """Every year's summaries brought up to date (the background job, so that the
    national view rarely has any to compute): how many were computed, per year."""
    return {fy.label: _up_to_date(year=fy.start_year)[1] for fy in years()}


def summaries_check() -> list[str]:
    """Every kept summary that claims to be current compared with one computed now from
    its sources: a line per difference (none when they agree)."""
    problems = []
    for fy in years():
        year = fy.start_year
        plans = dict(plans_for(year=year).values_list("pk", "area_id"))
        current = freshness.versions(plans=plans)
        kept = {
            s.plan_id: s
            for s in PlanSummary.objects.filter(year=year, plan__in=list(plans))
            if s.version == current[s.plan_id]
        }
        for fresh in summaries_computed(year=year, plans={p: current[p] for p in kept}):
            held = kept[fresh.plan_id]
            for name in (*_SUMMARY_FIELDS, "statuses"):
                if getattr(held, name) != getattr(fresh, name):
                    problems.append(
                        f"{held.area_name} {fy.label} {name}: kept {getattr(held, name)!r}, "
                        f"computed {getattr(fresh, name)!r}"
                    )
    return problems
