import pytest

from submissions.jobs import HANDLERS, JobFailed


@pytest.fixture
def echo_handler():
    """A job kind for the tests: counts its runs, fails when asked to."""
    runs = []

    def echo(job, progress):
        runs.append(job.pk)
        progress(50, "Half way")
        if job.params.get("fail"):
            raise JobFailed(job.params["fail"])
        return {"echo": job.params.get("value")}

    HANDLERS["test-echo"] = echo
    yield runs
    del HANDLERS["test-echo"]


# Quarterly returns ------------------------------------------------------------------------

import datetime  # noqa: E402
from decimal import Decimal  # noqa: E402

from governance import services as governance_services  # noqa: E402
from governance.models import Decision  # noqa: E402
from metrics import services as metric_services  # noqa: E402
from metrics.models import MetricDefinition  # noqa: E402
from metrics.periods import Granularity  # noqa: E402
from plans import services as plan_services  # noqa: E402
from plans.models import ConditionStatus  # noqa: E402
from risks import services as risk_services  # noqa: E402
from risks.models import RiskRegister  # noqa: E402
from schemes import services as scheme_services  # noqa: E402
from schemes.models import SchemeImpact  # noqa: E402
from submissions import services as return_services  # noqa: E402

RETURN_YEAR, RETURN_QUARTER = 2015, 2  # 2015/16 Q2 of the shared `plan` fixture
TODAY = datetime.date(2016, 1, 15)  # after the quarter: its figures are judged at its end


def add_quarter_data(plan, *, schemes=None, metrics: int = 1, risks: int = 2) -> None:
    """Spend, impacts, metric actuals, funds, risks and condition statuses for 2015/16 Q2
    of `plan`, built through the services. Extra metrics and risks scale query tests."""
    all_schemes = list(plan.schemes.order_by("pk"))
    rows = {
        s.pk: (Decimal("1000000.00") + i * 1000, Decimal("250000.00") + i)
        for i, s in enumerate(all_schemes if schemes is None else schemes)
    }
    for quarter in (1, 2):
        scheme_services.quarter_spend_set(plan=plan, year=RETURN_YEAR, quarter=quarter, rows=rows)
    admissions = MetricDefinition.objects.get(code="non-elective-admissions")
    for scheme in all_schemes[:2]:
        SchemeImpact.objects.get_or_create(
            scheme=scheme,
            metric=admissions,
            year=RETURN_YEAR,
            defaults={"target": Decimal("700"), "actual": Decimal("900")},
        )
    codes = ["non-elective-admissions"] + [
        MetricDefinition.objects.get_or_create(
            code=f"local-{n}", defaults={"name": f"Local {n}", "short_name": f"Local {n}"}
        )[0].code
        for n in range(metrics - 1)
    ]
    for code in codes:
        metric = MetricDefinition.objects.get(code=code)
        metric_services.target_create(
            plan=plan,
            metric=metric,
            granularity=Granularity.QUARTER,
            start=datetime.date(2015, 7, 1),
            end=datetime.date(2015, 9, 30),
            value=Decimal("700"),
        )
        metric_services.actual_create(
            plan=plan,
            metric=metric,
            granularity=Granularity.QUARTER,
            start=datetime.date(2015, 7, 1),
            end=datetime.date(2015, 9, 30),
            value=Decimal("650"),
        )
    fund = risk_services.fund_create(
        plan=plan, kind="risk_pool", year=RETURN_YEAR, name="Risk pool", amount=Decimal("1000000")
    )
    risk_services.fund_release(
        fund=fund,
        amount=Decimal("400000"),
        released_to="The CCGs",
        decision_reference="Integration Executive, 1 September 2015",
        released_on=datetime.date(2015, 9, 1),
    )
    register = RiskRegister.objects.filter(plan=plan).first()
    if register is None:
        register = risk_services.register_create(plan=plan, categories=["Finance"])
    category = register.categories.first()
    for n in range(risks):
        risk_services.risk_create(
            register=register,
            category=category,
            description=f"Risk {n}",
            likelihood=str(1 + n % 5),
            impact="4",
            likelihood_after=str(1 + n % 3),
            impact_after="3",
            next_review=datetime.date(2015, 8, 1),
        )
    seven_day = plan_services.national_condition_get_or_create(
        code="seven-day-services", title="Seven-day services", first_year=2014, order=1
    )
    plan_services.national_condition_get_or_create(
        code="data-sharing", title="Data sharing and the NHS number", first_year=2014, order=2
    )
    plan_services.condition_status_set(
        plan=plan,
        condition=seven_day,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        status=ConditionStatus.Status.IN_PROGRESS,
        expected_date=datetime.date(2016, 3, 31),
        narrative="Urgent care redesign under way.",
    )


@pytest.fixture
def quarter_data(plan):
    add_quarter_data(plan)
    return plan


@pytest.fixture
def integration_executive(area):
    """The Integration Executive, whose terms of reference let it approve returns."""
    from tests.cycle import ie_board

    return ie_board(area)


@pytest.fixture
def approve_at_meeting(integration_executive):
    """`approve_at_meeting(ret, on=date)`: an Integration Executive decision at a meeting on
    `on` approving the return, marked ready that day if it is a prepared draft."""

    def approve(ret, on=None, user=None):
        ret.refresh_from_db()
        if ret.status == ret.Status.DRAFT and ret.snapshot:
            ret = return_services.return_mark_ready(ret=ret, on=on or datetime.date(2015, 11, 24))
        on = on or ret.ready_on or datetime.date(2015, 11, 24)
        meeting = governance_services.meeting_schedule(board=integration_executive, date=on)
        item = governance_services.item_add(
            meeting=meeting, title=f"BCF {ret.period_label} return", concerns=[ret]
        )
        decision = governance_services.decision_record(
            item=item,
            kind=Decision.Kind.APPROVE,
            text="That the return be approved.",
            approves=ret,
            user=user,
        )
        return decision.approvals.get()

    return approve
