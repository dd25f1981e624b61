import datetime
import zoneinfo

import pytest
import time_machine
from django.urls import reverse

from governance import selectors, services

LONDON = zoneinfo.ZoneInfo("Europe/London")  # the settings' TIME_ZONE: BST in May


@pytest.fixture
def due_31_may(hwb, officer):
    return services.action_add(
        board=hwb,
        description="Send the Q4 return",
        owner=officer,
        due_on=datetime.date(2017, 5, 31),
    )


@pytest.mark.parametrize(
    ("today", "overdue"),
    [
        (datetime.date(2017, 5, 30), False),
        (datetime.date(2017, 5, 31), False),  # due today is not yet overdue
        (datetime.date(2017, 6, 1), True),
    ],
)
def test_an_action_is_overdue_from_the_day_after_its_due_date(due_31_may, officer, today, overdue):
    assert due_31_may.is_overdue(today) is overdue
    assert list(selectors.overdue_actions_of(user=officer, today=today)) == (
        [due_31_may] if overdue else []
    )


def test_a_done_action_is_never_overdue(due_31_may, officer):
    services.action_complete(action=due_31_may, on=datetime.date(2017, 6, 2))
    assert list(selectors.overdue_actions_of(user=officer, today=datetime.date(2017, 7, 1))) == []


def test_the_boards_page_lists_my_overdue_actions_across_midnight(
    client_for, officer, due_31_may, hwb
):
    url = reverse("governance:board_list")
    with time_machine.travel(datetime.datetime(2017, 5, 31, 23, 59, tzinfo=LONDON), tick=False):
        html = client_for(officer).get(url).content.decode()
        assert "You have no overdue actions." in html
    with time_machine.travel(datetime.datetime(2017, 6, 1, 0, 1, tzinfo=LONDON), tick=False):
        html = client_for(officer).get(url).content.decode()
        assert "Send the Q4 return" in html
        assert "1 overdue" in html


def test_the_board_page_flags_its_overdue_actions(client_for, board, due_31_may, hwb):
    with time_machine.travel(datetime.date(2017, 6, 1), tick=False):
        html = (
            client_for(board)
            .get(reverse("governance:board_detail", kwargs={"pk": hwb.pk}))
            .content.decode()
        )
    assert "1 overdue" in html and "Send the Q4 return" in html


def test_the_actions_api_filters_by_owner_and_overdue(client_for, officer, due_31_may, hwb):
    services.action_add(
        board=hwb,
        description="Someone else's",
        owner_name="Clerk",
        due_on=datetime.date(2017, 1, 1),
    )
    client = client_for(officer)
    with time_machine.travel(datetime.date(2017, 6, 1), tick=False):
        mine = client.get(reverse("api-actions"), {"owner": "officer", "overdue": "true"}).json()
        every = client.get(reverse("api-actions"), {"overdue": "true"}).json()
    assert [a["description"] for a in mine] == ["Send the Q4 return"]
    assert mine[0]["overdue"] is True
    assert len(every) == 2


def test_other_areas_do_not_see_the_actions(client_for, other_officer, due_31_may):
    assert client_for(other_officer).get(reverse("api-actions")).json() == []


def test_a_deadline_with_no_meeting_before_it_is_flagged(executive_board):
    today = datetime.date(2017, 5, 1)
    deadline = services.deadline_add(
        board=executive_board, what="Q4 return", due_on=datetime.date(2017, 5, 31)
    )
    services.meeting_schedule(board=executive_board, date=datetime.date(2017, 6, 27))
    plan = selectors.forward_plan(board=executive_board, today=today)
    assert plan.unmet == [deadline]
    assert plan.meetings[0].deadlines == []


def test_a_deadline_goes_to_the_last_meeting_before_it(executive_board):
    today = datetime.date(2017, 5, 1)
    deadline = services.deadline_add(
        board=executive_board, what="Q4 return", due_on=datetime.date(2017, 5, 31)
    )
    april = services.meeting_schedule(board=executive_board, date=datetime.date(2017, 5, 2))
    may = services.meeting_schedule(board=executive_board, date=datetime.date(2017, 5, 31))
    plan = selectors.forward_plan(board=executive_board, today=today)
    assert plan.unmet == []
    by_meeting = {entry.meeting: entry.deadlines for entry in plan.meetings}
    assert by_meeting == {april: [], may: [deadline]}


def test_a_cancelled_meeting_does_not_count_and_a_met_deadline_is_not_listed(executive_board):
    today = datetime.date(2017, 5, 1)
    due = services.deadline_add(
        board=executive_board, what="Q4 return", due_on=datetime.date(2017, 5, 31)
    )
    services.meeting_schedule(
        board=executive_board, date=datetime.date(2017, 5, 23), status="cancelled"
    )
    assert selectors.forward_plan(board=executive_board, today=today).unmet == [due]
    meeting = services.meeting_schedule(board=executive_board, date=datetime.date(2017, 5, 24))
    item = services.item_add(meeting=meeting, title="Q4 return")
    decision = services.decision_record(item=item, kind="approve", text="Approved.")
    services.deadline_meet(deadline=due, decision=decision)
    plan = selectors.forward_plan(board=executive_board, today=today)
    assert plan.unmet == [] and all(entry.deadlines == [] for entry in plan.meetings)


def test_the_board_page_shows_the_deadline_warning(client_for, officer, executive_board):
    services.deadline_add(
        board=executive_board, what="Q4 return", due_on=datetime.date(2017, 5, 31)
    )
    with time_machine.travel(datetime.date(2017, 5, 1), tick=False):
        html = (
            client_for(officer)
            .get(reverse("governance:board_detail", kwargs={"pk": executive_board.pk}))
            .content.decode()
        )
    assert "no meeting of this board is scheduled before then" in html


@pytest.mark.parametrize(
    ("after", "goes_to"),
    [
        ("/governance/meetings/1/", "/governance/meetings/1/"),  # the page it was done on
        ("/governance/\r\nSet-Cookie: x=1", None),  # a header of its own: not followed
        ("/governance/\x00", None),
        ("//example.org/governance/", None),
        ("https://example.org/governance/", None),
    ],
)
def test_marking_an_action_done_goes_back_only_to_a_governance_page(
    client_for, due_31_may, officer, after, goes_to
):
    response = client_for(officer).post(
        reverse("governance:action_complete", args=[due_31_may.pk]), {"next": after}
    )
    assert response.status_code == 302
    board = reverse("governance:board_detail", args=[due_31_may.board_id])
    assert response["Location"] == (goes_to or board)
