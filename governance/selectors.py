"""Read queries over governance shared by the pages, the API and the minutes PDF."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q
from django.urls import reverse

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
    Meeting,
    MinutePoint,
    TermsOfReference,
)
from plans import permissions


def _scoped(queryset, user):
    area_ids = permissions.area_ids_visible_to(user)
    return queryset if area_ids is None else queryset.filter(area_id__in=area_ids)


def boards_for(*, user, today: datetime.date):
    """The boards of the user's areas (every area for assurers), with their next meeting and
    how many of their actions are overdue on `today`."""
    return (
        with_next_meeting(_scoped(Board.objects.all(), user), today=today)
        .select_related("area", "reports_to")
        .annotate(
            overdue_count=Count(
                "actions",
                filter=Q(actions__status=Action.Status.OPEN, actions__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("area__name", "name")
    )


def with_next_meeting(boards, *, today: datetime.date):
    """Boards annotated with `next_meeting`: the date of their next meeting not cancelled."""
    return boards.annotate(
        next_meeting=Min(
            "meetings__date",
            filter=Q(meetings__date__gte=today) & ~Q(meetings__status=Meeting.Status.CANCELLED),
        )
    )


def board_page_queryset():
    """A board with its terms of reference, members and meetings (four queries in all)."""
    return Board.objects.select_related("area", "reports_to").prefetch_related(
        Prefetch(
            "terms",
            queryset=TermsOfReference.objects.select_related("approved_by")
            .prefetch_related("powers__delegate")
            .order_by("-approved_on", "-pk"),
        ),
        Prefetch("members", queryset=BoardMember.objects.order_by("order", "name")),
        Prefetch("meetings", queryset=Meeting.objects.order_by("-date", "-time")),
    )


def meeting_page_queryset():
    """A meeting with everything its page, minutes and PDF show, in a constant number of
    queries however many items, points and decisions it has (eleven)."""
    return Meeting.objects.select_related("board", "area").prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.order_by("number").prefetch_related(
                "reports",
                "links",
                Prefetch("minutes", queryset=MinutePoint.objects.order_by("order")),
                Prefetch(
                    "decisions",
                    queryset=Decision.objects.order_by("order").prefetch_related(
                        Prefetch("approvals", queryset=Approval.objects.order_by("pk")),
                        Prefetch("ratifications", queryset=Approval.objects.order_by("pk")),
                    ),
                ),
            ),
        ),
        Prefetch("attendance", queryset=Attendance.objects.order_by("status", "name")),
        Prefetch(
            "declarations",
            queryset=DeclarationOfInterest.objects.select_related("item").order_by("pk"),
        ),
        Prefetch(
            "actions", queryset=Action.objects.select_related("owner", "item").order_by("due_on")
        ),
    )


def actions_for(*, user, owner=None, overdue_on: datetime.date | None = None):
    """Actions of the user's areas, optionally of one owner and/or overdue on a date."""
    actions = _scoped(Action.objects.all(), user).select_related(
        "owner", "board", "meeting", "item"
    )
    if owner is not None:
        actions = actions.filter(owner=owner)
    if overdue_on is not None:
        actions = actions.overdue(overdue_on)
    return actions.order_by("due_on", "pk")


def overdue_actions_of(*, user, today: datetime.date):
    """The signed-in user's own overdue actions (their home page list)."""
    return actions_for(user=user, owner=user, overdue_on=today)


def board_overdue_actions(*, board: Board, today: datetime.date):
    return board.actions.overdue(today).select_related("owner", "meeting").order_by("due_on")


@dataclass
class ForwardMeeting:
    meeting: Meeting
    deadlines: list[Deadline] = field(default_factory=list)


@dataclass
class Awaiting:
    """Something put forward for a board's decision, and where it stands: the coming item
    that puts it to a meeting, if any."""

    obj: object
    noun: str
    url: str
    put_forward_on: datetime.date | None
    item: AgendaItem | None = None


@dataclass
class ForwardPlan:
    """Coming meetings of a board, each with the deadlines it is the last chance to meet,
    and the deadlines with no meeting of the board on or before them (`unmet`); what
    awaits its decision, and its delegate's approvals awaiting its ratification."""

    meetings: list[ForwardMeeting]
    unmet: list[Deadline]
    awaiting: list[Awaiting] = field(default_factory=list)
    to_ratify: list[Approval] = field(default_factory=list)

    @property
    def warnings(self) -> int:
        return len(self.unmet)


def forward_plan(*, board: Board, today: datetime.date) -> ForwardPlan:
    """A deadline is placed at the last meeting on or before it (from today on); a deadline
    already met by a decision is left out; one with no such meeting is flagged. With what
    awaits the board's decision and ratification, in a constant number of queries."""
    meetings = list(
        board.meetings.filter(date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .order_by("date", "time")
    )
    deadlines = list(
        board.deadlines.filter(due_on__gte=today, met_by__isnull=True).order_by("due_on", "pk")
    )
    entries = [ForwardMeeting(meeting) for meeting in meetings]
    unmet = []
    for deadline in deadlines:
        before = [entry for entry in entries if entry.meeting.date <= deadline.due_on]
        if before:
            before[-1].deadlines.append(deadline)
        else:
            unmet.append(deadline)
    awaiting = awaiting_decision(boards=[board], today=today).get(board.pk, [])
    to_ratify = list(awaiting_ratification_by(boards=[board]))
    return ForwardPlan(meetings=entries, unmet=unmet, awaiting=awaiting, to_ratify=to_ratify)


def board_kinds(boards, today: datetime.date) -> dict[int, set[str]]:
    """The kinds of object each board decides itself under its terms in force today (two
    queries for any number of boards)."""
    terms = (
        TermsOfReference.objects.filter(
            board__in=boards, approved_on__isnull=False, approved_on__lte=today
        )
        .order_by("board_id", "-approved_on", "-pk")
        .prefetch_related("powers")
    )
    kinds: dict[int, set[str]] = {}
    for tor in terms:
        if tor.board_id in kinds:
            continue  # an older version, no longer in force
        kinds[tor.board_id] = {p.kind for p in tor.powers.all() if not p.is_delegated}
    return kinds


def awaiting_decision(*, boards, today: datetime.date) -> dict[int, list[Awaiting]]:
    """For each board, what has been put forward for its decision (of a kind its terms in
    force give it) and not yet decided, with the coming agenda item that puts it to a
    meeting if one does. A constant number of queries whatever the number of boards and
    objects: the kinds, each approvable kind's waiting objects, and the coming items."""
    from governance.approvables import APPROVABLES

    boards = list(boards)
    kinds = board_kinds(boards, today)
    area_ids = {b.area_id for b in boards}
    waiting = []
    for approvable in APPROVABLES.values():
        for obj in approvable.awaiting(area_ids):
            waiting.append((approvable, obj))
    coming = (
        ItemLink.objects.filter(
            item__meeting__board__in=boards,
            item__meeting__date__gte=today,
        )
        .exclude(item__meeting__status=Meeting.Status.CANCELLED)
        .select_related("item__meeting", "content_type")
    )
    scheduled = {
        (
            link.item.meeting.board_id,
            link.content_type.app_label,
            link.content_type.model,
            link.object_id,
        ): link.item
        for link in coming
    }
    result: dict[int, list[Awaiting]] = {}
    for board in boards:
        for approvable, obj in waiting:
            area_id = getattr(obj, "area_id", None)
            if area_id != board.area_id or approvable.kind(obj) not in kinds.get(board.pk, set()):
                continue
            key = (board.pk, obj._meta.app_label, obj._meta.model_name, obj.pk)
            result.setdefault(board.pk, []).append(
                Awaiting(
                    obj=obj,
                    noun=approvable.noun,
                    url=approvable.url(obj),
                    put_forward_on=approvable.put_forward_on(obj),
                    item=scheduled.get(key),
                )
            )
    return result


def awaiting_ratification_by(*, boards):
    """Approvals made under the delegation of these boards, awaiting their ratification."""
    return (
        Approval.objects.filter(
            officer_decision__isnull=False,
            ratified_by__isnull=True,
            power__terms__board__in=boards,
        )
        .select_related("officer_decision__officer", "power__terms__board", "content_type")
        .order_by("approved_on", "pk")
    )


def approval_trail(obj):
    """The approvals of an object with the decision, item, meeting and board of each."""
    return (
        # Joined by app label and model rather than ContentType.objects.get_for_model, whose
        # process-wide cache would make a page's query count depend on what ran before.
        Approval.objects.filter(
            content_type__app_label=obj._meta.app_label,
            content_type__model=obj._meta.model_name,
            object_id=obj.pk,
        )
        .select_related(
            "decision__item__meeting__board",
            "recorded_by",
            "officer_decision__officer",
            "power__terms__board",
            "ratified_by__item__meeting__board",
        )
        .order_by("recorded_at", "pk")
    )


def meetings_for_api(*, board: Board):
    """A board's meetings with items, their minutes and decisions for the API (four
    queries)."""
    return board.meetings.order_by("date", "time").prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.order_by("number").prefetch_related(
                Prefetch("minutes", queryset=MinutePoint.objects.order_by("order")),
                Prefetch("decisions", queryset=Decision.objects.order_by("order")),
            ),
        )
    )


# Deciding on one object ------------------------------------------------------------------


def deciding_boards(*, obj, ratify: bool, today: datetime.date) -> list[Board]:
    """The boards that could decide on `obj` now: for its approval, those whose terms of
    reference in force today give them the power; for ratifying its approval under
    delegation, the board that delegated."""
    from governance import approvals
    from governance.approvables import approvable_of

    if ratify:
        approval = approvals.awaiting_ratification(obj)
        return [approval.power.terms.board] if approval is not None else []
    kind = approvable_of(obj).kind(obj)
    return approvals.boards_with_power(approvals.area_of(obj), kind, today)


def decision_places(*, obj, boards, today: datetime.date, ratify: bool) -> list[tuple]:
    """Where a decision on `obj` could have been made: (form key, label, (meeting, item or
    None for a new item)) for each item concerning it, and a new item, at each meeting of
    `boards` held (not cancelled, not in the future) on or after the day it was put forward
    or (ratifying) approved under delegation. Newest meeting first."""
    from governance import approvals
    from governance.approvables import approvable_of

    if ratify:
        approval = approvals.awaiting_ratification(obj)
        since = approval.approved_on if approval is not None else None
    else:
        since = approvable_of(obj).put_forward_on(obj)
    if since is None:
        return []
    meetings = (
        Meeting.objects.filter(board__in=boards, date__gte=since, date__lte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("board")
        .order_by("-date", "-pk")[:12]
    )
    links = ItemLink.objects.filter(
        item__meeting__in=list(meetings),
        content_type__app_label=obj._meta.app_label,
        content_type__model=obj._meta.model_name,
        object_id=obj.pk,
    ).select_related("item")
    items_by_meeting: dict[int, list[AgendaItem]] = {}
    for link in links:
        items_by_meeting.setdefault(link.item.meeting_id, []).append(link.item)
    places = []
    for meeting in meetings:
        when = f"{meeting.board.name}, {meeting.date:%-d %B %Y}"
        for item in sorted(items_by_meeting.get(meeting.pk, []), key=lambda i: i.number):
            places.append(
                (
                    f"{meeting.pk}-{item.pk}",
                    f"{when}: item {item.number}, {item.title}",
                    (meeting, item),
                )
            )
        places.append((f"{meeting.pk}-new", f"{when}: a new agenda item for it", (meeting, None)))
    return places


def actions_due(*, area_id: int, day: datetime.date, ahead_days: int = 14) -> list[dict]:
    """Open actions of the area due by `ahead_days` after `day`, overdue first, as the
    quarterly dashboard and a return show them (1 query)."""
    actions = (
        Action.objects.open()
        .filter(area_id=area_id, due_on__lte=day + datetime.timedelta(ahead_days))
        .select_related("owner", "board")
        .order_by("due_on", "pk")
    )
    return [
        {
            "id": action.pk,
            "description": action.description,
            "owner": action.owner_label,
            "board": action.board.name,
            "due_on": action.due_on,
            "overdue": action.is_overdue(day),
            "url": (
                reverse("governance:meeting_detail", args=[action.meeting_id])
                if action.meeting_id
                else reverse("governance:board_detail", args=[action.board_id])
            ),
        }
        for action in actions
    ]


def minutes_context(meeting: Meeting) -> dict:
    """What the minutes print (page and PDF): a meeting from `meeting_page_queryset`."""
    attendance = list(meeting.attendance.all())
    return {
        "meeting": meeting,
        "board": meeting.board,
        "items": list(meeting.items.all()),
        "present": [a for a in attendance if a.status != "apologies"],
        "apologies": [a for a in attendance if a.status == "apologies"],
    }


def minutes_html(meeting: Meeting) -> str:
    """The minutes as the self-contained HTML document the PDF is made from."""
    from django.template.loader import render_to_string

    return render_to_string("governance/minutes_document.html", minutes_context(meeting))


def meetings_for_ratifying(plan, *, signed_by: datetime.date | None):
    """Meetings of the plan's area, not cancelled, held on or after `signed_by` (the last
    sign-off awaiting ratification), in date order."""
    meetings = Meeting.objects.filter(area_id=plan.area_id).exclude(status=Meeting.Status.CANCELLED)
    if signed_by is not None:
        meetings = meetings.filter(date__gte=signed_by)
    return meetings.select_related("board").order_by("date")
