"""What was reviewed is what is approved (issue 13, point 3).

A return or plan version can be marked ready, and approved, only while what it will lock is
current: for every kind of data each holds, a change made after it was prepared makes it
stale, and ready and approve are refused until it is prepared again; the page says so and
offers the button. What an approved return puts out (page, board report PDF, workbook, API)
comes from its snapshot alone, and says the same.
"""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from governance import services as governance_services
from governance.models import Decision
from metrics import services as metric_services
from metrics.models import MetricDefinition
from plans import permissions
from plans import services as plan_services
from plans.models import Contribution, NationalCondition, Plan
from plans.services import save_with_history
from risks import services as risk_services
from risks.models import Risk
from schemes import services as scheme_services
from schemes.models import SchemeImpact
from submissions import services
from submissions.documents.returns import return_pdf, return_workbook
from submissions.models import QuarterlyReturn
from submissions.readiness import plan_prepare, plan_put_forward, plan_staleness
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR, TODAY, add_quarter_data
from tests.cycle import hwb_board, ie_board, meeting_item
from tests.factories import OrganisationFactory

Q_END = datetime.date(2015, 9, 30)


def _scheme(plan):
    return plan.schemes.order_by("pk").first()


def _admissions():
    return MetricDefinition.objects.get(code="non-elective-admissions")


# Every kind of data a quarterly return holds, changed through its service -----------------

RETURN_CHANGES = {
    "ring-fence minimum": lambda plan, ret: _ring_fence_minimum(plan, RETURN_YEAR),
    "scheme spend": lambda plan, ret: scheme_services.quarter_spend_set(
        plan=plan,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        rows={_scheme(plan).pk: (Decimal("12345.67"), Decimal("1.00"))},
    ),
    "plan-level spend": lambda plan, ret: scheme_services.plan_quarter_spend_set(
        plan=plan,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        forecast=Decimal("99.00"),
        actual_to_date=Decimal("9.00"),
    ),
    "scheme budget": lambda plan, ret: scheme_services.scheme_update(
        scheme=_scheme(plan), expected_version=None, budgets={RETURN_YEAR: Decimal("1.00")}
    ),
    "scheme name": lambda plan, ret: scheme_services.scheme_update(
        scheme=_scheme(plan), expected_version=None, name="Renamed scheme"
    ),
    "pooled budget": lambda plan, ret: plan_services.plan_year_set(
        plan=plan,
        year=RETURN_YEAR,
        minimum_required=Decimal("1.00"),
        agreed_total=Decimal("2.00"),
    ),
    "fund release": lambda plan, ret: risk_services.fund_release(
        fund=plan.funds.filter(year=RETURN_YEAR).first(),
        amount=Decimal("1.00"),
        released_to="Reablement",
        decision_reference="Integration Executive, minute 5(b)",
    ),
    "metric actual": lambda plan, ret: metric_services.actual_update(
        actual=plan.metric_actuals.filter(metric=_admissions(), end=Q_END).first(),
        expected_version=None,
        granularity="quarter",
        start=datetime.date(2015, 7, 1),
        end=Q_END,
        value=Decimal("640"),
    ),
    "metric target": lambda plan, ret: metric_services.target_update(
        point=plan.metric_targets.filter(end=Q_END).first(),
        expected_version=None,
        granularity="quarter",
        start=datetime.date(2015, 7, 1),
        end=Q_END,
        value=Decimal("650"),
    ),
    "national condition": lambda plan, ret: plan_services.condition_status_set(
        plan=plan,
        condition=NationalCondition.objects.get(code="seven-day-services"),
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        status="met",
        narrative="Met in the quarter.",
    ),
    "risk": lambda plan, ret: risk_services.risk_update(
        risk=Risk.objects.filter(register__plan=plan).order_by("pk").first(),
        expected_version=None,
        likelihood_after="5",
        impact_after="5",
    ),
    "action": lambda plan, ret: governance_services.action_add(
        board=ie_board(plan.area),
        description="Chase the CCG",
        owner_name="Programme officer",
        due_on=datetime.date(2015, 9, 1),
    ),
    "scheme impact": lambda plan, ret: save_with_history(
        SchemeImpact(
            scheme=_scheme(plan), metric=_admissions(), year=RETURN_YEAR, target=Decimal("5")
        )
        if not SchemeImpact.objects.filter(scheme=_scheme(plan)).exists()
        else _impact_changed(plan)
    ),
    "highlights and challenges": lambda plan, ret: services.return_narrative_update(
        ret=ret, highlights="Saved after it was prepared.", challenges="", expected_version=None
    ),
    "plan title": lambda plan, ret: plan_services.plan_update(
        plan=plan, expected_version=None, title="Retitled plan"
    ),
}


def _impact_changed(plan):
    impact = SchemeImpact.objects.filter(scheme=_scheme(plan)).first()
    impact.actual = Decimal("1234")
    return impact


@pytest.fixture
def prepared(plan, officer):
    add_quarter_data(plan)
    ret = services.return_get_or_create_draft(plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER)
    ret = services.return_prepare(ret=ret, user=officer, today=TODAY)
    assert services.return_staleness(ret) is None  # current until something changes
    return ret


def test_nothing_but_a_change_makes_a_return_stale(prepared):
    """Preparing again with nothing changed, or on a later day, leaves it current."""
    services.return_prepare(ret=prepared, today=TODAY + datetime.timedelta(days=30))
    prepared.refresh_from_db()
    assert services.return_staleness(prepared) is None


@pytest.mark.parametrize("kind", sorted(RETURN_CHANGES))
def test_a_change_after_preparing_refuses_ready_until_prepared_again(prepared, kind, officer):
    RETURN_CHANGES[kind](prepared.plan, prepared)
    prepared.refresh_from_db()
    with pytest.raises(ValidationError, match="changed since it was prepared"):
        services.return_mark_ready(ret=prepared, user=officer)
    prepared.refresh_from_db()
    assert prepared.status == QuarterlyReturn.Status.DRAFT
    services.return_prepare(ret=prepared, user=officer, today=TODAY)
    prepared.refresh_from_db()
    services.return_mark_ready(ret=prepared, user=officer, on=datetime.date(2016, 1, 18))


@pytest.mark.parametrize("kind", sorted(set(RETURN_CHANGES) - {"highlights and challenges"}))
def test_a_change_after_marking_ready_refuses_approval_on_every_path(
    prepared, kind, officer, client_for
):
    """Approval by a decision (service, meeting form, decide page, API) is refused while
    stale, and nothing is minuted; preparing it again takes it back to draft."""
    ret = services.return_mark_ready(ret=prepared, user=officer, on=datetime.date(2016, 1, 18))
    item = meeting_item(
        ie_board(ret.plan.area), on=datetime.date(2016, 1, 20), title="Q2", concerns=[ret]
    )
    RETURN_CHANGES[kind](ret.plan, ret)
    with pytest.raises(ValidationError, match="changed since it was prepared"):
        governance_services.decision_record(
            item=item, kind=Decision.Kind.APPROVE, text="Approved.", approves=ret
        )
    client = client_for(officer)
    page = client.post(
        reverse("governance:decide", args=["submissions.quarterlyreturn", ret.pk]),
        {"where": f"{item.meeting_id}-{item.pk}", "text": "Approved."},
    )
    assert "changed since it was prepared" in page.content.decode()
    api = client.post(
        reverse("api-meeting-decisions", args=[item.meeting_id]),
        {
            "item": item.number,
            "kind": "approve",
            "text": "Approved.",
            "approves": {"type": "submissions.quarterlyreturn", "id": ret.pk},
        },
        content_type="application/json",
    )
    assert api.status_code == 400
    assert not Decision.objects.exists()
    detail = client.get(reverse("submissions:return_detail", args=[ret.pk])).content.decode()
    assert "data-stale" in detail and "Prepare it again" in detail
    ret.refresh_from_db()
    assert ret.status == QuarterlyReturn.Status.READY
    services.return_prepare(ret=ret, user=officer, today=TODAY)
    ret.refresh_from_db()
    assert (ret.status, ret.ready_on) == (QuarterlyReturn.Status.DRAFT, None)


def test_highlights_saved_after_preparing_are_not_what_the_page_and_pdf_show_as_prepared(
    prepared, officer, client_for
):
    """The issue's case: the page showed new highlights the locked snapshot did not hold.
    The page shows what was prepared and says it was edited since; ready is refused."""
    services.return_narrative_update(
        ret=prepared, highlights="Typed after preparing.", challenges="", expected_version=None
    )
    page = client_for(officer).get(reverse("submissions:return_detail", args=[prepared.pk]))
    html = page.content.decode()
    assert "data-narrative-changed" in html
    assert "data-stale" in html
    assert "Mark ready for review" not in html
    response = client_for(officer).post(
        reverse("submissions:return_ready", args=[prepared.pk]), follow=True
    )
    assert "changed since it was prepared" in response.content.decode()


# What an approved return puts out: one snapshot, the same figures everywhere ---------------


def _pdf_text(content: bytes) -> str:
    return " ".join(
        " ".join(page.extract_text().split()) for page in PdfReader(io.BytesIO(content)).pages
    )


def test_the_page_pdf_workbook_and_api_of_an_approved_return_say_the_same(
    prepared, officer, client_for
):
    from plans.templatetags.bcf_format import pounds

    services.return_narrative_update(
        ret=prepared, highlights="Reablement rose.", challenges="Delays.", expected_version=None
    )
    ret = services.return_prepare(ret=prepared, user=officer, today=TODAY)
    ret = services.return_mark_ready(ret=ret, user=officer, on=datetime.date(2016, 1, 18))
    item = meeting_item(
        ie_board(ret.plan.area), on=datetime.date(2016, 1, 20), title="Q2", concerns=[ret]
    )
    governance_services.decision_record(
        item=item, kind=Decision.Kind.APPROVE, text="Approved.", approves=ret
    )
    ret.refresh_from_db()
    approval = governance_services.approvals_of(ret).get()
    assert approval.checksum == ret.checksum == services.checksum_of(ret.snapshot)
    RETURN_CHANGES["scheme spend"](ret.plan, ret)  # live data moves on; the snapshot does not
    snapshot = ret.snapshot
    finance = snapshot["finance"]
    figures = [pounds(Decimal(finance[k])) for k in ("forecast", "actual_to_date", "variance")]
    page = client_for(officer).get(reverse("submissions:return_detail", args=[ret.pk]))
    pdf = _pdf_text(return_pdf(ret))
    workbook = load_workbook(io.BytesIO(return_workbook(ret)))
    spend = workbook["Income and Expenditure"]
    total = {row[1]: row for row in spend.iter_rows(min_row=4, values_only=True)}["Pooled budget"]
    cells = {str(c.value) for sheet in workbook for row in sheet.iter_rows() for c in row}
    api = client_for(officer).get(reverse("api-return-detail", args=[ret.pk])).json()
    html = page.content.decode()
    for figure in figures:
        assert figure in html, figure
        assert figure in pdf, figure
    assert Decimal(str(total[3])) == Decimal(finance["forecast"])
    assert Decimal(str(total[4])) == Decimal(finance["actual_to_date"])
    for text in ("Reablement rose.", "Delays."):
        assert text in html and text in pdf and text in cells
    assert api["checksum"] == ret.checksum
    assert api["snapshot"]["finance"]["forecast"] == finance["forecast"]
    live = services.compute_snapshot(ret, today=TODAY)
    assert live["finance"]["forecast"] != finance["forecast"]
    assert pounds(Decimal(live["finance"]["forecast"])) not in pdf


# Every kind of content a plan version holds --------------------------------------------------


def _target(plan):
    return plan.metric_targets.order_by("pk").first()


def _contribution(plan):
    ccg = plan.ccgs.first()
    shown = Contribution.objects.filter(plan=plan, organisation=ccg).values_list(
        "amount", flat=True
    )
    plan_services.contributions_save(
        plan=plan,
        cells={(ccg.pk, "minimum", 2014): (shown.first(), Decimal("100.00"))},
    )


def _service_type(plan):
    """A capacity service type of the plan's framework (the test plan's framework lists none)."""
    from frameworks.models import PolicyFramework
    from schemes.models import CapacityServiceType

    if plan.framework_id is None:
        plan.framework = PolicyFramework.objects.create(
            code="staleness-test", name="Staleness test", first_year=2014, last_year=2015
        )
        plan.save(update_fields=["framework"])
    return CapacityServiceType.objects.get_or_create(
        framework_id=plan.framework_id,
        code="test-reablement",
        defaults={"name": "Reablement at home", "group": CapacityServiceType.Group.DISCHARGE},
    )[0]


def _capacity(plan):
    from schemes.capacity import services as capacity_services

    capacity_services.capacity_demand_set(
        plan=plan,
        rows={(_service_type(plan).pk, datetime.date(2014, 4, 1)): {"demand": 5, "capacity": 4}},
    )


def _capacity_scheme(plan):
    from schemes.capacity import services as capacity_services

    capacity_services.capacity_schemes_set(
        plan=plan, service_type=_service_type(plan), schemes=[_scheme(plan)]
    )


def _ring_fence_minimum(plan, year: int = 2014):
    from plans.models import FundingStream
    from schemes.funding import services as funding_services

    _service_type(plan)  # gives the test plan a framework
    pool = FundingStream.objects.get_or_create(
        framework_id=plan.framework_id,
        code="test-pool",
        defaults={"name": "Pool", "kind": FundingStream.Kind.NHS_MINIMUM},
    )[0]
    fence = FundingStream.objects.get_or_create(
        framework_id=plan.framework_id,
        code="test-care",
        defaults={
            "name": "Care",
            "kind": FundingStream.Kind.RING_FENCE,
            "within": pool,
            "counts": FundingStream.Counts.SOCIAL_CARE,
            "minimum": FundingStream.Minimum.PUBLISHED,
        },
    )[0]
    funding_services.ring_fence_minimums_save(
        plan=plan,
        entries=[funding_services.MinimumEntry(fence, year, Decimal("10.00"), "Allocations", None)],
    )


PLAN_CHANGES = {
    "plans.plan": lambda plan: plan_services.plan_update(
        plan=plan, expected_version=None, boundary_differences="Changed."
    ),
    "plans.planyear": lambda plan: plan_services.plan_year_set(
        plan=plan, year=2014, minimum_required=Decimal(1), agreed_total=Decimal(2)
    ),
    "plans.signoff": lambda plan: plan_services.sign_off_add(
        plan=plan, on_behalf_of="CCG", name="A Person", position="Chair", signed_on=None
    ),
    "plans.narrativesection": lambda plan: plan_services.section_update(
        section=plan.sections.get(key="vision"), body="A new vision.", expected_version=None
    ),
    "plans.contribution": _contribution,
    "plans.statedfigure": lambda plan: plan_services.stated_figure_set(
        plan=plan,
        label="Non-elective activity removed from the acute sector contract",
        amount=Decimal("4648000"),
        as_written="£4.648m",
        year=2014,
    ),
    "plans.plan_ccgs": lambda plan: plan_services.plan_update(
        plan=plan, expected_version=None, ccgs=[OrganisationFactory()]
    ),
    "schemes.capacitydemand": _capacity,
    "schemes.capacityscheme": _capacity_scheme,
    "schemes.ringfenceminimum": _ring_fence_minimum,
    "schemes.theme": lambda plan: scheme_services.theme_create(plan=plan, name="New theme"),
    "schemes.milestone": lambda plan: scheme_services.milestone_create(
        plan=plan, task="Open the discharge hub"
    ),
    "schemes.scheme": lambda plan: scheme_services.scheme_update(
        scheme=_scheme(plan), expected_version=None, name="Renamed"
    ),
    "schemes.scheme_metrics": lambda plan: scheme_services.scheme_update(
        scheme=_scheme(plan), expected_version=None, metrics=[]
    ),
    "schemes.schemebudget": lambda plan: scheme_services.scheme_update(
        scheme=_scheme(plan), expected_version=None, budgets={2014: Decimal("7.00")}
    ),
    "metrics.baseline": lambda plan: metric_services.baseline_set(
        plan=plan,
        metric=_admissions(),
        granularity="year",
        start=datetime.date(2013, 4, 1),
        end=datetime.date(2014, 3, 31),
        value=Decimal("1000"),
    ),
    "metrics.trajectorypoint": lambda plan: metric_services.target_update(
        point=_target(plan),
        expected_version=None,
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("11"),
    ),
}


def test_every_kind_of_plan_content_has_a_change_here():
    """A kind of content added later must be added above, so that its staleness is proven."""
    kinds = {model._meta.label_lower for model, _ in permissions.frozen_content_models()}
    assert kinds | {"plans.plan"} == set(PLAN_CHANGES)


@pytest.fixture
def ready_plan(plan):
    plan_services.plan_update(plan=plan, expected_version=None, ccgs=[OrganisationFactory()])
    metric_services.target_create(
        plan=plan,
        metric=_admissions(),
        granularity="year",
        start=datetime.date(2014, 4, 1),
        end=datetime.date(2015, 3, 31),
        value=Decimal("10"),
    )
    plan_prepare(plan=plan)
    return plan_put_forward(plan=plan, on=datetime.date(2014, 3, 26))


@pytest.mark.parametrize("kind", sorted(PLAN_CHANGES))
def test_a_plan_changed_after_it_was_put_forward_is_refused_approval_until_prepared_again(
    ready_plan, kind, officer, client_for
):
    item = meeting_item(
        hwb_board(ready_plan.area),
        on=datetime.date(2014, 4, 1),
        title="Plan",
        concerns=[ready_plan],
    )
    PLAN_CHANGES[kind](ready_plan)
    assert "has changed since it was prepared" in plan_staleness(ready_plan)
    with pytest.raises(ValidationError, match="has changed since it was prepared"):
        governance_services.decision_record(
            item=item, kind=Decision.Kind.APPROVE, text="Agreed.", approves=ready_plan
        )
    page = client_for(officer).get(reverse("plans:plan_detail", args=[ready_plan.pk]))
    html = page.content.decode()
    assert "data-stale" in html and "Prepare it again" in html
    # Preparing again takes it back to draft; it is put forward again, then agreed.
    plan_prepare(plan=ready_plan)
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.DRAFT
    with pytest.raises(ValidationError, match="has not been put forward"):
        governance_services.decision_record(
            item=item, kind=Decision.Kind.APPROVE, text="Agreed.", approves=ready_plan
        )
    plan_put_forward(plan=ready_plan, on=datetime.date(2014, 3, 31))
    governance_services.decision_record(
        item=item, kind=Decision.Kind.APPROVE, text="Agreed.", approves=ready_plan
    )
    ready_plan.refresh_from_db()
    assert ready_plan.status == Plan.Status.AGREED


def test_a_plan_can_be_put_forward_only_while_current(plan):
    with pytest.raises(ValidationError, match="has not been prepared"):
        plan_put_forward(plan=plan)
    plan_prepare(plan=plan)
    scheme_services.theme_create(plan=plan, name="After preparing")
    with pytest.raises(ValidationError, match="has changed since it was prepared"):
        plan_put_forward(plan=plan)
    plan_prepare(plan=plan)
    assert plan_put_forward(plan=plan).status == Plan.Status.READY


def test_an_agreed_plan_cannot_be_prepared_again(plan):
    from tests.cycle import agree_plan

    agree_plan(plan)
    with pytest.raises(permissions.Frozen):
        plan_prepare(plan=plan)
