"""A submitted plan and an approved return change through no path (issue 8, point 1):
the admin, imports and tasks refuse as the forms and the API do. What a frozen plan still
takes (actuals, risks, funds: plans.permissions._ALLOWED_ON_FROZEN) stays editable."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import admin
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory
from django.urls import reverse

from metrics.models import Actual
from plans.admin import frozen_owner
from plans.models import Plan
from risks.models import RiskRegister
from schemes.models import Scheme, SchemeBudget
from submissions import services
from submissions.jobs import job_start
from submissions.models import Job, QuarterlyReturn
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR, add_quarter_data


def _submit(plan: Plan) -> Plan:
    Plan.objects.filter(pk=plan.pk).update(status=Plan.Status.SUBMITTED)  # as submission does
    plan.refresh_from_db()
    return plan


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


def _admin_request(user):
    request = RequestFactory().get("/admin/")
    request.user = user
    return request


# The admin ---------------------------------------------------------------------------------


def test_admin_refuses_to_change_or_delete_a_scheme_of_a_submitted_plan(
    plan, admin_user, client_for
):
    scheme = plan.schemes.order_by("pk").first()
    client = client_for(admin_user)
    change = reverse("admin:schemes_scheme_change", args=[scheme.pk])
    model_admin = admin.site._registry[Scheme]
    assert model_admin.has_change_permission(_admin_request(admin_user), scheme)  # a draft plan
    _submit(plan)
    page = client.get(change)
    assert page.status_code == 200  # still readable
    assert 'name="_save"' not in page.content.decode()
    refused = client.post(change, {"name": "Renamed after submission", "plan": plan.pk})
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


def test_frozen_owner_finds_the_plan_or_return_through_known_keys(plan, approved_return):
    scheme = plan.schemes.first()
    budget = SchemeBudget.objects.filter(scheme=scheme).first()
    assert frozen_owner(scheme) is None  # a draft plan
    _submit(plan)
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


# Imports -----------------------------------------------------------------------------------


def test_a_schemes_import_into_a_submitted_plan_is_refused(plan, officer, client_for):
    _submit(plan)
    count = Scheme.objects.filter(plan=plan).count()
    upload = SimpleUploadedFile(
        "schemes.xlsx", b"PK\x03\x04 not read", content_type="application/octet-stream"
    )
    response = client_for(officer).post(
        reverse("schemes:scheme_import", kwargs={"pk": plan.pk}), {"file": upload}
    )
    assert response.status_code == 403
    assert Scheme.objects.filter(plan=plan).count() == count


# Tasks -------------------------------------------------------------------------------------


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
