"""Governance fixtures: the personas' area's HWB Board with one meeting, built through the
services. The root conftest gives `area`, `plan`, the personas and `client_for`."""

import datetime

import pytest

from governance import services
from governance.models import Board, Decision


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded reports go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def hwb(area):
    return services.board_create(
        area=area,
        name="Health and Wellbeing Board",
        short_name="HWB Board",
        frequency=Board.Frequency.BIMONTHLY,
    )


@pytest.fixture
def executive_board(area, hwb):
    return services.board_create(
        area=area,
        name="Integration Executive",
        reports_to=hwb,
        frequency=Board.Frequency.MONTHLY,
        established_on=datetime.date(2014, 3, 13),
    )


@pytest.fixture
def meeting(hwb):
    return services.meeting_schedule(
        board=hwb, date=datetime.date(2014, 4, 1), venue="County Hall, Glenfield"
    )


@pytest.fixture
def item(meeting, plan):
    return services.item_add(
        meeting=meeting,
        title="Final draft of the Better Care Fund plan",
        presenter="Director of Health and Care Integration",
        concerns=[plan],
    )


@pytest.fixture
def approving_decision(item):
    return services.decision_record(
        item=item, kind=Decision.Kind.APPROVE, text="That the Better Care Fund Plan be approved."
    )
