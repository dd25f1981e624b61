"""Operations that change plans. Each is one transaction, validates with full_clean(), and
leaves a history record (django-simple-history) naming the user."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

from plans import permissions
from plans.models import Area, Membership, NarrativeSection, Organisation, Plan, PlanYear, SignOff


class EditConflict(ValidationError):
    """Someone else saved the record after this user loaded it."""

    def __init__(self, record, current_version: int):
        self.record = record
        self.current_version = current_version
        super().__init__(
            "Someone else saved this record while you were editing it. Your changes have not "
            "been saved. Copy anything you need, then reload the page to see their version.",
            code="conflict",
        )


def locked(model, pk):
    """The row, locked until the transaction ends, so two saves cannot interleave."""
    return model.objects.select_for_update().get(pk=pk)


def check_version(record, expected_version: int | None) -> None:
    """Refuse a save based on an older copy (optimistic locking with a version counter)."""
    if expected_version is not None and record.lock_version != expected_version:
        raise EditConflict(record, record.lock_version)


def save_with_history(record, *, user=None, reason: str = "") -> None:
    record.full_clean()
    if user is not None and user.is_authenticated:
        record._history_user = user
    if reason:
        record._change_reason = reason
    record.save()


@transaction.atomic
def area_create(*, name: str, code: str, region: str = "") -> Area:
    area = Area(name=name, code=code, region=region)
    area.full_clean()
    area.save()
    return area


@transaction.atomic
def membership_add(*, user, area: Area) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, area=area)
    return membership


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str, short_name: str = "") -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "short_name": short_name}
    )
    return organisation


@transaction.atomic
def plan_create(
    *,
    area: Area,
    title: str,
    first_year: int,
    last_year: int,
    version_kind: str,
    version_date: datetime.date,
    local_authority: Organisation | None = None,
    ccgs: list[Organisation] = (),
    boundary_differences: str = "",
    dates_agreed: str = "",
    dates_submitted: str = "",
    user=None,
) -> Plan:
    """A new draft version of an area's plan, numbered after the area's other versions of
    plans starting the same year, with its empty narrative sections."""
    locked(Area, area.pk)  # two versions made at once do not take the same number
    number = (
        Plan.objects.filter(area=area, first_year=first_year).aggregate(top=Max("number"))["top"]
        or 0
    ) + 1
    plan = Plan(
        area=area,
        title=title,
        first_year=first_year,
        last_year=last_year,
        version_kind=version_kind,
        version_date=version_date,
        number=number,
        local_authority=local_authority,
        boundary_differences=boundary_differences,
        dates_agreed=dates_agreed,
        dates_submitted=dates_submitted,
    )
    save_with_history(plan, user=user, reason="Plan created")
    plan.ccgs.set(ccgs)
    for key in NarrativeSection.ORDER:
        save_with_history(NarrativeSection(plan=plan, key=key), user=user)
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, expected_version: int | None, user=None, **fields) -> Plan:
    """Change a plan's details (title, dates, boundary differences…); its status moves
    only through `plan_status_set`."""
    if "status" in fields or set(fields) & set(_STATUS_DATES.values()):
        raise ValueError("A plan's status moves only through plan_status_set.")
    current = locked(Plan, plan.pk)
    permissions.check_changeable(current)
    check_version(current, expected_version)
    ccgs = fields.pop("ccgs", None)
    for name, value in fields.items():
        setattr(current, name, value)
    current.lock_version += 1
    save_with_history(current, user=user)
    if ccgs is not None:
        current.ccgs.set(ccgs)
    return current


# The date each status records (the day it was reached).
_STATUS_DATES = {
    Plan.Status.READY: "put_forward_on",
    Plan.Status.AGREED: "agreed_on",
    Plan.Status.SUBMITTED: "submitted_on",
    Plan.Status.ASSURED: "assured_on",
}
# Where each status may go: a version is put forward (and taken back to draft when its
# content changes), agreed by decision, submitted to NHS England, assured; never back.
_STATUS_MOVES = {
    Plan.Status.DRAFT: {Plan.Status.READY, Plan.Status.AGREED},
    Plan.Status.READY: {Plan.Status.DRAFT, Plan.Status.AGREED},
    Plan.Status.AGREED: {Plan.Status.SUBMITTED},
    Plan.Status.SUBMITTED: {Plan.Status.ASSURED},
    Plan.Status.ASSURED: set(),
}


@transaction.atomic
def plan_status_set(
    *, plan: Plan, status: str, on: datetime.date, user=None, reason: str = ""
) -> Plan:
    """Move a plan version to `status` on the date `on`, along `_STATUS_MOVES` only.

    Called by the services that own each step (putting forward, approving, submitting,
    assuring), which check the step's own conditions; this checks the order.
    """
    current = locked(Plan, plan.pk)
    if status not in _STATUS_MOVES[current.status]:
        raise ValidationError(
            f"A plan version that is “{current.get_status_display().lower()}” cannot become "
            f"“{Plan.Status(status).label.lower()}”."
        )
    current.status = status
    if status in _STATUS_DATES:
        setattr(current, _STATUS_DATES[status], on)
    if status == Plan.Status.DRAFT:
        current.put_forward_on = None
    current.lock_version += 1
    save_with_history(current, user=user, reason=reason or Plan.Status(status).label)
    return current


@transaction.atomic
def plan_year_set(
    *,
    plan: Plan,
    year: int,
    minimum_required: Decimal,
    agreed_total: Decimal,
    protected_social_care_stated: Decimal | None = None,
    user=None,
) -> PlanYear:
    """Set the pooled budget of one year of the plan (pounds)."""
    permissions.check_changeable(plan)
    plan_year = PlanYear.objects.filter(plan=plan, year=year).first() or PlanYear(
        plan=plan, year=year
    )
    plan_year.minimum_required = minimum_required
    plan_year.agreed_total = agreed_total
    plan_year.protected_social_care_stated = protected_social_care_stated
    save_with_history(plan_year, user=user)
    return plan_year


@transaction.atomic
def sign_off_add(
    *,
    plan: Plan,
    on_behalf_of: str,
    name: str,
    position: str,
    signed_on: datetime.date | None,
    user=None,
) -> SignOff:
    permissions.check_changeable(plan)
    sign_off = SignOff(
        plan=plan,
        on_behalf_of=on_behalf_of,
        name=name,
        position=position,
        signed_on=signed_on,
        order=plan.sign_offs.count(),
    )
    save_with_history(sign_off, user=user)
    return sign_off


@transaction.atomic
def section_update(
    *, section: NarrativeSection, body: str, expected_version: int | None, user=None
) -> NarrativeSection:
    """Replace the text of one narrative section of a plan."""
    current = locked(NarrativeSection, section.pk)
    permissions.check_changeable(current)
    check_version(current, expected_version)
    current.body = body
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def condition_status_set(
    *,
    plan: Plan,
    condition,
    year: int,
    quarter: int,
    status: str,
    expected_date: datetime.date | None = None,
    narrative: str = "",
    expected_version: int | None = None,
    user=None,
):
    """A plan's status against one national condition in one quarter, with its narrative.

    A condition in progress needs the date it is expected to be met; one met or not met
    keeps no such date. Refused with EditConflict if changed since `expected_version`.
    """
    from plans.models import ConditionStatus

    if not condition.applies_to(year):
        raise ValidationError({"condition": "This condition does not apply to that year."})
    if status == ConditionStatus.Status.IN_PROGRESS and expected_date is None:
        raise ValidationError(
            {"expected_date": "Enter the date the condition is expected to be met."}
        )
    if status != ConditionStatus.Status.IN_PROGRESS:
        expected_date = None
    record = (
        ConditionStatus.objects.select_for_update()
        .filter(plan=plan, condition=condition, year=year, quarter=quarter)
        .first()
    )
    if record is None:
        record = ConditionStatus(plan=plan, condition=condition, year=year, quarter=quarter)
    else:
        check_version(record, expected_version)
        if (record.status, record.expected_date, record.narrative) == (
            status,
            expected_date,
            narrative,
        ):
            return record
        record.lock_version += 1
    record.status, record.expected_date, record.narrative = status, expected_date, narrative
    save_with_history(record, user=user)
    return record


@transaction.atomic
def national_condition_get_or_create(
    *, code: str, title: str, first_year: int, last_year=None, order: int = 0, description=""
):
    """Reference data: a national condition by code, created once (sample data, admin)."""
    from plans.models import NationalCondition

    condition = NationalCondition.objects.filter(code=code).first()
    if condition is None:
        condition = NationalCondition(
            code=code,
            title=title,
            first_year=first_year,
            last_year=last_year,
            order=order,
            description=description,
        )
        save_with_history(condition)
    return condition
