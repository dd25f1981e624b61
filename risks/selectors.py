"""Read queries shared by the pages and the API: a constant number of queries each."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import DecimalField, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.urls import reverse

from plans.models import MONEY, Plan
from risks import calculations
from risks.models import Fund, FundRelease, Risk, RiskCategory, RiskRegister, RiskReview


def register_for(*, plan: Plan) -> RiskRegister | None:
    """The plan's register with its categories (two queries), or None if it has none."""
    return (
        RiskRegister.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch("categories", queryset=RiskCategory.objects.order_by("order", "name"))
        )
        .first()
    )


def plans_with_register_head():
    """Plans read with their register (without its categories) in the same query, for
    `register_head`: the page around a kept table makes one query fewer."""
    return Plan.objects.select_related("risk_register")


def register_head(*, plan: Plan) -> RiskRegister | None:
    """The plan's register without its categories, or None if it has none: what the page
    around a kept table shows (its scale). One query, none for a plan read through
    `plans_with_register_head`."""
    if Plan.risk_register.is_cached(plan):
        return getattr(plan, "risk_register", None)
    return RiskRegister.objects.filter(plan=plan).first()


def risk_list(*, plan: Plan):
    """Every risk of the plan's register with its category and register: one query."""
    return (
        Risk.objects.filter(register__plan=plan)
        .select_related("category", "register")
        .order_by("category__order", "order", "pk")
    )


def risk_detail(*, plan: Plan, pk) -> Risk:
    """One risk of the plan with its reviews oldest first; 404 if it is not this plan's."""
    risk = (
        Risk.objects.filter(register__plan=plan, pk=pk)
        .select_related("category", "register")
        .prefetch_related(
            Prefetch("reviews", queryset=RiskReview.objects.order_by("reviewed_on", "pk"))
        )
        .first()
    )
    if risk is None:
        raise Http404("No such risk in this plan.")
    return risk


def heat_maps(*, register: RiskRegister) -> tuple[calculations.HeatMap, calculations.HeatMap]:
    """The open risks' heat maps before and after mitigation (one query)."""
    rows = list(
        Risk.objects.filter(register=register, status=Risk.Status.OPEN).values_list(
            "likelihood_score", "impact_score", "likelihood_after_score", "impact_after_score"
        )
    )
    before = calculations.heat_map(register.scale, [(row[0], row[1]) for row in rows])
    after = calculations.heat_map(register.scale, [(row[2], row[3]) for row in rows])
    return before, after


def rating_maps(*, register: RiskRegister) -> tuple[calculations.RatingMap, calculations.RatingMap]:
    """The open risks' ratings before and after mitigation against likelihood, as written
    (one query): the picture of a register that gives no impact. After mitigation the
    likelihood after is used where written, else the one likelihood the register gives."""
    rows = list(
        Risk.objects.filter(register=register, status=Risk.Status.OPEN).values_list(
            "likelihood", "rating_before", "likelihood_after", "rating_after"
        )
    )
    before = calculations.rating_map(register.scale, [(row[0], row[1]) for row in rows])
    after = calculations.rating_map(register.scale, [(row[2] or row[0], row[3]) for row in rows])
    return before, after


def fund_list(*, plan: Plan):
    """The plan's funds, each with `released` (pounds, summed) and its releases: two queries."""
    return (
        Fund.objects.filter(plan=plan)
        .annotate(
            released=Coalesce(
                Sum("releases__amount"),
                Value(Decimal("0.00")),
                output_field=DecimalField(**MONEY),
            )
        )
        .prefetch_related(
            Prefetch("releases", queryset=FundRelease.objects.order_by("released_on", "pk"))
        )
        .order_by("year", "kind", "name")
    )


def fund_detail(*, plan: Plan, pk) -> Fund:
    fund = fund_list(plan=plan).filter(pk=pk).first()
    if fund is None:
        raise Http404("No such fund in this plan.")
    return fund


def fund_balance(fund: Fund) -> Decimal:
    """Pounds left in a fund from `fund_list` (which sums its releases as `released`)."""
    return calculations.fund_balance(fund.amount, fund.released)


# The quarterly dashboard's parts that are risks' (submissions/selectors.py composes them).


def fund_summaries(*, plan: Plan, year: int) -> list[dict]:
    """The plan's contingency, risk-pool and reserve funds of the year with their releases
    and balances (pounds), as the quarterly dashboard and a return show them (two queries)."""
    funds = []
    for fund in fund_list(plan=plan).filter(year=year):
        funds.append(
            {
                "id": fund.pk,
                "name": fund.name,
                "kind": fund.get_kind_display(),
                "amount": fund.amount,
                "source_conflict": fund.source_conflict,
                "released": fund.released,
                "balance": fund_balance(fund),
                "url": reverse("risks:fund_list", args=[plan.pk]) + f"#fund-{fund.pk}",
                "releases": [
                    {
                        "id": release.pk,
                        "amount": release.amount,
                        "released_on": release.released_on,
                        "when": release.when_as_written,
                        "to": release.released_to,
                        "decision": release.decision_reference,
                    }
                    for release in fund.releases.all()
                ],
            }
        )
    return funds


def _risk_row(plan: Plan, risk: Risk, day: datetime.date) -> dict:
    return {
        "id": risk.pk,
        "description": str(risk),
        "category": risk.category.name,
        "residual_score": risk.score_after,
        "residual_band": risk.band_after,
        "rating_after": risk.rating_after,
        "owner": risk.owner,
        "next_review": risk.next_review,
        "overdue": risk.is_overdue(day),
        "url": reverse("risks:risk_detail", args=[plan.pk, risk.pk]),
    }


def risks_to_watch(*, plan: Plan, day: datetime.date, top: int = 5) -> dict:
    """The top open risks by residual rating, and those overdue for review (two queries)."""
    risks = Risk.objects.filter(register__plan=plan).select_related("category")
    top = risks.filter(status=Risk.Status.OPEN).order_by(
        models_desc("score_after"), models_desc("score_before"), "pk"
    )[:top]
    overdue = risks.overdue(day).order_by("next_review", "pk")
    return {
        "top": [_risk_row(plan, r, day) for r in top],
        "overdue": [_risk_row(plan, r, day) for r in overdue],
    }


def models_desc(field: str):
    from django.db.models import F

    return F(field).desc(nulls_last=True)
