"""Read queries for the metric pages and the API: one overview, computed once, in a
constant number of queries whatever the number of baselines, targets and actuals."""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from metrics import calculations as calc
from metrics.models import Actual, Baseline, MetricDefinition, SpcRebase, TrajectoryPoint
from metrics.periods import Granularity
from metrics.spc import SpcVerdict, spc_verdict
from metrics.spc import point_label as spc_point_label
from metrics.spc import point_variation as spc_point_variation
from plans.models import Plan
from plans.periods import FinancialYear, Quarter


@dataclass
class ActualRow:
    actual: Actual
    target: TrajectoryPoint | None
    status: str
    # Its point on the SPC chart in words (empty when not charted or without limits).
    spc_label: str = ""

    @property
    def status_label(self) -> str:
        return calc.STATUS_LABELS[self.status]


@dataclass
class Forecast:
    year: FinancialYear
    count: Decimal
    value: Decimal | None
    months_elapsed: int


@dataclass
class MetricSummary:
    """One metric of one plan: its figures and everything computed from them."""

    metric: MetricDefinition
    baseline: Baseline | None
    targets: list[TrajectoryPoint] = field(default_factory=list)
    actuals: list[ActualRow] = field(default_factory=list)
    forecast: Forecast | None = None
    spc: SpcVerdict | None = None
    # The rebases of the charted series, oldest first, each paired with its point's index;
    # and every rebase recorded for the metric (the dashboard charts fewer points).
    rebases: list[tuple[int, SpcRebase]] = field(default_factory=list)
    recorded_rebases: list[SpcRebase] = field(default_factory=list)

    @property
    def final_target(self) -> TrajectoryPoint | None:
        return self.targets[-1] if self.targets else None

    @property
    def change_from_baseline_percent(self) -> Decimal | None:
        """Signed % change from the baseline to the final target."""
        if self.baseline is None or self.final_target is None:
            return None
        return calc.change_percent(start=self.baseline.value, end=self.final_target.value)

    @property
    def latest(self) -> ActualRow | None:
        return self.actuals[-1] if self.actuals else None

    @property
    def latest_status(self) -> str:
        return self.latest.status if self.latest else calc.NO_DATA

    @property
    def latest_status_label(self) -> str:
        return calc.STATUS_LABELS[self.latest_status]

    @property
    def latest_rebase(self) -> SpcRebase | None:
        """The rebase the current limits start from, if any."""
        return self.rebases[-1][1] if self.rebases else None

    @property
    def variation(self) -> str:
        return self.spc.variation if self.spc is not None else ""

    @property
    def assurance(self) -> str:
        return self.spc.assurance if self.spc is not None else ""

    @property
    def variation_label(self) -> str:
        return self.spc.variation_label if self.spc is not None else ""

    @property
    def assurance_label(self) -> str:
        return self.spc.assurance_label if self.spc is not None else ""

    @property
    def annual_target(self) -> Decimal | None:
        target = self.final_target
        if target is None:
            return None
        return calc.annual_value(value=target.value, unit=self.metric.unit)


@dataclass
class MetricsOverview:
    plan: Plan
    summaries: list[MetricSummary]
    # (scheme, one cell per summary: its metric if the scheme is expected to move it, else None)
    matrix: list[tuple[object, list[MetricDefinition | None]]]

    def get(self, code: str) -> MetricSummary | None:
        return next((s for s in self.summaries if s.metric.code == code), None)


# The scheme × metric matrix belongs to schemes, which sit above metrics: schemes' AppConfig
# gives the function that computes it (schemes.selectors.scheme_metric_matrix), so the
# overview shows it without metrics importing schemes.
MatrixFunction = Callable[[Plan, list[MetricDefinition]], list]
_scheme_matrix: MatrixFunction | None = None


def scheme_matrix_register(function: MatrixFunction) -> None:
    global _scheme_matrix
    _scheme_matrix = function


def _key_number(metric: MetricDefinition, by_id: dict[int, MetricDefinition]) -> int:
    """Its number in the key to metrics, or that of the metric it replaced."""
    if metric.number:
        return metric.number
    replaced = [m for m in by_id.values() if m.replaced_by_id == metric.pk and m.number]
    return (replaced[0].number or 99) if replaced else 99


def _target_for(actual: Actual, targets: list[TrajectoryPoint]) -> TrajectoryPoint | None:
    """The target an actual is judged against: the same period; for a year to date, the
    year's target; else the first "by" date target not yet passed, or the year's target."""
    for target in targets:
        if (target.granularity, target.start, target.end) == (
            actual.granularity,
            actual.start,
            actual.end,
        ):
            return target
    year = FinancialYear.containing(actual.end)
    year_target = next(
        (t for t in targets if t.granularity == Granularity.YEAR and t.start == year.start), None
    )
    if actual.granularity == Granularity.YEAR_TO_DATE:
        return year_target
    by_date = [t for t in targets if t.granularity == Granularity.BY_DATE and t.end >= actual.end]
    return by_date[0] if by_date else year_target


def _forecast(metric: MetricDefinition, actuals: list[Actual]) -> Forecast | None:
    """Year-end count for the year of the latest actual, from its months or quarters (or
    its year to date); None when the year is complete or there are no counts."""
    if not actuals or metric.unit == calc.PERCENTAGE:
        return None
    latest = actuals[-1]
    year = FinancialYear.containing(latest.end)
    in_year = [a for a in actuals if year.start <= a.start and a.end <= year.end]
    if any(a.granularity == Granularity.YEAR for a in in_year):
        return None
    if latest.granularity == Granularity.YEAR_TO_DATE and latest.numerator is not None:
        months = latest.months
        count = calc.forecast_from_total(total=latest.numerator, months_elapsed=months)
    else:
        for granularity, per_year in ((Granularity.MONTH, 12), (Granularity.QUARTER, 4)):
            parts = [a for a in in_year if a.granularity == granularity]
            if parts and all(a.numerator is not None for a in parts):
                count = calc.forecast_year_end(
                    to_date=[a.numerator for a in parts if a.numerator is not None],
                    periods_in_year=per_year,
                )
                months = len(parts) * 12 // per_year
                break
        else:
            return None
    value = None
    if latest.denominator:
        value = calc.rate(numerator=count, denominator=latest.denominator, unit=metric.unit)
    return Forecast(year=year, count=count, value=value, months_elapsed=months)


def spc_series(rows: list[ActualRow]) -> list[ActualRow]:
    """The actuals an SPC chart plots: those of the latest actual's granularity."""
    return [r for r in rows if r.actual.granularity == rows[-1].actual.granularity] if rows else []


def spc_for(
    *, metric: MetricDefinition, rows: list[ActualRow], rebases: list[SpcRebase]
) -> tuple[SpcVerdict, list[tuple[int, SpcRebase]]]:
    """The one SPC computation that the metric pages, the dashboard, returns and documents
    show: the chart of `rows` (a metric's actuals judged against their targets, in time
    order) with the limits recalculated where `rebases` say, its icons against the latest
    actual's target, and the run length of settings.SPC_RUN_LENGTH. Returns the verdict
    and each rebase that applies, with the index of its first point."""
    series = spc_series(rows)
    granularity = series[-1].actual.granularity if series else None
    applied = []
    for rebase in sorted(rebases, key=lambda r: r.start):
        if rebase.metric_id != metric.pk or rebase.granularity != granularity:
            continue
        index = next((i for i, r in enumerate(series) if r.actual.start >= rebase.start), None)
        if index:  # not before the first point, nor after the last
            applied.append((index, rebase))
    latest = series[-1] if series else None
    verdict = spc_verdict(
        [r.actual.value for r in series],
        direction=metric.direction,
        target=latest.target.value if latest and latest.target else None,
        run_length=settings.SPC_RUN_LENGTH,
        breaks=[index for index, _ in applied],
    )
    return verdict, applied


def _summary(metric, baseline, targets, actuals, rebases) -> MetricSummary:
    rows = []
    for actual in actuals:
        target = _target_for(actual, targets)
        compared = actual.value
        rows.append(
            ActualRow(
                actual=actual,
                target=target,
                status=calc.status(
                    actual=compared,
                    target=target.value if target else None,
                    direction=metric.direction,
                ),
            )
        )
    verdict, applied = spc_for(metric=metric, rows=rows, rebases=rebases)
    new_limits = {index for index, _ in applied}
    for index, (row, point) in enumerate(zip(spc_series(rows), verdict.chart.points, strict=True)):
        if verdict.chart.segments[point.segment].has_limits:
            row.spc_label = spc_point_label(point, direction=metric.direction)
        if index in new_limits:
            row.spc_label = f"▲ New limits. {row.spc_label}".strip()
    return MetricSummary(
        metric=metric,
        baseline=baseline,
        targets=targets,
        actuals=rows,
        forecast=_forecast(metric, actuals),
        spc=verdict,
        rebases=applied,
        recorded_rebases=rebases,
    )


def metrics_overview(*, plan: Plan, with_matrix: bool = True) -> MetricsOverview:
    """Every metric that applies to the plan (by policy years, or because it has figures
    in it), with baseline, targets, actuals judged against them, forecast and SPC.

    Queries: definitions, baselines, targets, actuals, SPC rebases (with who recorded
    them), and (with the matrix) schemes with their metrics: six (or five), whatever the
    number of points.
    """
    definitions = {m.pk: m for m in MetricDefinition.objects.with_entries()}
    # Numbered as the plan's framework numbers them (what every page and document shows).
    for definition in definitions.values():
        definition.number = definition.number_in(plan.framework_id)
    baselines = {b.metric_id: b for b in Baseline.objects.filter(plan=plan)}
    targets: dict[int, list] = defaultdict(list)
    for point in TrajectoryPoint.objects.filter(plan=plan).order_by("end", "start"):
        targets[point.metric_id].append(point)
    actuals: dict[int, list] = defaultdict(list)
    for actual in (
        Actual.objects.filter(plan=plan).select_related("publication").order_by("end", "start")
    ):
        actuals[actual.metric_id].append(actual)
    rebases: dict[int, list] = defaultdict(list)
    for rebase in SpcRebase.objects.filter(plan=plan).select_related("recorded_by"):
        rebases[rebase.metric_id].append(rebase)
    with_data = set(baselines) | set(targets) | set(actuals)
    chosen = [m for m in definitions.values() if m.pk in with_data or m.applies_to(plan)]
    chosen.sort(key=lambda m: (_key_number(m, definitions), m.number is None, m.code))
    summaries = []
    for metric in chosen:
        for figure in (baselines.get(metric.pk), *targets[metric.pk], *actuals[metric.pk]):
            if figure is not None:
                figure.metric = metric
                figure.plan = plan
        summaries.append(
            _summary(
                metric,
                baselines.get(metric.pk),
                targets[metric.pk],
                actuals[metric.pk],
                rebases[metric.pk],
            )
        )
    matrix = []
    if with_matrix and _scheme_matrix is not None:
        matrix = _scheme_matrix(plan, [summary.metric for summary in summaries])
    return MetricsOverview(plan=plan, summaries=summaries, matrix=matrix)


def metric_for_plan(*, plan: Plan, code: str) -> MetricSummary | None:
    """One metric's summary (the same computation as the overview)."""
    return metrics_overview(plan=plan, with_matrix=False).get(code)


def _in_quarter(quarter: Quarter, day: datetime.date) -> bool:
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
        # Only a value its source does not give carries this (and older snapshots lack it).
        **({"derived": actual.derived} if actual.value_derived else {}),
    }


def _signals(metric: MetricDefinition, known: list[ActualRow], verdict: SpcVerdict) -> dict:
    """The special-cause points of the SPC chart of the actuals known (those of a period of
    limits), by period: their reading ("special_cause_improving"…) and its words with the
    rules they are part of ("Improving: shift"), as the metric page's table names them."""
    signals = {}
    for row, point in zip(spc_series(known), verdict.chart.points, strict=True):
        if point.special_cause and verdict.chart.segments[point.segment].has_limits:
            signals[(row.actual.end, row.actual.period_label)] = (
                spc_point_variation(point, direction=metric.direction),
                spc_point_label(point, direction=metric.direction),
            )
    return signals


def _series(
    summary: MetricSummary, known: list[ActualRow], fy: FinancialYear, signals: dict
) -> list[dict]:
    """The metric's trajectory to the year's end and its actuals known at the quarter's end,
    period by period, oldest first, each actual with its SPC signal if it is a special-cause
    point: what the dashboard's small chart of the metric draws."""
    points: dict = {}
    for target in summary.targets:
        if target.end <= fy.end:
            points.setdefault((target.end, target.period_label), {})["target"] = target.value
    for row in known:
        points.setdefault((row.actual.end, row.actual.period_label), {})["actual"] = (
            row.actual.value
        )
    series = []
    for key, values in sorted(points.items()):
        signal, signal_label = signals.get(key, ("", "")) if "actual" in values else ("", "")
        series.append(
            {
                "period": key[1],
                "target": values.get("target"),
                "actual": values.get("actual"),
                "signal": signal,
                "signal_label": signal_label,
            }
        )
    return series


def metrics_of_quarter(*, plan: Plan, fy: FinancialYear, quarter: Quarter) -> list[dict]:
    """Every metric against its target for the quarter and the year to date, as the
    quarterly dashboard and a return show them (four queries).

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
            and _in_quarter(quarter, r.actual.end)
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
        if verdict is None:  # every summary of the overview has its SPC
            raise ValueError(f"No SPC for {metric.code}.")
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
                "series": _series(summary, known, fy, _signals(metric, known, verdict)),
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


# National publications -----------------------------------------------------------------------

PUBLICATION_FIGURES_SHOWN = 200


def publications_list():
    """The national publications imported, newest first, with who imported them."""
    from metrics.models import Publication

    return Publication.objects.select_related("imported_by").order_by("-imported_at", "-pk")


def publication_get(pk: int):
    from metrics.models import Publication

    return Publication.objects.select_related("imported_by").filter(pk=pk).first()


def publication_figures(publication, *, limit: int = PUBLICATION_FIGURES_SHOWN):
    """The figures a publication gives (first `limit`, by area, metric and period), each
    with the revisions it made (the earlier values it replaced); and how many there are."""
    from django.db.models import Prefetch

    from metrics.models import Actual, ActualRevision

    figures = (
        Actual.objects.filter(publication=publication)
        .select_related("plan__area", "metric", "publication")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=ActualRevision.objects.select_related("publication", "revised_by"),
            )
        )
        .order_by("plan__area__name", "metric__number", "metric__code", "end", "pk")
    )
    return list(figures[:limit]), figures.count()


def publications_visible_to(user):
    """The national publications `user` may read through the API: every one for assurers
    and administrators (sees_all_areas); for anyone else, those that gave a figure to a
    plan of their areas (Plan.objects.visible_to)."""
    from django.db.models import Exists, OuterRef

    from metrics.models import Actual
    from plans.roles import sees_all_areas

    found = publications_list()
    if not user.is_authenticated:
        return found.none()
    if sees_all_areas(user):
        return found
    return found.filter(
        Exists(
            Actual.objects.filter(
                publication=OuterRef("pk"), plan__in=Plan.objects.visible_to(user).values("pk")
            )
        )
    )


def publication_figures_visible_to(publication, user):
    """The figures `publication` gave the plans `user` sees (every area's for assurers and
    administrators), by area, metric and period, each with the earlier values it revised.
    Two queries, however many figures."""
    from django.db.models import Prefetch

    from metrics.models import Actual, ActualRevision

    return (
        Actual.objects.filter(
            publication=publication, plan__in=Plan.objects.visible_to(user).values("pk")
        )
        .select_related("plan__area", "metric")
        .prefetch_related(
            Prefetch(
                "revisions",
                queryset=ActualRevision.objects.filter(revised_by=publication).select_related(
                    "publication"
                ),
                to_attr="revised_here",
            )
        )
        .order_by("plan__area__name", "metric__number", "metric__code", "end", "pk")
    )


def publication_revised_since(publication):
    """How many figures of this publication a later one has revised (their earlier values
    are kept as revisions naming this publication)."""
    from metrics.models import ActualRevision

    return ActualRevision.objects.filter(publication=publication).count()


@dataclass(frozen=True)
class PublishedFigure:
    """An actual that came from a national publication, or that one revised: the figure,
    and the values later publications replaced (oldest first)."""

    actual: Actual
    revisions: list

    @property
    def lag_days(self) -> int | None:
        return self.actual.data_lag_days


def published_figures(actuals: list[Actual], *, plan, metric) -> list[PublishedFigure]:
    """Of a plan's actuals of one metric (as the page lists them), those from a national
    publication or revised by one, each with its revisions. One query."""
    from metrics.models import ActualRevision

    found: dict[int, list] = defaultdict(list)
    for revision in ActualRevision.objects.filter(
        actual__plan=plan, actual__metric=metric
    ).select_related("publication", "revised_by"):
        found[revision.actual_id].append(revision)
    return [
        PublishedFigure(actual=a, revisions=found.get(a.pk, []))
        for a in actuals
        if a.publication_id is not None or a.pk in found
    ]
