"""Metric definitions (reference data) and, per plan, baselines, trajectory points (targets)
and actuals. Rates and counts are Decimal; the arithmetic is in metrics/calculations.py."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.formats import date_format
from simple_history.models import HistoricalRecords

from frameworks.models import PolicyFramework
from metrics import periods
from plans.models import Plan

FIGURE: dict[str, Any] = {"max_digits": 14, "decimal_places": 4}


class MetricDefinitionQuerySet(models.QuerySet):
    def with_entries(self):
        """Each definition with the frameworks that ask for it as `entries` (one query):
        their years for `applies_to`, their numbers for `number_in`."""
        return self.prefetch_related(
            models.Prefetch(
                "framework_entries",
                queryset=FrameworkMetric.objects.select_related("framework"),
                to_attr="entries",
            )
        )

    def applying_to(self, first_year: int, last_year: int | None = None):
        """The metrics of the policy frameworks whose years overlap the financial years
        `first_year` to `last_year` (one year without it), and the metrics of no framework
        (local ones) whose policy years overlap them: the SQL of
        `MetricDefinition.applies_to`, which must say the same
        (metrics/tests/test_applies_to.py checks that they do)."""
        last_year = first_year if last_year is None else last_year
        entries = FrameworkMetric.objects.filter(metric=models.OuterRef("pk"))
        of_the_years = entries.filter(
            framework__first_year__lte=last_year, framework__last_year__gte=first_year
        )
        by_policy_years = models.Q(
            models.Q(first_policy_year__isnull=True) | models.Q(first_policy_year__lte=last_year),
            models.Q(last_policy_year__isnull=True) | models.Q(last_policy_year__gte=first_year),
        )
        return self.filter(
            models.Q(models.Exists(of_the_years))
            | (~models.Q(models.Exists(entries)) & by_policy_years)
        )


class MetricDefinition(models.Model):
    class Kind(models.TextChoices):
        NATIONAL = "national", "National"
        LOCAL = "local", "Local"

    class Unit(models.TextChoices):
        PER_100K_YEAR = "per_100k_year", "Rate per 100,000 population per year"
        PER_100K_MONTH = "per_100k_month", "Rate per 100,000 population per month"
        PERCENTAGE = "percentage", "Percentage"
        COUNT = "count", "Count"
        DAYS = "days", "Days (mean per case)"
        AGE_STANDARDISED = (
            "age_std_100k_year",
            "Age-standardised rate per 100,000 population per year",
        )

    class Direction(models.TextChoices):
        LOWER = "lower", "Lower is better"
        HIGHER = "higher", "Higher is better"

    class PopulationBasis(models.TextChoices):
        ALL_AGES = "all", "All ages"
        ADULTS = "18+", "Aged 18 and over"
        OLDER = "65+", "Aged 65 and over"

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=250)
    short_name = models.CharField(max_length=80)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.NATIONAL)
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Its number in the plan's key to metrics (1–6)."
    )
    definition = models.TextField(blank=True, help_text="What is counted, as the source says.")
    unit = models.CharField(max_length=20, choices=Unit.choices, default=Unit.PER_100K_YEAR)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.LOWER)
    population_basis = models.CharField(
        max_length=5,
        choices=PopulationBasis.choices,
        default=PopulationBasis.ALL_AGES,
        help_text="The population a rate is per (ignored for percentages and counts).",
    )
    first_policy_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="First financial year it applies to (2014 for 2014/15)."
    )
    last_policy_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Last financial year it applies to; empty if current."
    )
    replaced_by = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="replaces"
    )
    frameworks = models.ManyToManyField(
        PolicyFramework,
        through="FrameworkMetric",
        related_name="metrics",
        blank=True,
        help_text="The policy frameworks that ask for it.",
    )
    history = HistoricalRecords()

    objects = MetricDefinitionQuerySet.as_manager()

    class Meta:
        ordering = ["number", "code"]

    def __str__(self):
        return self.short_name or self.name

    def applies_to(self, plan: Plan) -> bool:
        """Whether a framework that asks for it covers one of the plan's financial years or,
        for a metric of no framework, whether its policy years overlap them (the rule of
        `MetricDefinition.objects.applying_to`, for a definition in hand; its frameworks are
        best prefetched, or its entries as `entries` with their frameworks, as
        `MetricDefinition.objects.with_entries` gives them)."""
        if hasattr(self, "entries"):
            frameworks = [entry.framework for entry in self.entries]
        else:
            frameworks = list(self.frameworks.all())
        if frameworks:
            return any(
                f.first_year <= plan.last_year and f.last_year >= plan.first_year
                for f in frameworks
            )
        starts_in_time = self.first_policy_year is None or self.first_policy_year <= plan.last_year
        ends_in_time = self.last_policy_year is None or self.last_policy_year >= plan.first_year
        return starts_in_time and ends_in_time

    def number_in(self, framework_id: int | None) -> int | None:
        """Its number in the key to metrics of a framework (2025/26 numbers permanent
        admissions 3 where 2014 numbered it 1); its own number where that framework does not
        number it. Reads the entries `with_entries` gives."""
        for entry in getattr(self, "entries", ()):
            if entry.framework_id == framework_id and entry.number:
                return entry.number
        return self.number

    def clean(self):
        if (
            self.first_policy_year
            and self.last_policy_year
            and self.last_policy_year < self.first_policy_year
        ):
            raise ValidationError(
                {"last_policy_year": "The last year cannot come before the first."}
            )
        if self.replaced_by_id and self.replaced_by_id == self.pk:
            raise ValidationError({"replaced_by": "A metric cannot replace itself."})


class FrameworkMetric(models.Model):
    """A metric as a policy framework asks for it: its number in the framework's key to
    metrics and the granularity of the goals (targets) plans set for it."""

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="framework_metrics"
    )
    metric = models.ForeignKey(
        MetricDefinition, on_delete=models.PROTECT, related_name="framework_entries"
    )
    number = models.PositiveSmallIntegerField(null=True, blank=True)
    goal_granularity = models.CharField(
        max_length=12,
        choices=periods.Granularity.choices,
        blank=True,
        help_text="The period each goal is set for; empty where the source does not say.",
    )
    headline = models.BooleanField(
        default=True, help_text="A headline metric of the framework (not a supporting one)."
    )
    note = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "metric"], name="unique_framework_metric")
        ]

    def __str__(self):
        return f"{self.metric} ({self.framework})"


class PeriodFields(models.Model):
    """A period of its own granularity: a month, quarter, financial year, year to date, or
    "by" a date. Stored as granularity and start/end dates; the label comes from them."""

    Granularity = periods.Granularity

    granularity = models.CharField(max_length=12, choices=Granularity.choices)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        abstract = True

    @property
    def period_label(self) -> str:
        return periods.label(self.granularity, self.start, self.end)

    @property
    def months(self) -> int:
        return periods.months(self.granularity, self.start, self.end)

    def clean(self):
        if self.granularity and self.start and self.end:
            try:
                periods.check(self.granularity, self.start, self.end)
            except ValueError as error:
                raise ValidationError({"end": str(error)}) from error


class Figure(PeriodFields):
    """A value for a metric in a period: the value (rate, percentage or count) is entered, or
    computed from the numerator and the denominator (population); never typed twice."""

    class EnteredAs(models.TextChoices):
        VALUE = "value", "Value"
        COUNTS = "counts", "Numerator and population"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="+")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="+")
    value = models.DecimalField(**FIGURE)
    numerator = models.DecimalField(**FIGURE, null=True, blank=True)
    denominator = models.DecimalField(
        **FIGURE, null=True, blank=True, help_text="Population (or, for a percentage, the total)."
    )
    entered_as = models.CharField(max_length=10, choices=EnteredAs.choices, default="value")
    value_places = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        editable=False,
        help_text="The decimals the source writes the value with (606.4: one), when it is "
        "taken from a source; empty, the value reads at its unit's precision.",
    )
    derived = models.TextField(
        blank=True,
        editable=False,
        help_text="What of this figure its source does not give, and how it was worked out "
        "(a population implied by a count and a rate); shown as derived wherever it is shown.",
    )
    note = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=1, editable=False)

    class Meta:
        abstract = True

    @property
    def value_derived(self) -> bool:
        """Whether the value itself is worked out rather than written in its source (a rate
        from a count the source gives and a derived population), so marked where shown."""
        return bool(self.derived) and self.value_places is None

    @classmethod
    def from_db(cls, db, field_names, values):
        # A value the source writes with fewer decimals than its column keeps (606.4, not
        # 606.4000) is read back with the source's decimals, so that every page, document
        # and snapshot shows it as written (plans.presentation.metric_text).
        record = super().from_db(db, field_names, values)
        places = record.__dict__.get("value_places")
        value = record.__dict__.get("value")
        if places is not None and value is not None:
            record.value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return record

    def clean(self):
        super().clean()
        if self.plan_id and self.end and not self._within_reach(self.plan):
            raise ValidationError({"end": "This period is outside the plan's years."})

    def _within_reach(self, plan: Plan) -> bool:
        return True


class Baseline(Figure):
    """The starting point a metric's trajectory is measured from, for one plan."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="metric_baselines")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="baselines")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "metric"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "metric"], name="unique_metric_baseline")
        ]

    def __str__(self):
        return f"Baseline of {self.metric}: {self.value}"


class TrajectoryPoint(Figure):
    """A target: the value a plan aims for in (or by the end of) a period."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="metric_targets")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="targets")
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "metric", "end", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "metric", "granularity", "start", "end"],
                name="unique_trajectory_point",
            )
        ]

    def __str__(self):
        return f"{self.metric} target {self.period_label}: {self.value}"

    def _within_reach(self, plan):
        return plan.first_year <= periods.financial_year_of(self.end).start_year <= plan.last_year


class Layout(models.TextChoices):
    """The published file layouts national figures are imported from (metrics/publications)."""

    FINGERTIPS = "fingertips", "OHID Fingertips indicator data (CSV)"
    NHS_MONTHLY = "nhs-monthly", "NHS England / NHS Digital monthly statistics (CSV)"


class NationalIndicator(models.Model):
    """The identifier a national publication gives a metric: Fingertips' indicator ID
    (22401), or the measure ID of an NHS England / NHS Digital monthly file. Set from the
    framework packs; an import matches a file's rows to metrics by it."""

    metric = models.ForeignKey(
        MetricDefinition, on_delete=models.CASCADE, related_name="national_indicators"
    )
    layout = models.CharField(max_length=20, choices=Layout.choices)
    indicator_id = models.CharField(max_length=40)
    note = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["metric", "layout", "indicator_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["layout", "indicator_id"], name="unique_national_indicator"
            )
        ]

    def __str__(self):
        return f"{self.get_layout_display()} {self.indicator_id}: {self.metric}"


class Publication(models.Model):
    """A national publication whose figures were imported for every area at once: its name,
    the day it was published, where (if given), the file's layout and SHA-256."""

    name = models.CharField(max_length=250)
    published_on = models.DateField()
    url = models.URLField(max_length=500, blank=True)
    layout = models.CharField(max_length=20, choices=Layout.choices)
    file_name = models.CharField(max_length=255)
    sha256 = models.CharField(max_length=64, unique=True)
    imported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    imported_at = models.DateTimeField(default=timezone.now)
    added = models.PositiveIntegerField(default=0)
    revised = models.PositiveIntegerField(default=0)
    unchanged = models.PositiveIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["-published_on", "-pk"]

    def __str__(self):
        return f"{self.name} ({date_format(self.published_on, 'j F Y')})"


class Actual(Figure):
    """What happened in a period, provisional or final, and where the figure came from."""

    class Stage(models.TextChoices):
        PROVISIONAL = "provisional", "Provisional"
        FINAL = "final", "Final"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="metric_actuals")
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="actuals")
    stage = models.CharField(max_length=12, choices=Stage.choices, default=Stage.PROVISIONAL)
    source = models.CharField(max_length=250, blank=True)
    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="actuals",
        help_text="The national publication the figure was imported from, if it was.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "metric", "end", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "metric", "granularity", "start", "end"],
                name="unique_metric_actual",
            )
        ]

    def __str__(self):
        return f"{self.metric} actual {self.period_label}: {self.value}"

    def _within_reach(self, plan):
        return plan.first_year <= periods.financial_year_of(self.end).start_year <= plan.last_year

    @property
    def data_lag_days(self) -> int | None:
        """Days from the end of its period to the day its publication came out (derived
        from the two dates; None for a figure of no publication)."""
        if self.publication is None:
            return None
        return (self.publication.published_on - self.end).days


class ActualRevision(models.Model):
    """An actual as it stood before a later publication revised it: the earlier value and
    where it came from are kept, and shown with the figure; never silently replaced."""

    actual = models.ForeignKey(Actual, on_delete=models.CASCADE, related_name="revisions")
    value = models.DecimalField(**FIGURE)
    value_places = models.PositiveSmallIntegerField(null=True, blank=True)
    stage = models.CharField(max_length=12, choices=Actual.Stage.choices)
    source = models.CharField(max_length=250, blank=True)
    publication = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revised_figures",
        help_text="The publication the earlier value came from (none: entered by hand).",
    )
    revised_by = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="revisions",
        help_text="The later publication that revised it; empty: changed in the plan itself "
        "(the actual's history names who changed it).",
    )
    revised_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["actual", "revised_at", "pk"]

    def __str__(self):
        return f"{self.actual}: was {self.value}"

    @classmethod
    def from_db(cls, db, field_names, values):
        record = super().from_db(db, field_names, values)
        places = record.__dict__.get("value_places")
        value = record.__dict__.get("value")
        if places is not None and value is not None:
            record.value = value.quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
        return record


class SpcRebase(models.Model):
    """Process limits recalculated from a chosen point of a metric's actuals, by a named
    person with a reason (Making Data Count: rebase only for a sustained change that is
    understood). Nothing rebases automatically; history keeps who and why."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="spc_rebases")
    metric = models.ForeignKey(
        MetricDefinition, on_delete=models.PROTECT, related_name="spc_rebases"
    )
    granularity = models.CharField(
        max_length=12,
        choices=periods.Granularity.choices,
        help_text="The series of actuals it applies to (months, quarters, …).",
    )
    start = models.DateField(
        help_text="The new limits start with the period starting on this date."
    )
    reason = models.TextField(help_text="Why the process changed from this point.")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    recorded_at = models.DateTimeField(default=timezone.now)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "metric", "granularity", "start"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "metric", "granularity", "start"], name="unique_spc_rebase"
            )
        ]

    def __str__(self):
        return f"{self.metric}: limits recalculated from {self.period_label}"

    @property
    def period_label(self) -> str:
        """The first period of the new limits: "April 2016", "2016/17 Q1", "2016/17"."""
        if self.granularity in (periods.Granularity.YEAR_TO_DATE, periods.Granularity.BY_DATE):
            return date_format(self.start, "j F Y")
        return periods.label(self.granularity, self.start, self.start)

    @property
    def recorded_by_name(self) -> str:
        user = self.recorded_by
        return user.get_full_name() or user.get_username()
