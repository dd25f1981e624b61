"""Reads over jobs, returns and documents, scoped through plans/permissions.py; and the
quarterly dashboard that the Integration Executive reads and a return freezes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.urls import reverse

from frameworks.models import PolicyFramework, SubmissionTemplate
from frameworks.template_spec import pack_templates
from governance.models import ItemLink, Meeting
from governance.selectors import actions_due
from metrics.models import MetricDefinition
from metrics.selectors import metrics_of_quarter
from plans import permissions
from plans.models import Plan
from plans.periods import FinancialYear, Quarter
from plans.selectors import condition_statuses, plan_year_not_broken_down
from risks.selectors import fund_summaries, risks_to_watch
from schemes.funding.selectors import funding_of_quarter
from schemes.selectors import plan_spend_summary, scheme_impacts
from submissions.models import Job, QuarterlyReturn


def job_for(*, user, pk) -> Job:
    """A job by id, if the user may see its area (404/403 otherwise)."""
    return permissions.get_in_area(user, Job.objects.select_related("area", "plan"), pk)


# The quarterly dashboard and the return's snapshot ----------------------------------------
#
# `dashboard` is the one computation of what a quarter's return says: the Integration
# Executive's page shows it live, and the "prepare-return" job freezes `jsonable()` of
# it. Plain dicts and lists (Decimals and dates inside) so both can read it the same way.
# Every figure carries the URL of the page of the record it came from. Each part is computed
# by the app that owns its figures (its selectors); this module only composes them.


TOP_RISKS = 5
ACTIONS_AHEAD_DAYS = 14


def as_of(quarter: Quarter, today: datetime.date) -> datetime.date:
    """The date a quarter's figures are judged at: its last day, or today while it runs."""
    return min(today, quarter.end)


def dashboard(*, plan: Plan, year: int, quarter: int, today: datetime.date | None = None) -> dict:
    """Everything a quarter's return says, computed from live data (see the module note).

    A constant number of queries whatever the number of schemes, metrics or risks.
    `today` (default: today) only matters while the quarter runs: figures are judged at
    `as_of(quarter, today)`, so a past quarter's dashboard does not change with the date.
    """
    fy = FinancialYear(year)
    period = fy.quarter(quarter)
    day = as_of(period, today or datetime.date.today())
    return {
        "plan": {
            "id": plan.pk,
            "title": plan.title,
            "area": plan.area.name,
            "url": reverse("plans:plan_detail", args=[plan.pk]),
        },
        "period": {
            "year": fy.label,
            "quarter": quarter,
            "label": period.label,
            "start": period.start,
            "end": period.end,
            "as_of": day,
        },
        "finance": {
            **plan_spend_summary(plan=plan, fy=fy, quarter=period),
            "funds": fund_summaries(plan=plan, year=fy.start_year),
            "funding": funding_of_quarter(plan=plan, fy=fy, quarter=period),
        },
        "metrics": metrics_of_quarter(plan=plan, fy=fy, quarter=period),
        "conditions": condition_statuses(plan=plan, fy=fy, quarter=period),
        "risks": risks_to_watch(plan=plan, day=day, top=TOP_RISKS),
        "actions": actions_due(area_id=plan.area_id, day=day, ahead_days=ACTIONS_AHEAD_DAYS),
        "impacts": scheme_impacts(plan=plan, fy=fy),
    }


def with_metric_units(data: dict | None) -> dict | None:
    """A snapshot made before its metrics carried their unit and direction, given them from
    the metric definitions (one query), so its figures read at their precision; the figures
    themselves are the snapshot's own. A snapshot that has them is returned as it is."""
    if not data or all("unit" in metric for metric in data.get("metrics", [])):
        return data
    codes = [metric["code"] for metric in data["metrics"]]
    known = {
        row["code"]: row
        for row in MetricDefinition.objects.filter(code__in=codes).values(
            "code", "unit", "direction"
        )
    }
    metrics = [
        {"unit": None, "direction": None, **known.get(metric["code"], {}), **metric}
        for metric in data["metrics"]
    ]
    return {**data, "metrics": metrics}


def jsonable(value):
    """The dashboard as JSON-safe data: Decimals as strings, dates as ISO strings."""
    if isinstance(value, dict):
        return {str(key): jsonable(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [jsonable(item) for item in value]
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


# Returns ---------------------------------------------------------------------------------


def returns_of(*, plan: Plan):
    """A plan's returns, newest quarter and version first (one query)."""
    return QuarterlyReturn.objects.filter(plan=plan).order_by("-year", "-quarter", "-version")


def return_for(*, user, pk) -> QuarterlyReturn:
    """A return by id if the user may see its plan (404/403 otherwise)."""
    ret = QuarterlyReturn.objects.select_related("plan__area", "supersedes").filter(pk=pk).first()
    if ret is None:
        from django.http import Http404

        raise Http404("No such return.")
    permissions.check(user, permissions.VIEW, ret.plan)
    return ret


def latest_job_for(ret: QuarterlyReturn) -> Job | None:
    """The newest "prepare-return" job of a return (one query)."""
    return (
        Job.objects.filter(kind="prepare-return", plan_id=ret.plan_id, params__return_id=ret.pk)
        .order_by("-created_at", "-pk")
        .first()
    )


def return_due_on(period: Quarter, framework=None) -> datetime.date | None:
    """When NHS England expects a quarter's return: as the plan's policy framework gives it
    (frameworks.models.PolicyFramework.return_due_on); None where the framework's sources
    say nothing, or where no framework covers the plan."""
    return framework.return_due_on(period) if framework is not None else None


def return_deadlines(*, plan: Plan) -> list[dict]:
    """Each quarter of the plan with the day its return is due (None where the plan's
    framework does not say), then each year's year-end return where the framework gives
    its day: two queries (the framework and its deadlines)."""
    framework = (
        PolicyFramework.objects.prefetch_related("deadlines").filter(pk=plan.framework_id).first()
    )
    rows = [
        {"period": q, "label": f"{q.label} return", "due_on": return_due_on(q, framework)}
        for y in plan.years
        for q in y.quarters
    ]
    if framework is not None:
        rows += [
            {"period": y, "label": f"Year-end return {y.label}", "due_on": due}
            for y in plan.years
            if (due := framework.year_end_due_on(y)) is not None
        ]
    return rows


def returns_due(
    *, today: datetime.date, plan: Plan | None = None, plans=None, within: int = 14
) -> list[dict]:
    """Quarters whose return is due within `within` days with no approval in sight.

    "In sight" means approved already, or an agenda item of a meeting from today on concerns
    a return of that plan and quarter. Each plan's return is due when its policy framework
    says (`return_due_on`). Five queries whatever the number of plans (the plans, their
    frameworks with their deadlines, the approved and the scheduled returns); four for one
    plan, which is not read again.
    """
    if plan is not None:
        plans = [plan]
    elif plans is None:
        plans = Plan.objects.select_related("area")
    periods = [Quarter.containing(today - datetime.timedelta(days)) for days in (0, 92, 183)]
    years = {period.year.start_year for period in periods}
    plans = [p for p in plans if any(p.covers(y) for y in years)]
    frameworks = {
        f.pk: f
        for f in PolicyFramework.objects.filter(
            pk__in={p.framework_id for p in plans if p.framework_id}
        ).prefetch_related("deadlines")
    }
    candidates = []  # (plan, quarter, due date)
    for p in plans:
        framework = frameworks.get(p.framework_id)
        for period in dict.fromkeys(periods):
            due = return_due_on(period, framework)
            if (
                due is not None
                and p.covers(period.year.start_year)
                and today <= due <= today + datetime.timedelta(within)
            ):
                candidates.append((p, period, due))
    if not candidates:
        return []
    plans = list(dict.fromkeys(p for p, _, _ in candidates))
    returns = QuarterlyReturn.objects.filter(plan__in=plans)
    approved = set(
        returns.filter(status__in=QuarterlyReturn.FROZEN_STATUSES).values_list(
            "plan_id", "year", "quarter"
        )
    )
    scheduled_ids = ItemLink.objects.filter(
        content_type__app_label="submissions",
        content_type__model="quarterlyreturn",
        item__meeting__date__gte=today,
    ).exclude(item__meeting__status=Meeting.Status.CANCELLED)
    scheduled = set(
        returns.filter(pk__in=scheduled_ids.values("object_id")).values_list(
            "plan_id", "year", "quarter"
        )
    )
    due_list = []
    for p, period, due in candidates:
        key = (p.pk, period.year.start_year, period.number)
        if key not in approved and key not in scheduled:
            due_list.append({"plan": p, "period": period, "due_on": due})
    return due_list


# Year-end returns ------------------------------------------------------------------------
#
# A plan's year-end return is its quarter 4 return (governance's powers already treat it so:
# Power.Kind.YEAR_END_RETURN). Where the plan's framework declares a year-end template, that
# return's snapshot also holds the year's year-end figures, and its documents include the
# framework's year-end workbook and PDF.


def year_end_declared(plan: Plan) -> bool:
    """Whether the plan's framework declares a year-end return template with a layout (one
    query; a plan no loaded framework covers reads the pack on disk for its years)."""
    purpose = SubmissionTemplate.Purpose.YEAR_END_RETURN
    if plan.framework_id is None:
        return any(
            t.get("purpose") == purpose and t.get("layout") for t in pack_templates(plan.first_year)
        )
    return (
        SubmissionTemplate.objects.filter(framework_id=plan.framework_id, purpose=purpose)
        .exclude(spec={})
        .exists()
    )


def is_year_end(ret: QuarterlyReturn) -> bool:
    """Whether the return is a year-end return: as prepared (its snapshot), or, before it
    is prepared, a quarter 4 return of a framework declaring a year-end template."""
    if ret.quarter != 4:
        return False
    if ret.snapshot:
        return ret.holds_year_end
    return year_end_declared(ret.plan)


def return_kind_label(ret: QuarterlyReturn, year_end: bool | None = None) -> str:
    """What the return is called: "Year-end return 2024/25", "2016/17 Q3 return"
    (QuarterlyReturn.label, told whether it is a year-end return)."""
    return ret.label(is_year_end(ret) if year_end is None else year_end)


def year_end(*, plan: Plan, fy: FinancialYear) -> dict:
    """What a year-end return adds to its quarter 4 dashboard, whose figures are the year's
    outturn (spend by scheme and by funding stream with the ring-fences, each metric's year
    to date, the national conditions at the year's end): where the source gives the year's
    pooled budget only as a total, its words (shown beside the money it does not break
    down). Its presence marks the snapshot as a year-end return's."""
    return {"not_broken_down": plan_year_not_broken_down(plan=plan, year=fy.start_year)}
