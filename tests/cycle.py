"""Taking plans and returns through the approval cycle in tests, through the services only.

Tests that need an agreed (frozen) plan or an approved return use these rather than setting
a status by hand, so that they meet the rules of the cycle (governance/approvals.py): the
deciding board has the power in its terms of reference, the object is prepared and put
forward before the meeting, and the decision is made under an item that concerns it.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

from governance import services as governance_services
from governance.models import Board, Decision, Power
from plans.models import Plan
from submissions import services as return_services
from submissions.readiness import plan_prepare, plan_put_forward

HWB = "Health and Wellbeing Board"
IE = "Integration Executive"
TERMS_FROM = datetime.date(2014, 1, 1)
DIRECTOR = "Director of Health and Care Integration"


def board_with_powers(area, name: str, kinds, *, delegate=None) -> Board:
    """The area's board called `name`, with terms of reference (from 1 January 2014) giving
    it `kinds` of power, and the same kinds delegated to `delegate` when one is given."""
    board = Board.objects.filter(area=area, name=name).first()
    if board is not None:
        return board
    board = governance_services.board_create(area=area, name=name)
    terms = governance_services.terms_of_reference_add(
        board=board, version="2014", text="Terms of reference.", approved_on=TERMS_FROM
    )
    for kind in kinds:
        governance_services.power_add(terms=terms, kind=kind)
        if delegate is not None:
            governance_services.power_add(
                terms=terms, kind=kind, delegate=delegate, delegate_post=DIRECTOR
            )
    return board


def hwb_board(area) -> Board:
    return board_with_powers(area, HWB, [Power.Kind.PLAN])


def ie_board(area, *, delegate=None) -> Board:
    kinds = [Power.Kind.QUARTERLY_RETURN, Power.Kind.YEAR_END_RETURN, Power.Kind.FUND_RELEASE]
    return board_with_powers(area, IE, kinds, delegate=delegate)


def put_forward(plan: Plan, *, on: datetime.date, user=None) -> Plan:
    plan_prepare(plan=plan, user=user)
    return plan_put_forward(plan=plan, on=on, user=user)


def meeting_item(board: Board, *, on: datetime.date, title: str, concerns, user=None):
    meeting = governance_services.meeting_schedule(board=board, date=on, status="held")
    return governance_services.item_add(meeting=meeting, title=title, concerns=concerns, user=user)


def agree_plan(plan: Plan, *, on: datetime.date = datetime.date(2014, 4, 1), user=None) -> Plan:
    """Prepare `plan`, put it forward on `on` and record the HWB Board's decision, at a
    meeting that day, approving it."""
    put_forward(plan, on=on, user=user)
    item = meeting_item(
        hwb_board(plan.area), on=on, title="Better Care Fund plan", concerns=[plan], user=user
    )
    governance_services.decision_record(
        item=item,
        kind=Decision.Kind.APPROVE,
        text="That the plan be approved.",
        approves=plan,
        user=user,
    )
    plan.refresh_from_db()
    return plan


def ready_return(ret, *, on: datetime.date, user=None):
    """Prepare a return now and mark it ready for review on `on`."""
    ret = return_services.return_prepare(ret=ret, user=user)
    return return_services.return_mark_ready(ret=ret, user=user, on=on)


def approve_return(ret, *, on: datetime.date, user=None):
    """Mark `ret` ready on `on` and record the Integration Executive's approving decision at
    a meeting that day."""
    if ret.status == ret.Status.DRAFT:
        ret = ready_return(ret, on=on, user=user)
    item = meeting_item(
        ie_board(ret.plan.area), on=on, title=f"{ret.period_label} return", concerns=[ret]
    )
    governance_services.decision_record(
        item=item,
        kind=Decision.Kind.APPROVE,
        text="That the return be approved.",
        approves=ret,
        user=user,
    )
    ret.refresh_from_db()
    return ret


def make_checklist_pass(plan: Plan) -> None:
    """Put right, through the services, everything a draft plan fails of NHS England's
    template checks: section text, scheme types, metric links or the reason for none, the
    stated protection of social care, baselines and trajectories, a risk, a sign-off."""
    from metrics import services as metric_services
    from metrics.selectors import metrics_overview
    from plans import services as plan_services
    from plans.models import NationalCondition
    from risks import services as risk_services
    from risks.models import RiskRegister
    from schemes import services as scheme_services
    from schemes.models import SchemeType
    from schemes.selectors import plan_budget_summary

    for section in plan.sections.all():
        if not section.body.strip():
            plan_services.section_update(
                section=section,
                body=f"{section.title}: our text.",
                expected_version=None,
            )
    kind = SchemeType.objects.of_plan(plan).first()
    if kind is None:
        kind, _ = SchemeType.objects.get_or_create(
            planning_year=plan.first_year, name="Integrated care"
        )
    for scheme in plan.schemes.all():
        changes = {"scheme_type": kind}
        if not scheme.metrics.exists():
            changes["no_metric_reason"] = "Enables other schemes."
        scheme_services.scheme_update(scheme=scheme, expected_version=None, **changes)
    for year in plan_budget_summary(plan=plan):
        if year.protected_social_care_difference:
            plan_services.plan_year_set(
                plan=plan,
                year=year.year.start_year,
                minimum_required=year.minimum_required,
                agreed_total=year.agreed_total,
                protected_social_care_stated=year.protected_social_care,
            )
    for summary in metrics_overview(plan=plan, with_matrix=False).summaries:
        if summary.baseline is None:
            metric_services.baseline_set(
                plan=plan,
                metric=summary.metric,
                granularity="year",
                start=datetime.date(plan.first_year - 1, 4, 1),
                end=datetime.date(plan.first_year, 3, 31),
                value=Decimal("100"),
            )
        if not summary.targets:
            metric_services.target_create(
                plan=plan,
                metric=summary.metric,
                granularity="year",
                start=datetime.date(plan.first_year, 4, 1),
                end=datetime.date(plan.first_year + 1, 3, 31),
                value=Decimal("95"),
            )
    register = RiskRegister.objects.filter(plan=plan).first() or risk_services.register_create(
        plan=plan, scale="lmh", categories=["Finance"]
    )
    risk_services.risk_create(
        register=register,
        category=register.categories.first(),
        description="Savings not delivered",
        rating_before="H",
        mitigations="Monthly review",
        rating_after="M",
    )
    if plan.framework_id is not None:
        answered = set(
            plan.condition_statuses.filter(quarter__isnull=True).values_list(
                "condition_id", flat=True
            )
        )
        for condition in NationalCondition.objects.answered_in_plan(plan.framework_id):
            if condition.pk not in answered:
                plan_services.condition_status_set(
                    plan=plan,
                    condition=condition,
                    year=plan.first_year,
                    quarter=None,  # the plan's own answer
                    status="yes",
                    narrative=f"{condition.title}: how the plan meets it.",
                )
    if not plan.sign_offs.exists():
        plan_services.sign_off_add(
            plan=plan,
            on_behalf_of="Council",
            name="A Person",
            position="Chief Executive",
            signed_on=datetime.date(plan.first_year, 4, 2),
        )
