"""Taking plans and returns through the approval cycle in tests, through the services only.

`agree_plan(plan)` is what a Health and Wellbeing Board's agreement does to a plan version;
tests that need an agreed (frozen) plan use it rather than setting a status by hand, so that
they keep meeting the rules as the cycle's rules grow.
"""

from __future__ import annotations

import datetime

from governance import services as governance_services
from governance.models import Board, Decision
from plans.models import Plan

HWB = "Health and Wellbeing Board"


def hwb_board(area) -> Board:
    board = Board.objects.filter(area=area, name=HWB).first()
    return board or governance_services.board_create(area=area, name=HWB)


def agree_plan(plan: Plan, *, on: datetime.date = datetime.date(2014, 4, 1), user=None) -> Plan:
    """Record the HWB Board's decision, at a meeting on `on`, approving `plan`."""
    board = hwb_board(plan.area)
    meeting = governance_services.meeting_schedule(board=board, date=on, status="held")
    item = governance_services.item_add(
        meeting=meeting, title="Better Care Fund plan", concerns=[plan], user=user
    )
    decision = governance_services.decision_record(
        item=item, kind=Decision.Kind.APPROVE, text="That the plan be approved.", user=user
    )
    governance_services.approval_record(decision=decision, obj=plan, user=user)
    plan.refresh_from_db()
    return plan
