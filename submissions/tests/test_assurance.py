"""Assurance, the last step (issue 13, point 6): a regional assurer judges a submitted plan
version per planning requirement, records the outcome, and the approval letter is a PDF;
conditions are tracked to closure by the area; the national view shows each area's
assurance status."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from pypdf import PdfReader

from governance import services as governance_services
from plans.models import Plan
from submissions import assurance as services
from submissions.models import Assurance, AssuranceCondition, Document
from tests.cycle import agree_plan

DECIDED = datetime.date(2014, 7, 1)


@pytest.fixture
def submitted(plan, monkeypatch):
    monkeypatch.setattr("governance.approvals.SUBMIT_CHECKS", [])  # about assurance, not checks
    agree_plan(plan)
    return governance_services.plan_submit(plan=plan, on=datetime.date(2014, 4, 4))


def _judge_all(plan, user, judgement="met"):
    judgements = {r.key: (judgement, f"Comment on {r.label}.") for r in services.requirements(plan)}
    return services.assurance_review_save(plan=plan, user=user, judgements=judgements)


def test_the_requirements_are_the_national_conditions_and_the_template_check_groups(submitted):
    from plans import services as plan_services

    plan_services.national_condition_get_or_create(
        code="seven-day-services", title="Seven-day services", first_year=2014
    )
    labels = [r.label for r in services.requirements(submitted)]
    assert labels[0] == "National condition: Seven-day services"
    assert "Template checks: Sections" in labels
    assert "Template checks: Schemes" in labels
    sections = next(r for r in services.requirements(submitted) if r.key == "checks:sections")
    assert "template check(s) fail" in sections.evidence  # the shared plan's text is unwritten


def test_an_assurer_judges_each_requirement_then_approves_with_conditions(
    submitted, assurer, officer
):
    _judge_all(submitted, assurer)
    assurance = services.assurance_decide(
        plan=submitted,
        user=assurer,
        outcome=Assurance.Outcome.WITH_CONDITIONS,
        decided_on=DECIDED,
        summary="A clear plan; two conditions.",
        conditions=[
            ("Agree the risk share with the acute trust.", datetime.date(2014, 9, 30)),
            ("Publish the seven-day services plan.", datetime.date(2014, 12, 31)),
            ("", None),
        ],
    )
    submitted.refresh_from_db()
    assert submitted.status == Plan.Status.ASSURED
    assert submitted.assured_on == DECIDED
    assert submitted.version_label.endswith("assured on 1 July 2014")
    assert assurance.checksum == submitted.snapshot.checksum
    assert list(assurance.conditions.values_list("number", flat=True)) == [1, 2]
    # The letter is a stored PDF that says the outcome, the conditions and the assessment.
    letter = Document.objects.get(plan=submitted, kind=Document.Kind.ASSURANCE_LETTER)
    with letter.file.open("rb") as handle:
        reader = PdfReader(io.BytesIO(handle.read()))
    text = " ".join(" ".join(page.extract_text().split()) for page in reader.pages)
    assert "Approved with conditions" in text
    assert "Agree the risk share with the acute trust." in text
    assert "30 September 2014" in text
    assert "Template checks: Sections" in text
    assert submitted.title in text
    # It is final.
    with pytest.raises(ValidationError, match="is final"):
        _judge_all(submitted, assurer, "not_met")
    # The area closes its conditions, with dates.
    first = assurance.conditions.get(number=1)
    services.assurance_condition_close(
        condition=first,
        user=officer,
        evidence="Signed on 2 September.",
        on=datetime.date(2014, 9, 2),
    )
    first.refresh_from_db()
    assert (first.closed_on, first.closed_by, first.is_open) == (
        datetime.date(2014, 9, 2),
        officer,
        False,
    )
    with pytest.raises(ValidationError, match="was closed"):
        services.assurance_condition_close(condition=first, user=officer, evidence="Again.")


def test_the_outcome_waits_for_every_requirement_to_be_judged(submitted, assurer):
    requirements = services.requirements(submitted)
    services.assurance_review_save(
        plan=submitted, user=assurer, judgements={requirements[0].key: ("met", "Fine.")}
    )
    with pytest.raises(ValidationError, match="not yet judged"):
        services.assurance_decide(
            plan=submitted, user=assurer, outcome="approved", decided_on=DECIDED
        )
    submitted.refresh_from_db()
    assert submitted.status == Plan.Status.SUBMITTED


def test_conditions_only_with_an_approval_with_conditions_each_with_a_date(submitted, assurer):
    _judge_all(submitted, assurer)
    cases = [
        ("approved_with_conditions", [], "names at least one condition"),
        ("approved", [("Do this.", DECIDED)], "Only an approval with conditions"),
        ("approved_with_conditions", [("Do this.", None)], "Give each condition a date"),
        ("approved_with_conditions", [("Do this.", datetime.date(2014, 6, 1))], "on or after"),
    ]
    for outcome, conditions, why in cases:
        with pytest.raises(ValidationError, match=why):
            services.assurance_decide(
                plan=submitted,
                user=assurer,
                outcome=outcome,
                decided_on=DECIDED,
                conditions=conditions,
            )
    assert not AssuranceCondition.objects.exists()


def test_a_plan_not_approved_stays_submitted_for_a_new_version(submitted, assurer, client_for):
    _judge_all(submitted, assurer, "not_met")
    services.assurance_decide(
        plan=submitted, user=assurer, outcome="not_approved", decided_on=DECIDED
    )
    submitted.refresh_from_db()
    assert submitted.status == Plan.Status.SUBMITTED
    page = client_for(assurer).get(reverse("plans:plan_detail", args=[submitted.pk]))
    assert "Not approved at assurance" in page.content.decode()


def test_only_a_submitted_plan_is_assured_and_only_by_an_assurer(plan, assurer, officer):
    with pytest.raises(ValidationError, match="submitted to NHS England"):
        _judge_all(plan, assurer)
    with pytest.raises(ValidationError, match="Only a regional or national assurer"):
        _judge_all(plan, officer)
    assert not Assurance.objects.exists()


def test_the_pages_take_an_assurer_and_an_officer_through_it(
    submitted, assurer, officer, client_for
):
    url = reverse("submissions:assurance", args=[submitted.pk])
    client = client_for(assurer)
    page = client.get(url).content.decode()
    assert "Save judgements and comments" in page and "Record the outcome" in page
    data = {}
    for index, _ in enumerate(services.requirements(submitted)):
        data[f"judgement-{index}"] = "met"
        data[f"comment-{index}"] = f"Comment {index}"
    assert client.post(url, data).status_code == 302
    response = client.post(
        reverse("submissions:assurance_outcome", args=[submitted.pk]),
        {
            "outcome": "approved_with_conditions",
            "decided_on": "2014-07-01",
            "summary": "Approved.",
            "condition-1": "Publish the plan.",
            "due-1": "2014-08-31",
        },
    )
    assert response.status_code == 302
    page = client_for(officer).get(url).content.decode()
    assert "Approved with conditions" in page and "data-letter" in page
    assert "Record condition 1 as met" in page
    assert "Record the outcome" not in page  # the officer does not assure
    condition = AssuranceCondition.objects.get()
    refused = client_for(assurer).post(
        reverse("submissions:assurance_condition_close", args=[condition.pk]),
        {"evidence": "Done", "on": "2014-08-01"},
    )
    assert refused.status_code == 403  # the area closes its conditions, not the assurer
    closed = client_for(officer).post(
        reverse("submissions:assurance_condition_close", args=[condition.pk]),
        {"evidence": "Published on the council's site.", "on": "2014-08-01"},
    )
    assert closed.status_code == 302
    condition.refresh_from_db()
    assert condition.closed_on == datetime.date(2014, 8, 1)


def test_an_officer_cannot_record_an_assurance_through_the_pages(submitted, officer, client_for):
    url = reverse("submissions:assurance", args=[submitted.pk])
    assert client_for(officer).post(url, {"judgement-0": "met"}).status_code == 403
    outcome = reverse("submissions:assurance_outcome", args=[submitted.pk])
    assert client_for(officer).post(outcome, {"outcome": "approved"}).status_code == 403
    assert not Assurance.objects.exists()


def test_the_national_view_shows_each_areas_assurance_status(
    submitted, assurer, client_for, django_capture_on_commit_callbacks
):
    national = reverse("submissions:national") + "?year=2014/15"
    assert "Awaiting assurance" in client_for(assurer).get(national).content.decode()
    _judge_all(submitted, assurer)
    # Committed, as a page's request commits it: the plan's summary is then out of date.
    with django_capture_on_commit_callbacks(execute=True):
        services.assurance_decide(
            plan=submitted,
            user=assurer,
            outcome="approved_with_conditions",
            decided_on=DECIDED,
            conditions=[("Publish the plan.", datetime.date(2014, 8, 31))],
        )
    page = client_for(assurer).get(national).content.decode()
    assert "Approved with conditions (1 open)" in page
