"""Operations that change governance records. Each is one transaction, validates with
full_clean() and leaves a history record naming the user.

Approvals are the link to other apps' objects: `approval_record` knows how approving a plan
changes it (status "agreed by HWB", through plans.services); objects of apps governance may
not import (quarterly returns, fund releases) are approved without a side effect here, or
with one registered in `APPROVAL_EFFECTS` by an app that may import both.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from governance.models import (
    Action,
    AgendaItem,
    Approval,
    Attendance,
    Board,
    BoardMember,
    Deadline,
    Decision,
    DeclarationOfInterest,
    ItemLink,
    ItemReport,
    Meeting,
    MinutePoint,
    TermsOfReference,
)
from plans.models import Area, Plan
from plans.services import locked, plan_status_set, save_with_history


def _next(queryset, field: str) -> int:
    return (queryset.aggregate(top=Max(field))["top"] or 0) + 1


def area_of(obj) -> int | None:
    """The area id of an object to approve or link: its own, or its plan's."""
    if getattr(obj, "area_id", None):
        return obj.area_id
    plan = getattr(obj, "plan", None)
    return getattr(plan, "area_id", None)


# Boards ----------------------------------------------------------------------------------


@transaction.atomic
def board_create(
    *,
    area: Area,
    name: str,
    short_name: str = "",
    purpose: str = "",
    reports_to: Board | None = None,
    frequency: str = Board.Frequency.AS_REQUIRED,
    established_on: datetime.date | None = None,
    user=None,
) -> Board:
    board = Board(
        area=area,
        name=name.strip(),
        short_name=short_name,
        purpose=purpose,
        reports_to=reports_to,
        frequency=frequency,
        established_on=established_on,
    )
    save_with_history(board, user=user, reason="Board created")
    return board


@transaction.atomic
def terms_of_reference_add(
    *,
    board: Board,
    version: str,
    text: str,
    approved_on: datetime.date | None = None,
    approved_by: Board | None = None,
    user=None,
) -> TermsOfReference:
    terms = TermsOfReference(
        board=board, version=version, text=text, approved_on=approved_on, approved_by=approved_by
    )
    save_with_history(terms, user=user)
    return terms


@transaction.atomic
def member_add(
    *,
    board: Board,
    name: str,
    organisation: str = "",
    role: str = BoardMember.Role.MEMBER,
    member_user=None,
    user=None,
) -> BoardMember:
    member = BoardMember(
        board=board,
        name=name.strip(),
        organisation=organisation,
        role=role,
        user=member_user,
        order=_next(board.members.all(), "order"),
    )
    save_with_history(member, user=user)
    return member


# Meetings and agendas --------------------------------------------------------------------


@transaction.atomic
def meeting_schedule(
    *,
    board: Board,
    date: datetime.date,
    time: datetime.time | None = None,
    venue: str = "",
    title: str = "",
    status: str = Meeting.Status.SCHEDULED,
    user=None,
) -> Meeting:
    """Put a meeting of `board` in the diary; its area is the board's."""
    meeting = Meeting(
        board=board,
        area_id=board.area_id,
        date=date,
        time=time,
        venue=venue,
        title=title,
        status=status,
    )
    save_with_history(meeting, user=user, reason="Meeting scheduled")
    return meeting


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, status: str, user=None) -> Meeting:
    current = locked(Meeting, meeting.pk)
    current.status = status
    save_with_history(current, user=user)
    return current


@transaction.atomic
def item_add(
    *,
    meeting: Meeting,
    title: str,
    presenter: str = "",
    summary: str = "",
    number: int | None = None,
    concerns: list = (),
    reports: list[tuple[str, object]] = (),
    user=None,
) -> AgendaItem:
    """Add a numbered item (next number unless given), what it concerns and its reports.

    `reports` are (title, uploaded file) pairs; `concerns` are model instances of any app.
    """
    locked(Meeting, meeting.pk)  # two officers adding items cannot take the same number
    if number is None:
        number = _next(meeting.items.all(), "number")
    item = AgendaItem(
        meeting=meeting, number=number, title=title.strip(), presenter=presenter, summary=summary
    )
    save_with_history(item, user=user)
    for obj in concerns:
        item_link_add(item=item, obj=obj, user=user)
    for report_title, file in reports:
        report_attach(item=item, title=report_title, file=file, user=user)
    return item


@transaction.atomic
def item_link_add(*, item: AgendaItem, obj, user=None) -> ItemLink:
    if area_of(obj) not in (None, item.meeting.area_id):
        raise ValidationError("An item can only concern things of its board's area.")
    link = ItemLink(
        item=item,
        content_type=ContentType.objects.get_for_model(obj),
        object_id=obj.pk,
        label=str(obj)[:300],
    )
    save_with_history(link, user=user)
    return link


@transaction.atomic
def report_attach(*, item: AgendaItem, title: str, file, user=None) -> ItemReport:
    report = ItemReport(item=item, title=title.strip() or getattr(file, "name", "Report"))
    report.file.save(getattr(file, "name", "report"), file, save=False)
    save_with_history(report, user=user)
    return report


@transaction.atomic
def attendance_record(
    *,
    meeting: Meeting,
    name: str,
    organisation: str = "",
    status: str = Attendance.Status.PRESENT,
    member: BoardMember | None = None,
    user=None,
) -> Attendance:
    attendance = Attendance(
        meeting=meeting, name=name.strip(), organisation=organisation, status=status, member=member
    )
    save_with_history(attendance, user=user)
    return attendance


@transaction.atomic
def declaration_record(
    *,
    meeting: Meeting,
    name: str,
    interest: str,
    item: AgendaItem | None = None,
    user=None,
) -> DeclarationOfInterest:
    if item is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "Choose an item of this meeting."})
    declaration = DeclarationOfInterest(
        meeting=meeting, item=item, name=name.strip(), interest=interest
    )
    save_with_history(declaration, user=user)
    return declaration


# Minutes and decisions -------------------------------------------------------------------


@transaction.atomic
def minute_add(*, item: AgendaItem, text: str, user=None) -> MinutePoint:
    """The next discussion point of an item: (i), then (ii)…"""
    locked(AgendaItem, item.pk)
    point = MinutePoint(item=item, order=_next(item.minutes.all(), "order"), text=text.strip())
    save_with_history(point, user=user)
    return point


@transaction.atomic
def decision_record(*, item: AgendaItem, kind: str, text: str, user=None) -> Decision:
    """The next resolution of an item: (a), then (b)…"""
    locked(AgendaItem, item.pk)
    decision = Decision(
        item=item, order=_next(item.decisions.all(), "order"), kind=kind, text=text.strip()
    )
    save_with_history(decision, user=user, reason="Decision recorded")
    return decision


@transaction.atomic
def decision_update(*, decision: Decision, user=None, **fields) -> Decision:
    """Correct a decision's text or kind; refused once it has approved something."""
    current = locked(Decision, decision.pk)
    if current.approvals.exists():
        raise ValidationError(
            "This decision has approved something and cannot be changed. Record a new "
            "decision instead."
        )
    for name, value in fields.items():
        setattr(current, name, value)
    save_with_history(current, user=user)
    return current


# Approvals -------------------------------------------------------------------------------


def _approve_plan(plan: Plan, user, on: datetime.date) -> None:
    """An approved plan version is "agreed by HWB" from the day of the decision."""
    plan_status_set(plan=plan, status=Plan.Status.AGREED, on=on, user=user, reason="Agreed")


# What approving an object of a model does to it, by "app_label.model". Apps that governance
# cannot import register theirs from an app that may import both (submissions).
APPROVAL_EFFECTS: dict[str, Callable] = {"plans.plan": _approve_plan}


@transaction.atomic
def approval_record(*, decision: Decision, obj, user=None) -> Approval:
    """Record that `decision` approved `obj` (one version of something, of any app).

    Refused unless the decision is one that approves (approve, release funds), the object is
    of the board's area, and nothing has approved the object already: an approval is final.
    """
    decision = Decision.objects.select_related("item__meeting").get(pk=decision.pk)
    meeting = decision.item.meeting
    if not decision.approves:
        raise ValidationError("Only a decision to approve or to release funds approves things.")
    if area_of(obj) != meeting.area_id:
        raise ValidationError("A board can only approve things of its own area.")
    content_type = ContentType.objects.get_for_model(obj)
    if Approval.objects.filter(content_type=content_type, object_id=obj.pk).exists():
        raise ValidationError(f"“{obj}” has already been approved; an approval is final.")
    effect = APPROVAL_EFFECTS.get(f"{content_type.app_label}.{content_type.model}")
    if effect is not None:
        effect(obj, user, meeting.date)
    approval = Approval(
        decision=decision,
        area_id=meeting.area_id,
        content_type=content_type,
        object_id=obj.pk,
        label=str(obj)[:300],
        recorded_by=user if user is not None and user.is_authenticated else None,
    )
    try:
        with transaction.atomic():
            save_with_history(approval, user=user, reason="Approval recorded")
    except IntegrityError:  # approved by someone else meanwhile
        raise ValidationError(f"“{obj}” has already been approved; an approval is final.") from None
    return approval


def approvals_of(obj):
    return Approval.objects.filter(
        content_type=ContentType.objects.get_for_model(obj), object_id=obj.pk
    )


# Checks a plan version must pass before it is marked submitted: each takes the plan and
# returns the names of the requirements it fails (none: it passes). Apps governance may not
# import register theirs (submissions registers NHS England's template checks).
SUBMIT_CHECKS: list[Callable[[Plan], list[str]]] = []


@transaction.atomic
def plan_submit(*, plan: Plan, user=None, on: datetime.date | None = None) -> Plan:
    """Mark a plan version submitted to NHS England (it is then frozen).

    Refused unless a decision of a board of the plan's area approved this version, and
    every check in `SUBMIT_CHECKS` passes (the refusal names the failing items).
    """
    current = locked(Plan, plan.pk)
    if current.status in (Plan.Status.SUBMITTED, Plan.Status.ASSURED):
        raise ValidationError("This plan version has already been submitted.")
    approved = approvals_of(current).filter(decision__kind__in=Decision.APPROVING_KINDS)
    if current.status != Plan.Status.AGREED or not approved.exists():
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


# Actions and deadlines -------------------------------------------------------------------


@transaction.atomic
def action_add(
    *,
    board: Board,
    description: str,
    due_on: datetime.date,
    owner=None,
    owner_name: str = "",
    meeting: Meeting | None = None,
    item: AgendaItem | None = None,
    status: str = Action.Status.OPEN,
    completed_on: datetime.date | None = None,
    user=None,
) -> Action:
    if meeting is not None and meeting.board_id != board.pk:
        raise ValidationError({"meeting": "Choose a meeting of this board."})
    if item is not None and meeting is not None and item.meeting_id != meeting.pk:
        raise ValidationError({"item": "Choose an item of this meeting."})
    action = Action(
        board=board,
        area_id=board.area_id,
        meeting=meeting,
        item=item,
        description=description.strip(),
        owner=owner,
        owner_name=owner_name.strip(),
        due_on=due_on,
        status=status,
        completed_on=completed_on,
    )
    save_with_history(action, user=user)
    return action


@transaction.atomic
def action_complete(*, action: Action, on: datetime.date, user=None) -> Action:
    current = locked(Action, action.pk)
    if current.status != Action.Status.OPEN:
        raise ValidationError("This action is not open.")
    current.status = Action.Status.DONE
    current.completed_on = on
    save_with_history(current, user=user)
    return current


@transaction.atomic
def deadline_add(
    *,
    board: Board,
    what: str,
    due_on: datetime.date,
    concerns=None,
    met_by: Decision | None = None,
    source: str = "",
    user=None,
) -> Deadline:
    """Something `board` must decide by `due_on` (an NHS England deadline, usually)."""
    deadline = Deadline(
        area_id=board.area_id, board=board, what=what, due_on=due_on, met_by=met_by, source=source
    )
    if concerns is not None:
        deadline.content_type = ContentType.objects.get_for_model(concerns)
        deadline.object_id = concerns.pk
    save_with_history(deadline, user=user)
    return deadline


@transaction.atomic
def deadline_meet(*, deadline: Deadline, decision: Decision, user=None) -> Deadline:
    current = locked(Deadline, deadline.pk)
    current.met_by = decision
    save_with_history(current, user=user)
    return current
