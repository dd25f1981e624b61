"""Operations that change governance records. Each is one transaction, validates with
full_clean() and leaves a history record naming the user.

A decision that approves or ratifies something is recorded with its approval in one
transaction (`decision_record(approves=…)`); the rules of what a decision may approve live in
governance/approvals.py, the kinds of object it may approve in governance/approvables.py.
"""

from __future__ import annotations

import datetime

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max

# The approval services, whose rules live in governance/approvals.py, for this module's callers.
from governance import approvals
from governance.approvables import approvable_of
from governance.approvals import (
    SUBMIT_CHECKS,
    approval_record,
    approval_under_delegation,
    approvals_of,
    area_of,
    plan_submit,
)
from governance.models import (
    Action,
    AgendaItem,
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
    Power,
    SignOffRatification,
    TermsOfReference,
)
from governance.reports import report_check
from plans.dates import DatePrecision, month_start
from plans.models import Area
from plans.services import locked, save_with_history

__all__ = [
    "SUBMIT_CHECKS",
    "approval_record",
    "approval_under_delegation",
    "approvals_of",
    "plan_submit",
]


def _next(queryset, field: str) -> int:
    return (queryset.aggregate(top=Max(field))["top"] or 0) + 1


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
    approved_on_precision: str = DatePrecision.DAY,
) -> TermsOfReference:
    """`approved_on_precision` is "month" when the source gives only the month."""
    if approved_on is not None and approved_on_precision == DatePrecision.MONTH:
        approved_on = month_start(approved_on)
    terms = TermsOfReference(
        board=board,
        version=version,
        text=text,
        approved_on=approved_on,
        approved_on_precision=approved_on_precision,
        approved_by=approved_by,
    )
    save_with_history(terms, user=user)
    return terms


@transaction.atomic
def terms_of_reference_record(
    *,
    board: Board,
    version: str,
    text: str,
    approved_on: datetime.date | None,
    approved_by: Board | None = None,
    powers: list[str] = (),
    delegated: list[str] = (),
    delegate=None,
    delegate_post: str = "",
    conditions: str = "",
    user=None,
) -> TermsOfReference:
    """A new version of a board's terms of reference with what it lets the board approve
    (`powers`) and what it delegates to a named officer (`delegated`, to the holder of
    `delegate_post`, with the `conditions` of its use). One transaction."""
    if delegated and not delegate_post.strip():
        raise ValidationError({"delegate_post": "Name the post the terms delegate to."})
    if (
        delegate is not None
        and delegate.area_memberships.filter(area_id=board.area_id).count() == 0
    ):
        raise ValidationError({"delegate": "Choose a user of the board's area."})
    if approved_by is not None and approved_by.area_id != board.area_id:
        raise ValidationError({"approved_by": "Choose a board of the same area."})
    if TermsOfReference.objects.filter(board=board, version=version.strip()).exists():
        raise ValidationError(
            {"version": "The board already has terms of reference of this version."}
        )
    terms = terms_of_reference_add(
        board=board,
        version=version.strip(),
        text=text,
        approved_on=approved_on,
        approved_by=approved_by,
        user=user,
    )
    for kind in powers:
        power_add(terms=terms, kind=kind, user=user)
    for kind in delegated:
        power_add(
            terms=terms,
            kind=kind,
            delegate=delegate,
            delegate_post=delegate_post,
            conditions=conditions,
            user=user,
        )
    return terms


@transaction.atomic
def power_add(
    *,
    terms: TermsOfReference,
    kind: str,
    delegate=None,
    delegate_post: str = "",
    conditions: str = "",
    user=None,
) -> Power:
    """A power the terms of reference give their board (or, with a delegate's post, the
    officer they name): what decisions of that board, or that officer, may approve."""
    power = Power(
        terms=terms,
        kind=kind,
        delegate=delegate,
        delegate_post=delegate_post.strip(),
        conditions=conditions.strip(),
    )
    save_with_history(power, user=user, reason="Power recorded")
    return power


@transaction.atomic
def power_assign_delegate(*, power: Power, delegate, user=None) -> Power:
    """Name the user who holds the delegate's post (when the post changes hands, say)."""
    current = locked(Power, power.pk)
    if not current.delegate_post:
        raise ValidationError("This power is the board's own; it names no officer.")
    current.delegate = delegate
    save_with_history(current, user=user)
    return current


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
    source_note: str = "",
) -> Meeting:
    """Put a meeting of `board` in the diary; its area is the board's. `source_note`: what
    the sources leave out of it (an undated minute, no board named)."""
    meeting = Meeting(
        board=board,
        area_id=board.area_id,
        date=date,
        time=time,
        venue=venue,
        title=title,
        status=status,
        source_note=source_note.strip(),
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
    content_type = ContentType.objects.get_for_model(obj)
    existing = ItemLink.objects.filter(
        item=item, content_type=content_type, object_id=obj.pk
    ).first()
    if existing is not None:
        return existing
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
    """Attach a report file to an agenda item: refused unless it is a document of an
    accepted type and size (governance/reports.py)."""
    report_check(file)
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
def decision_record(
    *,
    item: AgendaItem,
    kind: str,
    text: str,
    approves=None,
    ratifies=None,
    user=None,
    not_quoted: str = "",
) -> Decision:
    """The next resolution of an item: (a), then (b)… With `approves` (any approvable
    object) it approves it; with `ratifies`, it ratifies that object's approval under
    delegation. Recorded with its approval or ratification in one transaction, and not at
    all when the approval or ratification is refused (governance/approvals.py).
    `not_quoted`: when its minutes are not among the sources, where its wording comes from."""
    locked(AgendaItem, item.pk)

    def minute() -> Decision:
        decision = Decision(
            item=item,
            order=_next(item.decisions.all(), "order"),
            kind=kind,
            text=text.strip(),
            not_quoted=not_quoted.strip(),
        )
        save_with_history(decision, user=user, reason="Decision recorded")
        return decision

    if approves is None and ratifies is None and kind != Decision.Kind.RATIFY:
        return minute()
    return approvals.decision_with_effects(
        decision_factory=minute,
        item=item,
        kind=kind,
        approves=approves,
        ratifies=ratifies,
        user=user,
    )


@transaction.atomic
def decision_at_meeting(
    *, obj, meeting: Meeting, item: AgendaItem | None, kind: str, text: str, user=None
) -> Decision:
    """A board's decision on `obj` at `meeting`, under `item` or, when none is given, under a
    new agenda item that concerns it: approving it, or (kind "ratify") ratifying its approval
    under delegation. The item, the decision and its effect are one transaction."""
    if item is None:
        noun = approvable_of(obj).noun
        item = item_add(
            meeting=meeting, title=f"The {noun}: {obj}"[:300], concerns=[obj], user=user
        )
    elif item.meeting_id != meeting.pk:
        raise ValidationError("Choose an item of this meeting.")
    ratifies = obj if kind == Decision.Kind.RATIFY else None
    return decision_record(
        item=item,
        kind=kind,
        text=text,
        approves=None if ratifies is not None else obj,
        ratifies=ratifies,
        user=user,
    )


@transaction.atomic
def decision_update(*, decision: Decision, user=None, **fields) -> Decision:
    """Correct a decision's text or kind; refused once it has approved something."""
    current = locked(Decision, decision.pk)
    if current.approvals.exists() or current.ratifications.exists():
        raise ValidationError(
            "This decision has approved something and cannot be changed. Record a new "
            "decision instead."
        )
    for name, value in fields.items():
        setattr(current, name, value)
    save_with_history(current, user=user)
    return current


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


# The board's ratification of a plan's sign-offs --------------------------------------------


def sign_offs_awaiting_ratification(plan) -> list:
    """The plan's dated sign-offs that no board has ratified yet."""
    return list(
        plan.sign_offs.filter(signed_on__isnull=False, ratification__isnull=True)
        .select_related("role", "organisation")
        .order_by("order", "pk")
    )


@transaction.atomic
def sign_offs_ratify(*, plan, meeting: Meeting, text: str, user=None) -> Decision:
    """The board ratifies, at `meeting`, every sign-off of `plan` given before it met (the
    chief executives sign before NHS England's deadline; the Health and Wellbeing Board
    ratifies afterwards): a new agenda item concerning the plan, a decision "ratify" under
    it, and each sign-off recorded as ratified by it, in one transaction."""
    if meeting.area_id != plan.area_id:
        raise ValidationError({"meeting": "Choose a meeting of the plan's area."})
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError({"meeting": "That meeting was cancelled."})
    sign_offs = sign_offs_awaiting_ratification(plan)
    if not sign_offs:
        raise ValidationError("No dated sign-off of this plan awaits ratification.")
    last = max(s.signed_on for s in sign_offs)
    if meeting.date < last:
        raise ValidationError(
            {
                "meeting": f"The meeting was held before the last sign-off ({last:%-d %B %Y}): "
                "a board ratifies what was signed before it met."
            }
        )
    item = item_add(
        meeting=meeting, title=f"Ratification of the sign-offs of {plan.title}"[:300], user=user
    )
    item_link_add(item=item, obj=plan, user=user)
    decision = Decision(
        item=item,
        order=_next(item.decisions.all(), "order"),
        kind=Decision.Kind.RATIFY,
        text=text.strip() or "Ratified the plan's sign-offs.",
    )
    save_with_history(decision, user=user, reason="Sign-offs ratified")
    for sign_off in sign_offs:
        save_with_history(
            SignOffRatification(sign_off=sign_off, decision=decision, area_id=plan.area_id),
            user=user,
        )
    return decision
