from decimal import Decimal

from django.urls import reverse


def _data(plan, **overrides):
    data = {
        "title": plan.title,
        "boundary_differences": "",
        "dates_agreed": "1 April 2014",
        "dates_submitted": "4 April 2014",
        "lock_version": plan.lock_version,
    }
    for plan_year in plan.plan_years.all():
        prefix = f"year-{plan_year.year}-"
        data[prefix + "minimum_required"] = str(plan_year.minimum_required)
        data[prefix + "agreed_total"] = str(plan_year.agreed_total)
        data[prefix + "protected_social_care_stated"] = str(plan_year.protected_social_care_stated)
    data.update(overrides)
    return data


def test_officer_changes_the_agreed_pooled_budget(client_for, officer, plan):
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    response = client_for(officer).post(url, _data(plan, **{"year-2014-agreed_total": "18300000"}))
    assert response.status_code == 302
    assert plan.plan_years.get(year=2014).agreed_total == Decimal("18300000.00")
    plan.refresh_from_db()
    assert plan.dates_agreed == "1 April 2014"


def test_bad_amount_is_refused_and_nothing_is_saved(client_for, officer, plan):
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    data = _data(plan, title="Renamed", **{"year-2015-agreed_total": "-1"})
    response = client_for(officer).post(url, data)
    assert response.status_code == 200
    assert "The amount cannot be negative." in response.content.decode()
    assert 'value="Renamed"' in response.content.decode()
    plan.refresh_from_db()
    assert plan.title != "Renamed"


def test_edit_from_an_old_copy_is_a_conflict(client_for, officer, admin_user, plan):
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    stale = _data(plan, title="Second title")
    assert client_for(officer).post(url, _data(plan, title="First title")).status_code == 302
    response = client_for(admin_user).post(url, stale)
    assert "Someone else saved this record" in response.content.decode()
    plan.refresh_from_db()
    assert plan.title == "First title"


def test_amounts_are_shown_as_written_and_taken_as_typed(client_for, officer, plan):
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    page = client_for(officer).get(url).content.decode()
    assert 'value="£18,251,000"' in page
    assert "18251000.00" not in page
    typed = {
        "year-2014-agreed_total": "£18,300,000",
        "year-2015-minimum_required": "16,000,000.5",
        "year-2015-protected_social_care_stated": "-",
    }
    response = client_for(officer).post(url, _data(plan, **typed))
    assert response.status_code == 302
    assert plan.plan_years.get(year=2014).agreed_total == Decimal("18300000.00")
    assert plan.plan_years.get(year=2015).minimum_required == Decimal("16000000.50")
    assert plan.plan_years.get(year=2015).protected_social_care_stated is None


def test_a_bracketed_amount_is_read_as_negative_and_refused(client_for, officer, plan):
    url = reverse("plans:plan_edit", kwargs={"pk": plan.pk})
    response = client_for(officer).post(url, _data(plan, **{"year-2014-agreed_total": "(1,234)"}))
    page = response.content.decode()
    assert "The amount cannot be negative." in page
    assert 'value="(1,234)"' in page  # kept as typed
