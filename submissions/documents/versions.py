"""Plan versions: what differs between two versions. Rolling a plan forward into a new
version is a service (submissions/documents/services.py: plan_roll_forward)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal

from plans.models import Plan
from plans.periods import FinancialYear
from schemes.models import Scheme
from schemes.selectors import budget_column, scheme_list

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
    for section in new.sections.all():
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
        sections.append(SectionDiff(section.title, lines))
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
                ("New or existing", before.status_label, after.status_label),
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
