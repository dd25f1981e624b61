"""Setting up a board in the browser's pages: the board, its terms of reference with what
they let it approve and delegate, and its members with their accounts, so that a new area
runs the approval cycle with no administration site."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from governance import approvals, services
from governance.models import Board, Power
from plans import permissions


def test_an_officer_sets_up_a_board_with_powers_a_delegate_and_a_member(
    client_for, officer, executive, area, plan
):
    client = client_for(officer)
    response = client.post(
        reverse("governance:board_create"),
        {"area": area.pk, "name": "Integration Executive", "frequency": "monthly"},
    )
    assert response.status_code == 302
    board = Board.objects.get(area=area, name="Integration Executive")
    response = client.post(
        reverse("governance:terms_add", args=[board.pk]),
        {
            "version": "May 2016",
            "text": "Approves the quarterly returns.",
            "approved_on": "2016-05-01",
            "powers": ["quarterly_return", "year_end_return"],
            "delegated": ["year_end_return"],
            "delegate_post": "Director of Health and Care Integration",
            "delegate": officer.pk,
            "conditions": "When the deadline comes first.",
        },
    )
    assert response.status_code == 302, response.content.decode()
    terms = board.terms.get()
    assert sorted(terms.powers.filter(delegate__isnull=True).values_list("kind", flat=True)) == [
        "quarterly_return",
        "year_end_return",
    ]
    delegated = terms.powers.get(delegate=officer)
    assert (delegated.kind, delegated.delegate_post) == (
        Power.Kind.YEAR_END_RETURN,
        "Director of Health and Care Integration",
    )
    assert approvals.boards_with_power(area.pk, "quarterly_return", datetime.date(2016, 6, 1)) == [
        board
    ]
    response = client.post(
        reverse("governance:member_add", args=[board.pk]),
        {"name": "Grace Okafor", "role": "member", "member_user": executive.pk},
    )
    assert response.status_code == 302
    executive.refresh_from_db()
    assert permissions.can_decide(executive, board)
    page = client.get(reverse("governance:board_detail", args=[board.pk])).content.decode()
    assert "Year-end returns (quarter 4): delegated to the Director" in page
    assert "Grace Okafor" in page


def test_delegating_needs_the_officers_post(officer, client_for, area):
    board = services.board_create(area=area, name="Integration Executive")
    response = client_for(officer).post(
        reverse("governance:terms_add", args=[board.pk]),
        {
            "version": "1",
            "text": "Terms.",
            "approved_on": "2016-05-01",
            "delegated": ["quarterly_return"],
        },
    )
    assert response.status_code == 200
    assert "Name the post the terms delegate to." in response.content.decode()
    assert not board.terms.exists()


def test_terms_cannot_name_a_delegate_or_approver_of_another_area(area, other_area, other_officer):
    board = services.board_create(area=area, name="HWB")
    other = services.board_create(area=other_area, name="HWB")
    with pytest.raises(ValidationError, match="user of the board's area"):
        services.terms_of_reference_record(
            board=board,
            version="1",
            text="T",
            approved_on=datetime.date(2016, 1, 1),
            delegated=["plan"],
            delegate=other_officer,
            delegate_post="Director",
        )
    with pytest.raises(ValidationError, match="same area"):
        services.terms_of_reference_record(
            board=board, version="1", text="T", approved_on=None, approved_by=other
        )
    assert not board.terms.exists()


def test_roles_without_governance_rights_cannot_set_up_boards(client_for, executive, board, area):
    for user in (executive, board):
        response = client_for(user).post(
            reverse("governance:board_create"),
            {"area": area.pk, "name": "X", "frequency": "monthly"},
        )
        assert response.status_code == 403
    assert not Board.objects.filter(name="X").exists()
