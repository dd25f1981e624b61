"""Operations that change risk registers, reviews, scenarios and funds (money in pounds).

Risks, reviews and funds may change on a frozen (submitted) plan: what happens after
submission is recorded against it (plans.permissions allows EDIT_RISKS and EDIT_FUNDS).
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Sum

from plans.models import Plan
from plans.services import check_version, locked, save_with_history
from risks import calculations
from risks.models import (
    Fund,
    FundRelease,
    Risk,
    RiskCategory,
    RiskRegister,
    RiskReview,
    RiskSharingScenario,
    RiskWorkshopOutput,
    Scale,
)

RISK_FIELDS = (
    "category",
    "description",
    "potential_impact",
    "likelihood",
    "impact",
    "rating_before",
    "mitigations",
    "likelihood_after",
    "impact_after",
    "rating_after",
    "owner",
    "next_review",
    "status",
    "notes",
)


@transaction.atomic
def register_create(
    *, plan: Plan, scale: str = Scale.NHS_5X5, source: str = "", categories=(), user=None
) -> RiskRegister:
    """Start a plan's risk register; new registers default to the NHS 5×5 matrix."""
    register = RiskRegister(plan=plan, scale=scale, source=source)
    save_with_history(register, user=user, reason="Risk register started")
    for order, name in enumerate(categories):
        category_create(register=register, name=name, order=order, user=user)
    return register


@transaction.atomic
def register_update(
    *, register: RiskRegister, scale: str, expected_version: int | None, user=None
) -> RiskRegister:
    """Change a register's scale; refused once it has risks, which were written on the old one."""
    current = locked(RiskRegister, register.pk)
    check_version(current, expected_version)
    if scale != current.scale and current.risks.exists():
        raise ValidationError(
            {"scale": "This register has risks written on its scale; the scale cannot change."}
        )
    current.scale = scale
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def category_create(
    *, register: RiskRegister, name: str, order: int | None = None, user=None
) -> RiskCategory:
    name = name.strip()
    if register.categories.filter(name__iexact=name).exists():
        raise ValidationError({"name": "This register already has a category with this name."})
    if order is None:
        order = register.categories.count()
    category = RiskCategory(register=register, name=name, order=order)
    save_with_history(category, user=user)
    return category


def _score(risk: Risk, scale: str) -> None:
    """Fill the derived scores and bands from what is written (never the other way round)."""
    before = calculations.score_written(
        scale, likelihood=risk.likelihood, impact=risk.impact, rating=risk.rating_before
    )
    after = calculations.score_written(
        scale,
        likelihood=risk.likelihood_after,
        impact=risk.impact_after,
        rating=risk.rating_after,
    )
    risk.likelihood_score, risk.impact_score = before.likelihood, before.impact
    risk.score_before, risk.band_before = before.score, before.band
    risk.likelihood_after_score, risk.impact_after_score = after.likelihood, after.impact
    risk.score_after, risk.band_after = after.score, after.band


def _strip(fields: dict) -> dict:
    return {k: v.strip() if isinstance(v, str) else v for k, v in fields.items()}


@transaction.atomic
def risk_create(*, register: RiskRegister, category: RiskCategory, user=None, **fields) -> Risk:
    """Add a risk to a register, its ratings as written on the register's scale."""
    unknown = set(fields) - set(RISK_FIELDS) - {"order"}
    if unknown:
        raise TypeError(f"Unknown risk fields: {sorted(unknown)}")
    fields = _strip(fields)
    if "order" not in fields:
        fields["order"] = register.risks.filter(category=category).count()
    risk = Risk(register=register, category=category, **fields)
    _score(risk, register.scale)
    save_with_history(risk, user=user, reason="Risk added")
    return risk


@transaction.atomic
def risk_update(*, risk: Risk, expected_version: int | None, user=None, **fields) -> Risk:
    """Change a risk; refused with EditConflict if it changed since `expected_version`."""
    unknown = set(fields) - set(RISK_FIELDS)
    if unknown:
        raise TypeError(f"Unknown risk fields: {sorted(unknown)}")
    current = locked(Risk, risk.pk)
    check_version(current, expected_version)
    for name, value in _strip(fields).items():
        setattr(current, name, value)
    _score(current, current.register.scale)
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def risk_review(
    *,
    risk: Risk,
    expected_version: int | None,
    reviewed_on: datetime.date,
    reviewer: str,
    likelihood: str = "",
    impact: str = "",
    rating: str = "",
    note: str = "",
    next_review: datetime.date | None = None,
    user=None,
) -> RiskReview:
    """Record a review of a risk and make its ratings the risk's current ones.

    The review keeps the ratings of that day (the trend); the risk's ratings after
    mitigation become those reviewed, where given, and its next review date moves on.
    """
    current = locked(Risk, risk.pk)
    check_version(current, expected_version)
    scale = current.register.scale
    scored = calculations.score_written(scale, likelihood=likelihood, impact=impact, rating=rating)
    review = RiskReview(
        risk=current,
        reviewed_on=reviewed_on,
        reviewer=reviewer.strip(),
        reviewed_by=user if user is not None and user.is_authenticated else None,
        likelihood=likelihood.strip(),
        impact=impact.strip(),
        rating=rating.strip(),
        score=scored.score,
        band=scored.band,
        note=note.strip(),
    )
    save_with_history(review, user=user)
    for field, value in (
        ("likelihood_after", likelihood),
        ("impact_after", impact),
        ("rating_after", rating),
    ):
        if value.strip():
            setattr(current, field, value.strip())
    if next_review is not None:
        current.next_review = next_review
    _score(current, scale)
    current.lock_version += 1
    save_with_history(current, user=user, reason="Reviewed")
    return review


# Risk-sharing scenarios -------------------------------------------------------------------


@transaction.atomic
def scenario_create(
    *,
    plan: Plan,
    letter: str,
    title: str,
    trigger: str = "",
    borne_by: str = "",
    financial_consequence: str = "",
    financial_amount: Decimal | None = None,
    user=None,
) -> RiskSharingScenario:
    """Add a risk-sharing scenario to a plan (a modelled amount in pounds, when stated)."""
    letter = letter.strip().lower()
    if RiskSharingScenario.objects.filter(plan=plan, letter=letter).exists():
        raise ValidationError({"letter": f"This plan already has a scenario {letter})."})
    scenario = RiskSharingScenario(
        plan=plan,
        letter=letter,
        title=title.strip(),
        trigger=trigger.strip(),
        borne_by=borne_by.strip(),
        financial_consequence=financial_consequence.strip(),
        financial_amount=financial_amount,
    )
    save_with_history(scenario, user=user)
    return scenario


@transaction.atomic
def scenario_update(
    *, scenario: RiskSharingScenario, expected_version: int | None, user=None, **fields
) -> RiskSharingScenario:
    current = locked(RiskSharingScenario, scenario.pk)
    check_version(current, expected_version)
    for name, value in _strip(fields).items():
        setattr(current, name, value)
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


# Funds ------------------------------------------------------------------------------------


@transaction.atomic
def fund_create(
    *,
    plan: Plan,
    kind: str,
    year: int,
    name: str,
    amount: Decimal,
    notes: str = "",
    user=None,
    source_conflict: str = "",
) -> Fund:
    """Hold back `amount` pounds of a plan's year as a contingency, risk pool or reserve.
    `source_conflict`: the source's own words where it gives the fund two amounts."""
    name = name.strip()
    if Fund.objects.filter(plan=plan, year=year, name__iexact=name).exists():
        raise ValidationError({"name": "This plan already has a fund with this name that year."})
    fund = Fund(
        plan=plan,
        kind=kind,
        year=year,
        name=name,
        amount=amount,
        notes=notes.strip(),
        source_conflict=source_conflict.strip(),
    )
    save_with_history(fund, user=user, reason="Fund created")
    return fund


@transaction.atomic
def fund_release(
    *,
    fund: Fund,
    amount: Decimal,
    released_to: str,
    decision_reference: str,
    released_on: datetime.date | None = None,
    when_as_written: str = "",
    purpose: str = "",
    user=None,
) -> FundRelease:
    """Release `amount` pounds from a fund; refused when it is more than the balance left.

    The fund row is locked first, so two releases at once cannot both spend the same balance.
    """
    current = locked(Fund, fund.pk)
    released = current.releases.aggregate(total=Sum("amount"))["total"]
    refusal = calculations.release_refusal(
        calculations.fund_balance(current.amount, released), amount
    )
    if refusal:
        raise ValidationError({"amount": refusal})
    release = FundRelease(
        fund=current,
        amount=amount,
        released_on=released_on,
        when_as_written=when_as_written.strip(),
        released_to=released_to.strip(),
        purpose=purpose.strip(),
        decision_reference=decision_reference.strip(),
    )
    save_with_history(release, user=user, reason="Released")
    current.lock_version += 1
    save_with_history(current, user=user)
    return release


@transaction.atomic
def workshop_output_add(
    *,
    plan: Plan,
    workshop: str,
    comment: str,
    status: str = "",
    held_on: datetime.date | None = None,
    user=None,
) -> RiskWorkshopOutput:
    """Record one action or comment of a risk workshop and its status."""
    output = RiskWorkshopOutput(
        plan=plan,
        workshop=workshop.strip(),
        held_on=held_on,
        comment=comment.strip(),
        status=status.strip(),
        order=RiskWorkshopOutput.objects.filter(plan=plan, workshop=workshop.strip()).count(),
    )
    save_with_history(output, user=user)
    return output
