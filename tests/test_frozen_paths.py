"""Agreed plans stay agreed, approved returns stay approved, on every path (issue 13,
point 4; issue 19, point 4): the forms, the imports, the admin, the services that tasks and
imports call, and the API refuse to change what an agreed plan version contains, each with
the same refusal (plans.permissions.Frozen) and a way to start a new draft version instead.
What an agreed plan still takes (actuals, quarterly spend, national conditions' quarterly
status, risks, funds: plans.permissions.ALLOWED_ON_FROZEN) stays open.
"""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from metrics import services as metric_services
from metrics.models import Actual, Baseline, MetricDefinition, TrajectoryPoint
from plans import permissions
from plans import services as plan_services
from plans.imports import Target, import_apply
from plans.models import NarrativeSection, Plan, PlanYear, SignOff
from plans.permissions import Frozen, frozen_owner
from risks.models import RiskRegister
from schemes import services as scheme_services
from schemes.imports import SchemeImport
from schemes.models import Scheme, SchemeBudget, Theme
from submissions import services
from submissions.documents.part2 import part2_workbook
from submissions.documents.services import part2_import, plan_roll_forward
from submissions.jobs import job_start
from submissions.models import Job, QuarterlyReturn
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR, add_quarter_data
from tests.cycle import agree_plan
from tests.factories import PlanFactory


def _import(importer, plan, content: bytes):
    """An import through its service, as confirming its preview does."""
    target = Target(plan=plan, back_url="", done_url="")
    shown = importer.preview(target, content, "csv")
    return import_apply(
        importer=importer,
        target=target,
        content=content,
        extension="csv",
        fingerprint=shown.fingerprint(),
        user=None,
    )


def content_of(plan: Plan) -> tuple:
    """What an agreed plan version holds, to show that a refused path changed none of it."""
    plan = Plan.objects.get(pk=plan.pk)
    return (
        (plan.title, plan.boundary_differences, plan.dates_agreed, plan.status),
        sorted(NarrativeSection.objects.filter(plan=plan).values_list("key", "body")),
        sorted(
            PlanYear.objects.filter(plan=plan).values_list(
                "year", "minimum_required", "agreed_total"
            )
        ),
        sorted(SignOff.objects.filter(plan=plan).values_list("name", "position")),
        sorted(Theme.objects.filter(plan=plan).values_list("pk", "name")),
        sorted(Scheme.objects.filter(plan=plan).values_list("pk", "name", "theme_id")),
        sorted(
            SchemeBudget.objects.filter(scheme__plan=plan).values_list(
                "scheme_id", "year", "amount"
            )
        ),
        sorted(Baseline.objects.filter(plan=plan).values_list("metric_id", "value")),
        sorted(TrajectoryPoint.objects.filter(plan=plan).values_list("metric_id", "end", "value")),
    )


@pytest.fixture
def agreed(plan):
    return agree_plan(plan)


def _refused_with_a_way_forward(response, plan) -> None:
    assert response.status_code == 403
    page = response.content.decode()
    assert "data-frozen-refusal" in page
    assert plan.version_label in page
    assert reverse("submissions:version_list", args=[plan.pk]) in page


# The forms -------------------------------------------------------------------------------


def _scheme(plan):
    return plan.schemes.order_by("pk").first()


def _metric(plan):
    return _scheme(plan).metrics.order_by("pk").first()


def _target(plan):
    return TrajectoryPoint.objects.filter(plan=plan).first()


# Each page that changes what a plan version holds, with a POST that would change it.
CONTENT_PAGES = {
    "plans:plan_edit": (
        lambda plan: {"pk": plan.pk},
        lambda plan: {"title": "Renamed", "lock_version": plan.lock_version},
    ),
    "plans:section_edit": (
        lambda plan: {"pk": plan.pk, "key": "vision"},
        lambda plan: {"body": "Rewritten", "lock_version": 1},
    ),
    "schemes:scheme_create": (
        lambda plan: {"pk": plan.pk},
        lambda plan: {"name": "Added after agreement", "theme": plan.themes.first().pk},
    ),
    "schemes:scheme_edit": (
        lambda plan: {"pk": plan.pk, "scheme_pk": _scheme(plan).pk},
        lambda plan: {"name": "Renamed", "lock_version": _scheme(plan).lock_version},
    ),
    "schemes:scheme_delete": (
        lambda plan: {"pk": plan.pk, "scheme_pk": _scheme(plan).pk},
        lambda plan: {"lock_version": _scheme(plan).lock_version},
    ),
    "schemes:scheme_import": (lambda plan: {"pk": plan.pk}, lambda plan: {}),
    "submissions:workbook_import": (lambda plan: {"pk": plan.pk}, lambda plan: {}),
    "metrics:baseline_edit": (
        lambda plan: {"pk": plan.pk, "code": _metric(plan).code},
        lambda plan: {"value": "1", "granularity": "year"},
    ),
    "metrics:target_create": (
        lambda plan: {"pk": plan.pk, "code": _metric(plan).code},
        lambda plan: {"value": "1", "granularity": "year"},
    ),
    "metrics:target_edit": (
        lambda plan: {"pk": plan.pk, "code": _metric(plan).code, "target_pk": _target(plan).pk},
        lambda plan: {"value": "1", "granularity": "year"},
    ),
}


@pytest.fixture
def agreed_with_target(plan):
    metric_services.target_create(
        plan=plan,
        metric=_metric(plan),
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("10"),
    )
    return agree_plan(plan)


@pytest.mark.parametrize("name", sorted(CONTENT_PAGES))
@pytest.mark.parametrize("role", ["officer", "finance", "admin_user"])
def test_every_page_that_changes_a_plan_refuses_an_agreed_one_and_offers_a_new_version(
    request, agreed_with_target, client_for, name, role
):
    plan = agreed_with_target
    kwargs, data = CONTENT_PAGES[name]
    client = client_for(request.getfixturevalue(role))
    url = reverse(name, kwargs=kwargs(plan))
    if not permissions.can_in_area(request.getfixturevalue(role), _action_of(name), plan.area_id):
        assert client.get(url).status_code == 403  # the role may not anyway
        return
    before = content_of(plan)
    _refused_with_a_way_forward(client.get(url), plan)
    upload = SimpleUploadedFile("plan.xlsx", part2_workbook(plan))
    posted = data(plan) | ({"file": upload} if name.endswith("import") else {})
    _refused_with_a_way_forward(client.post(url, posted), plan)
    assert content_of(plan) == before


def _action_of(name: str) -> str:
    if name.startswith("plans:"):
        return permissions.EDIT_PLAN
    if name.startswith("metrics:"):
        return permissions.EDIT_METRICS
    return permissions.EDIT_SCHEMES


def test_the_plan_page_says_the_version_is_agreed_and_offers_no_edit(agreed, officer, client_for):
    page = client_for(officer).get(reverse("plans:plan_detail", args=[agreed.pk])).content.decode()
    assert "data-frozen-notice" in page
    assert agreed.version_label in page
    assert agreed.version_label.startswith("Final 1, agreed by the HWB Board on 1 April 2014")
    assert reverse("plans:plan_edit", args=[agreed.pk]) not in page
    schemes = client_for(officer).get(reverse("schemes:scheme_list", args=[agreed.pk]))
    assert reverse("schemes:scheme_create", args=[agreed.pk]) not in schemes.content.decode()
    assert agreed.version_label in schemes.content.decode()  # every page of the plan says so


def test_only_those_who_write_the_plan_are_offered_a_new_version(
    agreed, officer, finance, executive, assurer, client_for
):
    """An agreed version's notices offer "start a new draft version" to whom may start one
    (permissions.can_start_version); the others read that it no longer changes, no link."""
    versions = reverse("submissions:version_list", args=[agreed.pk])
    for user, offered in ((officer, True), (finance, False), (executive, False), (assurer, False)):
        assert permissions.can_start_version(user, agreed) is offered
        for name in ("plans:plan_detail", "schemes:scheme_list"):
            page = client_for(user).get(reverse(name, args=[agreed.pk])).content.decode()
            assert "no longer changes" in page, (user, name)
            assert (f'href="{versions}">start a new draft version' in page) is offered, (user, name)


# The services (what imports, tasks and the admin call) -----------------------------------


def _budgets(plan):
    return {2014: Decimal("1.00")}


SERVICE_CALLS = {
    "plan_update": lambda plan: plan_services.plan_update(
        plan=plan, expected_version=None, title="Renamed"
    ),
    "plan_year_set": lambda plan: plan_services.plan_year_set(
        plan=plan, year=2014, minimum_required=Decimal(1), agreed_total=Decimal(2)
    ),
    "sign_off_add": lambda plan: plan_services.sign_off_add(
        plan=plan, on_behalf_of="Council", name="A Person", position="Chief", signed_on=None
    ),
    "section_update": lambda plan: plan_services.section_update(
        section=plan.sections.get(key="vision"), body="Rewritten", expected_version=None
    ),
    "theme_create": lambda plan: scheme_services.theme_create(plan=plan, name="New theme"),
    "scheme_create": lambda plan: scheme_services.scheme_create(
        plan=plan, theme=plan.themes.first(), name="New", status=Scheme.Status.NEW
    ),
    "scheme_update": lambda plan: scheme_services.scheme_update(
        scheme=_scheme(plan), expected_version=None, budgets=_budgets(plan)
    ),
    "scheme_delete": lambda plan: scheme_services.scheme_delete(scheme=_scheme(plan)),
    "schemes import": lambda plan: _import(SchemeImport(), plan, b"Scheme,Theme,New or existing\n"),
    "part2_import": lambda plan: part2_import(plan=plan, content=part2_workbook(plan)),
    "baseline_set": lambda plan: metric_services.baseline_set(
        plan=plan,
        metric=_metric(plan),
        granularity="year",
        start=datetime.date(2013, 4, 1),
        end=datetime.date(2014, 3, 31),
        value=Decimal(1),
    ),
    "target_create": lambda plan: metric_services.target_create(
        plan=plan,
        metric=_metric(plan),
        granularity="year",
        start=datetime.date(2015, 4, 1),
        end=datetime.date(2016, 3, 31),
        value=Decimal(1),
    ),
    "target_update": lambda plan: metric_services.target_update(
        point=_target(plan),
        expected_version=None,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal(2),
    ),
}


@pytest.mark.parametrize("name", sorted(SERVICE_CALLS))
def test_every_service_that_writes_plan_content_refuses_an_agreed_plan(agreed_with_target, name):
    before = content_of(agreed_with_target)
    with pytest.raises(Frozen) as refusal:
        SERVICE_CALLS[name](agreed_with_target)
    assert refusal.value.owner == agreed_with_target
    assert "start a new draft version" in refusal.value.message
    assert content_of(agreed_with_target) == before


@pytest.mark.parametrize("name", sorted(SERVICE_CALLS))
def test_the_same_services_change_a_draft(plan, name):
    metric_services.target_create(
        plan=plan,
        metric=_metric(plan),
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("10"),
    )
    SERVICE_CALLS[name](plan)  # the refusal above is the plan's state, not the call


def test_a_scheme_cannot_be_moved_into_an_agreed_plan_by_its_theme(plan, agreed_other):
    scheme = _scheme(plan)
    with pytest.raises(Frozen):
        scheme_services.scheme_update(
            scheme=scheme, expected_version=None, theme=agreed_other.themes.first()
        )
    scheme.refresh_from_db()
    assert scheme.theme.plan_id == plan.pk


@pytest.fixture
def agreed_other(area):
    other = PlanFactory(area=area, title="Another version", version_kind="final")
    scheme_services.theme_create(plan=other, name="Theme of the agreed version")
    return agree_plan(other, on=datetime.date(2014, 5, 1))


def test_what_an_agreed_plan_still_takes_stays_open(plan, officer, client_for):
    """Actuals, quarterly spend, national conditions, risks and funds: recorded after
    agreement against the plan, not part of what was agreed."""
    add_quarter_data(plan)  # its targets are content: in before agreement
    agreed = agree_plan(plan)
    metric = _metric(agreed)
    actual = metric_services.actual_create(
        plan=agreed,
        metric=metric,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal(9),
    )
    assert frozen_owner(actual) is None
    scheme_services.quarter_spend_set(
        plan=agreed, year=2015, quarter=3, rows={_scheme(agreed).pk: (Decimal(5), Decimal(4))}
    )
    for name, kwargs in (
        ("schemes:spend_edit", {"pk": agreed.pk, "year": 2015, "quarter": 2}),
        ("plans:condition_edit", {"pk": agreed.pk, "year": 2015, "quarter": 2}),
        ("metrics:actual_create", {"pk": agreed.pk, "code": metric.code}),
    ):
        assert client_for(officer).get(reverse(name, kwargs=kwargs)).status_code == 200, name


# The admin ---------------------------------------------------------------------------------


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


def test_admin_refuses_to_change_or_delete_a_scheme_of_an_agreed_plan(plan, admin_user, client_for):
    scheme = _scheme(plan)
    client = client_for(admin_user)
    change = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    model_admin = admin.site._registry[Scheme]
    assert model_admin.has_change_permission(_admin_request(admin_user), scheme)  # a draft plan
    agree_plan(plan)
    page = client.get(change)
    assert page.status_code == 200  # still readable
    assert 'name="_save"' not in page.content.decode()
    refused = client.post(change, {"name": "Renamed after agreement", "plan": plan.pk})
    assert refused.status_code == 403
    delete = reverse("admin:schemes_scheme_delete", args=[scheme.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    scheme.refresh_from_db()
    assert scheme.name == "Local area coordination"
    # Nor the plan itself, its years or a scheme's budget.
    assert client.post(reverse("admin:plans_plan_change", args=[plan.pk]), {}).status_code == 403
    budget = SchemeBudget.objects.filter(scheme=scheme).first()
    url = reverse("admin:schemes_schemebudget_change", args=[budget.pk])
    assert client.post(url, {"amount": "1"}).status_code == 403
    year = plan.plan_years.first()
    url = reverse("admin:plans_planyear_delete", args=[year.pk])
    assert client.post(url, {"post": "yes"}).status_code == 403
    assert plan.plan_years.filter(pk=year.pk).exists()


def _add(client, model: str, data: dict):
    return client.post(reverse(f"admin:{model}_add"), data)


def test_admin_refuses_to_add_a_scheme_budget_sign_off_or_theme_to_an_agreed_plan(
    agreed, admin_user, client_for
):
    """The issue's case: an administrator added a scheme, a £999,999 budget, a sign-off and
    a theme to a submitted plan. Each add form now says why and saves nothing."""
    client = client_for(admin_user)
    before = content_of(agreed)
    scheme = _scheme(agreed)
    attempts = {
        "schemes_scheme": {
            "plan": agreed.pk,
            "theme": agreed.themes.first().pk,
            "name": "Added in administration",
            "status": Scheme.Status.NEW,
            "protection": Scheme.Protection.NONE,
            "order": 9,
            "nhs_share_percent": "",
        },
        "schemes_schemebudget": {"scheme": scheme.pk, "year": 2015, "amount": "999999"},
        "plans_signoff": {
            "plan": agreed.pk,
            "on_behalf_of": "Council",
            "name": "Added",
            "position": "Chief Executive",
            "order": 5,
        },
        "schemes_theme": {"plan": agreed.pk, "name": "Added theme", "order": 9},
    }
    for model, data in attempts.items():
        response = _add(client, model, data)
        assert response.status_code == 200, model  # the form again, with the refusal on it
        assert "no longer changes" in response.content.decode(), model
    assert content_of(agreed) == before
    assert not SchemeBudget.objects.filter(amount=Decimal("999999")).exists()


def test_admin_refuses_to_move_a_scheme_into_an_agreed_plan(
    plan, agreed_other, admin_user, client_for
):
    scheme = _scheme(plan)
    client = client_for(admin_user)
    change = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    form = client.get(change).context["adminform"].form
    data = {name: value for name, value in form.initial.items() if value is not None}
    data |= {
        "plan": agreed_other.pk,
        "theme": agreed_other.themes.first().pk,
        "metrics": [m.pk for m in scheme.metrics.all()],
    }
    data = {k: v for k, v in data.items() if not isinstance(v, list) or v}
    response = client.post(change, data)
    assert response.status_code == 200
    assert "no longer changes" in response.content.decode()
    scheme.refresh_from_db()
    assert scheme.plan_id == plan.pk


def test_admin_delete_selected_refuses_when_any_record_is_frozen(
    agreed, plan_b, admin_user, client_for
):
    client = client_for(admin_user)
    themes = [agreed.themes.first().pk, plan_b.themes.first().pk]
    response = client.post(
        reverse("admin:schemes_theme_changelist"),
        {"action": "delete_selected", "_selected_action": themes, "post": "yes"},
    )
    # Django's confirmation names what may not be deleted, and deletes nothing.
    assert response.status_code == 200
    assert "Cannot delete themes" in response.content.decode()
    assert Theme.objects.filter(pk__in=themes).count() == 2  # neither was deleted
    # The admin's bulk delete itself refuses too, if reached another way.
    model_admin = admin.site._registry[Theme]
    with pytest.raises(Frozen):
        model_admin.delete_queryset(_admin_request(admin_user), Theme.objects.filter(pk__in=themes))
    assert Theme.objects.filter(pk__in=themes).count() == 2


@pytest.fixture
def plan_b(area):
    other = PlanFactory(area=area, title="A draft beside it")
    scheme_services.theme_create(plan=other, name="Empty theme")
    return other


def test_frozen_owner_finds_the_plan_or_return_through_known_keys(plan, approved_return):
    scheme = _scheme(plan)
    budget = SchemeBudget.objects.filter(scheme=scheme).first()
    assert frozen_owner(scheme) is None  # a draft plan
    agree_plan(plan)
    scheme.refresh_from_db()
    budget = SchemeBudget.objects.get(pk=budget.pk)
    assert frozen_owner(scheme) == plan
    assert frozen_owner(budget) == plan  # budget → scheme → plan
    assert frozen_owner(scheme.theme) == plan
    assert frozen_owner(Plan.objects.get(pk=plan.pk)) == plan
    # What a frozen plan still takes: actuals, risks, funds and their releases.
    assert frozen_owner(Actual.objects.filter(plan=plan).first()) is None
    fund = plan.funds.first()
    assert frozen_owner(fund) is None
    assert frozen_owner(fund.releases.first()) is None
    risk = RiskRegister.objects.get(plan=plan).risks.first()
    assert frozen_owner(risk) is None
    # A return follows its own state, not its plan's.
    assert frozen_owner(approved_return) == approved_return
    draft = QuarterlyReturn(plan=plan, year=RETURN_YEAR, quarter=1, version=1)
    assert frozen_owner(draft) is None
    # A new record is caught by what it would belong to.
    assert frozen_owner(Scheme(plan=plan, theme=scheme.theme, name="x")) == plan
    assert frozen_owner(MetricDefinition(code="x")) is None  # reference data, of no plan


# Tasks: the roll-forward makes a new draft; nothing else changes the agreed version --------


def test_rolling_an_agreed_plan_forward_makes_an_editable_draft_and_leaves_it(agreed, officer):
    before = content_of(agreed)
    new = plan_roll_forward(
        plan=agreed, version_kind="final", version_date=datetime.date(2014, 6, 1), user=officer
    )
    assert new.status == Plan.Status.DRAFT
    assert new.number == agreed.number + 1
    assert new.version_label == "Final 2, not yet agreed"
    scheme_services.scheme_update(
        scheme=new.schemes.order_by("pk").first(), expected_version=None, name="Changed"
    )
    assert content_of(agreed) == before


# Approved returns --------------------------------------------------------------------------


@pytest.fixture
def approved_return(plan, officer, django_capture_on_commit_callbacks):
    add_quarter_data(plan)
    with django_capture_on_commit_callbacks(execute=True):
        ret, _ = services.return_start(
            plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER, user=officer
        )
    ret.refresh_from_db()
    assert ret.checksum
    QuarterlyReturn.objects.filter(pk=ret.pk).update(  # as a governance approval does
        status=QuarterlyReturn.Status.APPROVED, approved_on=datetime.date(2015, 11, 1)
    )
    ret.refresh_from_db()
    return ret


def test_admin_shows_returns_read_only_and_refuses_to_change_an_approved_one(
    approved_return, admin_user, client_for
):
    client = client_for(admin_user)
    change = reverse("admin:submissions_quarterlyreturn_change", args=[approved_return.pk])
    assert client.get(change).status_code == 200
    refused = client.post(change, {"highlights": "Rewritten after approval", "checksum": "0"})
    assert refused.status_code == 403
    delete = reverse("admin:submissions_quarterlyreturn_delete", args=[approved_return.pk])
    assert client.post(delete, {"post": "yes"}).status_code == 403
    before = approved_return.checksum
    approved_return.refresh_from_db()
    assert (approved_return.checksum, approved_return.highlights) == (before, "")
    assert approved_return.status == QuarterlyReturn.Status.APPROVED


def test_preparing_an_approved_return_is_refused_on_every_path(
    approved_return, officer, client_for, django_capture_on_commit_callbacks
):
    before = (approved_return.checksum, approved_return.snapshot)
    # The service that queues it refuses …
    with pytest.raises(services.ReturnFrozen):
        services.return_prepare_start(ret=approved_return, user=officer)
    # … the page says why and queues nothing …
    client = client_for(officer)
    url = reverse("submissions:return_prepare", args=[approved_return.pk])
    response = client.post(url, follow=True)
    assert response.status_code == 200
    assert "approved and cannot change" in response.content.decode()
    assert not Job.objects.filter(state=Job.State.PENDING).exists()
    # … and a job queued anyway (before the approval, say) fails saying why.
    with django_capture_on_commit_callbacks(execute=True):
        job = job_start(
            kind=services.PREPARE,
            area=approved_return.plan.area,
            plan=approved_return.plan,
            params={"return_id": approved_return.pk},
            user=officer,
        )
    job.refresh_from_db()
    assert job.state == Job.State.FAILURE
    assert "approved" in job.error
    # The service the job calls refuses too.
    with pytest.raises(services.ReturnFrozen):
        services.return_prepare(ret=approved_return, user=officer)
    approved_return.refresh_from_db()
    assert (approved_return.checksum, approved_return.snapshot) == before
