"""Partners of the integrated care board era: several ICBs in one plan, each with its
contribution; sign-offs by the roles the framework names, those it marks not delegable
signed in person; the template checks; the board's later ratification."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from fixtures.packs import packs_load
from governance import services as governance_services
from governance.models import Decision, SignOffRatification
from plans import services
from plans.models import Organisation, Plan, SignOffRole
from plans.selectors import required_sign_offs
from submissions.documents.checklist import plan_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def icb_plan(area):
    """A 2025/26 plan with its council and two integrated care boards, each contributing."""
    packs_load()
    council = services.organisation_get_or_create(
        name="North County Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    icbs = [
        services.organisation_get_or_create(
            name=f"NHS {name} Integrated Care Board", kind=Organisation.Kind.ICB
        )
        for name in ("Humber", "Lakes")
    ]
    plan = services.plan_create(
        area=area,
        title="Plan of the ICB era",
        first_year=2025,
        last_year=2025,
        version_kind=Plan.VersionKind.DRAFT,
        version_date=datetime.date(2025, 3, 1),
        local_authority=council,
        ccgs=icbs,
    )
    services.contributions_save(
        plan=plan,
        cells={
            (icbs[0].pk, "minimum", 2025): (None, Decimal("9000000")),
            (icbs[1].pk, "minimum", 2025): (None, Decimal("1500000")),
        },
    )
    return plan


def _role(plan, code) -> SignOffRole:
    return SignOffRole.objects.get(framework=plan.framework, code=code)


def _sign(plan, code, organisation, **extra):
    return services.sign_off_add(
        plan=plan,
        on_behalf_of=str(organisation),
        name=extra.pop("name", "A Person"),
        position=_role(plan, code).title,
        signed_on=extra.pop("signed_on", datetime.date(2025, 3, 28)),
        role=_role(plan, code),
        organisation=organisation,
        **extra,
    )


def test_the_framework_names_its_roles_and_which_may_not_be_delegated():
    packs_load()
    roles = {r.code: r for r in SignOffRole.objects.filter(framework__code="bcf-2025-26")}
    assert set(roles) == {"la-chief-executive", "icb-chief-executive", "s151-officer"}
    assert not roles["la-chief-executive"].delegable
    assert not roles["icb-chief-executive"].delegable
    assert roles["s151-officer"].delegable
    assert "North Yorkshire" in roles["la-chief-executive"].note
    assert all(r.note for r in roles.values())


def test_each_icb_of_the_plan_keeps_its_contribution_and_signs_for_itself(
    icb_plan, officer, client_for
):
    page = client_for(officer).get(reverse("plans:contributions", args=[icb_plan.pk]))
    body = page.content.decode()
    assert "NHS Humber Integrated Care Board" in body and "£9,000,000" in body
    assert "NHS Lakes Integrated Care Board" in body and "£1,500,000" in body
    labels = [r.label for r in required_sign_offs(icb_plan)]
    assert labels == [
        "Local authority chief executive, North County Council",
        "Integrated care board chief executive, NHS Humber Integrated Care Board",
        "Integrated care board chief executive, NHS Lakes Integrated Care Board",
        "Local authority section 151 officer, North County Council",
    ]


def test_the_template_checks_fail_until_every_role_has_signed(icb_plan):
    def failing():
        return [c.item for c in plan_checks(plan=icb_plan) if c.group == "Sign-off" and not c.ok]

    assert len(failing()) == 5  # none recorded, and each of the four roles
    council, humber, lakes = (
        icb_plan.local_authority,
        *icb_plan.ccgs.order_by("name"),
    )
    _sign(icb_plan, "la-chief-executive", council)
    _sign(icb_plan, "icb-chief-executive", humber)
    assert failing() == [
        "Signed off by the Integrated care board chief executive, NHS Lakes Integrated Care Board",
        "Signed off by the Local authority section 151 officer, North County Council",
    ]
    _sign(icb_plan, "icb-chief-executive", lakes)
    _sign(icb_plan, "s151-officer", council, delegated=True)  # may be delegated
    assert failing() == []


def test_a_role_the_framework_marks_not_delegable_is_refused_when_delegated(icb_plan):
    with pytest.raises(ValidationError, match="delegate"):
        _sign(icb_plan, "la-chief-executive", icb_plan.local_authority, delegated=True)
    assert not icb_plan.sign_offs.exists()


def test_a_role_needs_a_partner_of_its_kind(icb_plan):
    humber = icb_plan.ccgs.first()
    with pytest.raises(ValidationError, match="local authority"):
        _sign(icb_plan, "la-chief-executive", humber)


def test_the_form_refuses_a_delegated_chief_executive_with_a_message(icb_plan, officer, client_for):
    role = _role(icb_plan, "icb-chief-executive")
    response = client_for(officer).post(
        reverse("plans:sign_off_list", args=[icb_plan.pk]),
        {
            "action": "add",
            "on_behalf_of": "NHS Humber Integrated Care Board",
            "name": "A Deputy",
            "position": "Deputy chief executive",
            "signed_on": "28/03/2025",
            "role": role.pk,
            "organisation": icb_plan.ccgs.first().pk,
            "delegated": "on",
        },
    )
    assert response.status_code == 200
    assert "they sign it themselves" in response.content.decode()


def _meeting(plan, on):
    board = governance_services.board_create(area=plan.area, name="Health and Wellbeing Board")
    return governance_services.meeting_schedule(board=board, date=on)


def test_the_board_ratifies_the_sign_offs_at_a_later_meeting(icb_plan, officer, client_for):
    _sign(icb_plan, "la-chief-executive", icb_plan.local_authority)
    _sign(
        icb_plan,
        "icb-chief-executive",
        icb_plan.ccgs.first(),
        signed_on=datetime.date(2025, 4, 14),
    )
    early = _meeting(icb_plan, datetime.date(2025, 4, 1))
    with pytest.raises(ValidationError, match="before the last sign-off"):
        governance_services.sign_offs_ratify(plan=icb_plan, meeting=early, text="Ratified.")
    later = governance_services.meeting_schedule(board=early.board, date=datetime.date(2025, 5, 16))
    client = client_for(officer)
    url = reverse("governance:sign_offs_ratify", args=[icb_plan.pk])
    assert client.get(url).status_code == 200
    response = client.post(url, {"meeting": later.pk, "text": "Ratified the sign-offs."})
    assert response.status_code == 302
    decision = Decision.objects.get(kind=Decision.Kind.RATIFY)
    assert decision.item.meeting == later
    assert SignOffRatification.objects.filter(decision=decision).count() == 2
    page = client.get(reverse("plans:sign_off_list", args=[icb_plan.pk])).content.decode()
    assert "Ratified by Health and Wellbeing Board, 16 May 2025" in page
    with pytest.raises(ValidationError, match="awaits ratification"):
        governance_services.sign_offs_ratify(plan=icb_plan, meeting=later, text="Again.")
