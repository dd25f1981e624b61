"""Operations that change metric baselines, trajectory points (targets) and actuals.

Each is one transaction, validates with full_clean(), and leaves a history record naming
the user. A figure is entered either as its value (a rate, percentage or count) or as
numerator and population (denominator); what was not entered is computed by
metrics.calculations, never typed twice.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max, Min

from metrics import calculations, periods, publications
from metrics.models import (
    Actual,
    ActualRevision,
    Baseline,
    Figure,
    MetricDefinition,
    NationalIndicator,
    Publication,
    SpcRebase,
    TrajectoryPoint,
)
from plans import permissions
from plans.models import Plan
from plans.services import (
    check_version,
    delete_with_history,
    locked,
    save_changed,
    save_with_history,
)


def _fill(
    record: Figure,
    *,
    metric: MetricDefinition,
    value: Decimal | None,
    numerator: Decimal | None,
    denominator: Decimal | None,
    value_places: int | None = None,
    derived: str = "",
) -> None:
    """Set value, numerator and denominator from what was entered, computing the rest.
    `value_places`: the decimals a source writes the value with, when it comes from one;
    `derived`: what of the figure its source does not give and how it was worked out (a
    change typed on a page clears both: it is then as typed)."""
    months = periods.months(record.granularity, record.start, record.end)
    unit = metric.unit
    counts = calculations.counts_wording(unit)
    numerator_name, denominator_name = calculations.count_names(unit)
    if value is not None and numerator is not None and denominator is not None:
        raise ValidationError({"value": f"Enter the value, or {counts}, not both."})
    if numerator is not None and (denominator is not None or unit == calculations.COUNT):
        if denominator is not None and denominator <= 0:
            raise ValidationError(
                {"denominator": f"The {denominator_name} must be more than zero."}
            )
        value = calculations.rate(
            numerator=numerator, denominator=denominator, unit=unit, months=months
        )
        entered_as = Figure.EnteredAs.COUNTS
    elif value is not None:
        if numerator is not None:
            raise ValidationError(
                {
                    "denominator": f"Enter the {denominator_name} with the {numerator_name}, "
                    "or only the value."
                }
            )
        if denominator is not None and unit != calculations.COUNT:
            numerator = calculations.numerator_from_rate(
                value=value, denominator=denominator, unit=unit, months=months
            )
        entered_as = Figure.EnteredAs.VALUE
    elif numerator is not None:
        raise ValidationError(
            {"denominator": f"Enter the {denominator_name} to compute the value."}
        )
    else:
        raise ValidationError(
            {"value": f"Enter the value, or {counts}." if counts else "Enter the value."}
        )
    record.value = value
    record.numerator = numerator
    record.denominator = denominator
    record.entered_as = entered_as
    record.value_places = value_places
    record.derived = derived


def _period(record: Figure, granularity: str, start: datetime.date, end: datetime.date):
    record.granularity, record.start, record.end = granularity, start, end
    try:
        periods.check(granularity, start, end)
    except ValueError as error:
        raise ValidationError({"period": str(error)}) from error


def _same_period(model, *, plan, metric, granularity, start, end, exclude=None):
    clash = model.objects.filter(
        plan=plan, metric=metric, granularity=granularity, start=start, end=end
    )
    if exclude is not None:
        clash = clash.exclude(pk=exclude.pk)
    if clash.exists():
        raise ValidationError({"period": "There is already a figure for this period."})


@transaction.atomic
def baseline_set(
    *,
    plan: Plan,
    metric: MetricDefinition,
    granularity: str,
    start: datetime.date,
    end: datetime.date,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    value_places: int | None = None,
    derived: str = "",
    note: str = "",
    expected_version: int | None = None,
    user=None,
) -> Baseline:
    """Create or replace the plan's baseline of a metric (in the metric's unit)."""
    permissions.check_changeable(plan)
    existing = Baseline.objects.filter(plan=plan, metric=metric).first()
    if existing is not None:
        baseline = locked(Baseline, existing.pk)
        check_version(baseline, expected_version)
        baseline.lock_version += 1
    else:
        baseline = Baseline(plan=plan, metric=metric)
    _period(baseline, granularity, start, end)
    _fill(
        baseline,
        metric=metric,
        value=value,
        numerator=numerator,
        denominator=denominator,
        value_places=value_places,
        derived=derived,
    )
    baseline.note = note
    save_with_history(baseline, user=user)
    return baseline


@transaction.atomic
def target_create(
    *,
    plan: Plan,
    metric: MetricDefinition,
    granularity: str,
    start: datetime.date,
    end: datetime.date,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    value_places: int | None = None,
    derived: str = "",
    note: str = "",
    user=None,
) -> TrajectoryPoint:
    """Add a point of the trajectory: the value aimed for in, or by the end of, a period."""
    permissions.check_changeable(plan)
    _same_period(
        TrajectoryPoint, plan=plan, metric=metric, granularity=granularity, start=start, end=end
    )
    point = TrajectoryPoint(plan=plan, metric=metric, note=note)
    _period(point, granularity, start, end)
    _fill(
        point,
        metric=metric,
        value=value,
        numerator=numerator,
        denominator=denominator,
        value_places=value_places,
        derived=derived,
    )
    save_with_history(point, user=user, reason="Target added")
    return point


@transaction.atomic
def target_update(
    *,
    point: TrajectoryPoint,
    expected_version: int | None,
    granularity: str,
    start: datetime.date,
    end: datetime.date,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    note: str = "",
    user=None,
) -> TrajectoryPoint:
    """Change a target; refused with EditConflict if it changed since `expected_version`."""
    current = locked(TrajectoryPoint, point.pk)
    permissions.check_changeable(current.plan)
    check_version(current, expected_version)
    _same_period(
        TrajectoryPoint,
        plan=current.plan,
        metric=current.metric,
        granularity=granularity,
        start=start,
        end=end,
        exclude=current,
    )
    _period(current, granularity, start, end)
    _fill(current, metric=current.metric, value=value, numerator=numerator, denominator=denominator)
    current.note = note
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def actual_create(
    *,
    plan: Plan,
    metric: MetricDefinition,
    granularity: str,
    start: datetime.date,
    end: datetime.date,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    stage: str = Actual.Stage.PROVISIONAL,
    source: str = "",
    value_places: int | None = None,
    derived: str = "",
    note: str = "",
    publication: Publication | None = None,
    user=None,
) -> Actual:
    """Record what happened in a period (a submitted plan still takes actuals); a figure
    of a national publication names it (`publication`)."""
    _same_period(Actual, plan=plan, metric=metric, granularity=granularity, start=start, end=end)
    actual = Actual(
        plan=plan,
        metric=metric,
        stage=stage,
        source=source,
        note=note,
        publication=publication,
    )
    _period(actual, granularity, start, end)
    _fill(
        actual,
        metric=metric,
        value=value,
        numerator=numerator,
        denominator=denominator,
        value_places=value_places,
        derived=derived,
    )
    reason = f"Published in {publication}" if publication else "Actual added"
    save_with_history(actual, user=user, reason=reason)
    return actual


@transaction.atomic
def actual_update(
    *,
    actual: Actual,
    expected_version: int | None,
    granularity: str,
    start: datetime.date,
    end: datetime.date,
    value: Decimal | None = None,
    numerator: Decimal | None = None,
    denominator: Decimal | None = None,
    stage: str = Actual.Stage.PROVISIONAL,
    source: str = "",
    note: str = "",
    user=None,
) -> Actual:
    """Correct an actual or make it final; refused with EditConflict on a stale copy. A
    figure of a national publication given another value is no longer the publication's:
    its published value is kept as a revision (changed here, not by a publication)."""
    current = locked(Actual, actual.pk)
    check_version(current, expected_version)
    _same_period(
        Actual,
        plan=current.plan,
        metric=current.metric,
        granularity=granularity,
        start=start,
        end=end,
        exclude=current,
    )
    published = ActualRevision(
        actual=current,
        value=current.value,
        value_places=current.value_places,
        stage=current.stage,
        source=current.source,
        publication_id=current.publication_id,
        revised_by=None,
    )
    _period(current, granularity, start, end)
    _fill(current, metric=current.metric, value=value, numerator=numerator, denominator=denominator)
    if current.publication_id is not None and current.value != published.value:
        published.save()
        current.publication = None
    current.stage, current.source, current.note = stage, source, note
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def actual_revise(
    *,
    actual: Actual,
    expected_version: int | None,
    value: Decimal,
    value_places: int | None,
    stage: str,
    publication: Publication,
    user=None,
) -> Actual:
    """A later publication's figure for an actual already held: the actual takes it, and
    the value it had, with its stage and where it came from, is kept as a revision (shown
    with the figure). Refused with EditConflict if the actual changed since
    `expected_version`."""
    # Its metric read with it (only the actual's row locked): a national import revises
    # thousands, one query each the fewer.
    current = (
        Actual.objects.select_for_update(of=("self",)).select_related("metric").get(pk=actual.pk)
    )
    check_version(current, expected_version)
    ActualRevision.objects.create(
        actual=current,
        value=current.value,
        value_places=current.value_places,
        stage=current.stage,
        source=current.source,
        publication_id=current.publication_id,
        revised_by=publication,
    )
    _fill(
        current,
        metric=current.metric,
        value=value,
        numerator=None,
        denominator=None,
        value_places=value_places,
    )
    current.stage = stage
    current.source = publication.name[:250]
    current.publication = publication
    current.lock_version += 1
    save_with_history(current, user=user, reason=f"Revised in {publication}")
    return current


class PublicationChanged(Exception):
    """What the file would do now is not what was previewed; nothing was written."""


@transaction.atomic
def publication_import(
    *,
    content: bytes,
    layout: str,
    name: str,
    published_on: datetime.date,
    url: str = "",
    file_name: str,
    fingerprint: str,
    user,
    progress=None,
) -> Publication:
    """Import a national publication's figures into every area's plans, all or nothing:
    the plans it touches are locked, the file compared with them again, and applied only if
    that is exactly the preview whose `fingerprint` the person confirmed (otherwise
    PublicationChanged, and nothing is written). The publication records what it did."""
    if not (user is not None and user.is_authenticated and user.is_superuser):
        raise PermissionDenied("Only an administrator imports national publications.")
    token = publications.token_of(content)
    earlier = Publication.objects.filter(sha256=token).first()
    if earlier is not None:
        raise ValidationError(f"This file was imported already, as {earlier}.")
    preview = publications.preview(content, layout, lock=True)
    if preview.errors or preview.fingerprint() != fingerprint:
        raise PublicationChanged(
            "Nothing was imported: the figures held changed since the preview was shown. "
            "Upload the file again to see what it would do now."
        )
    publication = Publication(
        name=name.strip(),
        published_on=published_on,
        url=url.strip(),
        layout=layout,
        file_name=file_name[:255],
        sha256=token,
        imported_by=user,
        added=len(preview.added),
        revised=len(preview.changed),
        unchanged=len(preview.unchanged),
    )
    save_with_history(publication, user=user, reason="Imported")
    for done, write in enumerate(preview.writes, start=1):
        figure = write.published
        if write.actual is None:
            actual_create(
                plan=write.plan,
                metric=write.metric,
                granularity=figure.granularity,
                start=figure.start,
                end=figure.end,
                value=figure.value,
                value_places=figure.places,
                stage=figure.stage,
                source=publication.name[:250],
                publication=publication,
                user=user,
            )
        else:
            actual_revise(
                actual=write.actual,
                expected_version=write.actual.lock_version,
                value=figure.value,
                value_places=figure.places,
                stage=figure.stage,
                publication=publication,
                user=user,
            )
        if progress is not None and done % 200 == 0:
            share = 10 + 85 * done // len(preview.writes)
            progress(share, f"{done:,} of {len(preview.writes):,} figures written")
    return publication


@transaction.atomic
def national_indicators_set(
    *, metric: MetricDefinition, indicators: list[tuple[str, ...]], user=None
) -> list[int]:
    """The identifiers national publications give the metric, as (layout, indicator ID)
    or (layout, indicator ID, note); those not listed are removed, so that a pack loaded
    again says what the metric has."""
    kept = []
    for layout, indicator_id, *rest in indicators:
        note = rest[0] if rest else ""
        entry = NationalIndicator.objects.filter(layout=layout, indicator_id=indicator_id).first()
        entry = entry or NationalIndicator(layout=layout, indicator_id=indicator_id)
        save_changed(entry, {"metric": metric, "note": note}, user=user)
        kept.append(entry.pk)
    for entry in metric.national_indicators.exclude(pk__in=kept):
        delete_with_history(entry, user=user)
    return kept


@transaction.atomic
def definition_set(*, code: str, user=None, **fields) -> MetricDefinition:
    """Create or update a metric definition (reference data) by its code."""
    definition = MetricDefinition.objects.filter(code=code).first() or MetricDefinition(code=code)
    save_changed(definition, fields, user=user)
    return definition


def _named(user) -> None:
    """Limits are recalculated by a person, never by the system (MDC: no automatic rebase)."""
    if user is None or not user.is_authenticated:
        raise PermissionDenied("Only a signed-in person can recalculate the limits.")


def _reason(reason: str) -> str:
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the process changed from this point."})
    return reason


@transaction.atomic
def spc_rebase_create(*, actual: Actual, reason: str, user) -> SpcRebase:
    """Recalculate a metric's SPC limits from `actual` (the first point of the new limits),
    for the series of actuals of its kind of period, with the reason, by `user`. Refused
    for the first point of a series (nothing before it) and where limits already start."""
    _named(user)
    reason = _reason(reason)
    earlier = Actual.objects.filter(
        plan=actual.plan,
        metric=actual.metric,
        granularity=actual.granularity,
        start__lt=actual.start,
    )
    if not earlier.exists():
        raise ValidationError(
            {"actual": "The limits already start at the first point; choose a later one."}
        )
    clash = SpcRebase.objects.filter(
        plan=actual.plan,
        metric=actual.metric,
        granularity=actual.granularity,
        start=actual.start,
    )
    if clash.exists():
        raise ValidationError(
            {"actual": f"The limits are already recalculated from {actual.period_label}."}
        )
    rebase = SpcRebase(
        plan=actual.plan,
        metric=actual.metric,
        granularity=actual.granularity,
        start=actual.start,
        reason=reason,
        recorded_by=user,
    )
    save_with_history(rebase, user=user, reason=f"Limits recalculated: {reason}")
    return rebase


@transaction.atomic
def spc_rebase_delete(*, rebase: SpcRebase, reason: str, user) -> SpcRebase:
    """Withdraw a rebase: the limits run on over that point again. History keeps the
    rebase, and who withdrew it and why."""
    _named(user)
    reason = _reason(reason)
    current = locked(SpcRebase, rebase.pk)
    current._history_user = user
    current._change_reason = f"Recalculation withdrawn: {reason}"
    current.delete()
    return current


@dataclass(frozen=True)
class FrameworkMetricSpec:
    """A metric as a framework pack gives it: the definition's fields (by code) and how the
    framework asks for it."""

    code: str
    definition: dict
    number: int | None = None
    goal_granularity: str = ""
    headline: bool = True
    note: str = ""
    replaced_by: str = ""  # the code of the metric that replaces it in a later framework


@transaction.atomic
def framework_metrics_set(*, framework, metrics: list[FrameworkMetricSpec], user=None) -> list:
    """The framework's metrics, in the order given: each definition created or brought up to
    date by its code, then linked to the framework. A `replaced_by` code names a metric that
    exists already or is in the same list. Metrics the framework no longer lists are
    unlinked from it (their definitions stay: plans' figures refer to them)."""
    from metrics.models import FrameworkMetric

    definitions = {
        spec.code: definition_set(code=spec.code, user=user, **spec.definition) for spec in metrics
    }
    for spec in metrics:
        if not spec.replaced_by:
            continue
        successor = (
            definitions.get(spec.replaced_by)
            or MetricDefinition.objects.filter(code=spec.replaced_by).first()
        )
        if successor is None:
            raise ValidationError(
                {"replaced_by": f"{spec.code}: no metric has the code “{spec.replaced_by}”."}
            )
        definition_set(code=spec.code, user=user, replaced_by=successor)
    kept = []
    for order, spec in enumerate(metrics):
        entry = FrameworkMetric.objects.filter(
            framework=framework, metric=definitions[spec.code]
        ).first() or FrameworkMetric(framework=framework, metric=definitions[spec.code])
        values = {
            "number": spec.number,
            "goal_granularity": spec.goal_granularity,
            "headline": spec.headline,
            "note": spec.note,
            "order": order,
        }
        save_changed(entry, values, user=user)
        kept.append(entry)
    dropped = list(
        framework.framework_metrics.exclude(pk__in=[e.pk for e in kept]).values_list(
            "metric_id", flat=True
        )
    )
    framework.framework_metrics.exclude(pk__in=[e.pk for e in kept]).delete()
    for metric in MetricDefinition.objects.filter(
        pk__in=[*dropped, *(d.pk for d in definitions.values())]
    ):
        _policy_years_from_frameworks(metric, user=user)
    return kept


def _policy_years_from_frameworks(metric: MetricDefinition, *, user=None) -> None:
    """A metric's policy years are those of the frameworks that ask for it (from the first
    one's first year to the last one's last); one of no framework keeps its own."""
    years = metric.frameworks.aggregate(first=Min("first_year"), last=Max("last_year"))
    if years["first"] is None:
        return
    save_changed(
        metric,
        {"first_policy_year": years["first"], "last_policy_year": years["last"]},
        user=user,
    )
