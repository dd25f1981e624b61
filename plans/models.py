"""Areas, partner organisations, plans and their versions, pooled budgets, sign-offs and
narrative sections."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models.query import MAX_GET_RESULTS
from simple_history.models import HistoricalRecords

from frameworks.models import PolicyFramework
from plans import statements
from plans.dates import on_or_in, precision_field
from plans.periods import FinancialYear, Quarter, year_range
from plans.roles import sees_all_areas

MONEY: dict[str, Any] = {"max_digits": 14, "decimal_places": 2}
# How a plan taken from no source is named wherever its version is.
ILLUSTRATIVE_NOTE = "illustrative sample data, not from a source"
# How a version whose content the sources do not give is named wherever it is.
CONTENT_NOT_IN_SOURCES_NOTE = "its content is not among the sources"


class Area(models.Model):
    """A Health and Wellbeing Board area: the planning unit of the fund."""

    name = models.CharField(max_length=120, unique=True)
    code = models.CharField(max_length=20, unique=True, help_text="ONS code of the area.")
    region = models.CharField(max_length=80, blank=True)
    partners: models.ManyToManyField = models.ManyToManyField(
        "Organisation",
        blank=True,
        related_name="areas",
        help_text="The organisations that pool money in the area's plans.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name


class Membership(models.Model):
    """A user's membership of an area: what they see is their areas' data."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="area_memberships"
    )
    area = models.ForeignKey(Area, on_delete=models.CASCADE, related_name="memberships")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "area"], name="unique_area_membership")
        ]

    def __str__(self):
        return f"{self.user} in {self.area}"


class Organisation(models.Model):
    class Kind(models.TextChoices):
        LOCAL_AUTHORITY = "la", "Local authority"
        CCG = "ccg", "Clinical commissioning group"
        ICB = "icb", "Integrated care board"
        NHS_TRUST = "trust", "NHS trust"
        OTHER = "other", "Other"

    # The NHS commissioners that sit beside the local authority in a plan: CCGs until
    # 2022, integrated care boards since.
    NHS_COMMISSIONERS = (Kind.CCG, Kind.ICB)

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=30, blank=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)

    class Meta:
        ordering = ["name"]

    def __str__(self):
        return self.name

    @classmethod
    def commissioners_heading(cls, organisations) -> str:
        """What a plan's NHS commissioners are called as a group: clinical commissioning
        groups until 2022, integrated care boards since, both while a plan has both."""
        kinds = {organisation.kind for organisation in organisations}
        if not kinds:
            return "NHS commissioners"
        if kinds <= {cls.Kind.ICB}:
            return "Integrated care boards"
        if cls.Kind.ICB in kinds:
            return "Clinical commissioning groups and integrated care boards"
        return "Clinical commissioning groups"


def _plan_by_id(pk: int):
    # As get() writes it: no ordering, at most MAX_GET_RESULTS rows.
    return Plan.objects.filter(pk=pk).order_by()[:MAX_GET_RESULTS]


class PlanQuerySet(models.QuerySet):
    def by_id(self, pk: int) -> "Plan":
        """The plan with this id (Plan.DoesNotExist if none): `Plan.objects.get(pk=pk)`,
        the same statement, written by the ORM once per process (plans/statements.py)."""
        found = statements.model_rows("plan_by_id", Plan, _plan_by_id, pk)
        if not found:
            raise Plan.DoesNotExist("Plan matching query does not exist.")
        return found[0]

    def visible_to(self, user):
        """Plans of the user's areas; every area for assurers and administrators."""
        if not user.is_authenticated:
            return self.none()
        if sees_all_areas(user):
            return self
        return self.filter(area__memberships__user=user)

    def with_content(self):
        """Versions whose content is held: not those the sources name without giving it
        (`Plan.content_held`, which must say the same)."""
        return self.filter(content_not_in_sources="")

    def latest_covering(self, year: int):
        """Each area's latest plan version covering the financial year starting in `year`
        (by version date, then the later made): the plan a year's figures belong to."""
        covering = self.filter(first_year__lte=year, last_year__gte=year)
        latest = covering.filter(area=models.OuterRef("area")).order_by("-version_date", "-pk")
        return covering.filter(pk=models.Subquery(latest.values("pk")[:1]))


class Plan(models.Model):
    """One version of an area's BCF plan covering one or more financial years."""

    class VersionKind(models.TextChoices):
        DRAFT = "draft", "Draft"
        FINAL = "final", "Final"
        REFRESH = "refresh", "Refresh"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Put forward for agreement"
        AGREED = "agreed", "Agreed by HWB"
        SUBMITTED = "submitted", "Submitted"
        ASSURED = "assured", "Assured"

    # Once the Health and Wellbeing Board has agreed a version, nothing it contains changes
    # in place: a change starts a new draft version (plans.permissions decides what that
    # covers).
    FROZEN_STATUSES = (Status.AGREED, Status.SUBMITTED, Status.ASSURED)

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="plans")
    title = models.CharField(max_length=200)
    first_year = models.PositiveSmallIntegerField(
        help_text="Calendar year in which the first financial year starts (2014 for 2014/15)."
    )
    last_year = models.PositiveSmallIntegerField()
    version_kind = models.CharField(
        max_length=10, choices=VersionKind.choices, default=VersionKind.DRAFT
    )
    version_date = models.DateField()
    number = models.PositiveSmallIntegerField(
        default=1,
        editable=False,
        help_text="Its place among the area's versions of plans starting that year (Draft 2).",
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    put_forward_on = models.DateField(
        null=True, blank=True, editable=False, help_text="When it was put forward for agreement."
    )
    agreed_on = models.DateField(null=True, blank=True, editable=False)
    submitted_on = models.DateField(null=True, blank=True, editable=False)
    assured_on = models.DateField(null=True, blank=True, editable=False)
    # A source may give only the month of a step ("approved in July"): held as a month.
    agreed_on_precision = precision_field()
    submitted_on_precision = precision_field()
    assured_on_precision = precision_field()
    state_source = models.TextField(
        blank=True,
        editable=False,
        help_text="Where its state comes from when no decision recorded here gives it: the "
        "source's words and line.",
    )
    illustrative = models.BooleanField(
        default=False,
        editable=False,
        help_text="Sample data taken from no source: shown as illustrative wherever it appears "
        "and left out of real totals.",
    )
    content_not_in_sources = models.TextField(
        blank=True,
        editable=False,
        help_text="When the sources say this version was made (agreed, submitted) but do not "
        "give its content: what they say of it, in their words, each with its line. Such a "
        "version holds its dates and the decisions on it, and no content (no schemes, "
        "budgets, metrics or narrative); it is never shown as one whose tables are empty.",
    )
    local_authority = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="+", null=True, blank=True
    )
    ccgs = models.ManyToManyField(Organisation, related_name="plans_as_ccg", blank=True)
    boundary_differences = models.TextField(blank=True)
    dates_agreed = models.CharField(
        max_length=200, blank=True, help_text="As the plan states them, e.g. two HWB meetings."
    )
    dates_submitted = models.CharField(max_length=200, blank=True)
    framework = models.ForeignKey(
        PolicyFramework,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        editable=False,
        related_name="plans",
        help_text="The policy framework of its years (set from its first year).",
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)

    objects = PlanQuerySet.as_manager()
    history = HistoricalRecords(m2m_fields=[ccgs])

    class Meta:
        ordering = ["area__name", "-first_year", "-version_date"]

    def __str__(self):
        kind = self.get_version_kind_display().lower()
        return f"{self.title} ({kind}, {self.version_date:%-d %B %Y})"

    def clean(self):
        if self.first_year and self.last_year and self.last_year < self.first_year:
            raise ValidationError({"last_year": "The last year cannot come before the first."})

    @property
    def years(self) -> list[FinancialYear]:
        return year_range(self.first_year, self.last_year)

    @property
    def years_label(self) -> str:
        """2014/15–2015/16; a plan of one year names it once (2025/26)."""
        if self.first_year == self.last_year:
            return FinancialYear(self.first_year).label
        return f"{FinancialYear(self.first_year).label}–{FinancialYear(self.last_year).label}"

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    @property
    def content_held(self) -> bool:
        """Whether the version's content is held: False for one the sources name without
        giving its content (`content_not_in_sources`)."""
        return not self.content_not_in_sources

    @property
    def content_said(self) -> list[str]:
        """What the sources say of a version whose content they do not give, line by line."""
        return [line for line in self.content_not_in_sources.splitlines() if line.strip()]

    @property
    def version_label(self) -> str:
        """Which version this is and its state, as every page and document of it says:
        "Draft 2, not yet agreed", "Final 3, agreed by the HWB Board on 1 April 2014"."""
        label = f"{self.get_version_kind_display()} {self.number}, {self.state_label}"
        # Said wherever the version is named (pages, documents, workbooks, the API).
        if not self.content_held:
            label = f"{label} ({CONTENT_NOT_IN_SOURCES_NOTE})"
        return f"{label} ({ILLUSTRATIVE_NOTE})" if self.illustrative else label

    @property
    def state_label(self) -> str:
        agreed = on_or_in(self.agreed_on, self.agreed_on_precision)
        submitted = on_or_in(self.submitted_on, self.submitted_on_precision)
        if self.status == self.Status.READY:
            return f"put forward for agreement {on_or_in(self.put_forward_on)}, not yet agreed"
        if self.status == self.Status.AGREED:
            return f"agreed by the HWB Board {agreed}"
        if self.status == self.Status.SUBMITTED:
            return f"agreed by the HWB Board {agreed}, submitted to NHS England {submitted}"
        if self.status == self.Status.ASSURED:
            assured = on_or_in(self.assured_on, self.assured_on_precision)
            return f"submitted {submitted}, assured {assured}"
        return "not yet agreed"

    def covers(self, start_year: int) -> bool:
        return self.first_year <= start_year <= self.last_year


class PlanYear(models.Model):
    """The pooled budget of one financial year of a plan, in pounds, as the plan states it."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="plan_years")
    year = models.PositiveSmallIntegerField()
    minimum_required = models.DecimalField(
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Minimum required value of the pooled budget (pounds).",
    )
    agreed_total = models.DecimalField(
        **MONEY,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Total agreed value of the pooled budget (pounds).",
    )
    protected_social_care_stated = models.DecimalField(
        **MONEY,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
        help_text="Protection of adult social care as the plan states it (pounds).",
    )
    not_broken_down = models.TextField(
        blank=True,
        help_text="When the source gives the pooled budget only as a total: what it says. "
        "Its schemes, partners' shares and protected social care are then not broken down "
        "in the source, and are never shown as £0 or as unallocated.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year"]
        constraints = [models.UniqueConstraint(fields=["plan", "year"], name="unique_plan_year")]

    def __str__(self):
        return f"{self.plan.title} {self.financial_year}"

    @property
    def financial_year(self) -> FinancialYear:
        return FinancialYear(self.year)

    def clean(self):
        if self.plan_id and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})


class SignOffRole(models.Model):
    """Someone a framework asks to sign a plan off (the council's chief executive, each
    integrated care board's, the council's section 151 officer), and whether they may
    delegate it."""

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="sign_off_roles"
    )
    code = models.SlugField(max_length=60)
    title = models.CharField(max_length=200)
    organisation_kind = models.CharField(
        max_length=10,
        choices=Organisation.Kind.choices,
        blank=True,
        help_text="Whose role it is: one sign-off per partner of this kind in the plan.",
    )
    delegable = models.BooleanField(
        default=True, help_text="Whether the holder may have someone sign on their behalf."
    )
    note = models.TextField(blank=True, help_text="Where the framework says so.")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_sign_off_role")
        ]

    def __str__(self):
        return self.title


class SignOff(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sign_offs")
    on_behalf_of = models.CharField(max_length=120)
    name = models.CharField(max_length=120)
    position = models.CharField(max_length=200)
    signed_on = models.DateField(null=True, blank=True)
    role = models.ForeignKey(
        SignOffRole,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="sign_offs",
        help_text="The role of the plan's framework this sign-off gives.",
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner signing (which integrated care board, say).",
    )
    delegated = models.BooleanField(
        default=False, help_text="Signed by someone on the role holder's behalf."
    )
    order = models.PositiveSmallIntegerField(default=0)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order"]

    def __str__(self):
        return f"{self.name}, {self.position}"

    def clean(self):
        if not self.role_id:
            return
        role = self.role
        if self.plan_id and role.framework_id != self.plan.framework_id:
            raise ValidationError({"role": "Choose a role of the plan's framework."})
        if self.delegated and not role.delegable:
            raise ValidationError(
                {
                    "delegated": f"The framework does not let the {role.title.lower()} delegate "
                    "this sign-off: they sign it themselves."
                }
            )
        if role.organisation_kind:
            if self.organisation_id is None:
                raise ValidationError({"organisation": "Say which partner signs."})
            if self.organisation.kind != role.organisation_kind:
                kind = Organisation.Kind(role.organisation_kind).label.lower()
                raise ValidationError({"organisation": f"Choose a partner that is a {kind}."})


class NarrativeSection(models.Model):
    """One heading of the plan's narrative, with the plan's text under it (Markdown-light).

    Its heading is its framework's (`NarrativeHeading`), copied as the plan is created so
    that a version keeps the headings it was written under."""

    class Key(models.TextChoices):
        """The keys of the 2014 Part 1 template's headings, which its document names."""

        PLAN_DETAILS = "plan_details", "Plan details"
        PROVIDER_ENGAGEMENT = "provider_engagement", "Service provider engagement"
        PUBLIC_ENGAGEMENT = "public_engagement", "Patient, service user and public engagement"
        RELATED_DOCUMENTATION = "related_documentation", "Related documentation"
        VISION = "vision", "Vision for health and care services"
        AIMS = "aims", "Aims and objectives"
        PLANNED_CHANGES = "planned_changes", "Description of planned changes"
        ACUTE_SECTOR = "acute_sector", "Implications for the acute sector"
        GOVERNANCE = "governance", "Governance"
        NATIONAL_CONDITIONS = "national_conditions", "National conditions"
        RISKS = "risks", "Risks"

    ORDER = list(Key.values)

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="sections")
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=250, help_text="The heading, as its framework words it.")
    guidance = models.TextField(blank=True, help_text="What the framework asks under it.")
    order = models.PositiveSmallIntegerField(default=0)
    body = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]
        constraints = [models.UniqueConstraint(fields=["plan", "key"], name="unique_plan_section")]

    def __str__(self):
        return self.title

    @property
    def position(self) -> int:
        return self.order


class Contribution(models.Model):
    """What one partner puts into the pooled budget in one financial year (pounds): under a
    funding stream of the plan's framework, or (where none was chosen) as a minimum or an
    additional contribution."""

    class Kind(models.TextChoices):
        MINIMUM = "minimum", "Minimum contribution"
        ADDITIONAL = "additional", "Additional (local) contribution"

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="contributions")
    year = models.PositiveSmallIntegerField()
    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.MINIMUM)
    stream = models.ForeignKey(
        "FundingStream",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="contributions",
        help_text="The funding stream of the plan's framework it is paid under.",
    )
    amount = models.DecimalField(**MONEY, validators=[MinValueValidator(Decimal(0))])
    note = models.CharField(max_length=250, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year", "organisation__name", "kind", "stream__order"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "organisation", "kind"],
                condition=models.Q(stream__isnull=True),
                name="unique_contribution",
            ),
            models.UniqueConstraint(
                fields=["plan", "year", "organisation", "stream"],
                condition=models.Q(stream__isnull=False),
                name="unique_contribution_stream",
            ),
        ]

    def __str__(self):
        return f"{self.organisation} {FinancialYear(self.year)}: {self.amount}"

    @property
    def label(self) -> str:
        """What it is paid as: its stream's name, or its kind."""
        return self.stream.name if self.stream is not None else self.get_kind_display()

    def clean(self):
        if self.plan_id and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})
        if self.stream_id and self.plan_id and self.stream.framework_id != self.plan.framework_id:
            raise ValidationError({"stream": "Choose a funding stream of the plan's framework."})


class NationalConditionQuerySet(models.QuerySet):
    def applying_to(self, start_year: int):
        """The conditions of the planning year `start_year`: the SQL of
        `NationalCondition.applies_to`, which must say the same (plans/tests/test_applies_to.py
        checks that they do)."""
        return self.filter(
            models.Q(last_year__isnull=True) | models.Q(last_year__gte=start_year),
            first_year__lte=start_year,
        )

    def answered_in_plan(self, framework_id: int | None):
        """The conditions a plan of the framework answers when it is made, on its planning
        template: those answered as assurance statements (yes or no, with a narrative). A
        plan's answers to them are its own (ConditionStatus with no quarter), agreed with
        it; the quarters' reports follow in the returns."""
        return self.filter(
            framework_id=framework_id, response_type=NationalCondition.ResponseType.ASSURANCE
        )


class NationalCondition(models.Model):
    """A requirement every BCF plan must meet; the set changes by planning year."""

    class ResponseType(models.TextChoices):
        STATUS = "status", "Met, in progress (with the date expected) or not met"
        ASSURANCE = "assurance", "Assurance statement: yes or no, with narrative"

    framework = models.ForeignKey(
        PolicyFramework,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="conditions",
    )
    number = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Its number in the framework, where the source numbers it."
    )
    response_type = models.CharField(
        max_length=10, choices=ResponseType.choices, default=ResponseType.STATUS
    )
    code = models.SlugField(max_length=60, unique=True)
    title = models.CharField(max_length=250)
    description = models.TextField(blank=True)
    first_year = models.PositiveSmallIntegerField(help_text="First planning year it applies to.")
    last_year = models.PositiveSmallIntegerField(null=True, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    objects = NationalConditionQuerySet.as_manager()

    class Meta:
        ordering = ["first_year", "order", "code"]

    def __str__(self):
        return self.title

    def clean(self):
        # A condition of a framework applies to the framework's years: they are its years.
        if self.framework_id:
            self.first_year, self.last_year = self.framework.first_year, self.framework.last_year

    def applies_to(self, start_year: int) -> bool:
        """The rule of `NationalCondition.objects.applying_to`, for a condition in hand."""
        return self.first_year <= start_year and (
            self.last_year is None or start_year <= self.last_year
        )


class ConditionStatus(models.Model):
    """A plan's answer to one national condition, with its narrative: the plan's own answer,
    given when the plan is made (on its framework's planning template: `quarter` empty), or
    its status reported for one quarter (where its framework asks for quarterly reports)."""

    class Status(models.TextChoices):
        MET = "met", "Met"
        IN_PROGRESS = "in_progress", "In progress"
        NOT_MET = "not_met", "Not met"
        YES = "yes", "Yes"
        NO = "no", "No"
        # What a plan states against a condition where it gives no status (the narrative
        # holds its words); held from a source, never offered as an answer.
        STATED = "stated", "Stated in the plan, no status given"

    # The answers each response type takes (NationalCondition.ResponseType).
    ANSWERS = {
        NationalCondition.ResponseType.STATUS: (Status.MET, Status.IN_PROGRESS, Status.NOT_MET),
        NationalCondition.ResponseType.ASSURANCE: (Status.YES, Status.NO),
    }

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="condition_statuses")
    condition = models.ForeignKey(
        NationalCondition, on_delete=models.PROTECT, related_name="statuses"
    )
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text="The quarter it is reported for; empty: the plan's own answer (its first year).",
    )
    status = models.CharField(max_length=12, choices=Status.choices)
    expected_date = models.DateField(
        null=True, blank=True, help_text="When a condition in progress is expected to be met."
    )
    expected_date_precision = precision_field()
    narrative = models.TextField(blank=True)
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "year", "quarter", "condition__order"]
        constraints = [
            # one plan answer (no quarter) per condition too: NULLs are not distinct
            models.UniqueConstraint(
                fields=["plan", "condition", "year", "quarter"],
                name="unique_condition_status",
                nulls_distinct=False,
            )
        ]

    def __str__(self):
        return f"{self.condition} {self.period_label}: {self.status}"

    @property
    def is_plan_answer(self) -> bool:
        """The plan's own answer (given when it is made), not a quarter's report."""
        return self.quarter is None

    @property
    def period_label(self) -> str:
        """ "in the plan", or the quarter reported ("2025/26 Q1")."""
        if self.quarter is None:
            return "in the plan"
        return FinancialYear(self.year).quarter(self.quarter).label

    def clean(self):
        if self.quarter is not None and not Quarter.valid_number(self.quarter):
            raise ValidationError({"quarter": "A quarter is numbered 1 to 4."})
        if self.plan_id and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})
        if self.condition_id and self.status:
            answers = self.ANSWERS[self.condition.response_type]
            if self.status == self.Status.STATED and not self.narrative.strip():
                raise ValidationError({"narrative": "Give the plan's words on the condition."})
            if self.status not in (*answers, self.Status.STATED):
                names = " or ".join(str(self.Status(a).label).lower() for a in answers)
                raise ValidationError({"status": f"This condition is answered {names}."})
            if (
                self.condition.response_type == NationalCondition.ResponseType.ASSURANCE
                and not self.narrative.strip()
            ):
                raise ValidationError(
                    {"narrative": "Say how the plan meets it, or why it does not yet."}
                )


class FundingStream(models.Model):
    """Money a framework puts into the pool, or a ring-fence within it (the NHS minimum
    contribution's share for adult social care, for out-of-hospital services)."""

    class Kind(models.TextChoices):
        NHS_MINIMUM = "nhs_minimum", "NHS minimum contribution"
        RING_FENCE = "ring_fence", "Ring-fence within a stream"
        LOCAL_AUTHORITY_GRANT = (
            "la_grant",
            "Local authority grant (improved BCF, Local Authority Better Care Grant)",
        )
        DFG = "dfg", "Disabled Facilities Grant"
        DISCHARGE_FUND = "discharge_fund", "Adult Social Care Discharge Fund"
        ADDITIONAL = "additional", "Additional contributions"
        OTHER = "other", "Other"

    class Counts(models.TextChoices):
        NONE = "", "Not stated"
        ALL = "all", "Every scheme funded from its stream"
        SOCIAL_CARE = "social_care", "Schemes marked as protecting adult social care"
        OUT_OF_HOSPITAL = (
            "out_of_hospital",
            "Schemes marked as NHS-commissioned out-of-hospital services",
        )
        HOUSING_AUTHORITY = (
            "housing_authority",
            "Schemes paid to a housing authority (district or borough council)",
        )

    class Minimum(models.TextChoices):
        NONE = "", "No minimum stated"
        PUBLISHED = (
            "published",
            "The figure published for the area and year (entered for the plan, with its source)",
        )
        STREAM_IN_FULL = "stream_in_full", "The whole of the stream it is part of"

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="funding_streams"
    )
    code = models.SlugField(max_length=60)
    name = models.CharField(max_length=250)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    within = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="ring_fences",
        help_text="For a ring-fence: the stream it is part of.",
    )
    description = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    # A ring-fence's rule, as its framework states it: which of the schemes funded from the
    # stream it is part of count towards it (the names are schemes.funding's registry), what
    # its minimum is, and whether a shortfall stops the plan going to NHS England.
    counts = models.CharField(
        max_length=20,
        choices=Counts.choices,
        blank=True,
        help_text="For a ring-fence: which schemes funded from its stream count towards it.",
    )
    minimum = models.CharField(
        max_length=20,
        choices=Minimum.choices,
        blank=True,
        help_text="For a ring-fence: the minimum it is held to.",
    )
    checked_before_submission = models.BooleanField(
        default=False,
        help_text="For a ring-fence: a plan short of its minimum fails the template checks.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "code"], name="unique_funding_stream")
        ]

    def __str__(self):
        return self.name

    # Who pays into a stream: the NHS minimum comes from the NHS commissioners, the grants
    # to local government from the local authority; any partner may add to the others.
    PAID_BY: dict[str, tuple[str, ...]] = {
        Kind.NHS_MINIMUM: Organisation.NHS_COMMISSIONERS,
        Kind.LOCAL_AUTHORITY_GRANT: (Organisation.Kind.LOCAL_AUTHORITY,),
        Kind.DFG: (Organisation.Kind.LOCAL_AUTHORITY,),
    }

    def paid_by(self, organisation: Organisation) -> bool:
        """Whether `organisation` may contribute to this stream."""
        kinds = self.PAID_BY.get(self.kind)
        return kinds is None or organisation.kind in kinds

    @property
    def contribution_kind(self) -> str:
        """A contribution under this stream is an additional one, or a minimum one."""
        if self.kind == self.Kind.ADDITIONAL:
            return Contribution.Kind.ADDITIONAL
        return Contribution.Kind.MINIMUM

    @property
    def is_ring_fence(self) -> bool:
        return self.within_id is not None

    def clean(self):
        if self.kind == self.Kind.RING_FENCE and not self.within_id:
            raise ValidationError({"within": "Say which stream the ring-fence is part of."})
        if not self.within_id and (self.counts or self.minimum or self.checked_before_submission):
            raise ValidationError(
                {"counts": "Only a ring-fence (a stream within another) has a rule."}
            )
        if self.minimum and not self.counts:
            raise ValidationError({"counts": "Say which schemes count towards the minimum."})
        if self.checked_before_submission and not self.minimum:
            raise ValidationError(
                {"checked_before_submission": "Only a ring-fence with a minimum is checked."}
            )
        if self.within_id and self.within.framework_id != self.framework_id:
            raise ValidationError({"within": "Choose a stream of the same framework."})


class NarrativeHeading(models.Model):
    """A heading of a framework's narrative plan, in order, with what the source asks
    under it."""

    framework = models.ForeignKey(
        PolicyFramework, on_delete=models.CASCADE, related_name="narrative_headings"
    )
    key = models.SlugField(max_length=40)
    title = models.CharField(max_length=250)
    guidance = models.TextField(blank=True, help_text="What the source asks under it.")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["framework", "order"]
        constraints = [
            models.UniqueConstraint(fields=["framework", "key"], name="unique_narrative_heading")
        ]

    def __str__(self):
        return self.title


class Section75Agreement(models.Model):
    """The agreement under section 75 of the NHS Act 2006 that governs a plan's pooled
    fund: who hosts it, who manages the pool, which funds it covers, when it was signed,
    and its variations. It is often signed after the plan is agreed (the frameworks'
    deadlines for it fall later), so it is kept beside the plan rather than frozen with it."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="section_75")
    host = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner that hosts the pooled fund.",
    )
    pool_manager = models.CharField(
        max_length=200, blank=True, help_text="Who manages the pool: name and post."
    )
    funding_streams = models.ManyToManyField(
        FundingStream, blank=True, related_name="+", help_text="The pooled funds it covers."
    )
    signed_on = models.DateField(null=True, blank=True)
    note = models.TextField(blank=True)
    history = HistoricalRecords(m2m_fields=[funding_streams])

    def __str__(self):
        return f"Section 75 agreement of {self.plan.title}"


class Section75Variation(models.Model):
    """A change to a section 75 agreement, agreed on a day."""

    agreement = models.ForeignKey(
        Section75Agreement, on_delete=models.CASCADE, related_name="variations"
    )
    agreed_on = models.DateField()
    summary = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["agreement", "agreed_on", "pk"]

    def __str__(self):
        return f"Variation of {self.agreed_on:%-d %B %Y}"


class StatedFigure(models.Model):
    """A sum of money the plan states in its text rather than in a table, held as the plan
    states it (pounds, and its words), with the parts it gives as figures under it: the
    2014 plan's £4.648m of non-elective activity removed from the acute sector contract in
    2014/15, £2.217m of it for one CCG and £2.431m for the other."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="stated_figures")
    parent = models.ForeignKey(
        "self",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="parts",
        help_text="The figure this is a part of, as the plan breaks it down.",
    )
    section_key = models.SlugField(
        max_length=40, blank=True, help_text="The narrative heading it is stated under."
    )
    label = models.CharField(max_length=250, help_text="What the figure is, in the plan's terms.")
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The partner it is stated for, if any.",
    )
    amount = models.DecimalField(**MONEY, help_text="Pounds.")
    as_written = models.CharField(max_length=40, help_text="As the plan writes it (£4.648m).")
    words = models.TextField(blank=True, help_text="The plan's sentence that states it.")
    source = models.CharField(max_length=250, blank=True, help_text="Where the plan states it.")
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "order", "pk"]

    def __str__(self):
        return f"{self.label}: {self.as_written}"

    @property
    def financial_year(self) -> FinancialYear | None:
        return FinancialYear(self.year) if self.year else None

    def clean(self):
        if self.year and self.plan_id and not self.plan.covers(self.year):
            raise ValidationError({"year": "This year is outside the plan."})
        if self.parent_id and self.plan_id and self.parent.plan_id != self.plan_id:
            raise ValidationError({"parent": "A part belongs to a figure of the same plan."})
        if self.parent_id and self.parent.parent_id:
            raise ValidationError({"parent": "A part cannot itself be broken down."})
