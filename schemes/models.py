"""Themes, schemes and their budgets per financial year."""

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from simple_history.models import HistoricalRecords

from frameworks.models import PolicyFramework
from metrics.models import MetricDefinition
from plans.models import MONEY, FundingStream, Plan
from plans.periods import FinancialYear, Quarter


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

    class Commissioner(models.TextChoices):
        CCG = "ccg", "CCG"
        LA = "la", "Local authority"
        JOINT = "joint", "Joint"

    class Protection(models.TextChoices):
        NONE = "", "Not a protection of services line"
        SOCIAL_CARE = "social_care", "Protects adult social care"
        NHS = "nhs", "NHS-commissioned out-of-hospital service"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="schemes")
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="schemes")
    name = models.CharField(max_length=200)
    status = models.CharField(max_length=15, choices=Status.choices)
    source_conflict = models.TextField(
        blank=True,
        help_text="Where the source gives this scheme's money two different ways: both, in its "
        "words, shown wherever the scheme's budget is.",
    )
    status_as_written = models.CharField(
        max_length=40,
        blank=True,
        help_text="The status as the source writes it (“Existing & new”), when it differs from "
        "the label; cleared when the status is changed.",
    )
    protection = models.CharField(
        max_length=15, choices=Protection.choices, blank=True, default=Protection.NONE
    )
    metrics = models.ManyToManyField(MetricDefinition, blank=True, related_name="schemes")
    order = models.PositiveSmallIntegerField(default=0)
    # What the NHS England expenditure plan asks of each scheme (Part 2 template).
    reference = models.CharField("Scheme ID", max_length=30, blank=True)
    description = models.TextField("Brief description", blank=True)
    scheme_type = models.ForeignKey(
        "SchemeType", on_delete=models.PROTECT, null=True, blank=True, related_name="schemes"
    )
    sub_type = models.ForeignKey(
        "SchemeSubType", on_delete=models.PROTECT, null=True, blank=True, related_name="schemes"
    )
    area_of_spend = models.ForeignKey(
        "AreaOfSpend", on_delete=models.PROTECT, null=True, blank=True, related_name="schemes"
    )
    commissioner = models.CharField(max_length=10, choices=Commissioner.choices, blank=True)
    nhs_share_percent = models.DecimalField(
        "% NHS (joint commissioning)",
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    provider = models.CharField(max_length=200, blank=True)
    source_of_funding = models.CharField(max_length=200, blank=True)
    funding_stream = models.ForeignKey(
        FundingStream,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="schemes",
        help_text="The funding stream of the plan's framework its budget comes from.",
    )
    paid_to_housing_authority = models.BooleanField(
        "Paid to a housing authority",
        default=False,
        help_text="Its money is passed to a district or borough council (the housing "
        "authority), as a two-tier area passes on the Disabled Facilities Grant.",
    )
    no_metric_reason = models.CharField(
        max_length=250, blank=True, help_text="Why the scheme is expected to move no metric."
    )
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
    def status_label(self) -> str:
        """New or existing, as the source writes it where it was taken from one."""
        return self.status_as_written or self.get_status_display()

    @property
    def protects_social_care(self) -> bool:
        """Marked as protecting adult social care (whatever its money's stream)."""
        return self.protection == self.Protection.SOCIAL_CARE

    @property
    def protects_nhs_services(self) -> bool:
        return self.protection == self.Protection.NHS

    def clean(self):
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            raise ValidationError({"theme": "Choose a theme of this plan."})
        if self.funding_stream_id and self.plan_id:
            stream = self.funding_stream
            if stream.framework_id != self.plan.framework_id:
                raise ValidationError(
                    {"funding_stream": "Choose a funding stream of the plan's framework."}
                )
            if stream.within_id is not None:
                raise ValidationError(
                    {
                        "funding_stream": "Choose the stream the money comes from; a "
                        "ring-fence is worked out from the schemes."
                    }
                )
        if self.plan_id and self.name:
            clash = Scheme.objects.filter(plan_id=self.plan_id, name__iexact=self.name.strip())
            if clash.exclude(pk=self.pk).exists():
                raise ValidationError({"name": "This plan already has a scheme with this name."})


# Protected adult social care: the share of the NHS minimum contribution the BCF ring-fences
# for adult social care (a national condition of every framework; the 2017-19 to 2025-26
# packs hold it as the ring-fence "NHS contribution to adult social care"). A scheme counts
# towards it when it is marked as protecting adult social care and its money comes from the
# NHS minimum contribution. A plan that names no funding stream for any scheme (the 2014
# plans, whose sources give none: their whole fund was pooled from CCG allocations) counts
# every scheme so marked. A scheme paid for from another stream (a local authority grant, the
# Disabled Facilities Grant, additional contributions), or with no stream where the plan's
# other schemes name theirs, is not the NHS's protection, however it is marked. The Budgets
# page, the budget grid, the national view and the funding streams' ring-fence count by this
# rule: `counts_as_protected` for one scheme's fields, `protected_social_care_q` for a query
# (a test keeps them agreeing).

PROTECTED_SOCIAL_CARE_WORDS = (
    "the schemes marked as protecting adult social care whose money comes from the NHS "
    "minimum contribution (the BCF's ring-fence for adult social care); where no scheme of "
    "the plan names its funding stream, every scheme so marked. A scheme funded from another "
    "stream does not count."
)


def counts_as_protected(
    protection: str, stream_kind: str | None, *, plan_names_streams: bool
) -> bool:
    """Whether a scheme of this protection, funded from a stream of this kind (None: none
    named), counts as protected adult social care; `plan_names_streams`: whether any scheme
    of its plan with a budget names its funding stream."""
    if protection != Scheme.Protection.SOCIAL_CARE:
        return False
    if stream_kind is None:
        return not plan_names_streams
    return stream_kind == FundingStream.Kind.NHS_MINIMUM


def protected_social_care_q(prefix: str = "") -> models.Q:
    """`counts_as_protected` as a filter on schemes (`prefix`: the path to the scheme)."""
    names_streams = models.Exists(
        SchemeBudget.objects.filter(
            scheme__plan_id=models.OuterRef(f"{prefix}plan_id"),
            scheme__funding_stream__isnull=False,
        )
    )
    return models.Q(**{f"{prefix}protection": Scheme.Protection.SOCIAL_CARE}) & (
        models.Q(**{f"{prefix}funding_stream__kind": FundingStream.Kind.NHS_MINIMUM})
        | (models.Q(**{f"{prefix}funding_stream__isnull": True}) & models.Q(~names_streams))
    )


class SchemeBudgetQuerySet(models.QuerySet):
    def protecting_social_care(self):
        """The budgets that count as protected adult social care (counts_as_protected)."""
        return self.filter(protected_social_care_q("scheme__"))

    def totals_per_year(self, *by: str):
        """The budgets summed per financial year (pounds), and per each of `by`
        ("scheme__plan", "scheme__theme_id", "scheme__protection"): rows of `year`, the
        fields `by` and `total`. The one sum of scheme budgets: the plan's budget summary
        (its page, Part 1, the API), the schemes list's totals, the national view and the
        dashboard's themes (as a subquery, schemes.selectors.scheme_total_subquery) all come
        down to it."""
        return self.order_by().values("year", *by).annotate(total=models.Sum("amount"))


class SchemeBudget(models.Model):
    """What the plan puts into a scheme in one financial year, in pounds."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="budgets")
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    history = HistoricalRecords()

    objects = SchemeBudgetQuerySet.as_manager()

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


class RingFenceMinimum(models.Model):
    """The minimum a ring-fence holds a plan to in one financial year, where its framework
    publishes a figure for each area (the NHS minimum contribution to adult social care in
    the allocations published with each year's framework): entered for the plan, in pounds,
    with where it comes from."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="ring_fence_minimums")
    ring_fence = models.ForeignKey(
        FundingStream, on_delete=models.PROTECT, related_name="ring_fence_minimums"
    )
    year = models.PositiveSmallIntegerField()
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    source = models.CharField(
        max_length=300,
        help_text="Where the figure comes from (the allocations publication), or that it is "
        "illustrative.",
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "ring_fence__order", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "ring_fence", "year"], name="unique_ring_fence_minimum"
            )
        ]

    def __str__(self):
        return f"{self.ring_fence} {FinancialYear(self.year)}: {self.amount}"

    def clean(self):
        if self.plan_id and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})
        if not self.source.strip():
            raise ValidationError({"source": "Say where the figure comes from."})
        if self.ring_fence_id and self.plan_id:
            fence = self.ring_fence
            if fence.framework_id != self.plan.framework_id:
                raise ValidationError(
                    {"ring_fence": "Choose a ring-fence of the plan's framework."}
                )
            if fence.minimum != FundingStream.Minimum.PUBLISHED:
                raise ValidationError(
                    {"ring_fence": "Its framework does not publish a figure for each area."}
                )


class CatalogueQuerySet(models.QuerySet):
    def of_plan(self, plan):
        """The catalogue a plan chooses from: its framework's (whichever of the framework's
        years it starts in); for a plan of no framework, its first year's entries."""
        if plan.framework_id:
            return self.filter(framework_id=plan.framework_id)
        return self.filter(planning_year=plan.first_year)


class SchemeType(models.Model):
    """Reference data of the NHS England templates, versioned by planning year."""

    framework = models.ForeignKey(
        PolicyFramework,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="scheme_types",
    )
    replaced_by = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
        help_text="The type of a later framework a scheme of this type becomes when its plan "
        "is rolled forward; empty when the later framework has none that matches.",
    )
    planning_year = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(
        max_length=250,
        blank=True,
        help_text="Where the list comes from, or that it is illustrative.",
    )
    history = HistoricalRecords()
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["planning_year", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["planning_year", "name"], name="unique_scheme_type")
        ]

    def __str__(self):
        return self.name


class SchemeSubType(models.Model):
    scheme_type = models.ForeignKey(SchemeType, on_delete=models.CASCADE, related_name="sub_types")
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme_type", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["scheme_type", "name"], name="unique_scheme_sub_type")
        ]

    def __str__(self):
        return self.name


class AreaOfSpend(models.Model):
    framework = models.ForeignKey(
        PolicyFramework,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="areas_of_spend",
    )
    planning_year = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    order = models.PositiveSmallIntegerField(default=0)
    source = models.CharField(
        max_length=250,
        blank=True,
        help_text="Where the list comes from, or that it is illustrative.",
    )
    history = HistoricalRecords()
    objects = CatalogueQuerySet.as_manager()

    class Meta:
        ordering = ["planning_year", "order", "name"]
        verbose_name_plural = "areas of spend"
        constraints = [
            models.UniqueConstraint(fields=["planning_year", "name"], name="unique_area_of_spend")
        ]

    def __str__(self):
        return self.name


class SchemeQuarterSpend(models.Model):
    """Forecast and actual spend of a scheme in one quarter (pounds)."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="quarter_spend")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    forecast = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Forecast outturn for the year, as known in this quarter (pounds).",
    )
    actual = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Actual spend in this quarter (pounds).",
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["scheme", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "year", "quarter"], name="unique_scheme_quarter_spend"
            )
        ]

    def __str__(self):
        return f"{self.scheme} {FinancialYear(self.year).quarter(self.quarter)}"

    def clean(self):
        if not Quarter.valid_number(self.quarter):
            raise ValidationError({"quarter": "A quarter is numbered 1 to 4."})
        if self.scheme_id and not self.scheme.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})


class SchemeImpact(models.Model):
    """What a scheme is expected to change in a metric's count in a year, and what it did
    (e.g. emergency admissions avoided: 2016/17 target 1,517, achieved 2,010).

    Where a source gives the impact only for the plan's schemes together, not scheme by
    scheme (the 2016/17 report: "across the different BCF schemes"), it is held against the
    plan with no scheme, and shown as the schemes' total the source gives."""

    plan = models.ForeignKey(
        Plan,
        on_delete=models.CASCADE,
        blank=True,  # a scheme's impact takes its scheme's plan
        related_name="impacts",
    )
    scheme = models.ForeignKey(
        Scheme,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="impacts",
        help_text="Empty when the source gives the impact of the plan's schemes together.",
    )
    metric = models.ForeignKey(MetricDefinition, on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    target = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    actual = models.DecimalField(max_digits=12, decimal_places=2, null=True, blank=True)
    description = models.CharField(max_length=200, blank=True)
    source = models.TextField(
        blank=True, help_text="The source's words and where, when taken from one."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "scheme", "year"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "metric", "year"], name="unique_scheme_impact"
            ),
            models.UniqueConstraint(
                fields=["plan", "metric", "year"],
                condition=models.Q(scheme__isnull=True),
                name="unique_plan_impact",
            ),
        ]

    def __str__(self):
        return f"{self.scheme or self.plan} {FinancialYear(self.year)}: {self.metric}"

    def save(self, *args, **kwargs):
        # A scheme's impact belongs to the scheme's plan.
        if self.scheme_id is not None:
            self.plan_id = self.scheme.plan_id
        super().save(*args, **kwargs)

    def clean(self):
        if self.scheme_id is not None:
            self.plan_id = self.scheme.plan_id
        if self.plan_id is None:
            raise ValidationError({"plan": "Say which plan's schemes had this impact."})
        if not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})


class PlanQuarterSpend(models.Model):
    """Spend of a whole plan for a quarter when it is not broken down by scheme (pounds).

    Some sources give only the plan's outturn (the June 2017 report: £38.7m for 2016/17);
    the dashboard adds this line to the schemes' figures, so nothing is counted twice as
    long as a plan's spend is entered either by scheme or here.
    """

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="quarter_spend")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField()
    forecast = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Forecast outturn for the year, as known in this quarter (pounds).",
    )
    actual_to_date = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Actual spend from the start of the year to the end of this quarter (pounds).",
    )
    note = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year", "quarter"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter"], name="unique_plan_quarter_spend"
            )
        ]

    def __str__(self):
        return f"{self.plan} {FinancialYear(self.year).quarter(self.quarter)}"

    def clean(self):
        if not Quarter.valid_number(self.quarter):
            raise ValidationError({"quarter": "A quarter is numbered 1 to 4."})
        if self.plan_id and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})


class Milestone(models.Model):
    """A milestone of the plan's programme: what is to be done, by when, and how it stands.

    The plan states its dates as people write them ("June 2014", "By February 2015"), so
    `delivery` keeps that text; `due_on` is the date it is held to, when there is one.
    """

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        COMPLETE = "complete", "Complete"
        # A milestone taken from a source that gives no status (the 2014 plan's timetable).
        NOT_STATED = "not_stated", "Not stated in the source"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="milestones")
    workstream = models.CharField(
        max_length=200, blank=True, help_text="The theme or workstream, as the plan names it."
    )
    task = models.CharField(max_length=300)
    delivery = models.CharField(
        "Delivery date", max_length=100, blank=True, help_text="As the plan states it."
    )
    due_on = models.DateField("Due on", null=True, blank=True)
    implementation = models.CharField(
        max_length=300, blank=True, help_text="When and how it is implemented, or its purpose."
    )
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    order = models.PositiveSmallIntegerField(default=0)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return self.task


# Intermediate care capacity and demand (schemes/capacity/) ---------------------------------


class CapacityServiceType(models.Model):
    """A kind of intermediate or short-term care a framework asks capacity and demand for,
    by month: reablement at home on a discharge pathway, social support in the community…
    Loaded from the framework's pack."""

    class Group(models.TextChoices):
        DISCHARGE = "discharge", "Hospital discharge"
        COMMUNITY = "community", "Community (step-up)"

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="capacity_service_types"
    )
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=200)
    group = models.CharField(max_length=12, choices=Group.choices)
    pathway = models.CharField(
        max_length=40, blank=True, help_text="The discharge pathway, as the framework names it."
    )
    description = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="Where the framework's list comes from.")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_capacity_service")
        ]

    def __str__(self):
        return self.label

    @property
    def label(self) -> str:
        """ "Reablement at home (discharge, pathway 1)": the name with its group and pathway."""
        where = self.get_group_display().lower()
        return (
            f"{self.name} ({where}, {self.pathway})" if self.pathway else f"{self.name} ({where})"
        )


class CapacityDemand(models.Model):
    """A plan's expected demand and planned capacity for one service type in one month, in
    people (new referrals or starts in the month, as the framework's template counts them)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="capacity_demand")
    service_type = models.ForeignKey(
        CapacityServiceType, on_delete=models.PROTECT, related_name="figures"
    )
    month = models.DateField(help_text="The first day of the month.")
    demand = models.PositiveIntegerField(null=True, blank=True)
    capacity = models.PositiveIntegerField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "service_type__order", "month"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "service_type", "month"], name="unique_capacity_month"
            )
        ]

    def __str__(self):
        return f"{self.service_type} {self.month:%B %Y}"

    def clean(self):
        if self.month and self.month.day != 1:
            raise ValidationError({"month": "A month is held as its first day."})
        if (
            self.plan_id
            and self.month
            and not self.plan.covers(FinancialYear.containing(self.month).start_year)
        ):
            raise ValidationError({"month": "This month is outside the plan's years."})
        if (
            self.plan_id
            and self.service_type_id
            and self.plan.framework_id is not None
            and self.service_type.framework_id != self.plan.framework_id
        ):
            raise ValidationError(
                {"service_type": "Choose a service type of the plan's framework."}
            )


class CapacityScheme(models.Model):
    """A scheme that funds capacity of a service type."""

    scheme = models.ForeignKey(Scheme, on_delete=models.CASCADE, related_name="capacity_links")
    service_type = models.ForeignKey(
        CapacityServiceType, on_delete=models.PROTECT, related_name="scheme_links"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["service_type__order", "scheme__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["scheme", "service_type"], name="unique_capacity_scheme"
            )
        ]

    def __str__(self):
        return f"{self.scheme} funds {self.service_type}"
