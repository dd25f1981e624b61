"""A plan's risk register and reviews, its risk-sharing scenarios, and its contingency,
risk-pool and reserve funds with their releases.

Ratings are kept as the register writes them ("M", "M/H?", "H (until further evidenced at
end of Yr 1)", "12"); beside each, where the text parses on the register's scale, a
numeric score that the services fill from `risks.calculations`, so that filters and the
heat map work without ever changing what was written.
"""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from plans.models import MONEY, Plan
from plans.periods import FinancialYear
from risks.calculations import is_overdue
from risks.scales import Band, Scale


class RiskRegister(models.Model):
    """The risk register of one plan, written on one scale."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="risk_register")
    scale = models.CharField(max_length=10, choices=Scale.choices, default=Scale.NHS_5X5)
    source = models.CharField(
        max_length=300, blank=True, help_text="Where the register was taken from, if anywhere."
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    def __str__(self):
        return f"Risk register of {self.plan.title}"


class RiskCategory(models.Model):
    register = models.ForeignKey(RiskRegister, on_delete=models.CASCADE, related_name="categories")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["register", "order", "name"]
        verbose_name_plural = "risk categories"
        constraints = [
            models.UniqueConstraint(fields=["register", "name"], name="unique_risk_category")
        ]

    def __str__(self):
        return self.name


def overdue_condition(today) -> models.Q:
    """Open risks whose next review date is before `today` (as calculations.is_overdue)."""
    return models.Q(status=Risk.Status.OPEN, next_review__lt=today)


class RiskQuerySet(models.QuerySet):
    def overdue(self, today):
        return self.filter(overdue_condition(today))


class Risk(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        CLOSED = "closed", "Closed"

    register = models.ForeignKey(RiskRegister, on_delete=models.CASCADE, related_name="risks")
    category = models.ForeignKey(RiskCategory, on_delete=models.PROTECT, related_name="risks")
    order = models.PositiveSmallIntegerField(default=0)
    description = models.TextField()
    potential_impact = models.TextField(blank=True)
    # As written on the register's scale; the *_score beside each is derived by the services.
    likelihood = models.CharField(max_length=100, blank=True)
    impact = models.CharField(
        max_length=100, blank=True, help_text="Consequence rating (the 2014 register has none)."
    )
    rating_before = models.CharField("rating before mitigation", max_length=200, blank=True)
    mitigations = models.TextField(blank=True)
    likelihood_after = models.CharField("likelihood after mitigation", max_length=100, blank=True)
    impact_after = models.CharField("impact after mitigation", max_length=100, blank=True)
    rating_after = models.CharField("rating after mitigation", max_length=200, blank=True)
    owner = models.CharField(max_length=200, blank=True)
    next_review = models.DateField("next review date", null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    notes = models.TextField(blank=True)

    likelihood_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    impact_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    score_before = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    band_before = models.CharField(max_length=10, choices=Band.choices, blank=True, editable=False)
    likelihood_after_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    impact_after_score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    score_after = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    band_after = models.CharField(max_length=10, choices=Band.choices, blank=True, editable=False)

    lock_version = models.PositiveIntegerField(default=1, editable=False)

    objects = RiskQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["register", "category__order", "order", "pk"]

    def __str__(self):
        return self.description.splitlines()[0][:120] if self.description else "Risk"

    def clean(self):
        if self.category_id and self.register_id and self.category.register_id != self.register_id:
            raise ValidationError({"category": "Choose a category of this register."})

    def is_overdue(self, today) -> bool:
        return is_overdue(self.next_review, today, closed=self.status == self.Status.CLOSED)


class RiskReview(models.Model):
    """One review of a risk: the ratings then, kept so the register shows each risk's trend."""

    risk = models.ForeignKey(Risk, on_delete=models.CASCADE, related_name="reviews")
    reviewed_on = models.DateField()
    reviewer = models.CharField(max_length=200)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    likelihood = models.CharField(max_length=100, blank=True)
    impact = models.CharField(max_length=100, blank=True)
    rating = models.CharField(max_length=200, blank=True)
    score = models.PositiveSmallIntegerField(null=True, blank=True, editable=False)
    band = models.CharField(max_length=10, choices=Band.choices, blank=True, editable=False)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["risk", "reviewed_on", "pk"]

    def __str__(self):
        return f"Review of {self.risk} on {self.reviewed_on}"


class RiskSharingScenario(models.Model):
    """A scenario of the plan's risk-sharing agreement (the 2014 plan's a–e)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risk_scenarios")
    letter = models.CharField(max_length=3)
    title = models.TextField()
    trigger = models.TextField(blank=True)
    borne_by = models.TextField("partners who bear it", blank=True)
    financial_consequence = models.TextField("modelled financial consequence", blank=True)
    financial_amount = models.DecimalField(
        "modelled amount (£)", **MONEY, null=True, blank=True, help_text="Pounds, when stated."
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "letter"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "letter"], name="unique_scenario_letter")
        ]

    def __str__(self):
        return f"{self.letter}) {self.title[:80]}"


class Fund(models.Model):
    """Money held back in the pooled budget (pounds), released by decision."""

    class Kind(models.TextChoices):
        CONTINGENCY = "contingency", "Contingency"
        RISK_POOL = "risk_pool", "Risk pool"
        RESERVE = "reserve", "Reserve"
        OTHER = "other", "Other"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="funds")
    kind = models.CharField(max_length=15, choices=Kind.choices)
    year = models.PositiveSmallIntegerField(help_text="Start year of the financial year.")
    name = models.CharField(max_length=200)
    amount = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal(0))], help_text="Pounds."
    )
    notes = models.TextField(blank=True)
    source_conflict = models.TextField(
        blank=True,
        help_text="Where the source gives the fund two different amounts: both, in its words, "
        "shown wherever the fund is.",
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year", "kind", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "year", "name"], name="unique_fund_name"),
            models.CheckConstraint(condition=models.Q(amount__gte=0), name="fund_not_negative"),
        ]

    def __str__(self):
        return f"{self.name} {self.financial_year}"

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def clean(self):
        if self.plan_id and self.year and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})


class FundRelease(models.Model):
    """Money released from a fund (pounds), by a decision named in `decision_reference`.

    Governance links its approvals to a release (generic relation); the release itself
    keeps only the reference text, so it needs nothing from governance.
    """

    fund = models.ForeignKey(Fund, on_delete=models.PROTECT, related_name="releases")
    amount = models.DecimalField(
        **MONEY, validators=[MinValueValidator(Decimal("0.01"))], help_text="Pounds."
    )
    released_on = models.DateField(null=True, blank=True)
    when_as_written = models.CharField(
        max_length=200, blank=True, help_text="When the source gives no date, what it says."
    )
    released_to = models.CharField("to whom", max_length=300)
    purpose = models.TextField(blank=True)
    decision_reference = models.CharField(
        max_length=300, help_text="e.g. Integration Executive, 23 May 2017, minute 5(b)"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["fund", "released_on", "pk"]
        constraints = [
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="release_positive")
        ]

    def __str__(self):
        return f"{self.amount} from {self.fund} to {self.released_to}"


class RiskWorkshopOutput(models.Model):
    """One action or comment from a risk workshop, with its status (the 2014 plan's table)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="risk_workshop_outputs")
    workshop = models.CharField(max_length=200, help_text="e.g. Multi-agency risk workshop")
    held_on = models.DateField(null=True, blank=True)
    comment = models.TextField("action or comment")
    status = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "held_on", "order", "pk"]

    def __str__(self):
        return self.comment[:80]
