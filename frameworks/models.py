"""Policy frameworks: the rules of the Better Care Fund for a financial year or a range of
years, held as data.

A framework is loaded from one data file (`fixtures/frameworks/*.yaml`). This app holds
the framework itself, its deadlines and the list of its submission templates; each app
above keeps the part of a framework it knows, keyed to it: metrics their definitions,
plans the national conditions, funding streams and narrative headings, schemes the
scheme catalogue.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from frameworks.periods import FinancialYear, Quarter, month_end, year_range


class PolicyFrameworkQuerySet(models.QuerySet):
    def covering(self, start_year: int) -> PolicyFrameworkQuerySet:
        """The framework whose years include the financial year starting in `start_year`."""
        return self.filter(first_year__lte=start_year, last_year__gte=start_year)


class PolicyFramework(models.Model):
    """The BCF's policy framework and planning requirements for one or more years."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=200)
    first_year = models.PositiveSmallIntegerField(
        help_text="Calendar year in which its first financial year starts (2025 for 2025/26)."
    )
    last_year = models.PositiveSmallIntegerField()
    summary = models.TextField(blank=True, help_text="What changed in this framework, briefly.")
    source_title = models.CharField(max_length=300, help_text="The public document it is from.")
    source_url = models.URLField(max_length=400, blank=True)
    source_note = models.TextField(
        blank=True, help_text="Which parts of the source each part of the framework comes from."
    )
    unknowns = models.TextField(
        blank=True,
        help_text="What the public sources do not say; nothing here is invented to fill it.",
    )
    return_due_months = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="A quarterly return is due at the end of the month this many months after "
        "the quarter ends (empty if the framework asks for no quarterly return).",
    )

    objects = PolicyFrameworkQuerySet.as_manager()
    history = HistoricalRecords()

    class Meta:
        ordering = ["first_year"]

    def __str__(self):
        return self.name

    @property
    def years(self) -> list[FinancialYear]:
        return year_range(self.first_year, self.last_year)

    @property
    def years_label(self) -> str:
        first, last = FinancialYear(self.first_year), FinancialYear(self.last_year)
        return first.label if first == last else f"{first.label}–{last.label}"

    def covers(self, start_year: int) -> bool:
        return self.first_year <= start_year <= self.last_year

    def return_due_on(self, period: Quarter) -> datetime.date | None:
        """When NHS England expects the quarter's return under this framework: the date the
        framework gives for that quarter, else the end of the month `return_due_months`
        after the quarter ends; None when its sources say neither. Reads the framework's
        deadlines (prefetch them for many plans)."""
        for deadline in self.deadlines.all():
            if (
                deadline.kind == FrameworkDeadline.Kind.QUARTERLY_RETURN
                and (deadline.year, deadline.quarter) == (period.year.start_year, period.number)
                and deadline.due_on is not None
            ):
                return deadline.due_on
        if self.return_due_months is None:
            return None
        return month_end(period.end, months_after=self.return_due_months)

    def year_end_due_on(self, year: FinancialYear) -> datetime.date | None:
        """When the year-end return of `year` is due: the date the framework gives, or None."""
        for deadline in self.deadlines.all():
            if (
                deadline.kind == FrameworkDeadline.Kind.YEAR_END_RETURN
                and deadline.year == year.start_year
                and deadline.due_on is not None
            ):
                return deadline.due_on
        return None

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": "The last year cannot come before the first."})
        if self.first_year and self.last_year:
            overlapping = PolicyFramework.objects.filter(
                first_year__lte=self.last_year, last_year__gte=self.first_year
            ).exclude(pk=self.pk)
            other = overlapping.first()
            if other is not None:
                overlap = f"Its years overlap those of {other.name} ({other.years_label})."
                raise ValidationError({"first_year": overlap})


class FrameworkDeadline(models.Model):
    """A date NHS England sets in a framework: a plan's submission, a return, a section 75."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan submission"
        QUARTERLY_RETURN = "quarterly_return", "Quarterly return"
        YEAR_END_RETURN = "year_end_return", "Year-end return"
        SECTION_75 = "section_75", "Section 75 agreement"
        OTHER = "other", "Other"

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="deadlines"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    name = models.CharField(max_length=250)
    due_on = models.DateField(
        null=True, blank=True, help_text="Empty where the source gives no date; see the note."
    )
    note = models.TextField(blank=True)
    year = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The financial year it is for (a return's), by the calendar year it starts in.",
    )
    quarter = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="The quarter a quarterly return is for (1 to 4)."
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "due_on"]

    def __str__(self):
        return self.name

    @property
    def period_label(self) -> str:
        """The year or quarter it is for ("2016/17 Q4"), or empty."""
        if self.year is None:
            return ""
        year = FinancialYear(self.year)
        return year.quarter(self.quarter).label if self.quarter else year.label

    def clean(self):
        if self.quarter is not None and not Quarter.valid_number(self.quarter):
            raise ValidationError({"quarter": "A quarter is numbered 1 to 4."})
        if self.quarter is not None and self.year is None:
            raise ValidationError({"year": "Say which year the quarter is of."})


class SubmissionTemplate(models.Model):
    """A template NHS England asks for under a framework (a planning template, a quarterly
    return, a year-end return), by the kind the documents API names it with."""

    class Purpose(models.TextChoices):
        PLAN = "plan", "Planning template"
        QUARTERLY_RETURN = "quarterly_return", "Quarterly return"
        YEAR_END_RETURN = "year_end_return", "Year-end return"

    class Format(models.TextChoices):
        PDF = "pdf", "PDF"
        XLSX = "xlsx", "Excel workbook"

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="templates"
    )
    kind = models.SlugField(max_length=60, help_text="e.g. part2-xlsx, quarterly-return-xlsx.")
    name = models.CharField(max_length=250)
    purpose = models.CharField(max_length=20, choices=Purpose.choices)
    format = models.CharField(max_length=5, choices=Format.choices)
    note = models.TextField(
        blank=True, help_text="What the source says of it, and what it does not say."
    )
    spec = models.JSONField(
        default=dict,
        blank=True,
        help_text="Its layout (sheets or sections and fields), as the framework pack declares "
        "it; empty when the pack declares none. Checked when the pack is loaded.",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "kind"], name="unique_template_kind")
        ]

    def __str__(self):
        return self.name
