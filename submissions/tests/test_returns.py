import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from metrics.models import MetricDefinition
from schemes import services as scheme_services
from schemes.models import SchemeBudget
from submissions import selectors, services
from submissions.jobs import HANDLERS, job_retry
from submissions.models import Job, QuarterlyReturn
from submissions.tests.conftest import RETURN_QUARTER, RETURN_YEAR, TODAY, add_quarter_data
from tests.factories import PlanFactory, SchemeFactory


def _start(plan, user, capture, **kwargs):
    with capture(execute=True):
        return services.return_start(
            plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER, user=user, **kwargs
        )


def test_a_freshly_computed_return_says_what_the_dashboard_says(
    quarter_data, officer, django_capture_on_commit_callbacks
):
    ret, job = _start(quarter_data, officer, django_capture_on_commit_callbacks)
    job.refresh_from_db()
    ret.refresh_from_db()
    assert job.state == Job.State.SUCCESS, job.error
    live = selectors.jsonable(
        selectors.dashboard(plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER)
    )
    snapshot = dict(ret.snapshot)
    assert snapshot.pop("narrative") == {"highlights": "", "challenges": ""}
    assert snapshot.pop("version") == 1
    assert snapshot == live
    assert ret.checksum == services.checksum_of(ret.snapshot)
    assert job.result["return"] == ret.pk


def test_the_dashboard_adds_up_spend_by_theme_and_scheme_and_the_funds(quarter_data):
    data = selectors.dashboard(
        plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER, today=TODAY
    )
    finance = data["finance"]
    schemes = [s for t in finance["themes"] for s in t["schemes"]]
    assert sum(s["forecast"] for s in schemes) == finance["forecast"]
    # Two quarters of actuals so far.
    assert finance["actual_to_date"] == sum(
        (Decimal("250000.00") + i) * 2 for i in range(len(schemes))
    )
    assert finance["pooled_budget"]["agreed_total"] == Decimal("17000000.00")
    assert finance["variance"] == Decimal("17000000.00") - finance["forecast"]
    assert finance["funds"][0]["balance"] == Decimal("600000.00")
    impact = data["impacts"]["by_metric"][0]
    assert (impact["target"], impact["actual"]) == (Decimal("1400"), Decimal("1800"))
    metric = next(m for m in data["metrics"] if m["code"] == "non-elective-admissions")
    assert metric["quarter"]["status"] == "met"
    assert metric["url"].endswith("/metrics/non-elective-admissions/")
    condition = data["conditions"][0]
    assert (condition["status"], condition["expected_date"]) == (
        "in_progress",
        datetime.date(2016, 3, 31),
    )
    assert data["conditions"][1]["status_label"] == "Not reported"
    assert [r["overdue"] for r in data["risks"]["overdue"]] == [True, True]


def _count(plan) -> int:
    with CaptureQueriesContext(connection) as queries:
        selectors.dashboard(plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER, today=TODAY)
    return len(queries)


def test_the_dashboard_queries_do_not_grow_with_schemes_metrics_or_risks(plan, area):
    """25 queries: plan year, themes, schemes (with their budget and spend), plan spend,
    funds and their releases, the funding streams (streams, contributions, budgets and
    spend by stream, allocations, minimums, plan spend), metric definitions (with their
    frameworks), baselines, targets, actuals and SPC rebases, conditions and their statuses,
    top and overdue risks, actions, impacts."""
    add_quarter_data(plan, metrics=1, risks=1)
    assert _count(plan) == 25
    bigger = PlanFactory(area=area, title="Bigger", first_year=2014)
    theme = scheme_services.theme_create(plan=bigger, name="Theme")
    for _ in range(6):
        SchemeFactory(plan=bigger, theme=theme)
    for code in ("non-elective-admissions",):
        MetricDefinition.objects.get_or_create(code=code, defaults={"name": code})
    add_quarter_data(bigger, metrics=4, risks=7)
    assert _count(bigger) == 25
    assert len(selectors.dashboard(plan=bigger, year=RETURN_YEAR, quarter=2)["risks"]["top"]) == 5


def test_the_dashboards_theme_totals_are_the_scheme_budgets_summed_in_one_place(plan, area):
    """Each theme's plan is SchemeBudget.objects.totals_per_year by theme; a theme none of
    whose schemes has a budget for the year has no plan (not £0.00); the plan's total is
    theirs."""
    add_quarter_data(plan, metrics=1, risks=1)
    scheme_services.theme_create(plan=plan, name="Theme without budgets")
    finance = selectors.dashboard(plan=plan, year=RETURN_YEAR, quarter=RETURN_QUARTER)["finance"]
    expected = {
        row["scheme__theme_id"]: row["total"]
        for row in SchemeBudget.objects.filter(scheme__plan=plan, year=RETURN_YEAR).totals_per_year(
            "scheme__theme_id"
        )
    }
    themes = {theme["id"]: theme["plan"] for theme in finance["themes"]}
    assert themes == {pk: expected.get(pk) for pk in themes}
    assert None in themes.values() and len(expected) >= 1
    assert finance["schemes_plan"] == sum(expected.values())
    assert _count(plan) == 25  # the metrics of the framework: see the test above


def test_recomputing_a_draft_updates_it_and_makes_nothing_twice(
    quarter_data, officer, django_capture_on_commit_callbacks
):
    ret, _ = _start(quarter_data, officer, django_capture_on_commit_callbacks)
    ret.refresh_from_db()
    history = ret.history.count()
    again, job = _start(quarter_data, officer, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.pk == ret.pk
    assert (again.checksum, again.history.count()) == (ret.checksum, history)
    assert QuarterlyReturn.objects.filter(plan=quarter_data).count() == 1
    # New figures: the same draft is updated in place.
    scheme = quarter_data.schemes.order_by("pk").first()
    scheme_services.quarter_spend_set(
        plan=quarter_data,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        rows={scheme.pk: (Decimal("5.00"), Decimal("1.00"))},
    )
    _start(quarter_data, officer, django_capture_on_commit_callbacks)
    again.refresh_from_db()
    assert again.checksum != ret.checksum
    assert QuarterlyReturn.objects.filter(plan=quarter_data).count() == 1


def test_an_approved_snapshot_never_changes(
    quarter_data, officer, approve_at_meeting, django_capture_on_commit_callbacks
):
    ret, _ = _start(quarter_data, officer, django_capture_on_commit_callbacks)
    ret.refresh_from_db()
    approve_at_meeting(ret)  # marked ready, then approved, on 24 November 2015
    ret.refresh_from_db()
    assert (ret.status, ret.approved_on) == ("approved", datetime.date(2015, 11, 24))
    frozen, checksum = ret.snapshot, ret.checksum
    scheme_services.quarter_spend_set(
        plan=quarter_data,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        rows={quarter_data.schemes.first().pk: (Decimal("1.00"), None)},
    )
    with pytest.raises(ValidationError):
        services.return_prepare(ret=ret)
    with pytest.raises(ValidationError):
        services.return_narrative_update(
            ret=ret, highlights="x", challenges="y", expected_version=None
        )
    with pytest.raises(ValidationError):  # starting the quarter again does not reopen it
        services.return_start(plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER)
    services.drafts_recompute()
    ret.refresh_from_db()
    assert (ret.snapshot, ret.checksum) == (frozen, checksum)
    assert services.checksum_of(ret.snapshot) == checksum


def test_a_correction_is_a_new_version_and_the_old_one_stays(
    quarter_data, officer, approve_at_meeting, django_capture_on_commit_callbacks
):
    ret, _ = _start(quarter_data, officer, django_capture_on_commit_callbacks)
    ret.refresh_from_db()
    approve_at_meeting(ret)
    ret.refresh_from_db()
    services.return_submit(ret=ret, user=officer, on=datetime.date(2015, 11, 30))
    ret.refresh_from_db()
    assert (ret.status, ret.submitted_on, ret.submitted_by) == (
        "submitted",
        datetime.date(2015, 11, 30),
        officer,
    )
    new = services.return_new_version(ret=ret, user=officer)
    assert (new.version, new.supersedes, new.status) == (2, ret, "draft")
    with pytest.raises(ValidationError):
        services.return_new_version(ret=ret)
    scheme = quarter_data.schemes.order_by("pk").first()
    scheme_services.quarter_spend_set(
        plan=quarter_data,
        year=RETURN_YEAR,
        quarter=RETURN_QUARTER,
        rows={scheme.pk: (Decimal("5.00"), Decimal("1.00"))},
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.return_prepare_start(ret=new, user=officer)
    new.refresh_from_db()
    old = QuarterlyReturn.objects.get(pk=ret.pk)
    assert old.snapshot == ret.snapshot
    rows = services.snapshot_diff(old.snapshot, new.snapshot)
    paths = {row["path"] for row in rows}
    assert "version" in paths
    assert any(scheme.name in path and path.endswith("forecast") for path in paths)


def test_submission_waits_for_approval(quarter_data, officer, django_capture_on_commit_callbacks):
    ret, _ = _start(quarter_data, officer, django_capture_on_commit_callbacks)
    ret.refresh_from_db()
    with pytest.raises(ValidationError, match="no Integration Executive decision"):
        services.return_submit(ret=ret, user=officer)


def test_an_unprepared_return_cannot_be_approved(quarter_data, approve_at_meeting):
    ret = services.return_get_or_create_draft(
        plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER
    )
    with pytest.raises(ValidationError, match="has not been put forward"):
        approve_at_meeting(ret)


def test_a_failed_preparation_is_visible_and_can_be_retried(
    quarter_data, officer, client_for, django_capture_on_commit_callbacks, monkeypatch
):
    real = HANDLERS["prepare-return"]

    def broken(job, progress):
        raise RuntimeError("database went away")

    monkeypatch.setitem(HANDLERS, "prepare-return", broken)
    # The start answers as a start: the job's failure is recorded on the job, not raised.
    _start(quarter_data, officer, django_capture_on_commit_callbacks)
    ret = QuarterlyReturn.objects.get(plan=quarter_data)
    job = selectors.latest_job_for(ret)
    assert job.state == Job.State.FAILURE
    page = client_for(officer).get(f"/submissions/returns/{ret.pk}/").content.decode()
    assert "Why it failed" in page and "Try again" in page
    monkeypatch.setitem(HANDLERS, "prepare-return", real)
    with django_capture_on_commit_callbacks(execute=True):
        job_retry(job=job)
    job.refresh_from_db()
    ret.refresh_from_db()
    assert (job.state, job.attempts) == (Job.State.SUCCESS, 2)
    assert ret.snapshot and Job.objects.filter(kind="prepare-return").count() == 1


def test_returns_due_within_two_weeks_without_an_approval_are_reminded(
    quarter_data, officer, mailoutbox, integration_executive
):
    _framework_of(quarter_data, return_due_months=2)
    quarter_data.refresh_from_db()
    today = datetime.date(2015, 11, 20)  # 2015/16 Q2 is due on 30 November 2015
    due = selectors.returns_due(today=today, plan=quarter_data)
    assert [(d["period"].label, d["due_on"]) for d in due] == [
        ("2015/16 Q2", datetime.date(2015, 11, 30))
    ]
    assert services.reminders_send(today=today) == 1
    assert mailoutbox[0].to == [officer.email]
    assert "2015/16 Q2" in mailoutbox[0].body
    ret = services.return_get_or_create_draft(
        plan=quarter_data, year=RETURN_YEAR, quarter=RETURN_QUARTER
    )
    from governance import services as governance_services

    meeting = governance_services.meeting_schedule(
        board=integration_executive, date=datetime.date(2015, 11, 24)
    )
    governance_services.item_add(meeting=meeting, title="Q2 return", concerns=[ret])
    assert selectors.returns_due(today=today, plan=quarter_data) == []


def _framework_of(plan, **fields):
    """An invented framework covering the plan's years, given to it."""
    from frameworks.services import framework_set
    from plans.services import plans_attach_framework

    framework = framework_set(
        code="invented",
        name="An invented framework",
        first_year=plan.first_year,
        last_year=plan.last_year,
        source_title="Invented for the test",
        **fields,
    )
    plans_attach_framework(framework=framework)
    return framework


def test_a_returns_due_date_is_the_one_its_framework_gives(plan):
    """A quarter the framework gives a date for is due then; the others at the end of the
    month `return_due_months` after the quarter; with neither, no date is made up."""
    from frameworks.services import DeadlineSpec, framework_deadlines_set
    from plans.periods import FinancialYear

    year = FinancialYear(2015)
    assert [selectors.return_due_on(q, None) for q in year.quarters] == [None] * 4
    framework = _framework_of(plan)
    assert [selectors.return_due_on(q, framework) for q in year.quarters] == [None] * 4
    framework.return_due_months = 2
    framework.save()
    framework_deadlines_set(
        framework=framework,
        deadlines=[
            DeadlineSpec(
                kind="quarterly_return",
                name="Q4 return",
                due_on=datetime.date(2016, 6, 3),
                year=2015,
                quarter=4,
            )
        ],
    )
    framework = type(framework).objects.prefetch_related("deadlines").get(pk=framework.pk)
    assert [selectors.return_due_on(q, framework) for q in year.quarters] == [
        datetime.date(2015, 8, 31),
        datetime.date(2015, 11, 30),
        datetime.date(2016, 2, 29),
        datetime.date(2016, 6, 3),
    ]
    plan.refresh_from_db()
    rows = selectors.return_deadlines(plan=plan)
    assert [(r["label"], r["due_on"]) for r in rows][-1] == (
        "2015/16 Q4 return",
        datetime.date(2016, 6, 3),
    )


def test_the_2016_17_framework_gives_its_fourth_quarters_return_date(client_for, officer, plan):
    """The 2016/17 pack's Q4 date (31 May 2017) is shown on the plan's returns page; the
    2025/26 pack gives none, and its returns page says so rather than make one up."""
    from fixtures.packs import packs_load
    from plans.services import plan_create

    packs_load()
    older = plan_create(
        area=plan.area,
        title="2016/17",
        first_year=2016,
        last_year=2016,
        version_kind="draft",
        version_date=datetime.date(2016, 3, 1),
    )
    page = client_for(officer).get(reverse("submissions:return_list", args=[older.pk]))
    text = page.content.decode()
    # its quarter 4 return is the year-end return (the pack declares a year-end template)
    assert "Year-end return 2016/17 (quarter 4)" in text and "31 May 2017" in text
    assert "2016/17 Q3 return" in text and "28 February 2017" in text
    newer = plan_create(
        area=plan.area,
        title="2025/26",
        first_year=2025,
        last_year=2025,
        version_kind="draft",
        version_date=datetime.date(2025, 3, 1),
    )
    text = client_for(officer).get(reverse("submissions:return_list", args=[newer.pk]))
    assert "Not given in the framework" in text.content.decode()
    detail = client_for(officer).get(reverse("plans:plan_detail", args=[newer.pk]))
    assert "31 March 2025" in detail.content.decode()  # the plan's own deadline
