"""Partners and their contributions, sign-offs, setting up an area and starting a plan,
all in the browser's forms, through the services."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.urls import reverse

from fixtures.packs import packs_load
from frameworks import services as framework_services
from frameworks.models import PolicyFramework
from plans import permissions, services
from plans.models import Area, Contribution, Organisation, SignOff


def _partners(area):
    council = services.area_partner_add(
        area=area, name="Shire County Council", kind=Organisation.Kind.LOCAL_AUTHORITY
    )
    icb = services.area_partner_add(area=area, name="Shire ICB", kind=Organisation.Kind.ICB)
    return council, icb


def test_an_officer_chooses_the_plans_partners_from_the_areas(client_for, officer, plan):
    council, icb = _partners(plan.area)
    url = reverse("plans:partners_edit", kwargs={"pk": plan.pk})
    page = client_for(officer).get(url).content.decode()
    assert "Shire County Council" in page and "Shire ICB" in page
    data = {"local_authority": council.pk, "nhs_partners": [icb.pk], "lock_version": 1}
    assert client_for(officer).post(url, data).status_code == 302
    plan.refresh_from_db()
    assert plan.local_authority == council and list(plan.ccgs.all()) == [icb]
    detail = client_for(officer).get(reverse("plans:plan_detail", kwargs={"pk": plan.pk}))
    assert "Shire County Council" in detail.content.decode()
    # An integrated care board is not called a clinical commissioning group.
    assert ">Integrated care boards</dt>" in detail.content.decode()
    assert "Clinical commissioning groups" not in detail.content.decode()


@pytest.mark.parametrize(
    "kinds, heading",
    [
        ([], "NHS commissioners"),
        (["ccg", "ccg"], "Clinical commissioning groups"),
        (["icb"], "Integrated care boards"),
        (["ccg", "icb"], "Clinical commissioning groups and integrated care boards"),
    ],
)
def test_a_plans_nhs_commissioners_are_called_what_they_are(kinds, heading):
    organisations = [Organisation(name=f"NHS {i}", kind=kind) for i, kind in enumerate(kinds)]
    assert Organisation.commissioners_heading(organisations) == heading


def _contribution_cells(plan) -> dict:
    plan.refresh_from_db()
    data = {}
    partners = [plan.local_authority, *plan.ccgs.all()]
    for organisation in partners:
        for kind in Contribution.Kind.values:
            for year in plan.years:
                name = f"c-{organisation.pk}_{kind}-{year.start_year}"
                data[name] = data[f"{name}-was"] = ""
    return data


def test_finance_types_each_partners_contribution_per_year(client_for, finance, officer, plan):
    council, icb = _partners(plan.area)
    services.plan_partners_set(
        plan=plan, local_authority=council, nhs_partners=[icb], expected_version=None
    )
    url = reverse("plans:contributions", kwargs={"pk": plan.pk})
    data = _contribution_cells(plan)
    data[f"c-{icb.pk}_minimum-2014"] = "£15,000,000"
    data[f"c-{council.pk}_additional-2014"] = "3,251,000"
    assert client_for(finance).post(url, data).status_code == 302
    assert {(c.organisation, c.kind, c.amount) for c in plan.contributions.all()} == {
        (icb, "minimum", Decimal("15000000.00")),
        (council, "additional", Decimal("3251000.00")),
    }
    page = client_for(officer).get(url).content.decode()
    assert "£18,251,000" in page  # their total, beside the agreed pooled budget
    # A partner with contributions stays on the plan.
    refused = client_for(officer).post(
        reverse("plans:partners_edit", kwargs={"pk": plan.pk}),
        {"local_authority": council.pk, "lock_version": plan.lock_version + 1},
    )
    assert "still has contributions" in refused.content.decode()


def test_contributions_are_offered_by_the_funding_streams_of_the_plans_framework(
    client_for, finance, area
):
    """A 2025/26 plan's partners contribute under its framework's streams: the ICB the NHS
    minimum, the council the Local Authority Better Care Grant and the Disabled Facilities
    Grant, either of them discharge funding and additional contributions; a ring-fence is
    not a row of its own, and a partner is refused a stream it does not pay into."""
    packs_load()
    council, icb = _partners(area)
    plan = services.plan_create(
        area=area,
        title="Plan 2025/26",
        first_year=2025,
        last_year=2025,
        version_kind="draft",
        version_date=datetime.date(2025, 3, 1),
        local_authority=council,
        ccgs=[icb],
    )
    streams = {s.code: s for s in plan.framework.funding_streams.all()}
    url = reverse("plans:contributions", kwargs={"pk": plan.pk})
    page = client_for(finance).get(url).content.decode()
    for stream in streams.values():
        assert (f'name="c-{icb.pk}_{stream.code}-2025"' in page) == (
            stream.within_id is None and stream.kind not in ("la_grant", "dfg")
        ), stream.code
        assert (f'name="c-{council.pk}_{stream.code}-2025"' in page) == (
            stream.within_id is None and stream.kind != "nhs_minimum"
        ), stream.code
    data = {}
    for o, codes in ((icb, ("nhs-minimum", "additional")), (council, ("la-better-care-grant",))):
        for code in codes:
            data[f"c-{o.pk}_{code}-2025"] = data[f"c-{o.pk}_{code}-2025-was"] = ""
    data[f"c-{icb.pk}_nhs-minimum-2025"] = "£12,000,000"
    data[f"c-{council.pk}_la-better-care-grant-2025"] = "4,500,000"
    data[f"c-{icb.pk}_additional-2025"] = "250,000"
    assert client_for(finance).post(url, data).status_code == 302
    assert {
        (c.organisation, c.stream.code, c.kind, c.amount) for c in plan.contributions.all()
    } == {
        (icb, "nhs-minimum", "minimum", Decimal("12000000.00")),
        (council, "la-better-care-grant", "minimum", Decimal("4500000.00")),
        (icb, "additional", "additional", Decimal("250000.00")),
    }
    page = client_for(finance).get(url).content.decode()
    assert "Local Authority Better Care Grant" in page and "£16,750,000" in page
    with pytest.raises(ValidationError, match="does not pay into"):
        services.contributions_save(plan=plan, cells={(icb.pk, "dfg", 2025): (None, Decimal("1"))})


def test_a_contribution_changed_meanwhile_is_refused(client_for, finance, officer, plan):
    council, icb = _partners(plan.area)
    services.plan_partners_set(
        plan=plan, local_authority=council, nhs_partners=[icb], expected_version=None
    )
    url = reverse("plans:contributions", kwargs={"pk": plan.pk})
    mine, theirs = _contribution_cells(plan), _contribution_cells(plan)
    key = f"c-{icb.pk}_minimum-2014"
    theirs[key] = "£1"
    mine[key] = "£2"
    assert client_for(officer).post(url, theirs).status_code == 302
    response = client_for(finance).post(url, mine)
    assert "Someone else changed this to £1" in response.content.decode()
    assert plan.contributions.get().amount == 1


def test_sign_offs_are_added_reordered_changed_and_removed(client_for, officer, admin_user, plan):
    client = client_for(officer)
    url = reverse("plans:sign_off_list", kwargs={"pk": plan.pk})
    for name in ("Cllr Margaret Holt", "Dr Anil Mistry"):
        data = {
            "action": "add",
            "on_behalf_of": "Health and Wellbeing Board",
            "name": name,
            "position": "Chair",
            "signed_on": "03/04/2014",
        }
        assert client.post(url, data).status_code == 302
    second = SignOff.objects.get(name="Dr Anil Mistry")
    assert second.signed_on == datetime.date(2014, 4, 3)
    client.post(url, {"action": "up", "sign_off": second.pk})
    assert list(plan.sign_offs.order_by("order").values_list("name", flat=True))[0] == (
        "Dr Anil Mistry"
    )
    edit = reverse("plans:sign_off_edit", kwargs={"pk": plan.pk, "sign_off_pk": second.pk})
    second.refresh_from_db()
    stale = {
        "on_behalf_of": "West Leicestershire CCG",
        "name": "Dr Anil Mistry",
        "position": "Chief Officer",
        "lock_version": second.lock_version,
    }
    assert client_for(admin_user).post(edit, stale).status_code == 302
    assert "Someone else saved this record" in client.post(edit, stale).content.decode()
    second.refresh_from_db()
    response = client.post(edit, {"remove": "", "lock_version": second.lock_version})
    assert response.status_code == 302
    assert list(plan.sign_offs.values_list("name", flat=True)) == ["Cllr Margaret Holt"]


def test_an_administrator_sets_up_an_area_its_partners_and_users(client_for, admin_user):
    client = client_for(admin_user)
    response = client.post(
        reverse("plans:area_list"), {"name": "Shireton", "code": "E06000099", "region": "North"}
    )
    area = Area.objects.get(name="Shireton")
    assert response["Location"] == reverse("plans:area_detail", kwargs={"area_pk": area.pk})
    detail = reverse("plans:area_detail", kwargs={"area_pk": area.pk})
    client.post(detail, {"action": "add", "name": "Shireton Council", "kind": "la"})
    client.post(detail, {"action": "add", "name": "Shireton ICB", "kind": "icb"})
    assert sorted(area.partners.values_list("name", flat=True)) == [
        "Shireton Council",
        "Shireton ICB",
    ]
    weak = {
        "username": "s.officer",
        "first_name": "Sam",
        "last_name": "Officer",
        "password": "password",
        "roles": [permissions.OFFICER],
    }
    add = reverse("plans:area_user_add", kwargs={"area_pk": area.pk})
    assert "This password is too common." in client.post(add, weak).content.decode()
    assert client.post(add, {**weak, "password": "a long, uncommon phrase"}).status_code == 302
    user = get_user_model().objects.get(username="s.officer")
    assert permissions.roles_of(user) == {permissions.OFFICER}
    assert permissions.area_ids_of(user) == {area.pk}
    assert user.check_password("a long, uncommon phrase")


def test_only_administrators_set_up_areas(client_for, officer, plan):
    assert client_for(officer).get(reverse("plans:area_list")).status_code == 403
    response = client_for(officer).post(reverse("plans:area_list"), {"name": "X", "code": "Y"})
    assert response.status_code == 403 and not Area.objects.filter(name="X").exists()


def test_a_new_plan_takes_the_narrative_headings_of_its_framework(officer, area):
    """A 2025/26 plan is written under the 2025/26 framework's headings, with what the
    framework asks under each; a plan of years no framework covers has none until one is
    loaded for them, when it takes that framework's."""
    packs_load()
    plan = services.plan_create(
        area=area,
        title="Plan 2025/26",
        first_year=2025,
        last_year=2025,
        version_kind="draft",
        version_date=datetime.date(2025, 3, 1),
        user=officer,
    )
    framework = PolicyFramework.objects.get(code="bcf-2025-26")
    assert plan.framework == framework
    expected = [(h.key, h.title, h.guidance) for h in framework.narrative_headings.all()]
    assert [(s.key, s.title, s.guidance) for s in plan.sections.all()] == expected
    assert expected and all(guidance for _, _, guidance in expected)
    assert "Vision for health and care services" not in {title for _, title, _ in expected}

    uncovered = services.plan_create(
        area=area,
        title="Plan of a year no framework covers",
        first_year=2090,
        last_year=2090,
        version_kind="draft",
        version_date=datetime.date(2090, 3, 1),
    )
    assert uncovered.framework is None and uncovered.sections.count() == 0
    later = framework_services.framework_set(
        code="later", name="Later", first_year=2090, last_year=2090, source_title="Invented"
    )
    services.framework_headings_set(
        framework=later, headings=[services.HeadingSpec(key="why", title="Why")]
    )
    services.plans_attach_framework(framework=later)
    assert [s.title for s in uncovered.sections.all()] == ["Why"]


def test_an_officer_starts_a_plan_in_their_area(client_for, officer, area, other_area):
    packs_load()
    url = reverse("plans:plan_create")
    page = client_for(officer).get(url).content.decode()
    assert area.name in page and other_area.name not in page
    data = {
        "area": area.pk,
        "title": "Better Care Fund plan 2016/17",
        "first_year": "2016/17",
        "last_year": "2016/17",
        "version_kind": "draft",
    }
    response = client_for(officer).post(url, data)
    plan = area.plans.get()
    assert response["Location"] == reverse("submissions:checklist", kwargs={"pk": plan.pk})
    assert (plan.first_year, plan.last_year) == (2016, 2016)
    # Its narrative headings are its framework's, in the framework's order and words.
    headings = plan.framework.narrative_headings.all()
    assert [(s.key, s.title) for s in plan.sections.all()] == [(h.key, h.title) for h in headings]
    assert len(headings) > 0
    refused = client_for(officer).post(url, {**data, "area": other_area.pk})
    assert refused.status_code == 200 and other_area.plans.count() == 0
