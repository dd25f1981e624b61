"""Plan versions: roll a plan forward into a new version (draft → final, or a refresh for
the next year), and what differs between two versions.

The roll-forward copies through each app's services, so every copied row is validated and
has its history record; it lives here because it touches every app.
"""

from __future__ import annotations

import datetime
import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction

from metrics import services as metric_services
from metrics.models import Baseline, TrajectoryPoint
from plans import services as plan_services
from plans.models import Plan
from plans.periods import FinancialYear
from risks import services as risk_services
from risks.models import Risk, RiskRegister
from schemes import services as scheme_services
from schemes.models import Scheme
from schemes.selectors import budget_column, scheme_list

_SCHEME_FIELDS = (
    "reference",
    "description",
    "scheme_type",
    "sub_type",
    "area_of_spend",
    "commissioner",
    "nhs_share_percent",
    "provider",
    "source_of_funding",
    "no_metric_reason",
)


def _figure(record) -> dict:
    return {
        "granularity": record.granularity,
        "start": record.start,
        "end": record.end,
        "value": None if record.entered_as == record.EnteredAs.COUNTS else record.value,
        "numerator": record.numerator if record.entered_as == record.EnteredAs.COUNTS else None,
        "denominator": record.denominator,
        "note": record.note,
    }


@transaction.atomic
def plan_roll_forward(
    *,
    plan: Plan,
    version_kind: str,
    version_date: datetime.date,
    title: str | None = None,
    years_ahead: int = 0,
    user=None,
) -> Plan:
    """A new draft version of `plan` with its sections, pooled budget, sign-offs (for a
    final of the same years), themes, schemes with budgets and metric links, baselines,
    trajectories and risk register.

    `years_ahead` shifts the years for a refresh (1: 2014/15–2015/16 becomes 2015/16–
    2016/17); budgets and targets of years the new version no longer covers are dropped.
    """
    first, last = plan.first_year + years_ahead, plan.last_year + years_ahead
    new = plan_services.plan_create(
        area=plan.area,
        title=title or plan.title,
        first_year=first,
        last_year=last,
        version_kind=version_kind,
        version_date=version_date,
        local_authority=plan.local_authority,
        ccgs=list(plan.ccgs.all()),
        boundary_differences=plan.boundary_differences,
        dates_agreed="" if years_ahead else plan.dates_agreed,
        dates_submitted="",
        user=user,
    )
    for section in plan.sections.all():
        target = new.sections.get(key=section.key)
        if section.body:
            plan_services.section_update(
                section=target, body=section.body, expected_version=None, user=user
            )
    for plan_year in plan.plan_years.all():
        if new.covers(plan_year.year):
            plan_services.plan_year_set(
                plan=new,
                year=plan_year.year,
                minimum_required=plan_year.minimum_required,
                agreed_total=plan_year.agreed_total,
                protected_social_care_stated=plan_year.protected_social_care_stated,
                user=user,
            )
    themes = {}
    for theme in plan.themes.all():
        themes[theme.pk] = scheme_services.theme_create(
            plan=new, name=theme.name, order=theme.order, user=user
        )
    for scheme in scheme_list(plan=plan):
        budgets = {b.year: b.amount for b in scheme.budgets.all() if new.covers(b.year)}
        copy = scheme_services.scheme_create(
            plan=new,
            theme=themes[scheme.theme_id],
            name=scheme.name,
            status=scheme.status,
            protection=scheme.protection,
            metrics=list(scheme.metrics.all()),
            budgets=budgets,
            order=scheme.order,
            user=user,
        )
        extra = {name: getattr(scheme, name) for name in _SCHEME_FIELDS}
        if any(value not in ("", None) for value in extra.values()):
            scheme_services.scheme_update(scheme=copy, expected_version=None, user=user, **extra)
    for baseline in Baseline.objects.filter(plan=plan).select_related("metric"):
        metric_services.baseline_set(
            plan=new, metric=baseline.metric, user=user, **_figure(baseline)
        )
    for point in TrajectoryPoint.objects.filter(plan=plan).select_related("metric"):
        if first <= point.end.year - (point.end.month < 4) <= last:
            metric_services.target_create(
                plan=new, metric=point.metric, user=user, **_figure(point)
            )
    register = RiskRegister.objects.filter(plan=plan).first()
    if register is not None:
        new_register = risk_services.register_create(
            plan=new, scale=register.scale, source=register.source, user=user
        )
        categories = {
            category.pk: risk_services.category_create(
                register=new_register, name=category.name, order=category.order, user=user
            )
            for category in register.categories.all()
        }
        for risk in Risk.objects.filter(register=register).order_by("category__order", "order"):
            risk_services.risk_create(
                register=new_register,
                category=categories[risk.category_id],
                user=user,
                order=risk.order,
                **{
                    name: getattr(risk, name)
                    for name in risk_services.RISK_FIELDS
                    if name != "category"
                },
            )
    return new


# --- Differences ------------------------------------------------------------------------


@dataclass
class SectionDiff:
    label: str
    lines: list[str]  # unified diff lines, without the file headers

    @property
    def changed(self) -> bool:
        return bool(self.lines)


@dataclass
class SchemeChange:
    name: str
    theme: str
    change: str  # added, removed, changed
    amounts: list[tuple[str, Decimal | None, Decimal | None]]  # year label, old, new
    fields: list[tuple[str, str, str]] = field(default_factory=list)  # label, old, new


@dataclass
class PlanDiff:
    old: Plan
    new: Plan
    sections: list[SectionDiff]
    schemes: list[SchemeChange]
    budget: list[tuple[str, str, Decimal | None, Decimal | None]]  # year, what, old, new


def _schemes(plan: Plan) -> dict[str, Scheme]:
    return {s.name.lower(): s for s in scheme_list(plan=plan)}


def _amount(scheme: Scheme | None, year: int) -> Decimal | None:
    return None if scheme is None else getattr(scheme, budget_column(year), None)


def plan_diff(*, old: Plan, new: Plan) -> PlanDiff:
    """What differs from `old` to `new`: sections as a text diff; schemes added, removed or
    changed with their amounts per year (pounds); the pooled budget per year."""
    old_sections = {s.key: s for s in old.sections.all()}
    sections = []
    for section in sorted(new.sections.all(), key=lambda s: s.position):
        before = old_sections.get(section.key)
        lines = list(
            difflib.unified_diff(
                (before.body if before else "").splitlines(),
                section.body.splitlines(),
                fromfile=str(old),
                tofile=str(new),
                lineterm="",
                n=1,
            )
        )[2:]
        sections.append(SectionDiff(section.get_key_display(), lines))
    years = sorted({y.start_year for y in old.years} | {y.start_year for y in new.years})
    old_schemes, new_schemes = _schemes(old), _schemes(new)
    changes = []
    for key in list(new_schemes) + [k for k in old_schemes if k not in new_schemes]:
        before, after = old_schemes.get(key), new_schemes.get(key)
        amounts = [
            (FinancialYear(y).label, _amount(before, y), _amount(after, y))
            for y in years
            if _amount(before, y) is not None or _amount(after, y) is not None
        ]
        if before is None or after is None:
            scheme = after or before
            kind = "added" if before is None else "removed"
            changes.append(SchemeChange(scheme.name, scheme.theme.name, kind, amounts))
            continue
        fields = [
            (label, str(old_value), str(new_value))
            for label, old_value, new_value in (
                ("Theme", before.theme.name, after.theme.name),
                ("New or existing", before.get_status_display(), after.get_status_display()),
                ("Protection", before.get_protection_display(), after.get_protection_display()),
                (
                    "Metrics",
                    ", ".join(str(m) for m in before.metrics.all()),
                    ", ".join(str(m) for m in after.metrics.all()),
                ),
            )
            if old_value != new_value
        ]
        if fields or any(a != b for _, a, b in amounts):
            changes.append(SchemeChange(after.name, after.theme.name, "changed", amounts, fields))
    old_years = {py.year: py for py in old.plan_years.all()}
    new_years = {py.year: py for py in new.plan_years.all()}
    budget = []
    for year in years:
        a, b = old_years.get(year), new_years.get(year)
        for name, label in (
            ("minimum_required", "Minimum required"),
            ("agreed_total", "Total agreed pooled budget"),
            ("protected_social_care_stated", "Protected social care stated"),
        ):
            before = getattr(a, name) if a else None
            after = getattr(b, name) if b else None
            if before != after:
                budget.append((FinancialYear(year).label, label, before, after))
    return PlanDiff(old=old, new=new, sections=sections, schemes=changes, budget=budget)
