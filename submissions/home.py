"""What each person has to do, for their home page: read only, composed from the apps'
selectors, in a number of queries that does not grow with the plans, returns, actions or
items awaiting decision.

- Officers (and finance leads): the plan versions they are writing with their unwritten
  sections, the template checks the newest one fails, returns due or in progress, and
  their own overdue actions.
- Integration Executive and HWB Board members: what awaits the decision of the boards they
  sit on, where it stands on the next meeting's agenda, and what awaits their ratification.
- Assurers: every area's submissions for a year, those missing or late, and plans awaiting
  assurance.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q

from governance import selectors as governance_selectors
from governance.models import Board
from plans import permissions
from plans import selectors as plan_selectors
from plans.models import Area, Plan
from plans.periods import FinancialYear, Quarter
from submissions import selectors
from submissions.models import QuarterlyReturn

WRITING = (Plan.Status.DRAFT, Plan.Status.READY)
IN_PROGRESS = (QuarterlyReturn.Status.DRAFT, QuarterlyReturn.Status.READY)


@dataclass
class OfficerHome:
    drafts: list[Plan]  # annotated with `unwritten`, the number of empty sections
    current: Plan | None  # the newest version being written, whose checks are listed
    failing: list  # its failing template checks (submissions.documents.checklist.Check)
    returns_due: list[dict]
    returns_open: list[QuarterlyReturn]
    overdue_actions: list
    can_start: bool  # may start a plan in one of their areas
    # The newest plan of each area whose section 75 agreement is unsigned with the
    # framework's deadline near or past (plans.selectors.Section75Status).
    section_75: list = field(default_factory=list)


@dataclass
class BoardHome:
    board: Board
    can_decide: bool
    next_meeting: datetime.date | None
    awaiting: list = field(default_factory=list)  # governance.selectors.Awaiting
    to_ratify: list = field(default_factory=list)  # Approval


@dataclass
class AreaSubmissions:
    area: Area
    plan: Plan | None  # the area's latest plan version of the year, if any
    plan_state: str  # "missing", "being written", "agreed", "submitted", "assured"
    returns: list[tuple[Quarter, str, QuarterlyReturn | None]]  # quarter, state, return

    @property
    def attention(self) -> bool:
        return self.plan_state == "missing" or any(
            state in ("missing", "late") for _, state, _ in self.returns
        )


@dataclass
class AssurerHome:
    year: FinancialYear
    years: list[FinancialYear]
    areas: list[AreaSubmissions]
    awaiting_assurance: list[Plan]

    @property
    def attention(self) -> list[AreaSubmissions]:
        return [row for row in self.areas if row.attention]


def officer_home(*, user, today: datetime.date) -> OfficerHome:
    """Eleven queries or so, plus the one current version's template checks."""
    from submissions.documents.checklist import plan_checks

    area_ids = permissions.area_ids_of(user)
    drafts = list(
        Plan.objects.filter(area_id__in=area_ids, status__in=WRITING)
        .select_related("area")
        .annotate(
            unwritten=Count("sections", filter=Q(sections__body="")),
        )
        .order_by("-first_year", "-number")
    )
    current = drafts[0] if drafts else None
    failing = [c for c in plan_checks(plan=current) if not c.ok] if current else []
    plans = Plan.objects.filter(area_id__in=area_ids).select_related("area")
    returns_open = list(
        QuarterlyReturn.objects.filter(plan__area_id__in=area_ids, status__in=IN_PROGRESS)
        .select_related("plan__area")
        .order_by("-year", "-quarter", "-version")
    )
    return OfficerHome(
        drafts=drafts,
        current=current,
        failing=failing,
        returns_due=selectors.returns_due(today=today, plans=plans, within=31),
        returns_open=returns_open,
        overdue_actions=list(governance_selectors.overdue_actions_of(user=user, today=today)),
        can_start=any(
            permissions.can_in_area(user, permissions.EDIT_PLAN, area_id) for area_id in area_ids
        ),
        section_75=_section_75_reminders(area_ids, today=today),
    )


def _section_75_reminders(area_ids, *, today: datetime.date) -> list:
    """For each area, its newest plan covering this financial year or a later one: its
    section 75 agreement's standing, when the reminder is due (one query per area)."""
    this_year = FinancialYear.containing(today).start_year
    newest: dict[int, Plan] = {}
    plans = Plan.objects.filter(area_id__in=area_ids, last_year__gte=this_year).order_by(
        "-first_year", "-number"
    )
    for plan in plans.select_related("area"):
        newest.setdefault(plan.area_id, plan)
    reminders = []
    for plan in newest.values():
        status = plan_selectors.section_75_status(plan, today=today)
        if status.remind:
            reminders.append((plan, status))
    return reminders


def board_home(*, user, today: datetime.date) -> list[BoardHome]:
    """The boards the user sits on (else every board of their areas), each with what awaits
    its decision and ratification: a constant number of queries."""
    seats = permissions.board_ids_of(user)
    boards = Board.objects.filter(area_id__in=permissions.area_ids_of(user))
    if seats:
        boards = boards.filter(pk__in=seats)
    boards = list(governance_selectors.with_next_meeting(boards, today=today).order_by("name"))
    awaiting = governance_selectors.awaiting_decision(boards=boards, today=today)
    to_ratify: dict[int, list] = {}
    for approval in governance_selectors.awaiting_ratification_by(boards=boards):
        to_ratify.setdefault(approval.power.terms.board_id, []).append(approval)
    return [
        BoardHome(
            board=board,
            can_decide=permissions.can_decide(user, board),
            next_meeting=board.next_meeting,
            awaiting=awaiting.get(board.pk, []),
            to_ratify=to_ratify.get(board.pk, []),
        )
        for board in boards
    ]


def assurer_years() -> list[FinancialYear]:
    starts = Plan.objects.values_list("first_year", flat=True).distinct().order_by("first_year")
    return [FinancialYear(year) for year in starts]


def assurer_home(*, today: datetime.date, year: int | None = None) -> AssurerHome:
    """Every area's plan and returns for `year` (by default the latest year any plan
    starts), which are missing or late against NHS England's dates, and the plans awaiting
    assurance. Four queries, whatever the number of areas, plans and returns."""
    years = assurer_years()
    fy = FinancialYear(year) if year else (years[-1] if years else FinancialYear.containing(today))
    areas = list(Area.objects.order_by("name"))
    latest: dict[int, Plan] = {}
    for plan in (
        Plan.objects.filter(first_year=fy.start_year)
        .select_related("framework")
        .prefetch_related("framework__deadlines")
        .order_by("number", "pk")
    ):
        latest[plan.area_id] = plan  # the newest version wins
    returns: dict[tuple[int, int], QuarterlyReturn] = {}
    for ret in (
        QuarterlyReturn.objects.filter(year=fy.start_year)
        .select_related("plan")
        .order_by("quarter", "version")
    ):
        returns[(ret.plan.area_id, ret.quarter)] = ret
    rows = []
    for area in areas:
        plan = latest.get(area.pk)
        quarters = []
        for quarter in fy.quarters:
            due = selectors.return_due_on(quarter, plan.framework if plan else None)
            ret = returns.get((area.pk, quarter.number))
            quarters.append((quarter, _return_state(ret, due, today), ret))
        rows.append(AreaSubmissions(area, plan, _plan_state(plan), quarters))
    awaiting = list(
        Plan.objects.with_content()  # a version with no content held has nothing to assure
        .filter(status=Plan.Status.SUBMITTED)
        .select_related("area")
        .order_by("submitted_on", "area__name")
    )
    return AssurerHome(year=fy, years=years, areas=rows, awaiting_assurance=awaiting)


def _plan_state(plan: Plan | None) -> str:
    if plan is None:
        return "missing"
    if plan.status in WRITING:
        return "being written"
    return {
        Plan.Status.AGREED: "agreed, not submitted",
        Plan.Status.SUBMITTED: "submitted, awaiting assurance",
        Plan.Status.ASSURED: "assured",
    }[plan.status]


def _return_state(
    ret: QuarterlyReturn | None, due: datetime.date | None, today: datetime.date
) -> str:
    submitted = ret is not None and ret.status == QuarterlyReturn.Status.SUBMITTED
    if submitted and due is None:
        return "submitted"
    if submitted:
        return "late" if ret.submitted_on and ret.submitted_on > due else "on time"
    if due is None:
        return "due date not given" if ret is None else "in progress"
    if today > due:
        return "missing"
    return "not due yet"
