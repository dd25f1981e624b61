"""Governance fixtures: the personas' area's HWB Board with one meeting, built through the
services. The root conftest gives `area`, `plan`, the personas and `client_for`."""

import datetime

import pytest

from governance import services
from governance.models import Board, Decision, Power
from plans import permissions
from submissions.readiness import plan_prepare, plan_put_forward
from tests.factories import UserFactory


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path):
    """Uploaded reports go to a throwaway directory."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def hwb(area):
    """The HWB Board, whose terms of reference (13 February 2014) let it approve plans."""
    board = services.board_create(
        area=area,
        name="Health and Wellbeing Board",
        short_name="HWB Board",
        frequency=Board.Frequency.BIMONTHLY,
    )
    terms = services.terms_of_reference_add(
        board=board,
        version="February 2014",
        text="Approves the BCF plan.",
        approved_on=datetime.date(2014, 2, 13),
    )
    services.power_add(terms=terms, kind=Power.Kind.PLAN)
    return board


@pytest.fixture
def executive_board(area, hwb, director):
    """The Integration Executive: its terms (13 March 2014) let it approve returns and
    releases, and delegate returns to the Director when a deadline comes first."""
    board = services.board_create(
        area=area,
        name="Integration Executive",
        reports_to=hwb,
        frequency=Board.Frequency.MONTHLY,
        established_on=datetime.date(2014, 3, 13),
    )
    terms = services.terms_of_reference_add(
        board=board,
        version="March 2014",
        text="Day to day oversight of the BCF.",
        approved_on=datetime.date(2014, 3, 13),
        approved_by=hwb,
    )
    for kind in (Power.Kind.QUARTERLY_RETURN, Power.Kind.YEAR_END_RETURN, Power.Kind.FUND_RELEASE):
        services.power_add(terms=terms, kind=kind)
    for kind in (Power.Kind.QUARTERLY_RETURN, Power.Kind.YEAR_END_RETURN):
        services.power_add(
            terms=terms,
            kind=kind,
            delegate=director,
            delegate_post="Director of Health and Care Integration",
            conditions="When NHS England's deadline falls before the Executive meets.",
        )
    return board


@pytest.fixture
def director(area):
    """A programme officer who holds the post the Integration Executive delegates to."""
    return UserFactory(username="director", roles=[permissions.OFFICER], areas=[area])


@pytest.fixture
def ready_plan(plan):
    """The shared plan, prepared and put forward on 26 March 2014."""
    plan_prepare(plan=plan)
    return plan_put_forward(plan=plan, on=datetime.date(2014, 3, 26))


@pytest.fixture
def meeting(hwb):
    return services.meeting_schedule(
        board=hwb, date=datetime.date(2014, 4, 1), venue="County Hall, Glenfield"
    )


@pytest.fixture
def item(meeting, ready_plan):
    plan = ready_plan
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
