"""Reads over jobs, returns and documents, scoped through plans/permissions.py; and the
quarterly dashboard that the Integration Executive reads and a return freezes."""

from __future__ import annotations

import datetime
from decimal import Decimal

from django.db.models import OuterRef, Subquery, Sum
from django.urls import reverse

from governance.models import Action, ItemLink, Meeting
from metrics.models import MetricDefinition
from metrics.periods import Granularity
from metrics.selectors import metrics_overview, spc_for
from plans import permissions
from plans.models import ConditionStatus, NationalCondition, Plan
from plans.periods import FinancialYear, Quarter
from risks.models import Risk
from risks.selectors import fund_balance, fund_list
from schemes.models import (
    PlanQuarterSpend,
    SchemeBudget,
    SchemeImpact,
    SchemeQuarterSpend,
    Theme,
)
from submissions.models import Job, QuarterlyReturn


def job_for(*, user, pk) -> Job:
    """A job by id, if the user may see its area (404/403 otherwise)."""
    return permissions.get_in_area(user, Job.objects.select_related("area", "plan"), pk)


# The quarterly dashboard and the return's snapshot ----------------------------------------
#
# `dashboard` is the one computation of what a quarter's return says: the Integration
# Executive's page shows it live, and the "prepare-return" job freezes `jsonable()` of
# it. Plain dicts and lists (Decimals and dates inside) so both can read it the same way.
# Every figure carries the URL of the page of the record it came from.


TOP_RISKS = 5
ACTIONS_AHEAD_DAYS = 14


def as_of(quarter: Quarter, today: datetime.date) -> datetime.date:
    """The date a quarter's figures are judged at: its last day, or today while it runs."""
    return min(today, quarter.end)


def _add(a, b):
    if a is None:
        return b
    return a if b is None else a + b


def _money(plan: Plan, fy: FinancialYear, quarter: Quarter) -> dict:
    """Plan, forecast outturn, actual to date and variance per theme and scheme (pounds).

    Forecast is the latest forecast given up to the quarter; actual is the sum of the
    quarters' actuals so far; variance is plan − forecast (positive: an underspend).
    Six queries: plan year, themes, schemes with their budget and spend (the database sums
    them), plan spend, funds (2).
    """
    year = fy.start_year
    plan_year = plan.plan_years.filter(year=year).first()
    themes = list(Theme.objects.filter(plan=plan).order_by("order", "name").values("pk", "name"))
    spend = SchemeQuarterSpend.objects.filter(
        scheme=OuterRef("pk"), year=year, quarter__lte=quarter.number
    )
    schemes = (
        plan.schemes.order_by("theme__order", "order")
        .annotate(
            planned=Subquery(
                SchemeBudget.objects.filter(scheme=OuterRef("pk"), year=year).values("amount")
            ),
            forecast=Subquery(
                spend.exclude(forecast=None).order_by("-quarter").values("forecast")[:1]
            ),
            actual_to_date=Subquery(
                spend.exclude(actual=None)
                .order_by()
                .values("scheme")
                .annotate(total=Sum("actual"))
                .values("total")
            ),
        )
        .values("pk", "name", "theme_id", "planned", "forecast", "actual_to_date")
    )
    spend_url = reverse("schemes:spend_edit", args=[plan.pk, year, quarter.number])
    by_theme = {t["pk"]: [] for t in themes}
    for scheme in schemes:
        forecast, planned = scheme["forecast"], scheme["planned"]
        by_theme.setdefault(scheme["theme_id"], []).append(
            {
                "id": scheme["pk"],
                "name": scheme["name"],
                "url": reverse("schemes:scheme_detail", args=[plan.pk, scheme["pk"]]),
                "spend_url": spend_url,
                "plan": planned,
                "forecast": forecast,
                "actual_to_date": scheme["actual_to_date"],
                "variance": None if planned is None or forecast is None else planned - forecast,
            }
        )
    theme_rows = []
    totals = {"plan": None, "forecast": None, "actual_to_date": None}
    for theme in themes:
        rows = by_theme.get(theme["pk"], [])
        sums = dict.fromkeys(totals)
        for row in rows:
            for key in sums:
                sums[key] = _add(sums[key], row[key])
        for key in totals:
            totals[key] = _add(totals[key], sums[key])
        theme_rows.append(
            {
                "id": theme["pk"],
                "name": theme["name"],
                "url": reverse("schemes:scheme_list", args=[plan.pk]) + f"?theme={theme['pk']}",
                **sums,
                "variance": (
                    None
                    if sums["plan"] is None or sums["forecast"] is None
                    else sums["plan"] - sums["forecast"]
                ),
                "schemes": rows,
            }
        )
    plan_level = (
        PlanQuarterSpend.objects.filter(plan=plan, year=year, quarter__lte=quarter.number)
        .order_by("-quarter")
        .first()
    )
    not_by_scheme = None
    if plan_level is not None:
        not_by_scheme = {
            "quarter": plan_level.quarter,
            "forecast": plan_level.forecast,
            "actual_to_date": plan_level.actual_to_date,
            "note": plan_level.note,
            "url": spend_url,
        }
        totals["forecast"] = _add(totals["forecast"], plan_level.forecast)
        totals["actual_to_date"] = _add(totals["actual_to_date"], plan_level.actual_to_date)
    pooled = plan_year.agreed_total if plan_year else None
    funds = []
    for fund in fund_list(plan=plan).filter(year=year):
        funds.append(
            {
                "id": fund.pk,
                "name": fund.name,
                "kind": fund.get_kind_display(),
                "amount": fund.amount,
                "released": fund.released,
                "balance": fund_balance(fund),
                "url": reverse("risks:fund_list", args=[plan.pk]) + f"#fund-{fund.pk}",
                "releases": [
                    {
                        "id": release.pk,
                        "amount": release.amount,
                        "released_on": release.released_on,
                        "when": release.when_as_written,
                        "to": release.released_to,
                        "decision": release.decision_reference,
                    }
                    for release in fund.releases.all()
                ],
            }
        )
    return {
        "pooled_budget": {
            "minimum_required": plan_year.minimum_required if plan_year else None,
            "agreed_total": pooled,
            "url": reverse("plans:plan_detail", args=[plan.pk]),
        },
        "schemes_plan": totals["plan"],
        "forecast": totals["forecast"],
        "actual_to_date": totals["actual_to_date"],
        "variance": None
        if pooled is None or totals["forecast"] is None
        else pooled - totals["forecast"],
        "themes": theme_rows,
        "not_by_scheme": not_by_scheme,
        "funds": funds,
    }


def _in(quarter: Quarter, day: datetime.date) -> bool:
    return quarter.start <= day <= quarter.end


def _figure(row, plan: Plan) -> dict | None:
    if row is None:
        return None
    actual = row.actual
    return {
        "period": actual.period_label,
        "start": actual.start,
        "end": actual.end,
        "value": actual.value,
        "target": row.target.value if row.target else None,
        "status": row.status,
        "status_label": row.status_label,
    }


def _metrics(plan: Plan, fy: FinancialYear, quarter: Quarter) -> list[dict]:
    """Every metric against its target for the quarter and the year to date (four queries).

    Only actuals up to the end of the quarter count, so a past quarter's figures, forecast
    and SPC read as they did then.
    """
    overview = metrics_overview(plan=plan, with_matrix=False)
    rows = []
    for summary in overview.summaries:
        known = [r for r in summary.actuals if r.actual.end <= quarter.end]
        in_quarter = [
            r
            for r in known
            if r.actual.granularity in (Granularity.QUARTER, Granularity.MONTH)
            and _in(quarter, r.actual.end)
        ]
        quarter_row = next(
            (r for r in reversed(in_quarter) if r.actual.granularity == Granularity.QUARTER),
            in_quarter[-1] if in_quarter else None,
        )
        to_date = [
            r
            for r in known
            if r.actual.granularity in (Granularity.YEAR_TO_DATE, Granularity.YEAR)
            and fy.start <= r.actual.start
            and r.actual.end <= fy.end
        ]
        ytd_row = to_date[-1] if to_date else None
        forecast = summary.forecast if known and known == summary.actuals else None
        if summary.forecast is not None and summary.forecast.year != fy:
            forecast = None
        metric = summary.metric
        # The SPC of the actuals known at the quarter's end, as the metric page computes it.
        if known == summary.actuals:
            verdict, applied = summary.spc, summary.rebases
        else:
            verdict, applied = spc_for(metric=metric, rows=known, rebases=summary.recorded_rebases)
        rows.append(
            {
                "code": metric.code,
                "name": metric.name,
                "number": metric.number,
                "unit": metric.unit,
                "direction": metric.direction,
                "url": reverse("metrics:metric_detail", args=[plan.pk, metric.code]),
                "quarter": _figure(quarter_row, plan),
                "year_to_date": _figure(ytd_row, plan),
                "annual_target": summary.annual_target,
                "forecast": (
                    None if forecast is None else {"count": forecast.count, "value": forecast.value}
                ),
                "variation": verdict.variation,
                "variation_label": verdict.variation_label,
                "assurance": verdict.assurance,
                "assurance_label": verdict.assurance_label,
                "spc_run_length": verdict.chart.run_length,
                "spc_rebases": [
                    {
                        "period": rebase.period_label,
                        "reason": rebase.reason,
                        "recorded_by": rebase.recorded_by_name,
                    }
                    for _, rebase in applied
                ],
            }
        )
    return rows


def _conditions(plan: Plan, fy: FinancialYear, quarter: Quarter) -> list[dict]:
    """The national conditions of the year with the plan's status in the quarter (2 queries)."""
    statuses = {
        s.condition_id: s
        for s in ConditionStatus.objects.filter(
            plan=plan, year=fy.start_year, quarter=quarter.number
        )
    }
    url = reverse("plans:condition_edit", args=[plan.pk, fy.start_year, quarter.number])
    rows = []
    for condition in NationalCondition.objects.applying_to(fy.start_year).order_by("order", "code"):
        status = statuses.get(condition.pk)
        rows.append(
            {
                "code": condition.code,
                "title": condition.title,
                "status": status.status if status else None,
                "status_label": status.get_status_display() if status else "Not reported",
                "expected_date": status.expected_date if status else None,
                "narrative": status.narrative if status else "",
                "url": url,
            }
        )
    return rows


def _risk_row(plan: Plan, risk: Risk, day: datetime.date) -> dict:
    return {
        "id": risk.pk,
        "description": str(risk),
        "category": risk.category.name,
        "residual_score": risk.score_after,
        "residual_band": risk.band_after,
        "rating_after": risk.rating_after,
        "owner": risk.owner,
        "next_review": risk.next_review,
        "overdue": risk.is_overdue(day),
        "url": reverse("risks:risk_detail", args=[plan.pk, risk.pk]),
    }


def _risks(plan: Plan, day: datetime.date) -> dict:
    """The top open risks by residual rating, and those overdue for review (two queries)."""
    risks = Risk.objects.filter(register__plan=plan).select_related("category")
    top = risks.filter(status=Risk.Status.OPEN).order_by(
        models_desc("score_after"), models_desc("score_before"), "pk"
    )[:TOP_RISKS]
    overdue = risks.overdue(day).order_by("next_review", "pk")
    return {
        "top": [_risk_row(plan, r, day) for r in top],
        "overdue": [_risk_row(plan, r, day) for r in overdue],
    }


def models_desc(field: str):
    from django.db.models import F

    return F(field).desc(nulls_last=True)


def _actions(plan: Plan, day: datetime.date) -> list[dict]:
    """Open actions of the plan's area due by two weeks after `day`, overdue first (1 query)."""
    actions = (
        Action.objects.open()
        .filter(area_id=plan.area_id, due_on__lte=day + datetime.timedelta(ACTIONS_AHEAD_DAYS))
        .select_related("owner", "board")
        .order_by("due_on", "pk")
    )
    return [
        {
            "id": action.pk,
            "description": action.description,
            "owner": action.owner_label,
            "board": action.board.name,
            "due_on": action.due_on,
            "overdue": action.is_overdue(day),
            "url": (
                reverse("governance:meeting_detail", args=[action.meeting_id])
                if action.meeting_id
                else reverse("governance:board_detail", args=[action.board_id])
            ),
        }
        for action in actions
    ]


def _impacts(plan: Plan, fy: FinancialYear) -> dict:
    """What the schemes were to change in a metric's count this year and did (1 query)."""
    impacts = (
        SchemeImpact.objects.filter(scheme__plan=plan, year=fy.start_year)
        .select_related("scheme", "metric")
        .order_by("metric__number", "metric__code", "scheme__name")
    )
    by_metric: dict[str, dict] = {}
    for impact in impacts:
        entry = by_metric.setdefault(
            impact.metric.code,
            {
                "metric": impact.metric.name,
                "code": impact.metric.code,
                "url": reverse("metrics:metric_detail", args=[plan.pk, impact.metric.code]),
                "target": None,
                "actual": None,
                "schemes": [],
            },
        )
        entry["target"] = _add(entry["target"], impact.target)
        entry["actual"] = _add(entry["actual"], impact.actual)
        entry["schemes"].append(
            {
                "scheme": impact.scheme.name,
                "url": reverse("schemes:scheme_detail", args=[plan.pk, impact.scheme_id]),
                "description": impact.description,
                "target": impact.target,
                "actual": impact.actual,
            }
        )
    return {"by_metric": list(by_metric.values())}


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
        "finance": _money(plan, fy, period),
        "metrics": _metrics(plan, fy, period),
        "conditions": _conditions(plan, fy, period),
        "risks": _risks(plan, day),
        "actions": _actions(plan, day),
        "impacts": _impacts(plan, fy),
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


def return_due_on(period: Quarter) -> datetime.date:
    """When NHS England expects a quarter's return: the end of the second month after the
    quarter (Q4 2016/17: 31 May 2017, as the June 2017 report says)."""
    end = period.end
    month = end.month + 2
    year = end.year + (month > 12)
    month = (month - 1) % 12 + 1
    following = datetime.date(year + (month == 12), month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def returns_due(
    *, today: datetime.date, plan: Plan | None = None, plans=None, within: int = 14
) -> list[dict]:
    """Quarters whose return is due within `within` days with no approval in sight.

    "In sight" means approved already, or an agenda item of a meeting from today on concerns
    a return of that plan and quarter. Three queries whatever the number of plans; two for
    one plan, which is not read again.
    """
    if plan is not None:
        plans = [plan]
    elif plans is None:
        plans = Plan.objects.select_related("area")
    candidates = []
    for period in (Quarter.containing(today), Quarter.containing(today - datetime.timedelta(92))):
        due = return_due_on(period)
        if today <= due <= today + datetime.timedelta(within):
            candidates.append((period, due))
    if not candidates:
        return []
    years = {period.year.start_year for period, _ in candidates}
    plans = [p for p in plans if any(p.covers(y) for y in years)]
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
    for p in plans:
        for period, due in candidates:
            key = (p.pk, period.year.start_year, period.number)
            if p.covers(period.year.start_year) and key not in approved and key not in scheduled:
                due_list.append({"plan": p, "period": period, "due_on": due})
    return due_list
