"""Approvals: what a decision may approve, approval under delegation and its ratification,
and marking a plan version submitted. The rules of issue 13, point 1, in one place.

An approval stands only when
- the decision is made by a board whose terms of reference, in force on the day, give it
  the power for that kind of object in its area, or by the officer those terms name as
  delegate (whose approval then awaits the board's ratification);
- the agenda item it was made under concerns the object;
- the meeting (or the officer's decision) is on or after the day the object was put
  forward, and has taken place; and
- the object is still what was put forward (not changed since it was prepared).
Anything else is refused with a message naming each condition that failed. Each service
here is one transaction: a decision and its approval are recorded together or not at all.

The kinds of object and what approving each does are registered by their apps
(governance/approvables.py).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.approvables import Approvable, approvable_of
from governance.models import (
    AgendaItem,
    Approval,
    Board,
    Decision,
    ItemLink,
    Meeting,
    OfficerDecision,
    Power,
    TermsOfReference,
)
from plans.models import Plan
from plans.services import locked, plan_status_set, save_with_history


def _day(date: datetime.date) -> str:
    return f"{date:%-d %B %Y}"


def area_of(obj) -> int | None:
    """The area id of an object to approve or link: its own, or its plan's."""
    if getattr(obj, "area_id", None):
        return obj.area_id
    plan = getattr(obj, "plan", None)
    if plan is None and getattr(obj, "fund", None) is not None:
        plan = obj.fund.plan
    return getattr(plan, "area_id", None)


def approvals_of(obj):
    return Approval.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


def _stored(obj):
    """The object as stored now: the rules judge its saved state, never a stale copy."""
    return type(obj)._base_manager.get(pk=obj.pk)


def _kind_label(kind: str) -> str:
    return Power.Kind(kind).label[0].lower() + Power.Kind(kind).label[1:]


def board_powers(board: Board, kind: str, on: datetime.date) -> list[Power]:
    """The powers of `kind` in the board's terms of reference in force on `on`."""
    terms = TermsOfReference.objects.in_force(board, on)
    if terms is None:
        return []
    return [p for p in terms.powers.select_related("delegate") if p.kind == kind]


def boards_with_power(area_id: int, kind: str, on: datetime.date) -> list[Board]:
    """The boards of an area whose terms in force on `on` let them decide `kind` themselves."""
    return [
        board
        for board in Board.objects.filter(area_id=area_id).order_by("name")
        if any(not p.is_delegated for p in board_powers(board, kind, on))
    ]


def _power_refusal(
    board: Board, kind: str, on: datetime.date, today: datetime.date
) -> tuple[Power | None, str]:
    powers = [p for p in board_powers(board, kind, on) if not p.is_delegated]
    if powers:
        return powers[0], ""
    terms = TermsOfReference.objects.in_force(board, on)
    # Who does hold it, to say where the decision belongs (as their terms stand today).
    others = [b.name for b in boards_with_power(board.area_id, kind, today) if b.pk != board.pk]
    holder = f" The {' and the '.join(others)}’s do." if others else ""
    if terms is None:
        return None, (
            f"The {board.name} had no terms of reference in force on {_day(on)}, so no power "
            f"to approve {_kind_label(kind)}.{holder}"
        )
    return None, (
        f"The {board.name}’s terms of reference ({terms.version}) give it no power to approve "
        f"{_kind_label(kind)}.{holder}"
    )


def _concerns(item: AgendaItem, obj) -> bool:
    return ItemLink.objects.filter(
        item=item, content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    ).exists()


def _meeting_refusals(meeting: Meeting, today: datetime.date) -> list[str]:
    if meeting.status == Meeting.Status.CANCELLED:
        return [f"The meeting of {_day(meeting.date)} was cancelled."]
    if meeting.date > today:
        return [
            f"The meeting of {_day(meeting.date)} has not taken place yet: its decisions are "
            "recorded on or after the day."
        ]
    return []


def _timing_refusals(approvable: Approvable, obj, on: datetime.date, when: str) -> list[str]:
    put_forward = approvable.put_forward_on(obj)
    if put_forward is None:
        return [f"“{obj}” has not been put forward for decision: it must be marked ready first."]
    if on < put_forward:
        return [f"{when} ({_day(on)}) was before “{obj}” was put forward on {_day(put_forward)}."]
    return []


def _already_approved(obj) -> list[str]:
    if approvals_of(obj).exists():
        return [f"“{obj}” has already been approved; an approval is final."]
    return []


def approval_refusals(
    *, item: AgendaItem, kind: str, obj, today: datetime.date | None = None
) -> tuple[Power | None, list[str]]:
    """Why a decision of `kind` under `item` could not approve `obj` (empty: it may), and the
    power it would use. Every failing condition is named, not just the first."""
    today = today or timezone.localdate()
    meeting, board = item.meeting, item.meeting.board
    refusals = []
    if kind not in Decision.APPROVING_KINDS:
        refusals.append("Only a decision to approve or to release funds approves things.")
    try:
        approvable = approvable_of(obj)
    except ValidationError as error:
        return None, refusals + error.messages
    if area_of(obj) != meeting.area_id:
        return None, refusals + ["A board can only approve things of its own area."]
    power, refusal = _power_refusal(board, approvable.kind(obj), meeting.date, today)
    if refusal:
        refusals.append(refusal)
    if not _concerns(item, obj):
        refusals.append(
            f"Item {item.number} (“{item.title}”) does not concern “{obj}”: an approval is "
            "made under the item that put it to the meeting."
        )
    refusals += _timing_refusals(approvable, obj, meeting.date, "The meeting")
    refusals += _meeting_refusals(meeting, today)
    current = approvable.refusal(obj)
    if current:
        refusals.append(current)
    refusals += _already_approved(obj)
    return power, refusals


def _refuse(refusals: list[str], what: str) -> None:
    if refusals:
        raise ValidationError([f"{what} is refused: {refusals[0]}", *refusals[1:]])


def _save_approval(approval: Approval, obj, user) -> Approval:
    try:
        with transaction.atomic():
            save_with_history(approval, user=user, reason="Approval recorded")
    except IntegrityError:  # approved by someone else meanwhile
        raise ValidationError(f"“{obj}” has already been approved; an approval is final.") from None
    return approval


def _record(*, obj, power, on: datetime.date, user, **decided) -> Approval:
    approvable = approvable_of(obj)
    approval = Approval(
        power=power,
        area_id=area_of(obj),
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        label=str(obj)[:300],
        approved_on=on,
        checksum=approvable.checksum(obj),
        recorded_by=user if user is not None and user.is_authenticated else None,
        **decided,
    )
    approvable.approve(obj, user, on)
    return _save_approval(approval, obj, user)


@transaction.atomic
def approval_record(*, decision: Decision, obj, user=None) -> Approval:
    """Record that the board's `decision` (already minuted) approved `obj`; refused, naming
    each failing condition, unless every rule of the module note holds."""
    decision = Decision.objects.select_related("item__meeting__board").get(pk=decision.pk)
    obj = _stored(obj)
    power, refusals = approval_refusals(item=decision.item, kind=decision.kind, obj=obj)
    _refuse(refusals, "The approval")
    return _record(
        obj=obj, power=power, on=decision.item.meeting.date, user=user, decision=decision
    )


# Approval under delegation, and its ratification -----------------------------------------


def delegated_powers(*, officer, obj, on: datetime.date) -> list[Power]:
    """The powers naming `officer` as delegate for `obj`'s kind, in the terms of reference
    in force on `on` of a board of `obj`'s area."""
    if officer is None or not officer.is_authenticated:
        return []
    kind = approvable_of(obj).kind(obj)
    powers = Power.objects.filter(
        delegate=officer, kind=kind, terms__board__area_id=area_of(obj)
    ).select_related("terms__board")
    return [p for p in powers if TermsOfReference.objects.in_force(p.terms.board, on) == p.terms]


@transaction.atomic
def approval_under_delegation(
    *, obj, officer, text: str, reason: str = "", on: datetime.date | None = None
) -> Approval:
    """The named officer approves `obj` under the power their board delegated to them; the
    approval stands, marked as awaiting ratification by that board at a later meeting."""
    on = on or timezone.localdate()
    approvable = approvable_of(obj)
    obj = _stored(obj)
    powers = delegated_powers(officer=officer, obj=obj, on=on)
    refusals = []
    if not powers:
        refusals.append(
            "No board's terms of reference in force name you as the officer to approve "
            f"{_kind_label(approvable.kind(obj))} under delegation."
        )
    if not text.strip():
        refusals.append("Write the decision, as it will be reported to the board.")
    refusals += _timing_refusals(approvable, obj, on, "The decision")
    current = approvable.refusal(obj)
    if current:
        refusals.append(current)
    refusals += _already_approved(obj)
    _refuse(refusals, "The approval under delegation")
    power = powers[0]
    decision = OfficerDecision(
        power=power,
        area_id=area_of(obj),
        officer=officer,
        decided_on=on,
        text=text.strip(),
        reason=reason.strip(),
    )
    save_with_history(decision, user=officer, reason="Decision under delegation")
    return _record(obj=obj, power=power, on=on, user=officer, officer_decision=decision)


def awaiting_ratification(obj) -> Approval | None:
    return (
        approvals_of(obj)
        .filter(officer_decision__isnull=False, ratified_by__isnull=True)
        .select_related("power__terms__board")
        .first()
    )


def ratification_refusals(
    *, item: AgendaItem, obj, today: datetime.date | None = None
) -> tuple[Approval | None, list[str]]:
    today = today or timezone.localdate()
    meeting, board = item.meeting, item.meeting.board
    approval = awaiting_ratification(obj)
    if approval is None:
        return None, [f"“{obj}” has no approval under delegation awaiting ratification."]
    refusals = []
    delegating = approval.power.terms.board
    if delegating.pk != board.pk:
        refusals.append(
            f"Only the {delegating.name} can ratify what was approved under its delegation."
        )
    if not _concerns(item, obj):
        refusals.append(f"Item {item.number} (“{item.title}”) does not concern “{obj}”.")
    if meeting.date < approval.approved_on:
        refusals.append(
            f"The meeting of {_day(meeting.date)} was before the approval under delegation "
            f"({_day(approval.approved_on)}): it is ratified at a later meeting."
        )
    refusals += _meeting_refusals(meeting, today)
    return approval, refusals


def _ratify(*, decision: Decision, approval: Approval, obj, user) -> Approval:
    current = locked(Approval, approval.pk)
    current.ratified_by = decision
    save_with_history(current, user=user, reason="Ratified")
    approvable_of(obj).ratified(obj, user, decision.item.meeting.date)
    return current


# One decision, with what it approves or ratifies -----------------------------------------


@transaction.atomic
def decision_with_effects(
    *,
    decision_factory: Callable[[], Decision],
    item: AgendaItem,
    kind: str,
    approves,
    ratifies,
    user,
) -> Decision:
    """Check what the decision would approve or ratify, then record it and that together."""
    if kind == Decision.Kind.RATIFY and ratifies is None:
        raise ValidationError("Choose the approval under delegation this decision ratifies.")
    if ratifies is not None and kind != Decision.Kind.RATIFY:
        raise ValidationError("Only a decision to ratify ratifies an approval.")
    power = approval = None
    approves = _stored(approves) if approves is not None else None
    ratifies = _stored(ratifies) if ratifies is not None else None
    if approves is not None:
        power, refusals = approval_refusals(item=item, kind=kind, obj=approves)
        _refuse(refusals, "The approval")
    if ratifies is not None:
        approval, refusals = ratification_refusals(item=item, obj=ratifies)
        _refuse(refusals, "The ratification")
    decision = decision_factory()
    if approves is not None:
        _record(obj=approves, power=power, on=item.meeting.date, user=user, decision=decision)
    if approval is not None:
        _ratify(decision=decision, approval=approval, obj=ratifies, user=user)
    return decision


# Submitting a plan version ----------------------------------------------------------------

# Checks a plan version must pass before it is marked submitted: each takes the plan and
# returns the names of the requirements it fails (none: it passes). Apps governance may not
# import register theirs from their AppConfig.ready() (submissions registers NHS England's
# template checks).
SUBMIT_CHECKS: list[Callable[[Plan], list[str]]] = []


def submit_check_register(check: Callable[[Plan], list[str]]) -> None:
    """Add a check every plan version must pass before it is submitted (once)."""
    if check not in SUBMIT_CHECKS:
        SUBMIT_CHECKS.append(check)


@transaction.atomic
def plan_submit(*, plan: Plan, user=None, on: datetime.date | None = None) -> Plan:
    """Mark a plan version submitted to NHS England.

    Refused unless it is agreed (a decision approved this version), and every check in
    `SUBMIT_CHECKS` passes (the refusal names the failing items).
    """
    current = locked(Plan, plan.pk)
    if current.status in (Plan.Status.SUBMITTED, Plan.Status.ASSURED):
        raise ValidationError("This plan version has already been submitted.")
    if current.status != Plan.Status.AGREED or not approvals_of(current).exists():
        raise ValidationError(
            "This plan version cannot be submitted: no board decision has approved it. "
            "Record the Health and Wellbeing Board's approving decision first."
        )
    failing = [name for check in SUBMIT_CHECKS for name in check(current)]
    if failing:
        raise ValidationError(
            "This plan version cannot be submitted: it fails the template checks: "
            + "; ".join(failing)
            + ". Put them right (see the plan's checklist) first."
        )
    return plan_status_set(
        plan=current,
        status=Plan.Status.SUBMITTED,
        on=on or timezone.localdate(),
        user=user,
        reason="Submitted to NHS England",
    )
