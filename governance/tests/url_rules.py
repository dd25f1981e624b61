"""Governance URLs against every role. Area-level pages answer 403 to a user of another
area (as plan pages do): the record exists, they may not see it."""

import datetime

from governance import services
from governance.models import Decision
from tests.grid import (
    API_SIGNED_IN,
    API_VIEW,
    EDIT_GOVERNANCE,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    OK,
    RECORD_DECISIONS,
    SIGNED_IN,
    UNAUTHORISED,
    VIEW,
    Rule,
    grid,
    no_arguments,
)


def _meeting(plan):
    board = services.board_create(area=plan.area, name="Health and Wellbeing Board")
    meeting = services.meeting_schedule(board=board, date=datetime.date(2014, 4, 1))
    item = services.item_add(meeting=meeting, title="Final plan", concerns=[plan])
    decision = services.decision_record(item=item, kind=Decision.Kind.APPROVE, text="Approved.")
    return board, meeting, item, decision


def _board_kwargs(plan):
    return {"pk": _meeting(plan)[0].pk}


def _meeting_kwargs(plan):
    return {"pk": _meeting(plan)[1].pk}


def _item_kwargs(plan):
    _, meeting, item, _ = _meeting(plan)
    return {"pk": meeting.pk, "item_pk": item.pk}


def _decision_kwargs(plan):
    _, meeting, _, decision = _meeting(plan)
    return {"pk": meeting.pk, "decision_pk": decision.pk}


def _action_kwargs(plan):
    board, meeting, _, _ = _meeting(plan)
    action = services.action_add(
        board=board,
        meeting=meeting,
        description="Circulate",
        owner_name="Clerk",
        due_on=datetime.date(2014, 4, 8),
    )
    return {"pk": action.pk}


def _report_kwargs(plan):
    from django.core.files.base import ContentFile

    _, _, item, _ = _meeting(plan)
    report = services.report_attach(
        item=item, title="Agenda item 4", file=ContentFile(b"%PDF-1.4 report", name="item4.pdf")
    )
    return {"pk": report.pk}


POST_ONLY = grid(default=NOT_ALLOWED)


def _decide_kwargs(plan):
    from tests.cycle import hwb_board

    hwb_board(plan.area)  # a board whose terms give it the power to approve plans
    return {"label": "plans.plan", "pk": plan.pk}


# Only the officer a board's terms of reference name as delegate (no persona is).
DELEGATE_ONLY = grid(anonymous=LOGIN, default=FORBIDDEN)
# POST only; the API refuses an anonymous caller before anything else.
API_POST_ONLY = grid(anonymous=UNAUTHORISED, default=NOT_ALLOWED)

RULES = {
    "governance:board_list": Rule(SIGNED_IN, no_arguments),
    "governance:my_actions": Rule(SIGNED_IN, no_arguments),
    "governance:action_complete": Rule(POST_ONLY, _action_kwargs),
    "governance:board_detail": Rule(VIEW, _board_kwargs),
    "governance:meeting_create": Rule(EDIT_GOVERNANCE, _board_kwargs),
    "governance:meeting_detail": Rule(VIEW, _meeting_kwargs),
    "governance:meeting_history": Rule(VIEW, _meeting_kwargs),
    "governance:minutes_print": Rule(VIEW, _meeting_kwargs),
    "governance:item_create": Rule(EDIT_GOVERNANCE, _meeting_kwargs),
    "governance:attendance_add": Rule(EDIT_GOVERNANCE, _meeting_kwargs),
    "governance:declaration_add": Rule(EDIT_GOVERNANCE, _meeting_kwargs),
    "governance:action_add": Rule(EDIT_GOVERNANCE, _meeting_kwargs),
    "governance:minute_add": Rule(EDIT_GOVERNANCE, _item_kwargs),
    "governance:decision_add": Rule(RECORD_DECISIONS, _item_kwargs),
    "governance:approval_add": Rule(RECORD_DECISIONS, _decision_kwargs),
    "governance:report_download": Rule(VIEW, _report_kwargs),
    "governance:plan_submit": Rule(POST_ONLY),
    "api-boards": Rule(API_SIGNED_IN, no_arguments),
    "api-board-meetings": Rule(API_VIEW, _board_kwargs),
    "api-actions": Rule(API_SIGNED_IN, no_arguments),
    "api-meeting-decisions": Rule(API_POST_ONLY, _meeting_kwargs),
    # Deciding on one object (views/decisions.py): the board's members (none of the personas
    # sits on it) and the area's officers and administrators, as clerks.
    "governance:decide": Rule(RECORD_DECISIONS, _decide_kwargs),
    # Setting up a board (views/boards.py): the area's officers and administrators; an
    # officer of another area sets up boards of their own area.
    "governance:board_create": Rule(
        grid(anonymous=LOGIN, officer=OK, admin_user=OK, other_officer=OK, default=FORBIDDEN),
        no_arguments,
    ),
    "governance:terms_add": Rule(EDIT_GOVERNANCE, _board_kwargs),
    "governance:member_add": Rule(EDIT_GOVERNANCE, _board_kwargs),
    "governance:approve_under_delegation": Rule(DELEGATE_ONLY, _decide_kwargs),
}

# The board's ratification of a plan's sign-offs (governance/views_sign_offs.py).
RULES["governance:sign_offs_ratify"] = Rule(RECORD_DECISIONS)
