"""Themes, schemes and their budgets per financial year."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from metrics.models import MetricDefinition
from plans.models import MONEY, Plan
from plans.periods import FinancialYear


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="themes")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_theme_in_plan")
        ]

    def __str__(self):
        return self.name


class Scheme(models.Model):
    class Status(models.TextChoices):
        NEW = "new", "New"
        EXISTING = "existing", "Existing"
        EXPANDING = "expanding", "Expanding"
        EXISTING_AND_NEW = "existing_new", "Existing & New"

    class Protection(models.TextChoices):
        NONE = "", "Not a protection of services line"
        SOCIAL_CARE = "social_care", "Protects adult social care"
        NHS = "nhs", "NHS-commissioned out-of-hospital service"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="schemes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="schemes")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=15, choices=Status.choices)
    protection = models.CharField(
        max_length=15, choices=Protection.choices, blank=True, default=Protection.NONE
    )
    metrics = models.ManyToManyField(MetricDefinition, blank=True, related_name="schemes")
    order = models.PositiveSmallIntegerField(default=0)
    lock_version = models.PositiveIntegerField(default=1, editable=False)

    history = HistoricalRecords(m2m_fields=[metrics])

    class Meta:
        ordering = ["plan", "theme__order", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="unique_scheme_name_in_plan")
        ]

    def __str__(self):
        return self.name

    @property
    def protects_social_care(self) -> bool:
        return self.protection == self.Protection.SOCIAL_CARE

    def clean(self):
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            raise ValidationError({"theme": "Choose a theme of this plan."})
        if self.plan_id and self.name:
            clash = Scheme.objects.filter(plan_id=self.plan_id, name__iexact=self.name.strip())
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError({"name": "This plan already has a scheme with this name."})


class SchemeBudget(models.Model):
    """What the plan puts into a scheme in one financial year, in pounds."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "year"]
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year"], name="unique_scheme_budget_year"),
            models.CheckConstraint(
                condition=models.Q(amount__gte=0), name="scheme_budget_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.scheme} {self.financial_year}: {self.amount}"

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def clean(self):
        if self.scheme_id and not self.scheme.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})
