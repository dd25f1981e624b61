"""Themes, milestones and a scheme's Part 2 fields, edited in the browser's forms."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from schemes import services
from schemes.models import AreaOfSpend, Milestone, Scheme, SchemeSubType, SchemeType, Theme


def _themes(plan):
    return list(plan.themes.order_by("order").values_list("name", flat=True))


def test_an_officer_adds_renames_reorders_and_removes_themes(client_for, officer, plan):
    client = client_for(officer)
    url = reverse("schemes:theme_list", kwargs={"pk": plan.pk})
    assert client.post(url, {"action": "add", "new-name": "Carers"}).status_code == 302
    assert _themes(plan)[-1] == "Carers"
    carers = plan.themes.get(name="Carers")
    client.post(url, {"action": "rename", "theme": carers.pk, f"t{carers.pk}-name": "Support"})
    client.post(url, {"action": "up", "theme": carers.pk})
    assert _themes(plan)[-2] == "Support"
    assert list(plan.themes.order_by("order").values_list("order", flat=True)) == [0, 1, 2, 3]
    client.post(url, {"action": "remove", "theme": carers.pk})
    assert "Support" not in _themes(plan)


def test_a_theme_with_schemes_is_not_removed_and_names_do_not_clash(client_for, officer, plan):
    client = client_for(officer)
    url = reverse("schemes:theme_list", kwargs={"pk": plan.pk})
    used = plan.themes.filter(schemes__isnull=False).first()
    response = client.post(url, {"action": "remove", "theme": used.pk}, follow=True)
    assert "Move or delete this theme" in response.content.decode()
    assert Theme.objects.filter(pk=used.pk).exists()
    response = client.post(url, {"action": "add", "new-name": used.name.upper()})
    assert "already has a theme with this name" in response.content.decode()


def test_a_submitted_plan_takes_no_theme(plan):
    plan.status = plan.Status.SUBMITTED
    plan.save()
    with pytest.raises(PermissionDenied):
        services.theme_create(plan=plan, name="Late theme")


def test_milestones_are_added_changed_and_removed_with_conflicts_refused(
    client_for, officer, admin_user, plan
):
    client = client_for(officer)
    create = reverse("schemes:milestone_create", kwargs={"pk": plan.pk})
    response = client.post(
        create,
        {
            "workstream": "Unified prevention offer",
            "task": "Develop the local area coordination business case",
            "delivery": "June 2014",
            "due_on": "30/06/2014",
            "implementation": "Q3 – 2014/15",
            "status": "on_track",
        },
    )
    assert response.status_code == 302
    milestone = Milestone.objects.get(plan=plan)
    assert milestone.due_on == datetime.date(2014, 6, 30)
    listing = client.get(reverse("schemes:milestone_list", kwargs={"pk": plan.pk}))
    assert "30 June 2014" in listing.content.decode()
    edit = reverse("schemes:milestone_edit", kwargs={"pk": plan.pk, "milestone_pk": milestone.pk})
    stale = {"task": "Old copy", "status": "at_risk", "lock_version": milestone.lock_version}
    fresh = {**stale, "task": "Fresh copy", "status": "complete"}
    assert client_for(admin_user).post(edit, fresh).status_code == 302
    refused = client.post(edit, stale)
    assert "Someone else saved this record" in refused.content.decode()
    milestone.refresh_from_db()
    delete = reverse(
        "schemes:milestone_delete", kwargs={"pk": plan.pk, "milestone_pk": milestone.pk}
    )
    assert client.post(delete, {"lock_version": milestone.lock_version}).status_code == 302
    assert not Milestone.objects.exists()
    assert Milestone.history.filter(history_type="-").get().history_user == officer


@pytest.fixture
def catalogue(plan):
    kind = SchemeType.objects.create(planning_year=plan.first_year, name="Integrated care")
    other = SchemeType.objects.create(planning_year=plan.first_year, name="Carers")
    return {
        "kind": kind,
        "sub": SchemeSubType.objects.create(scheme_type=kind, name="Care planning"),
        "other_sub": SchemeSubType.objects.create(scheme_type=other, name="Respite"),
        "area": AreaOfSpend.objects.create(planning_year=plan.first_year, name="Community health"),
        "later": SchemeType.objects.create(planning_year=plan.first_year + 5, name="Later type"),
    }


def _scheme_form(scheme, **fields):
    data = {
        "name": scheme.name,
        "theme": scheme.theme_id,
        "status": scheme.status,
        "protection": scheme.protection,
        "lock_version": scheme.lock_version,
        "budgets-TOTAL_FORMS": "0",
        "budgets-INITIAL_FORMS": "0",
        "budgets-MIN_NUM_FORMS": "0",
        "budgets-MAX_NUM_FORMS": "1000",
    }
    return data | fields


def test_every_part_2_field_of_a_scheme_is_edited_in_its_form(client_for, officer, plan, catalogue):
    scheme = plan.schemes.get(name="Assistive technology")
    url = reverse("schemes:scheme_edit", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    page = client_for(officer).get(url).content.decode()
    assert "Integrated care" in page and "Later type" not in page  # the plan's year only
    fields = {
        "reference": "BCF07",
        "description": "Telecare for people living alone.",
        "scheme_type": catalogue["kind"].pk,
        "sub_type": catalogue["sub"].pk,
        "area_of_spend": catalogue["area"].pk,
        "commissioner": "joint",
        "nhs_share_percent": "40",
        "provider": "Leicestershire County Council",
        "source_of_funding": "CCG minimum contribution",
        "no_metric_reason": "Supports carers; no national metric applies.",
    }
    response = client_for(officer).post(url, _scheme_form(scheme, **fields))
    assert response.status_code == 302
    scheme = Scheme.objects.get(pk=scheme.pk)
    assert (scheme.reference, scheme.scheme_type, scheme.sub_type, scheme.area_of_spend) == (
        "BCF07",
        catalogue["kind"],
        catalogue["sub"],
        catalogue["area"],
    )
    assert (scheme.commissioner, scheme.nhs_share_percent, scheme.provider) == (
        "joint",
        40,
        "Leicestershire County Council",
    )
    detail = client_for(officer).get(
        reverse("schemes:scheme_detail", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    )
    assert "Integrated care: Care planning" in detail.content.decode()


def test_a_sub_type_must_belong_to_the_scheme_type(client_for, officer, plan, catalogue):
    scheme = plan.schemes.first()
    url = reverse("schemes:scheme_edit", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    data = _scheme_form(
        scheme, scheme_type=catalogue["kind"].pk, sub_type=catalogue["other_sub"].pk
    )
    response = client_for(officer).post(url, data)
    assert "Choose a sub type of the scheme type chosen." in response.content.decode()
    options = client_for(officer).get(
        reverse("schemes:sub_type_options", kwargs={"pk": plan.pk}),
        {"scheme_type": catalogue["kind"].pk},
    )
    assert "Care planning" in options.content.decode()
    assert "Respite" not in options.content.decode()


def test_the_scheme_form_refuses_a_budget_changed_meanwhile_in_the_grid(
    client_for, officer, finance, plan
):
    scheme = plan.schemes.get(name="Local area coordination")
    url = reverse("schemes:scheme_edit", kwargs={"pk": plan.pk, "scheme_pk": scheme.pk})
    form = client_for(officer).get(url).context["formset"]
    data = _scheme_form(scheme)
    data["budgets-TOTAL_FORMS"] = str(len(form.forms))
    for index, budget_form in enumerate(form.forms):
        for name in ("year", "amount", "was"):
            value = budget_form.initial.get(name)
            data[f"budgets-{index}-{name}"] = "" if value is None else str(value)
    services.budget_grid_save(
        plan=plan, cells={(scheme.pk, 2014): (scheme.budgets.get(year=2014).amount, 1)}
    )
    data["budgets-0-amount"] = "£999"
    response = client_for(officer).post(url, data)
    assert "someone else changed this to £1" in response.content.decode()
    assert scheme.budgets.get(year=2014).amount == 1
