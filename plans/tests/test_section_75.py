"""The section 75 agreement: recorded with its host, pool manager, funds and variations;
a reminder before the framework's deadline on the plan's page and the officer's home page;
the template check failing while it is missing."""

from __future__ import annotations

import datetime

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse

from fixtures.packs import packs_load
from plans import services
from plans.models import FundingStream, Organisation, Plan
from plans.selectors import section_75_status
from submissions.documents.checklist import plan_checks

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_2023(area):
    packs_load()
    council = services.organisation_get_or_create(
        name="North County Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    icb = services.organisation_get_or_create(
        name="NHS North Integrated Care Board", kind=Organisation.Kind.ICB
    )
    return services.plan_create(
        area=area,
        title="Plan of 2023-25",
        first_year=2023,
        last_year=2024,
        version_kind=Plan.VersionKind.FINAL,
        version_date=datetime.date(2023, 6, 28),
        local_authority=council,
        ccgs=[icb],
    )


def _check(plan):
    return next(c for c in plan_checks(plan=plan) if c.group == "Section 75")


def test_the_deadline_that_applies_is_the_next_one_of_the_framework(plan_2023):
    early = section_75_status(plan_2023, today=datetime.date(2023, 9, 25))
    assert early.due_on == datetime.date(2023, 10, 31)
    assert early.remind and "in 36 days" in early.message
    not_yet = section_75_status(plan_2023, today=datetime.date(2023, 7, 1))
    assert not not_yet.remind
    later = section_75_status(plan_2023, today=datetime.date(2024, 9, 1))
    assert later.due_on == datetime.date(2024, 9, 30)
    past = section_75_status(plan_2023, today=datetime.date(2025, 1, 6))
    assert past.remind and "was 30 September 2024" in past.message


def test_the_template_check_fails_until_the_agreement_is_signed(plan_2023):
    assert not _check(plan_2023).ok
    streams = list(FundingStream.objects.filter(framework=plan_2023.framework, within=None))
    agreement = services.section_75_save(
        plan=plan_2023,
        host=plan_2023.local_authority,
        pool_manager="Pat Lee, Head of Integration",
        funding_streams=streams,
        signed_on=None,
    )
    assert not _check(plan_2023).ok
    services.section_75_save(
        plan=plan_2023,
        host=agreement.host,
        pool_manager=agreement.pool_manager,
        funding_streams=streams,
        signed_on=datetime.date(2023, 10, 20),
    )
    assert _check(plan_2023).ok
    assert _check(plan_2023).detail == "Signed on 20 October 2023."


def test_an_agreed_plan_still_takes_its_agreement_and_variations(plan_2023):
    Plan.objects.filter(pk=plan_2023.pk).update(status=Plan.Status.AGREED)
    plan_2023.refresh_from_db()
    agreement = services.section_75_save(
        plan=plan_2023,
        host=plan_2023.local_authority,
        pool_manager="Pat Lee",
        funding_streams=[],
        signed_on=datetime.date(2023, 10, 20),
    )
    with pytest.raises(ValidationError, match="after the agreement was signed"):
        services.section_75_variation_add(
            agreement=agreement, agreed_on=datetime.date(2023, 9, 1), summary="Too early"
        )
    services.section_75_variation_add(
        agreement=agreement, agreed_on=datetime.date(2024, 9, 20), summary="2024/25 schedules"
    )
    assert agreement.variations.count() == 1


def test_a_host_that_is_not_a_partner_is_refused(plan_2023):
    stranger = services.organisation_get_or_create(
        name="Elsewhere Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    with pytest.raises(ValidationError, match="partners"):
        services.section_75_save(
            plan=plan_2023, host=stranger, pool_manager="", funding_streams=[], signed_on=None
        )


@time_machine.travel(datetime.datetime(2023, 10, 2, 9, 0), tick=False)
def test_the_reminder_shows_on_the_plan_and_the_officers_home_page(plan_2023, officer, client_for):
    client = client_for(officer)
    page = client.get(reverse("plans:plan_detail", args=[plan_2023.pk])).content.decode()
    assert 'id="section-75-reminder"' in page
    assert "31 October 2023, in 29 days" in page
    home = client.get(reverse("home")).content.decode()
    assert "data-section-75" in home and "Plan of 2023-25" in home


def test_the_officer_records_the_agreement_on_its_page(plan_2023, officer, client_for):
    client = client_for(officer)
    url = reverse("plans:section_75", args=[plan_2023.pk])
    stream = FundingStream.objects.get(framework=plan_2023.framework, code="dfg")
    response = client.post(
        url,
        {
            "action": "agreement",
            "host": plan_2023.local_authority.pk,
            "pool_manager": "Pat Lee, Head of Integration",
            "funding_streams": [stream.pk],
            "signed_on": "20/10/2023",
            "note": "",
        },
    )
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Signed on 20 October 2023." in page and "Disabled Facilities Grant" in page
    response = client.post(
        url, {"action": "variation", "agreed_on": "01/04/2024", "summary": "New schedules"}
    )
    assert response.status_code == 302
    assert "1 April 2024: New schedules" in client.get(url).content.decode()


def test_an_assurer_reads_the_agreement_and_may_not_change_it(plan_2023, assurer, client_for):
    client = client_for(assurer)
    url = reverse("plans:section_75", args=[plan_2023.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Save the agreement" not in page.content.decode()
    refused = client.post(url, {"action": "agreement", "pool_manager": "X"})
    assert refused.status_code == 403
