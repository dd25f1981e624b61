"""Budget reconciliation: pure arithmetic on pounds (Decimal), no database."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from plans.periods import FinancialYear

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class ThemeTotal:
    theme_id: int
    name: str
    total: Decimal


@dataclass(frozen=True)
class YearReconciliation:
    """One financial year of a plan's pooled budget against its schemes (pounds)."""

    year: FinancialYear
    minimum_required: Decimal | None
    agreed_total: Decimal | None
    schemes_total: Decimal
    protected_social_care: Decimal
    protected_social_care_stated: Decimal | None
    themes: list[ThemeTotal] = field(default_factory=list)
    # What the source says when it gives the pooled budget only as a total (no schemes).
    not_broken_down: str = ""

    @property
    def unallocated(self) -> Decimal | None:
        """Agreed pooled budget not yet given to a scheme; negative when over-allocated.
        None when the source does not break the budget down: nothing is "unallocated"."""
        if self.agreed_total is None or self.not_broken_down:
            return None
        return self.agreed_total - self.schemes_total

    @property
    def is_over_allocated(self) -> bool:
        return self.unallocated is not None and self.unallocated < 0

    @property
    def protected_social_care_difference(self) -> Decimal | None:
        """Schemes flagged as protecting adult social care minus the figure the plan states."""
        if self.protected_social_care_stated is None:
            return None
        return self.protected_social_care - self.protected_social_care_stated

    @property
    def minimum_met(self) -> bool | None:
        """Whether the agreed pooled budget reaches the minimum required value."""
        if self.agreed_total is None or self.minimum_required is None:
            return None
        return self.agreed_total >= self.minimum_required


def reconcile_year(
    *,
    year: FinancialYear,
    minimum_required: Decimal | None,
    agreed_total: Decimal | None,
    protected_social_care_stated: Decimal | None,
    themes: list[tuple[int, str]],
    totals: dict[tuple[int, bool], Decimal],
    not_broken_down: str = "",
) -> YearReconciliation:
    """`totals` maps (theme id, protects social care) to the year's sum of scheme budgets."""
    theme_totals = [
        ThemeTotal(
            theme_id=theme_id,
            name=name,
            total=sum((v for (t, _), v in totals.items() if t == theme_id), ZERO),
        )
        for theme_id, name in themes
    ]
    return YearReconciliation(
        year=year,
        minimum_required=minimum_required,
        agreed_total=agreed_total,
        schemes_total=sum((t.total for t in theme_totals), ZERO),
        protected_social_care=sum((v for (_, asc), v in totals.items() if asc), ZERO),
        protected_social_care_stated=protected_social_care_stated,
        themes=theme_totals,
        not_broken_down=not_broken_down,
    )


@dataclass(frozen=True)
class SpendLine:
    """One scheme's (or a total's) spend in a quarter against its budget for the year
    (pounds). `actual_before` is the actual spend of the year's earlier quarters."""

    budget: Decimal | None
    forecast: Decimal | None
    actual: Decimal | None
    actual_before: Decimal = ZERO

    @property
    def actual_to_date(self) -> Decimal | None:
        """Actual spend from the start of the year to the end of this quarter."""
        if self.actual is None and not self.actual_before:
            return None
        return self.actual_before + (self.actual or ZERO)

    @property
    def variance(self) -> Decimal | None:
        """Forecast outturn minus the year's budget: positive is an overspend."""
        if self.forecast is None:
            return None
        return self.forecast - (self.budget or ZERO)


def spend_total(lines: list[SpendLine]) -> SpendLine:
    """The sum of several lines; a column none of them has stays None."""

    def total(values):
        present = [v for v in values if v is not None]
        return sum(present, ZERO) if present else None

    return SpendLine(
        budget=total(line.budget for line in lines),
        forecast=total(line.forecast for line in lines),
        actual=total(line.actual for line in lines),
        actual_before=sum((line.actual_before for line in lines), ZERO),
    )
