"""The administration site writes through the owning app's services, as the pages do: the
same checks, history naming the administrator, nothing saved by Django's generic save."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.urls import reverse
from simple_history.admin import SimpleHistoryAdmin

from fixtures.packs import packs_load
from plans.admin import HistoryAdmin, ServiceAdmin, ServiceRefused
from plans.models import (
    Area,
    Membership,
    NarrativeSection,
    NationalCondition,
    Organisation,
    Plan,
    SignOff,
)
from plans.services import sign_off_add
from schemes.models import Theme
from tests.cycle import agree_plan

pytestmark = pytest.mark.django_db


def _post(client, name: str, args: list, data: dict, *, follow: bool = False):
    return client.post(reverse(f"admin:{name}", args=args), data, follow=follow)


OUR_APPS = {
    "auth",  # Django's users and groups, whose admins accounts/admin.py replaces
    "frameworks",
    "plans",
    "accounts",
    "metrics",
    "schemes",
    "risks",
    "governance",
    "submissions",
}


def _generic_writes(site: admin.AdminSite, request) -> list[str]:
    """The admins of our apps on `site` that would write through Django's generic save or
    delete: each is a ServiceAdmin (a HistoryAdmin for a model with history) that is
    read-only or says in `save_by_service` and `delete_by_service` how it writes what it
    may. The policy framework (below the plans app, so no ServiceAdmin) saves and deletes
    through its own overrides."""
    found = []
    for model, model_admin in site._registry.items():
        if model._meta.app_label not in OUR_APPS:
            continue
        kind, name = type(model_admin), model.__name__
        saves = model_admin.has_add_permission(request) or model_admin.has_change_permission(
            request
        )
        deletes = model_admin.has_delete_permission(request)
        if model._meta.app_label == "frameworks":
            generic = {"save_model": saves, "save_related": saves, "delete_model": deletes}
            for method, allowed in generic.items():
                generic_ones = (
                    getattr(admin.ModelAdmin, method),
                    getattr(SimpleHistoryAdmin, method),
                )
                if allowed and getattr(kind, method) in generic_ones:
                    found.append(f"{name}: Django's {method}")
            continue
        if hasattr(model, "history") and not isinstance(model_admin, HistoryAdmin):
            found.append(f"{name}: has history but is not a HistoryAdmin")
        if not isinstance(model_admin, ServiceAdmin):
            found.append(f"{name}: not a ServiceAdmin")
        elif saves and kind.save_by_service is ServiceAdmin.save_by_service:
            found.append(f"{name}: saves with no save_by_service")
        elif deletes and kind.delete_by_service is ServiceAdmin.delete_by_service:
            found.append(f"{name}: deletes with no delete_by_service")
    return found


@pytest.fixture
def admin_request(admin_user):
    request = RequestFactory().get("/admin/")
    request.user = admin_user
    return request


def test_every_admin_of_our_apps_writes_through_a_service_or_is_read_only(admin_request):
    assert {m._meta.app_label for m in admin.site._registry} >= OUR_APPS - {"risks", "governance"}
    assert _generic_writes(admin.site, admin_request) == []


def test_the_check_finds_an_admin_writing_through_django(admin_request):
    from accounts.models import ApiToken
    from frameworks.models import PolicyFramework

    class NoDeleteService(ServiceAdmin):
        def save_by_service(self, request, obj, form, change):
            pass

    site = admin.AdminSite(name="planted")
    site.register(Organisation)  # Django's ModelAdmin
    site.register(Area, ServiceAdmin)  # a model with history, no service named
    site.register(ApiToken, NoDeleteService)
    site.register(PolicyFramework, SimpleHistoryAdmin)
    assert _generic_writes(site, admin_request) == [
        "Organisation: not a ServiceAdmin",
        "Area: has history but is not a HistoryAdmin",
        "Area: saves with no save_by_service",
        "ApiToken: deletes with no delete_by_service",
        "PolicyFramework: Django's save_model",
        "PolicyFramework: Django's save_related",
        "PolicyFramework: Django's delete_model",
    ]


def test_a_theme_is_named_by_the_themes_service(plan, admin_user, client_for):
    """The service refuses a name another theme of the plan has in any case (the database
    only refuses the same letters), on the form with what was typed."""
    client = client_for(admin_user)
    theme = plan.themes.get(name="Unified prevention")
    change = ["schemes_theme_change", [theme.pk]]
    refused = _post(client, *change, {"name": "HOSPITAL DISCHARGE AND REABLEMENT"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "This plan already has a theme with this name." in page
    assert 'value="HOSPITAL DISCHARGE AND REABLEMENT"' in page
    assert _post(client, *change, {"name": "Prevention"}).status_code == 302
    theme.refresh_from_db()
    assert theme.name == "Prevention"
    assert theme.history.first().history_user == admin_user
    added = _post(client, "schemes_theme_add", [], {"plan": plan.pk, "name": "Added"})
    assert added.status_code == 302
    orders = list(plan.themes.order_by("order").values_list("name", flat=True))
    assert orders[-1] == "Added"  # after the last, as theme_create puts it


def test_a_theme_is_removed_by_the_themes_service(plan, admin_user, client_for):
    client = client_for(admin_user)
    with_schemes = plan.themes.get(name="Unified prevention")
    _post(client, "schemes_theme_delete", [with_schemes.pk], {"post": "yes"})
    assert Theme.objects.filter(pk=with_schemes.pk).exists()
    empty = plan.themes.get(name="Hospital discharge and reablement")
    assert _post(client, "schemes_theme_delete", [empty.pk], {"post": "yes"}).status_code == 302
    assert Theme.history.filter(id=empty.pk).first().history_user == admin_user


def test_a_refusal_of_a_delete_is_said_on_the_change_page(plan, admin_user, client_for):
    """What Django's own check does not see (here a theme given a scheme after the page
    asking to confirm was shown) the service refuses, and the page says why."""
    from schemes.admin import ThemeAdmin

    theme = plan.themes.get(name="Hospital discharge and reablement")
    request = RequestFactory().post("/")
    request.user = admin_user
    with pytest.raises(ServiceRefused, match="Move or delete this theme"):
        plan.schemes.update(theme=theme)
        ThemeAdmin(Theme, admin.site).delete_model(request, theme)
    assert Theme.objects.filter(pk=theme.pk).exists()


def test_sign_offs_go_through_the_sign_off_services(plan, admin_user, client_for):
    client = client_for(admin_user)
    data = {"on_behalf_of": "Council", "name": "Ms A. Smith", "position": "Chief Executive"}
    assert _post(client, "plans_signoff_add", [], {"plan": plan.pk, **data}).status_code == 302
    sign_off = SignOff.objects.get(plan=plan, name="Ms A. Smith")
    assert sign_off.history.first().history_user == admin_user
    url = ["plans_signoff_change", [sign_off.pk]]
    assert _post(client, *url, {**data, "position": "Director"}).status_code == 302
    sign_off.refresh_from_db()
    assert (sign_off.position, sign_off.lock_version) == ("Director", 2)  # versioned_update
    assert _post(client, "plans_signoff_delete", [sign_off.pk], {"post": "yes"}).status_code == 302
    assert not SignOff.objects.filter(pk=sign_off.pk).exists()
    assert SignOff.history.filter(id=sign_off.pk).first().history_user == admin_user


def test_a_sign_off_of_an_agreed_plan_does_not_change(plan, admin_user, client_for):
    sign_off = sign_off_add(
        plan=plan, on_behalf_of="Council", name="Ms A. Smith", position="CEO", signed_on=None
    )
    agree_plan(plan)
    data = {"on_behalf_of": "Council", "name": "Changed", "position": "CEO"}
    client = client_for(admin_user)
    assert _post(client, "plans_signoff_change", [sign_off.pk], data).status_code == 403
    sign_off.refresh_from_db()
    assert sign_off.name == "Ms A. Smith"


def test_a_narrative_section_goes_through_section_update(plan, admin_user, client_for):
    section = NarrativeSection.objects.filter(plan=plan).first()
    client = client_for(admin_user)
    assert client.get(reverse("admin:plans_narrativesection_add")).status_code == 403
    url = ["plans_narrativesection_change", [section.pk]]
    assert _post(client, *url, {"body": "Written in administration."}).status_code == 302
    section.refresh_from_db()
    assert (section.body, section.lock_version) == ("Written in administration.", 2)
    assert section.history.first().history_user == admin_user
    agree_plan(plan)
    assert _post(client, *url, {"body": "After agreement."}).status_code == 403
    section.refresh_from_db()
    assert section.body == "Written in administration."


def test_a_plan_is_made_by_plan_create_and_changed_by_plan_update(
    plan, area, admin_user, client_for
):
    client = client_for(admin_user)
    data = {
        "area": area.pk,
        "title": "Made in administration",
        "first_year": plan.first_year,
        "last_year": plan.last_year,
        "version_kind": plan.version_kind,
        "version_date": "2014-04-01",
    }
    assert _post(client, "plans_plan_add", [], data).status_code == 302
    made = Plan.objects.get(title="Made in administration")
    assert made.number == plan.number + 1  # numbered after the area's other versions
    created = made.history.last()
    assert (created.history_change_reason, created.history_user) == ("Plan created", admin_user)
    form = client.get(reverse("admin:plans_plan_change", args=[made.pk])).context["adminform"]
    values = {k: v for k, v in form.form.initial.items() if v is not None and k != "ccgs"}
    values["title"] = "Renamed in administration"
    assert _post(client, "plans_plan_change", [made.pk], values).status_code == 302
    made.refresh_from_db()
    assert (made.title, made.lock_version) == ("Renamed in administration", 2)
    assert made.history.first().history_user == admin_user
    assert client.get(reverse("admin:plans_plan_delete", args=[made.pk])).status_code == 403


def test_an_area_is_set_up_and_changed_with_its_history(area, admin_user, client_for):
    client = client_for(admin_user)
    data = {"name": "Rutland", "code": "E06000017", "region": "East Midlands"}
    assert _post(client, "plans_area_add", [], data).status_code == 302
    rutland = Area.objects.get(code="E06000017")
    assert rutland.history.first().history_user == admin_user
    change = {**data, "region": "Midlands"}
    assert _post(client, "plans_area_change", [rutland.pk], change).status_code == 302
    assert [h.region for h in rutland.history.all()] == ["Midlands", "East Midlands"]
    assert rutland.history.first().history_user == admin_user


def test_reference_data_is_saved_with_history_naming_the_administrator(admin_user, client_for):
    packs_load()
    condition = NationalCondition.objects.order_by("pk").first()
    client = client_for(admin_user)
    page = client.get(reverse("admin:plans_nationalcondition_change", args=[condition.pk]))
    form = page.context["adminform"].form
    values = {k: v for k, v in form.initial.items() if v is not None}
    values["title"] = "Retitled in administration"
    response = _post(client, "plans_nationalcondition_change", [condition.pk], values)
    assert response.status_code == 302
    record = condition.history.first()
    assert (record.title, record.history_user) == ("Retitled in administration", admin_user)
    assert record.history_change_reason == "Changed in administration"


def test_organisations_go_through_the_organisation_services(plan, admin_user, client_for):
    """A name another organisation has in any case is refused on the form with what was
    typed; the kind of a plan's partner stays; one an area or plan names is not removed."""
    from plans.services import area_partner_add, plan_update

    partner = area_partner_add(area=plan.area, name="Comhairle nan Eilean Siar", kind="la")
    plan_update(plan=plan, expected_version=None, local_authority=partner)
    client = client_for(admin_user)
    taken = partner.name.upper()
    refused = _post(client, "plans_organisation_add", [], {"name": taken, "kind": "other"})
    assert refused.status_code == 200
    page = refused.content.decode()
    assert "An organisation already has this name." in page
    assert f'value="{taken}"' in page
    data = {"name": "  Rutland Trust ", "short_name": "RT", "kind": "trust"}
    assert _post(client, "plans_organisation_add", [], data).status_code == 302
    made = Organisation.objects.get(name="Rutland Trust")  # trimmed, as area_partner_add
    change = ["plans_organisation_change", [made.pk]]
    assert _post(client, *change, {**data, "kind": "other"}).status_code == 302
    made.refresh_from_db()
    assert made.kind == "other"
    values = {"name": partner.name, "short_name": partner.short_name, "kind": "trust"}
    refused = _post(client, "plans_organisation_change", [partner.pk], values)
    assert "take it off the plan first" in refused.content.decode()
    partner.refresh_from_db()
    assert partner.kind == "la"
    _post(client, "plans_organisation_delete", [partner.pk], {"post": "yes"}, follow=True)
    assert Organisation.objects.filter(pk=partner.pk).exists()
    assert _post(client, "plans_organisation_delete", [made.pk], {"post": "yes"}).status_code == 302
    assert not Organisation.objects.filter(pk=made.pk).exists()


def test_memberships_are_added_and_removed_not_changed(area, admin_user, client_for, other_officer):
    client = client_for(admin_user)
    officer = other_officer
    data = {"user": officer.pk, "area": area.pk}
    assert _post(client, "plans_membership_add", [], data).status_code == 302
    membership = Membership.objects.get(user=officer, area=area)
    again = _post(client, "plans_membership_add", [], data)
    assert again.status_code == 200  # the form says the user is already a member
    assert Membership.objects.filter(user=officer, area=area).count() == 1
    assert _post(client, "plans_membership_change", [membership.pk], data).status_code == 403
    url = ["plans_membership_delete", [membership.pk]]
    assert _post(client, *url, {"post": "yes"}).status_code == 302
    assert not Membership.objects.filter(pk=membership.pk).exists()


def test_an_api_token_is_revoked_by_token_revoke(admin_user, client_for, officer):
    from accounts.models import ApiToken
    from accounts.services import token_create

    token, _ = token_create(user=officer, name="Nightly export")
    client = client_for(admin_user)
    url = ["accounts_apitoken_delete", [token.pk]]
    assert _post(client, *url, {"post": "yes"}).status_code == 302
    assert not ApiToken.objects.filter(pk=token.pk).exists()


def _form_data(html: bytes) -> dict:
    """The fields of the admin's change form as the page fills them."""
    from bs4 import BeautifulSoup

    from tests.form_data import form_data

    return form_data(
        BeautifulSoup(html, "html.parser").find("form", id=lambda i: i and i.endswith("_form"))
    )


def test_a_framework_and_its_deadlines_are_edited_through_the_frameworks_service(
    admin_user, client_for
):
    from frameworks.models import PolicyFramework

    packs_load()
    framework = PolicyFramework.objects.get(code="bcf-2025-26")
    client = client_for(admin_user)
    url = reverse("admin:frameworks_policyframework_change", args=[framework.pk])
    data = _form_data(client.get(url).content)
    data["name"] = "Better Care Fund 2025/26 (edited)"
    deadlines = int(data["deadlines-TOTAL_FORMS"])
    assert deadlines >= 1
    data["deadlines-0-note"] = "Checked against the planning requirements."
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    framework.refresh_from_db()
    assert framework.name == "Better Care Fund 2025/26 (edited)"
    assert framework.history.first().history_user == admin_user
    deadline = framework.deadlines.order_by("order").first()
    assert deadline.note == "Checked against the planning requirements."
    assert deadline.history.first().history_user == admin_user


def test_a_framework_plans_take_is_not_deleted(admin_user, client_for, plan):
    from django.core.exceptions import ValidationError

    from frameworks import services as framework_services

    packs_load()
    plan.refresh_from_db()
    assert plan.framework is not None
    with pytest.raises(ValidationError, match="Plans take the framework"):
        framework_services.framework_delete(framework=plan.framework, user=admin_user)


# Users and roles (accounts/admin.py) --------------------------------------------------------


def _user_form(user, **changes) -> dict:
    data = {
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": user.email,
        "is_active": "on" if user.is_active else "",
        "groups": [g.pk for g in user.groups.all()],
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v != ""}


def test_a_user_is_changed_through_the_users_services_with_their_checks(
    officer, admin_user, client_for
):
    from django.contrib.auth.models import Group

    client = client_for(admin_user)
    change = ["auth_user_change", [officer.pk]]
    areas = set(officer.area_memberships.values_list("area", flat=True))
    # a group that is no role of plans.permissions is refused, on the form
    stray = Group.objects.create(name="Not a role")
    refused = _post(client, *change, _user_form(officer, groups=[stray.pk]))
    assert refused.status_code == 200
    assert "Unknown role: Not a role." in refused.content.decode()
    assert not officer.groups.filter(name="Not a role").exists()
    finance = Group.objects.get_or_create(name="Finance lead")[0]
    saved = _post(
        client, *change, _user_form(officer, first_name="Olive", is_active="", groups=[finance.pk])
    )
    assert saved.status_code == 302
    officer.refresh_from_db()
    assert (officer.first_name, officer.is_active) == ("Olive", False)
    assert [g.name for g in officer.groups.all()] == ["Finance lead"]
    assert set(officer.area_memberships.values_list("area", flat=True)) == areas  # kept


def test_a_user_is_added_with_a_checked_password_and_never_deleted(officer, admin_user, client_for):
    from django.contrib.auth.models import User

    client = client_for(admin_user)
    password = "a long enough pass phrase 2014"
    added = _post(
        client,
        "auth_user_add",
        [],
        {
            "username": " newcomer ",
            "usable_password": "true",
            "password1": password,
            "password2": password,
        },
    )
    assert added.status_code == 302
    newcomer = User.objects.get(username="newcomer")  # user_create strips the name
    assert newcomer.check_password(password)
    assert client.get(reverse("admin:auth_user_delete", args=[officer.pk])).status_code == 403
    weak = _post(
        client,
        "auth_user_password_change",
        [officer.pk],
        {"usable_password": "true", "password1": "short", "password2": "short"},
    )
    assert weak.status_code == 200
    strong = "another long pass phrase 2015"
    changed = _post(
        client,
        "auth_user_password_change",
        [officer.pk],
        {"usable_password": "true", "password1": strong, "password2": strong},
    )
    assert changed.status_code == 302
    officer.refresh_from_db()
    assert officer.check_password(strong)


def test_the_roles_are_shown_never_written_in_the_administration_site(admin_user, client_for):
    client = client_for(admin_user)
    assert client.get(reverse("admin:auth_group_changelist")).status_code == 200
    assert client.get(reverse("admin:auth_group_add")).status_code == 403
