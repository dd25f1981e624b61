"""Read queries shared by the pages, the API and (later) the submission documents."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import DecimalField, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.urls import reverse

from metrics.models import MetricDefinition
from plans.models import Plan
from plans.periods import FinancialYear, Quarter
from schemes.calculations import YearReconciliation, reconcile_year
from schemes.models import (
    AreaOfSpend,
    PlanQuarterSpend,
    Scheme,
    SchemeBudget,
    SchemeImpact,
    SchemeQuarterSpend,
    SchemeSubType,
    SchemeType,
    Theme,
    counts_as_protected,
)


def plan_budget_summary(*, plan: Plan) -> list[YearReconciliation]:
    """Each year of the plan: pooled budget against scheme totals, by theme (pounds).

    Three queries whatever the number of schemes: plan years, themes, and one aggregate.
    """
    plan_years = {py.year: py for py in plan.plan_years.all()}
    themes = list(
        Theme.objects.filter(plan=plan).order_by("order", "name").values_list("id", "name")
    )
    rows = SchemeBudget.objects.filter(scheme__plan=plan).totals_per_year(
        "scheme__theme_id", "scheme__protection", "scheme__funding_stream__kind"
    )
    totals: dict[int, dict[tuple[int, bool], Decimal]] = defaultdict(dict)
    rows = list(rows)
    names_streams = any(row["scheme__funding_stream__kind"] for row in rows)
    for row in rows:
        protected = counts_as_protected(
            row["scheme__protection"],
            row["scheme__funding_stream__kind"],
            plan_names_streams=names_streams,
        )
        key = (row["scheme__theme_id"], protected)
        bucket = totals[row["year"]]
        bucket[key] = bucket.get(key, Decimal(0)) + row["total"]
    return _reconcile(plan, plan_years, themes, totals)


def _reconcile(plan, plan_years, themes, totals) -> list[YearReconciliation]:
    summary = []
    for year in plan.years:
        plan_year = plan_years.get(year.start_year)
        summary.append(
            reconcile_year(
                year=year,
                minimum_required=plan_year.minimum_required if plan_year else None,
                agreed_total=plan_year.agreed_total if plan_year else None,
                protected_social_care_stated=(
                    plan_year.protected_social_care_stated if plan_year else None
                ),
                themes=themes,
                totals=totals.get(year.start_year, {}),
                not_broken_down=plan_year.not_broken_down if plan_year else "",
            )
        )
    return summary


@dataclass
class BudgetGridData:
    """What the budget grid shows: the plan's themes in order, each with its schemes, the
    stored budgets (scheme id, year) → pounds, and the pooled budget of each year."""

    plan: Plan
    themes: list[Theme]
    schemes: list[Scheme]
    budgets: dict[tuple[int, int], Decimal]
    plan_years: dict

    def cell_keys(self) -> list[tuple[int, int]]:
        return [(s.pk, y.start_year) for s in self.schemes for y in self.plan.years]

    def labels(self) -> dict[tuple[int, int], str]:
        return {
            (s.pk, y.start_year): f"{s.name}, {y.label}"
            for s in self.schemes
            for y in self.plan.years
        }

    def reconcile(self, amounts: dict[tuple[int, int], Decimal | None]):
        """The reconciliation of each year with these amounts in the cells (typed or stored):
        the same arithmetic as plan_budget_summary, so the grid's totals are the plan's."""
        budgeted = {scheme_id for scheme_id, _ in self.budgets}
        names_streams = any(s.funding_stream_id for s in self.schemes if s.pk in budgeted)
        protects = {
            s.pk: (
                s.theme_id,
                counts_as_protected(
                    s.protection,
                    s.funding_stream.kind if s.funding_stream else None,
                    plan_names_streams=names_streams,
                ),
            )
            for s in self.schemes
        }
        totals: dict[int, dict[tuple[int, bool], Decimal]] = defaultdict(dict)
        for (scheme_id, year), amount in amounts.items():
            if amount is not None:
                bucket = totals[year]
                key = protects[scheme_id]
                bucket[key] = bucket.get(key, Decimal(0)) + amount
        themes = [(t.pk, t.name) for t in self.themes]
        return _reconcile(self.plan, self.plan_years, themes, totals)


def budget_grid_data(*, plan: Plan) -> BudgetGridData:
    """Four queries whatever the number of schemes: plan years, themes, schemes, budgets."""
    themes = list(Theme.objects.filter(plan=plan).order_by("order", "name"))
    schemes = list(
        Scheme.objects.filter(plan=plan)
        .select_related("funding_stream")
        .order_by("theme__order", "order", "name")
    )
    budgets = {
        (scheme_id, year): amount
        for scheme_id, year, amount in SchemeBudget.objects.filter(scheme__plan=plan).values_list(
            "scheme_id", "year", "amount"
        )
    }
    plan_years = {py.year: py for py in plan.plan_years.all()}
    return BudgetGridData(plan, themes, schemes, budgets, plan_years)


def scheme_metric_matrix(
    plan: Plan, metrics: list[MetricDefinition]
) -> list[tuple[Scheme, list[MetricDefinition | None]]]:
    """Each scheme of the plan with one cell per metric of `metrics`: the metric if the scheme
    is expected to move it, else None. Two queries (schemes, their metrics' ids). Shown on
    the metrics overview (registered there by schemes' AppConfig)."""
    schemes = (
        Scheme.objects.filter(plan=plan)
        .select_related("theme")
        .prefetch_related(Prefetch("metrics", queryset=MetricDefinition.objects.only("id")))
        .order_by("theme__order", "order", "name")
    )
    matrix = []
    for scheme in schemes:
        linked = {m.pk for m in scheme.metrics.all()}
        matrix.append((scheme, [m if m.pk in linked else None for m in metrics]))
    return matrix


def budget_column(year: int) -> str:
    return f"budget_{year}"


def scheme_list(*, plan: Plan, with_budgets: bool = True):
    """The plan's schemes with theme, metrics, budgets and one `budget_<year>` per plan year.

    Query count is constant: the schemes (with annotations) plus two prefetches, or one
    without `with_budgets` (the schemes table reads only the `budget_<year>` annotations).
    """
    annotations = {
        budget_column(year.start_year): Sum(
            "budgets__amount", filter=Q(budgets__year=year.start_year)
        )
        for year in plan.years
    }
    prefetches: list[Prefetch] = [
        Prefetch("metrics", queryset=MetricDefinition.objects.order_by("number", "code"))
    ]
    if with_budgets:
        prefetches.append(Prefetch("budgets", queryset=SchemeBudget.objects.order_by("year")))
    return (
        Scheme.objects.filter(plan=plan)
        .select_related("theme")
        .prefetch_related(*prefetches)
        .annotate(**annotations)
        .order_by("theme__order", "order", "name")
    )


def scheme_total_subquery(
    *, year: int, social_care_only: bool = False, per: str = "scheme__plan"
) -> Subquery:
    """For a query over plans (or, with `per="scheme__theme"`, over themes): the sum of its
    scheme budgets for the year (pounds; NULL when it has none), or of those protecting
    adult social care. The national view's one query and the dashboard's themes use it."""
    budgets = SchemeBudget.objects.filter(**{per: OuterRef("pk")}, year=year)
    if social_care_only:
        budgets = budgets.protecting_social_care()
    total = budgets.totals_per_year(per).values("total")[:1]
    return Subquery(total, output_field=DecimalField(max_digits=16, decimal_places=2))


def scheme_totals(*, plan: Plan, schemes) -> dict[int, Decimal]:
    """Sum per plan year of the given (possibly filtered) schemes, in one query."""
    rows = SchemeBudget.objects.filter(scheme__in=schemes.order_by().values("pk")).totals_per_year()
    found = {row["year"]: row["total"] for row in rows}
    return {year.start_year: found.get(year.start_year, Decimal("0.00")) for year in plan.years}


@dataclass
class SchemeCatalogue:
    """The scheme types (with sub types) and areas of spend of a plan's planning year."""

    year: FinancialYear
    types: QuerySet[SchemeType]
    sub_types: QuerySet[SchemeSubType]
    areas: QuerySet[AreaOfSpend]

    @property
    def source(self) -> str:
        """Where the year's list comes from (or that it is illustrative), as stored."""
        sources = {t.source for t in self.types if t.source} | {
            a.source for a in self.areas if a.source
        }
        return "; ".join(sorted(sources))

    def grouped_sub_types(self) -> list[tuple[str, list[tuple[int, str]]]]:
        """Sub types under their type's name, for a select with option groups."""
        groups: dict[int, list[tuple[int, str]]] = defaultdict(list)
        for sub in self.sub_types:
            groups[sub.scheme_type_id].append((sub.pk, sub.name))
        return [(t.name, groups[t.pk]) for t in self.types if groups[t.pk]]


def scheme_catalogue(*, plan: Plan) -> SchemeCatalogue:
    """The catalogue of the plan's framework (NHS England's lists for its years), or of the
    year it starts in for a plan of no framework."""
    from schemes.models import AreaOfSpend, SchemeSubType, SchemeType

    types = SchemeType.objects.of_plan(plan).order_by("order", "name")
    return SchemeCatalogue(
        year=FinancialYear(plan.first_year),
        types=types,
        sub_types=SchemeSubType.objects.filter(scheme_type__in=types).order_by(
            "scheme_type__order", "order", "name"
        ),
        areas=AreaOfSpend.objects.of_plan(plan).order_by("order", "name"),
    )


@dataclass
class SpendGridData:
    """What the quarterly spend grid shows for one quarter: the plan's themes and schemes,
    each scheme's budget for the year, its forecast and actual as stored for the quarter,
    and its actual spend in the year's earlier quarters (pounds)."""

    plan: Plan
    year: int
    quarter: int
    themes: list[Theme]
    schemes: list[Scheme]
    budgets: dict[int, Decimal]
    stored: dict[tuple[int, str], Decimal | None]
    actual_before: dict[int, Decimal]

    def cell_keys(self) -> list[tuple[int, str]]:
        return [(s.pk, column) for s in self.schemes for column in ("forecast", "actual")]

    def labels(self) -> dict[tuple[int, str], str]:
        names = {"forecast": "forecast outturn", "actual": "actual spend in the quarter"}
        return {(s.pk, c): f"{s.name}, {names[c]}" for s in self.schemes for c in names}


def spend_grid_data(*, plan: Plan, year: int, quarter: int) -> SpendGridData:
    """Five queries whatever the number of schemes: themes, schemes, budgets, the quarter's
    spend and the earlier quarters' actuals."""
    from schemes.models import SchemeQuarterSpend

    themes = list(Theme.objects.filter(plan=plan).order_by("order", "name"))
    schemes = list(Scheme.objects.filter(plan=plan).order_by("theme__order", "order", "name"))
    budgets = dict(
        SchemeBudget.objects.filter(scheme__plan=plan, year=year).values_list("scheme_id", "amount")
    )
    stored: dict[tuple[int, str], Decimal | None] = {}
    for scheme_id, forecast, actual in SchemeQuarterSpend.objects.filter(
        scheme__plan=plan, year=year, quarter=quarter
    ).values_list("scheme_id", "forecast", "actual"):
        stored[scheme_id, "forecast"] = forecast
        stored[scheme_id, "actual"] = actual
    actual_before = dict(
        SchemeQuarterSpend.objects.filter(scheme__plan=plan, year=year, quarter__lt=quarter)
        .values("scheme_id")
        .annotate(total=Sum("actual"))
        .values_list("scheme_id", "total")
        .order_by()
    )
    return SpendGridData(
        plan,
        year,
        quarter,
        themes,
        schemes,
        budgets,
        stored,
        {k: v for k, v in actual_before.items() if v is not None},
    )


# The quarterly dashboard's parts that are schemes' (submissions/selectors.py composes them).


def _add(a, b):
    if a is None:
        return b
    return a if b is None else a + b


def plan_spend_summary(*, plan: Plan, fy: FinancialYear, quarter: Quarter) -> dict:
    """Plan, forecast outturn, actual to date and variance per theme and scheme (pounds),
    as the quarterly dashboard and a return show them.

    Forecast is the latest forecast given up to the quarter; actual is the sum of the
    quarters' actuals so far; variance is plan − forecast (positive: an underspend).
    Four queries: plan year, themes with their plan totals (scheme_total_subquery), schemes
    with their budget and spend (the database sums them), plan spend.
    """
    year = fy.start_year
    plan_year = plan.plan_years.filter(year=year).first()
    themes = list(
        Theme.objects.filter(plan=plan)
        .order_by("order", "name")
        .annotate(planned=scheme_total_subquery(year=year, per="scheme__theme"))
        .values("pk", "name", "planned")
    )
    spend = SchemeQuarterSpend.objects.filter(
        scheme=OuterRef("pk"), year=year, quarter__lte=quarter.number
    )
    schemes = (
        plan.schemes.order_by("theme__order", "order")
        .annotate(
            planned=Subquery(
                SchemeBudget.objects.filter(scheme=OuterRef("pk"), year=year).values("amount")
            ),
            forecast=Subquery(
                spend.exclude(forecast=None).order_by("-quarter").values("forecast")[:1]
            ),
            actual_to_date=Subquery(
                spend.exclude(actual=None)
                .order_by()
                .values("scheme")
                .annotate(total=Sum("actual"))
                .values("total")
            ),
        )
        .values("pk", "name", "theme_id", "planned", "forecast", "actual_to_date")
    )
    spend_url = reverse("schemes:spend_edit", args=[plan.pk, year, quarter.number])
    by_theme: dict[int, list[dict]] = {t["pk"]: [] for t in themes}
    for scheme in schemes:
        forecast, planned = scheme["forecast"], scheme["planned"]
        by_theme.setdefault(scheme["theme_id"], []).append(
            {
                "id": scheme["pk"],
                "name": scheme["name"],
                "url": reverse("schemes:scheme_detail", args=[plan.pk, scheme["pk"]]),
                "spend_url": spend_url,
                "plan": planned,
                "forecast": forecast,
                "actual_to_date": scheme["actual_to_date"],
                "variance": None if planned is None or forecast is None else planned - forecast,
            }
        )
    theme_rows = []
    totals = {"plan": None, "forecast": None, "actual_to_date": None}
    for theme in themes:
        rows = by_theme.get(theme["pk"], [])
        sums = {"plan": theme["planned"], "forecast": None, "actual_to_date": None}
        for row in rows:
            for key in ("forecast", "actual_to_date"):
                sums[key] = _add(sums[key], row[key])
        for key in totals:
            totals[key] = _add(totals[key], sums[key])
        theme_rows.append(
            {
                "id": theme["pk"],
                "name": theme["name"],
                "url": reverse("schemes:scheme_list", args=[plan.pk]) + f"?theme={theme['pk']}",
                **sums,
                "variance": (
                    None
                    if sums["plan"] is None or sums["forecast"] is None
                    else sums["plan"] - sums["forecast"]
                ),
                "schemes": rows,
            }
        )
    plan_level = (
        PlanQuarterSpend.objects.filter(plan=plan, year=year, quarter__lte=quarter.number)
        .order_by("-quarter")
        .first()
    )
    not_by_scheme = None
    if plan_level is not None:
        not_by_scheme = {
            "quarter": plan_level.quarter,
            "forecast": plan_level.forecast,
            "actual_to_date": plan_level.actual_to_date,
            "note": plan_level.note,
            "url": spend_url,
        }
        totals["forecast"] = _add(totals["forecast"], plan_level.forecast)
        totals["actual_to_date"] = _add(totals["actual_to_date"], plan_level.actual_to_date)
    pooled = plan_year.agreed_total if plan_year else None
    return {
        "pooled_budget": {
            "minimum_required": plan_year.minimum_required if plan_year else None,
            "agreed_total": pooled,
            "url": reverse("plans:plan_detail", args=[plan.pk]),
        },
        "schemes_plan": totals["plan"],
        "forecast": totals["forecast"],
        "actual_to_date": totals["actual_to_date"],
        "variance": None
        if pooled is None or totals["forecast"] is None
        else pooled - totals["forecast"],
        "themes": theme_rows,
        "not_by_scheme": not_by_scheme,
    }


def scheme_impacts(*, plan: Plan, fy: FinancialYear) -> dict:
    """What the schemes were to change in a metric's count this year and did (1 query).
    An impact the source gives only for the schemes together has no scheme: it is listed
    as such, with the source's words."""
    impacts = (
        SchemeImpact.objects.filter(plan=plan, year=fy.start_year)
        .select_related("scheme", "metric")
        .order_by("metric__number", "metric__code", "scheme__name")
    )
    by_metric: dict[str, dict] = {}
    for impact in impacts:
        entry = by_metric.setdefault(
            impact.metric.code,
            {
                "metric": impact.metric.name,
                "code": impact.metric.code,
                "url": reverse("metrics:metric_detail", args=[plan.pk, impact.metric.code]),
                "target": None,
                "actual": None,
                "schemes": [],
            },
        )
        entry["target"] = _add(entry["target"], impact.target)
        entry["actual"] = _add(entry["actual"], impact.actual)
        entry["schemes"].append(
            {
                "scheme": impact.scheme.name if impact.scheme else None,
                "url": reverse("schemes:scheme_detail", args=[plan.pk, impact.scheme_id])
                if impact.scheme
                else None,
                "together": impact.scheme is None,
                "description": impact.description,
                "source": impact.source,
                "target": impact.target,
                "actual": impact.actual,
            }
        )
    return {"by_metric": list(by_metric.values())}
