"""Read queries shared by the pages, the API and (later) the submission documents."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db.models import Prefetch, Q, Sum

from metrics.models import MetricDefinition
from plans.models import Plan
from schemes.calculations import YearReconciliation, reconcile_year
from schemes.models import Scheme, SchemeBudget, Theme


def plan_budget_summary(*, plan: Plan) -> list[YearReconciliation]:
    """Each year of the plan: pooled budget against scheme totals, by theme (pounds).

    Three queries whatever the number of schemes: plan years, themes, and one aggregate.
    """
    plan_years = {py.year: py for py in plan.plan_years.all()}
    themes = list(
        Theme.objects.filter(plan=plan).order_by("order", "name").values_list("id", "name")
    )
    rows = (
        SchemeBudget.objects.filter(scheme__plan=plan)
        .values("year", "scheme__theme_id", "scheme__protection")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    totals: dict[int, dict[tuple[int, bool], Decimal]] = defaultdict(dict)
    for row in rows:
        key = (row["scheme__theme_id"], row["scheme__protection"] == Scheme.Protection.SOCIAL_CARE)
        bucket = totals[row["year"]]
        bucket[key] = bucket.get(key, Decimal(0)) + row["total"]
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
            )
        )
    return summary


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
    prefetches = [Prefetch("metrics", queryset=MetricDefinition.objects.order_by("number", "code"))]
    if with_budgets:
        prefetches.append(Prefetch("budgets", queryset=SchemeBudget.objects.order_by("year")))
    return (
        Scheme.objects.filter(plan=plan)
        .select_related("theme")
        .prefetch_related(*prefetches)
        .annotate(**annotations)
        .order_by("theme__order", "order", "name")
    )


def scheme_totals(*, plan: Plan, schemes) -> dict[int, Decimal]:
    """Sum per plan year of the given (possibly filtered) schemes, in one query."""
    rows = (
        SchemeBudget.objects.filter(scheme__in=schemes.order_by().values("pk"))
        .values("year")
        .annotate(total=Sum("amount"))
        .order_by()
    )
    found = {row["year"]: row["total"] for row in rows}
    return {year.start_year: found.get(year.start_year, Decimal("0.00")) for year in plan.years}
