import datetime

from django.urls import reverse

from plans import services
from plans.models import ConditionStatus


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
