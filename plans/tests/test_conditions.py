import datetime

from django.urls import reverse

from fixtures.packs import packs_load
from plans import services
from plans.models import ConditionStatus


def _plan_2025_26(area):
    """A draft 2025/26 plan of `area`, under its framework (the packs loaded)."""
    packs_load()
    return services.plan_create(
        area=area,
        title="Plan 2025/26",
        first_year=2025,
        last_year=2025,
        version_kind="draft",
        version_date=datetime.date(2025, 3, 1),
    )


def test_an_officer_records_a_condition_in_progress_with_its_expected_date(
    plan, officer, client_for
):
    condition = services.national_condition_get_or_create(
        code="seven-day-services", title="Seven-day services", first_year=2014
    )
    url = reverse("plans:condition_edit", kwargs={"pk": plan.pk, "year": 2015, "quarter": 2})
    prefix = f"c{condition.pk}"
    missing = client_for(officer).post(url, {f"{prefix}-status": "in_progress"})
    assert "expected to be met" in missing.content.decode()
    assert not ConditionStatus.objects.exists()
    response = client_for(officer).post(
        url,
        {
            f"{prefix}-status": "in_progress",
            f"{prefix}-expected_date": "2016-03-31",
            f"{prefix}-narrative": "Urgent care redesign.",
        },
    )
    assert response.status_code == 302
    status = ConditionStatus.objects.get()
    assert (status.status, status.expected_date, status.quarter) == (
        "in_progress",
        datetime.date(2016, 3, 31),
        2,
    )
    # A stale form (an older lock version) is refused, not saved over the newer one.
    stale = client_for(officer).post(
        url, {f"{prefix}-status": "met", f"{prefix}-lock_version": "0"}
    )
    assert "Someone else saved" in stale.content.decode()
    status.refresh_from_db()
    assert status.status == "in_progress"


def test_conditions_are_answered_as_their_framework_asks(area, officer, client_for):
    """The 2025/26 framework's conditions are assurance statements: yes or no with a
    narrative, no expected date; the 2016/17 framework's keep met, in progress with its date,
    or not met. Each form offers only its condition's answers."""
    plan = _plan_2025_26(area)
    conditions = list(plan.framework.conditions.order_by("order"))
    assert conditions and all(c.response_type == "assurance" for c in conditions)
    url = reverse("plans:condition_edit", kwargs={"pk": plan.pk, "year": 2025, "quarter": 1})
    page = client_for(officer).get(url).content.decode()
    assert "assurance statement" in page
    assert 'value="yes"' in page and 'value="no"' in page
    assert 'value="met"' not in page and 'value="in_progress"' not in page
    assert "expected_date" not in page
    first, second = conditions[0], conditions[1]
    without_narrative = client_for(officer).post(url, {f"c{first.pk}-status": "yes"})
    assert "Say how the plan meets it" in without_narrative.content.decode()
    wrong_answer = client_for(officer).post(
        url, {f"c{first.pk}-status": "met", f"c{first.pk}-narrative": "Agreed."}
    )
    assert wrong_answer.status_code == 200 and not ConditionStatus.objects.exists()
    response = client_for(officer).post(
        url,
        {
            f"c{first.pk}-status": "yes",
            f"c{first.pk}-narrative": "Agreed by the Board on 20 March 2025.",
            f"c{second.pk}-status": "no",
            f"c{second.pk}-narrative": "The discharge offer is still being agreed.",
        },
    )
    assert response.status_code == 302
    assert {(s.condition, s.status) for s in ConditionStatus.objects.all()} == {
        (first, "yes"),
        (second, "no"),
    }

    older = services.plan_create(
        area=area,
        title="Plan 2016/17",
        first_year=2016,
        last_year=2016,
        version_kind="draft",
        version_date=datetime.date(2016, 3, 1),
    )
    url = reverse("plans:condition_edit", kwargs={"pk": older.pk, "year": 2016, "quarter": 4})
    page = client_for(officer).get(url).content.decode()
    assert 'value="in_progress"' in page and 'value="yes"' not in page
    assert "expected_date" in page


def test_a_plan_answers_its_frameworks_assurance_statements_in_the_plan(
    area, officer, executive, client_for
):
    """2025/26's planning template answers the conditions: the plan's own answers (no
    quarter), written on their own page by those who write the plan, checked by the template
    checks (a quarter's report does not stand in for them) and frozen with the plan."""
    from plans.permissions import Frozen
    from submissions.documents.checklist import plan_checks
    from tests.cycle import agree_plan

    plan = _plan_2025_26(area)
    conditions = list(plan.framework.conditions.order_by("order"))
    url = reverse("plans:condition_plan_edit", kwargs={"pk": plan.pk})
    listing = client_for(officer).get(reverse("plans:condition_list", args=[plan.pk]))
    assert url in listing.content.decode()
    assert (
        url
        not in client_for(executive)
        .get(reverse("plans:condition_list", args=[plan.pk]))
        .content.decode()
    )
    assert client_for(executive).get(url).status_code == 403

    def statement_checks():
        return {
            c.item: (c.ok, c.url)
            for c in plan_checks(plan=plan)
            if c.item.startswith("Assurance statement")
        }

    assert len(statement_checks()) == len(conditions)
    # A quarter's report is not the plan's answer.
    services.condition_status_set(
        plan=plan, condition=conditions[0], year=2025, quarter=1, status="yes", narrative="Q1."
    )
    assert not any(passed for passed, _ in statement_checks().values())
    assert all(link.startswith(url) for _, link in statement_checks().values())

    page = client_for(officer).get(url).content.decode()
    assert "National conditions as the plan answers them" in page
    posted = {}
    for condition in conditions:
        posted[f"c{condition.pk}-status"] = "yes"
        posted[f"c{condition.pk}-narrative"] = f"Condition {condition.number} met."
    assert client_for(officer).post(url, posted).status_code == 302
    answers = ConditionStatus.objects.filter(plan=plan, quarter__isnull=True)
    assert {a.condition for a in answers} == set(conditions)
    assert all(passed for passed, _ in statement_checks().values())

    agree_plan(plan)
    plan.refresh_from_db()
    try:
        services.condition_status_set(
            plan=plan, condition=conditions[0], year=2025, quarter=None, status="no",
            narrative="Changed after agreement.",
        )  # fmt: skip
    except Frozen:
        pass
    else:
        raise AssertionError("The plan's own answer changed after the plan was agreed")
    # A quarter's report is still made after agreement.
    services.condition_status_set(
        plan=plan, condition=conditions[1], year=2025, quarter=2, status="no", narrative="Q2."
    )
    assert client_for(officer).get(url).status_code == 403
