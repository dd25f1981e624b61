"""What happens next to a plan version or a return, who does it, and what the signed-in
person can do about it now: the panel on their pages and the lines of the home page.

Reads only; each action it offers is a page or a POST whose view checks the permission
again and whose service checks the rule again.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.urls import reverse

from governance import approvals as governance_approvals
from governance.approvables import approvable_of
from governance.models import ItemLink, Meeting
from plans import permissions
from plans.dates import on_or_in
from plans.models import Plan
from submissions.models import Assurance, PlanSnapshot, QuarterlyReturn


@dataclass(frozen=True)
class Action:
    label: str
    url: str
    post: bool = False  # a button posting to `url`, else a link


@dataclass
class NextStep:
    state: str  # where it stands
    text: str  # what happens next, and who does it
    actions: list[Action] = field(default_factory=list)
    warning: str = ""  # what stands in the way (stale, failing checks)


def _day(date) -> str:
    return f"{date:%-d %B %Y}" if date else ""


def _decide_url(obj) -> str:
    return reverse("governance:decide", args=[obj._meta.label_lower, obj.pk])


def _delegated_url(obj) -> str:
    return reverse("governance:approve_under_delegation", args=[obj._meta.label_lower, obj.pk])


def _coming_item(obj, boards, today: datetime.date):
    """The first coming agenda item of one of `boards` that concerns `obj`, if any."""
    link = (
        ItemLink.objects.filter(
            item__meeting__board__in=boards,
            item__meeting__date__gte=today,
            content_type__app_label=obj._meta.app_label,
            content_type__model=obj._meta.model_name,
            object_id=obj.pk,
        )
        .exclude(item__meeting__status=Meeting.Status.CANCELLED)
        .select_related("item__meeting__board")
        .order_by("item__meeting__date")
        .first()
    )
    return link.item if link else None


def _next_meeting(boards, today: datetime.date):
    return (
        Meeting.objects.filter(board__in=boards, date__gte=today)
        .exclude(status=Meeting.Status.CANCELLED)
        .select_related("board")
        .order_by("date")
        .first()
    )


def _decision_step(obj, user, today: datetime.date) -> NextStep:
    """Put forward: who decides, when, and (for them) the way to record it."""
    approvable = approvable_of(obj)
    kind = approvable.kind(obj)
    area_id = governance_approvals.area_of(obj)
    boards = governance_approvals.boards_with_power(area_id, kind, today)
    names = " or the ".join(b.name for b in boards)
    if not names:
        names = "board named in terms of reference (none gives one the power yet)"
    item = _coming_item(obj, boards, today)
    if item is not None:
        when = f"at its meeting on {_day(item.meeting.date)} (item {item.number})"
    else:
        meeting = _next_meeting(boards, today)
        when = (
            f"at a meeting: it is not on an agenda yet (next meeting {_day(meeting.date)})"
            if meeting
            else "at a meeting: none is scheduled yet"
        )
    text = f"Next: the {names} decides {when}. Its members record the decision here."
    actions = []
    if any(permissions.can_decide(user, board) for board in boards):
        actions.append(Action("Record the board’s decision", _decide_url(obj)))
    delegated = governance_approvals.delegated_powers(officer=user, obj=obj, on=today)
    if delegated:
        actions.append(Action("Approve under delegation", _delegated_url(obj)))
    posts = {
        p.delegate_post
        for board in boards
        for p in governance_approvals.board_powers(board, kind, today)
        if p.is_delegated
    }
    if posts:
        text += (
            f" If NHS England’s deadline falls first, the {' or the '.join(sorted(posts))} may "
            "approve it under delegation, for the board to ratify at its next meeting."
        )
    warning = approvable.refusal(obj) or ""
    return NextStep(state="Put forward for decision", text=text, actions=actions, warning=warning)


def _ratification_step(obj, approval, user, today: datetime.date) -> NextStep:
    board = approval.power.terms.board
    meeting = _next_meeting([board], today)
    when = f"at its next meeting ({_day(meeting.date)})" if meeting else "at its next meeting"
    actions = []
    if permissions.can_decide(user, board):
        actions.append(Action("Record the ratification", _decide_url(obj)))
    return NextStep(
        state=f"Approved under delegation, awaiting ratification by the {board.name}",
        text=(
            f"Approved under delegation on {_day(approval.approved_on)}. Next: the "
            f"{board.name} ratifies it {when}; its members record the ratification here."
        ),
        actions=actions,
    )


def _put_forward_step(obj, user, today, *, state: str, prepare: str) -> NextStep:
    """Awaiting a decision; a way to prepare it again for those who may, if it is stale."""
    step = _decision_step(obj, user, today)
    step.state = state
    if step.warning and prepare:
        step.actions.insert(0, Action("Prepare it again", prepare, True))
    return step


def _approved_step(obj, user, today, *, state: str) -> NextStep:
    """Approved: awaiting ratification if an officer approved it under delegation."""
    approval = governance_approvals.awaiting_ratification(obj)
    if approval is not None:
        return _ratification_step(obj, approval, user, today)
    return NextStep(state=state, text="")


# Plan versions ---------------------------------------------------------------------------


def plan_next(plan: Plan, user, today: datetime.date) -> NextStep:
    from submissions.readiness import plan_staleness

    can_prepare = permissions.can(user, permissions.EDIT_PLAN, plan)
    can_submit = permissions.can_in_area(user, permissions.RECORD_DECISIONS, plan.area_id)
    if plan.status == Plan.Status.DRAFT:
        # Whether it is still as prepared decides the "put forward" button: worked out only
        # once it has been prepared, so a plain draft's page stays cheap.
        snapshot = PlanSnapshot.objects.filter(plan=plan).first()
        stale = plan_staleness(plan, snapshot) if snapshot else "not prepared"
        actions = []
        if can_prepare:
            actions.append(
                Action(
                    "Prepare for agreement",
                    reverse("submissions:plan_prepare", args=[plan.pk]),
                    True,
                )
            )
            if stale is None:
                actions.append(
                    Action(
                        "Put forward for agreement",
                        reverse("submissions:plan_put_forward", args=[plan.pk]),
                        True,
                    )
                )
        return NextStep(
            state="Draft, not yet agreed",
            text=(
                "Next: a programme officer checks it against NHS England’s template checks, "
                "prepares it (its content is snapshotted with a checksum) and puts it forward "
                "for the Health and Wellbeing Board’s decision. Any change after it is "
                "prepared means preparing it again."
            ),
            actions=actions,
            warning=stale if snapshot and stale else "",
        )
    if plan.status == Plan.Status.READY:
        return _put_forward_step(
            plan,
            user,
            today,
            state=f"Put forward for agreement on {_day(plan.put_forward_on)}",
            prepare=reverse("submissions:plan_prepare", args=[plan.pk]) if can_prepare else "",
        )
    if plan.status == Plan.Status.AGREED:
        step = _approved_step(
            plan,
            user,
            today,
            state=f"Agreed by the HWB Board {on_or_in(plan.agreed_on, plan.agreed_on_precision)}",
        )
        step.text += (
            " Next: a programme officer records its submission to NHS England, once every "
            "template check passes. It no longer changes: a change is a new draft version."
        )

        if can_submit:
            step.actions.append(
                Action(
                    "Record as submitted to NHS England",
                    reverse("governance:plan_submit", args=[plan.pk]),
                    True,
                )
            )
        return step
    assurance_url = reverse("submissions:assurance", args=[plan.pk])
    if plan.status == Plan.Status.SUBMITTED:
        assurance = Assurance.objects.filter(plan=plan).first()
        label = "Record the assurance" if permissions.can_assure(user) else "Open the assurance"
        if assurance is not None and assurance.outcome == Assurance.Outcome.NOT_APPROVED:
            return NextStep(
                state=f"Not approved at assurance on {_day(assurance.decided_on)}",
                text="Next: the area prepares a new draft version, to be agreed and submitted "
                "in its turn.",
                actions=[Action("Open the assurance", assurance_url)],
            )
        return NextStep(
            state="Submitted to NHS England "
            + on_or_in(plan.submitted_on, plan.submitted_on_precision),
            text="Next: a regional assurer judges it against each planning requirement and "
            "records the outcome: approved, approved with conditions, or not approved.",
            actions=[Action(label, assurance_url)],
        )
    assurance = Assurance.objects.filter(plan=plan).first()
    open_conditions = (
        assurance.conditions.filter(closed_on__isnull=True).count() if assurance else 0
    )
    text = "Assured."
    if open_conditions:
        text = (
            f"Approved with conditions: {open_conditions} still open. Next: the area meets "
            "each by its date and records it on the assurance page."
        )
    outcome = assurance.get_outcome_display() if assurance else "Assured"
    return NextStep(
        state=f"{outcome} {on_or_in(plan.assured_on, plan.assured_on_precision)}",
        text=text,
        actions=[Action("Open the assurance", assurance_url)],
    )


# Returns ---------------------------------------------------------------------------------


def return_next(ret: QuarterlyReturn, user, today: datetime.date) -> NextStep:
    from submissions.services import return_staleness

    can_change = permissions.can_in_area(user, permissions.EDIT_PLAN, ret.plan.area_id)
    if ret.status == QuarterlyReturn.Status.DRAFT:
        actions = []
        if not ret.snapshot:
            text = "Next: a programme officer prepares the figures (a background job)."
            warning = ""
        else:
            warning = return_staleness(ret) or ""
            text = (
                "Next: a programme officer prepares it again (it changed since it was "
                "prepared), then marks it ready for the Integration Executive’s review."
                if warning
                else "Next: a programme officer marks it ready for the Integration "
                "Executive’s review."
            )
            if can_change and not warning:
                actions.append(
                    Action(
                        "Mark ready for review",
                        reverse("submissions:return_ready", args=[ret.pk]),
                        True,
                    )
                )
        if can_change:
            label = "Prepare it again" if ret.snapshot else "Prepare the figures"
            actions.insert(
                0, Action(label, reverse("submissions:return_prepare", args=[ret.pk]), True)
            )
        return NextStep(state="Draft", text=text, actions=actions, warning=warning)
    if ret.status == QuarterlyReturn.Status.READY:
        return _put_forward_step(
            ret,
            user,
            today,
            state=f"Ready for review since {_day(ret.ready_on)}",
            prepare=reverse("submissions:return_prepare", args=[ret.pk]) if can_change else "",
        )
    if ret.status == QuarterlyReturn.Status.APPROVED:
        step = _approved_step(ret, user, today, state=f"Approved on {_day(ret.approved_on)}")
        step.text += " Next: a programme officer records its submission to NHS England."
        if permissions.can_in_area(user, permissions.RECORD_DECISIONS, ret.plan.area_id):
            step.actions.append(
                Action(
                    "Record as submitted to NHS England",
                    reverse("submissions:return_submit", args=[ret.pk]),
                    True,
                )
            )
        return step
    approval = governance_approvals.awaiting_ratification(ret)
    if approval is not None:
        step = _ratification_step(ret, approval, user, today)
        step.state = (
            f"Submitted on {_day(ret.submitted_on)}; " + step.state[0].lower() + step.state[1:]
        )
        return step
    return NextStep(
        state=f"Submitted to NHS England on {_day(ret.submitted_on)}",
        text="Nothing more to do. A correction would be a new version, approved again.",
    )
