"""The risk and fund history pages: who changed which record, when, from what to what."""

import datetime
from decimal import Decimal

import pytest
from django.urls import reverse

from plans.services import save_with_history
from risks import services
from risks.models import Fund, Risk
from risks.tests.conftest import TODAY, add_risks
from tests.factories import UserFactory


def _risk_url(plan):
    return reverse("risks:risk_history", kwargs={"pk": plan.pk})


def _fund_url(plan):
    return reverse("risks:fund_history", kwargs={"pk": plan.pk})


@pytest.fixture
def editor(area):
    return UserFactory(username="editor", first_name="Priya", last_name="Sharma")


def _review(register, user):
    risk = register.risks.get(description="Delays on delivery of components of the plan")
    return services.risk_review(
        risk=risk,
        expected_version=risk.lock_version,
        reviewed_on=TODAY,
        reviewer="BCF programme manager",
        likelihood="3",
        impact="4",
        user=user,
    )


def test_an_officer_sees_who_reviewed_a_risk_and_its_old_and_new_ratings(
    client_for, officer, register, editor
):
    risk = register.risks.get(description="Lack of agreement to the metrics")
    services.risk_update(
        risk=risk, expected_version=risk.lock_version, user=editor, owner="Chief Finance Officer"
    )
    _review(register, editor)
    services.scenario_create(plan=register.plan, letter="a", title="Admissions not reduced")
    response = client_for(officer).get(_risk_url(register.plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Priya Sharma" in page
    assert "Director of Health and Care Integration" in page and "Chief Finance Officer" in page
    assert "Review of “Delays on delivery of components of the plan” on 22 June 2017" in page
    assert "Scenario a) Admissions not reduced" in page
    assert "Risk register" in page


def test_a_deleted_risk_stays_in_the_history(client_for, officer, register):
    Risk.objects.filter(description="Commissioning decisions do not support integration").delete()
    entries = client_for(officer).get(_risk_url(register.plan)).context["entries"]
    assert entries[0].kind == "Deleted"
    assert entries[0].record == "Risk “Commissioning decisions do not support integration”"


def test_an_officer_sees_who_released_money_and_the_fund_before_and_after(
    client_for, officer, plan, contingency, editor
):
    services.fund_release(
        fund=contingency,
        amount=Decimal("1000000"),
        released_on=datetime.date(2017, 5, 23),
        released_to="West Leicestershire CCG",
        decision_reference="Integration Executive, 23 May 2017, minute 5(b)",
        user=editor,
    )
    fund = Fund.objects.get(pk=contingency.pk)
    fund.notes = "Held for non-elective admissions"
    save_with_history(fund, user=editor)
    response = client_for(officer).get(_fund_url(plan))
    assert response.status_code == 200
    page = response.content.decode()
    assert "Priya Sharma" in page
    assert "Release of £1,000,000 from “Contingency 2014/15”" in page
    assert "<del></del> → <ins>Held for non-elective admissions</ins>" in page


def test_the_register_and_funds_pages_link_to_their_history(
    client_for, officer, register, contingency
):
    client = client_for(officer)
    plan = register.plan
    assert (
        _risk_url(plan)
        in client.get(reverse("risks:register", kwargs={"pk": plan.pk})).content.decode()
    )
    assert (
        _fund_url(plan)
        in client.get(reverse("risks:fund_list", kwargs={"pk": plan.pk})).content.decode()
    )


def test_an_officer_of_another_area_is_refused(client_for, other_officer, register, contingency):
    client = client_for(other_officer)
    assert client.get(_risk_url(register.plan)).status_code == 403
    assert client.get(_fund_url(register.plan)).status_code == 403


def test_the_risk_history_takes_the_same_queries_however_many_risks(
    client_for, officer, register, editor, django_assert_num_queries
):
    client = client_for(officer)
    url = _risk_url(register.plan)
    client.get(url)  # warm the session
    # session, user, roles and areas, plan; register ids, risk names; registers, risks,
    # reviews, scenarios
    with django_assert_num_queries(10):
        client.get(url)
    add_risks(register, 12)
    _review(register, editor)
    with django_assert_num_queries(10):
        response = client.get(url)
    assert len(response.context["entries"]) == 1 + 3 + 12 + 2


def test_the_fund_history_takes_the_same_queries_however_many_releases(
    client_for, officer, plan, contingency, editor, django_assert_num_queries
):
    client = client_for(officer)
    url = _fund_url(plan)
    client.get(url)  # warm the session
    # session, user, roles and areas, plan; fund names; funds, releases
    with django_assert_num_queries(7):
        client.get(url)
    for number in range(5):
        services.fund_release(
            fund=Fund.objects.get(pk=contingency.pk),
            amount=Decimal("1000"),
            released_to=f"Provider {number}",
            decision_reference=f"Integration Executive, minute {number}",
            user=editor,
        )
    with django_assert_num_queries(7):
        response = client.get(url)
    assert len(response.context["entries"]) == 1 + 5
