"""Rolling a plan forward into a year of another policy framework: how its metrics and
scheme types are carried, and what the officer must then complete for the new framework.

Within one framework nothing here changes what is copied.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from metrics.models import Baseline, MetricDefinition, TrajectoryPoint
from plans.models import Plan
from schemes.models import AreaOfSpend


@dataclass
class Crossing:
    """A metric becomes the one that replaces it in the new framework (following
    `replaced_by`), or is dropped; a scheme type becomes the type it maps to there
    (`SchemeType.replaced_by`), or is left empty for the officer to choose (with its sub
    type); an area of spend is kept when the new catalogue has one of the same name."""

    old: Plan
    new: Plan
    metric_ids: set[int] = field(default_factory=set)
    areas: dict[str, AreaOfSpend] = field(default_factory=dict)

    @classmethod
    def between(cls, old: Plan, new: Plan) -> Crossing:
        crossing = cls(old, new)
        if crossing.changes and new.framework is not None:
            crossing.metric_ids = set(new.framework.metrics.values_list("pk", flat=True))
            crossing.areas = {a.name.lower(): a for a in AreaOfSpend.objects.of_plan(new)}
        return crossing

    @property
    def changes(self) -> bool:
        return self.new.framework_id is not None and self.new.framework_id != self.old.framework_id

    def metric(self, metric: MetricDefinition | None) -> MetricDefinition | None:
        """The metric of the new framework that `metric` becomes, or None."""
        seen: set[int] = set()
        while metric is not None and metric.pk not in seen:
            if metric.pk in self.metric_ids:
                return metric
            seen.add(metric.pk)
            metric = metric.replaced_by
        return None

    def metrics(self, metrics) -> list[MetricDefinition]:
        if not self.changes:
            return list(metrics)
        carried = [self.metric(m) for m in metrics]
        return list({m.pk: m for m in carried if m is not None}.values())

    def keeps_figures_of(self, metric: MetricDefinition) -> bool:
        """Baselines and goals carry over only for a metric the new framework asks for
        itself: a replacing metric measures something else, so its figures start afresh."""
        return not self.changes or metric.pk in self.metric_ids

    def scheme_fields(self, fields: dict) -> dict:
        if not self.changes:
            return fields
        kind = fields.get("scheme_type")
        mapped = kind.replaced_by if kind is not None else None
        if mapped is not None and mapped.framework_id != self.new.framework_id:
            mapped = None
        sub_type = fields.get("sub_type")
        if sub_type is not None and mapped is not None:
            sub_type = mapped.sub_types.filter(name__iexact=sub_type.name).first()
        else:
            sub_type = None
        area = fields.get("area_of_spend")
        area = self.areas.get(area.name.lower()) if area is not None else None
        return {**fields, "scheme_type": mapped, "sub_type": sub_type, "area_of_spend": area}


def framework_to_complete(plan: Plan) -> list[str]:
    """What the officer must complete for the plan's framework: each scheme with no type
    from the framework's catalogue, each metric of the framework with no baseline or no
    goal, each national condition not yet answered, each of its narrative headings with no
    text. Empty for a plan of no framework."""
    framework = plan.framework
    if framework is None:
        return []
    todo = []
    headings = {h.key for h in framework.narrative_headings.all()}
    for section in plan.sections.all():
        if section.key in headings and not section.body.strip():
            todo.append(f"Write the narrative under “{section.title}”.")
    for scheme in plan.schemes.select_related("scheme_type").order_by("theme__order", "order"):
        if scheme.scheme_type is None or scheme.scheme_type.framework_id != framework.pk:
            todo.append(f"Choose the type of “{scheme.name}” from the {framework.name} catalogue.")
    with_baseline = set(Baseline.objects.filter(plan=plan).values_list("metric_id", flat=True))
    with_goals = set(TrajectoryPoint.objects.filter(plan=plan).values_list("metric_id", flat=True))
    for entry in framework.framework_metrics.select_related("metric"):
        if entry.metric_id not in with_baseline:
            todo.append(f"Set the baseline of “{entry.metric}”.")
        if entry.metric_id not in with_goals:
            period = entry.get_goal_granularity_display().lower() if entry.goal_granularity else ""
            todo.append(
                f"Set the goals of “{entry.metric}”{f' for each {period}' if period else ''}."
            )
    answered = set(plan.condition_statuses.values_list("condition_id", flat=True))
    for condition in framework.conditions.order_by("order"):
        if condition.pk not in answered:
            number = f" {condition.number}" if condition.number else ""
            todo.append(f"Answer national condition{number}: {condition.title}.")
    return todo
