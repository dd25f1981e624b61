"""Read queries over governance shared by the pages, the API and the minutes PDF."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Min, Prefetch, Q

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
        _scoped(Board.objects.all(), user)
        .select_related("area", "reports_to")
        .annotate(
            next_meeting=Min(
                "meetings__date",
                filter=Q(meetings__date__gte=today) & ~Q(meetings__status=Meeting.Status.CANCELLED),
            ),
            overdue_count=Count(
                "actions",
                filter=Q(actions__status=Action.Status.OPEN, actions__due_on__lt=today),
                distinct=True,
            ),
        )
        .order_by("area__name", "name")
    )


def board_page_queryset():
    """A board with its terms of reference, members and meetings (four queries in all)."""
    return Board.objects.select_related("area", "reports_to").prefetch_related(
        Prefetch(
            "terms",
            queryset=TermsOfReference.objects.select_related("approved_by").order_by(
                "-approved_on", "-pk"
            ),
        ),
        Prefetch("members", queryset=BoardMember.objects.order_by("order", "name")),
        Prefetch("meetings", queryset=Meeting.objects.order_by("-date", "-time")),
    )


def meeting_page_queryset():
    """A meeting with everything its page, minutes and PDF show, in a constant number of
    queries however many items, points and decisions it has (ten)."""
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
                        Prefetch("approvals", queryset=Approval.objects.order_by("pk"))
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
class ForwardPlan:
    """Coming meetings of a board, each with the deadlines it is the last chance to meet,
    and the deadlines with no meeting of the board on or before them (`unmet`)."""

    meetings: list[ForwardMeeting]
    unmet: list[Deadline]

    @property
    def warnings(self) -> int:
        return len(self.unmet)


def forward_plan(*, board: Board, today: datetime.date) -> ForwardPlan:
    """Two queries. A deadline is placed at the last meeting on or before it (from today on);
    a deadline already met by a decision is left out; one with no such meeting is flagged."""
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
    return ForwardPlan(meetings=entries, unmet=unmet)


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
        .select_related("decision__item__meeting__board", "recorded_by")
        .order_by("recorded_at", "pk")
    )


def meetings_for_api(*, board: Board):
    """A board's meetings with items and decisions for the API (three queries)."""
    return board.meetings.order_by("date", "time").prefetch_related(
        Prefetch(
            "items",
            queryset=AgendaItem.objects.order_by("number").prefetch_related(
                Prefetch("decisions", queryset=Decision.objects.order_by("order"))
            ),
        )
    )
