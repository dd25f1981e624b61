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

    @property
    def unallocated(self) -> Decimal | None:
        """Agreed pooled budget not yet given to a scheme; negative when over-allocated."""
        if self.agreed_total is None:
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
    )
