"""Background jobs, quarterly returns and their frozen snapshots, rendered documents."""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from plans.models import Area, Plan
from plans.periods import FinancialYear

# A job not sent to the queue this long after it was recorded never will be (the process
# that recorded it stopped first): it may be tried again.
QUEUE_GRACE = datetime.timedelta(seconds=30)
# A job waiting in the queue this long was lost with it (Redis emptied): it may be sent again.
# Longer than any queue of jobs takes; sending twice is harmless (only one run claims it).
STALE_AFTER = datetime.timedelta(minutes=30)


class Job(models.Model):
    """A piece of background work a person started, and what became of it.

    Celery runs it (`submissions.tasks.run_job`); the page and `GET /api/jobs/{id}/` show
    its state and progress. `kind` names the handler registered in submissions/jobs.py.
    """

    class State(models.TextChoices):
        PENDING = "pending", "Waiting to start"
        RUNNING = "running", "Running"
        SUCCESS = "success", "Finished"
        FAILURE = "failure", "Failed"

    kind = models.CharField(max_length=40)
    area = models.ForeignKey(
        Area,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="jobs",
        help_text="Empty for a job over every area (a national publication imported).",
    )
    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="jobs"
    )
    params = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=10, choices=State.choices, default=State.PENDING)
    progress = models.PositiveSmallIntegerField(
        default=0, validators=[MaxValueValidator(100)], help_text="Per cent done, 0–100."
    )
    message = models.CharField(max_length=250, blank=True, help_text="What it is doing now.")
    error = models.TextField(blank=True)
    result = models.JSONField(default=dict, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    queued_at = models.DateTimeField(
        null=True, blank=True, help_text="When it reached the queue (empty: not, or not yet)."
    )
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="The last sign of life of the worker running it."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.kind} #{self.pk} ({self.get_state_display().lower()})"

    @property
    def stalled(self) -> str:
        """Why this unfinished job will not finish by itself, for the person who started it
        ("" while it may): its worker stopped answering (a running job whose heartbeat is
        older than JOB_LOST_AFTER_SECONDS), or it never reached the queue. Such a job, like
        a failed one, may be tried again (submissions.jobs.job_retry)."""
        now = timezone.now()
        if self.state == self.State.RUNNING:
            alive = self.heartbeat_at or self.started_at
            lost_after = datetime.timedelta(seconds=settings.JOB_LOST_AFTER_SECONDS)
            if alive is not None and alive < now - lost_after:
                return (
                    "The worker running this job stopped answering at "
                    f"{timezone.localtime(alive):%H:%M} (it was stopped or restarted). "
                    "Nothing it did half-way was kept. Try again."
                )
        elif self.state == self.State.PENDING:
            if self.queued_at is None and self.created_at and self.created_at < now - QUEUE_GRACE:
                return "This job never reached the queue. Try again."
            if self.queued_at is not None and self.queued_at < now - STALE_AFTER:
                return "This job has waited in the queue for over 30 minutes. Try again."
        return ""

    @property
    def may_retry(self) -> bool:
        return self.state == self.State.FAILURE or bool(self.stalled)

    @property
    def is_finished(self) -> bool:
        return self.state in (self.State.SUCCESS, self.State.FAILURE)


class QuarterlyReturn(models.Model):
    """One version of a plan's return to NHS England for a quarter.

    Its `snapshot` is computed from live data by a job; once approved the return never
    changes, and a correction is a new version (`supersedes` the old one).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        READY = "ready", "Ready for review"
        APPROVED = "approved", "Approved"
        SUBMITTED = "submitted", "Submitted"

    FROZEN_STATUSES = (Status.APPROVED, Status.SUBMITTED)

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="returns")
    year = models.PositiveSmallIntegerField()
    quarter = models.PositiveSmallIntegerField(
        validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    version = models.PositiveSmallIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="superseded_by"
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    highlights = models.TextField(blank=True)
    challenges = models.TextField(blank=True)
    snapshot = models.JSONField(null=True, blank=True)
    checksum = models.CharField(max_length=64, blank=True, help_text="SHA-256 of the snapshot.")
    # When the job prepared it (services.return_prepare). A return recorded from a source
    # (an earlier year's, as a report gives it) has the source's day instead, or none where
    # the source gives none, with the source's words: never the day it was recorded here.
    prepared_at = models.DateTimeField(null=True, blank=True)
    prepared_source = models.TextField(
        blank=True,
        help_text="A return recorded from a source: what the source says of its preparation.",
    )
    ready_on = models.DateField(
        null=True, blank=True, help_text="When it was put forward for review (marked ready)."
    )
    approved_on = models.DateField(null=True, blank=True)
    submitted_on = models.DateField(null=True, blank=True)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["plan", "-year", "-quarter", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "year", "quarter", "version"], name="unique_return_version"
            )
        ]

    def __str__(self):
        return f"{self.plan.area} {self.label()}, version {self.version}"

    @property
    def area_id(self):
        return self.plan.area_id

    @property
    def period(self):
        return FinancialYear(self.year).quarter(self.quarter)

    @property
    def period_label(self) -> str:
        return self.period.label

    @property
    def is_frozen(self) -> bool:
        return self.status in self.FROZEN_STATUSES

    # What the return is called, written here only: pages, documents' names and headings,
    # and the jobs' messages all say it this way. `year_end` is whether it is a year-end
    # return (submissions.selectors.is_year_end, which also knows an unprepared one); by
    # default, as prepared.

    def label(self, year_end: bool | None = None) -> str:
        """ "Year-end return 2016/17", "2016/17 Q3 return"."""
        if self._year_end(year_end):
            return f"Year-end return {self.period.year.label}"
        return f"{self.period_label} return"

    def version_label(self, year_end: bool | None = None) -> str:
        """A version of the return, as its documents name it: "2016/17 year-end v1",
        "2016/17 Q3 v1"."""
        if self._year_end(year_end):
            return f"{self.period.year.label} year-end v{self.version}"
        return f"{self.period_label} v{self.version}"

    def _year_end(self, year_end: bool | None) -> bool:
        return self.quarter == 4 and (self.holds_year_end if year_end is None else year_end)

    @property
    def holds_year_end(self) -> bool:
        """Prepared as a year-end return: a quarter 4 return whose snapshot holds the year's
        year-end figures (its framework declares a year-end template)."""
        return self.quarter == 4 and "year_end" in (self.snapshot or {})


class PlanSnapshot(models.Model):
    """What a plan version holds, frozen when it is prepared for agreement (JSON, with its
    SHA-256): the version may be put forward and agreed only while it still holds exactly
    this (submissions/readiness.py)."""

    plan = models.OneToOneField(Plan, on_delete=models.CASCADE, related_name="snapshot")
    snapshot = models.JSONField()
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the snapshot.")
    prepared_at = models.DateTimeField()
    prepared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords(excluded_fields=["snapshot"])

    def __str__(self):
        return f"Snapshot of {self.plan}"


class Document(models.Model):
    """A rendered submission document, stored with its checksum and what it came from."""

    class Kind(models.TextChoices):
        PART1_PDF = "part1-pdf", "Plan (Part 1) as PDF"
        PART2_XLSX = "part2-xlsx", "Part 2 workbook (metrics and finance)"
        RETURN_PDF = "return-pdf", "Quarterly return report (PDF)"
        RETURN_XLSX = "return-xlsx", "Quarterly return workbook"
        YEAR_END_XLSX = "year-end-xlsx", "Year-end return workbook"
        YEAR_END_PDF = "year-end-pdf", "Year-end return (PDF)"
        ASSURANCE_LETTER = "assurance-letter", "Assurance letter (PDF)"
        MINUTES_PDF = "minutes-pdf", "Minutes (PDF)"
        BOARD_PACK_PDF = "board-pack-pdf", "Board pack (PDF)"

    plan = models.ForeignKey(
        Plan, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    meeting = models.ForeignKey(
        "governance.Meeting",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text="The meeting whose minutes it is (minutes only; the others have a plan).",
    )
    quarterly_return = models.ForeignKey(
        QuarterlyReturn, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    kind = models.CharField(max_length=20, choices=Kind.choices)
    source_version = models.CharField(
        max_length=120, help_text="The plan or return version it was rendered from."
    )
    file = models.FileField(upload_to="documents/%Y/%m/")
    checksum = models.CharField(max_length=64, help_text="SHA-256 of the file.")
    fingerprint = models.CharField(
        max_length=64,
        blank=True,
        db_index=True,
        help_text="SHA-256 of its kind and what it was rendered from: the same request for "
        "the same data reuses it (submissions/documents/services.py).",
    )
    size = models.PositiveIntegerField(default=0)
    job = models.ForeignKey(Job, on_delete=models.SET_NULL, null=True, blank=True, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} of {self.source_version}"


class Assurance(models.Model):
    """A regional assurer's assurance of a submitted plan version: a judgement and comment
    per planning requirement, then an outcome with its date; conditions, if any, are tracked
    to closure by the area. Final once decided (submissions/assurance.py)."""

    class Outcome(models.TextChoices):
        APPROVED = "approved", "Approved"
        WITH_CONDITIONS = "approved_with_conditions", "Approved with conditions"
        NOT_APPROVED = "not_approved", "Not approved"

    plan = models.OneToOneField(Plan, on_delete=models.PROTECT, related_name="assurance")
    assurer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    outcome = models.CharField(max_length=30, choices=Outcome.choices, blank=True)
    decided_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the plan version's snapshot assured."
    )
    lock_version = models.PositiveIntegerField(default=1, editable=False)
    history = HistoricalRecords()

    def __str__(self):
        return f"Assurance of {self.plan}"

    @property
    def is_decided(self) -> bool:
        return bool(self.outcome)


class AssuranceComment(models.Model):
    """The assurer's judgement and comment on one planning requirement or checklist item."""

    class Judgement(models.TextChoices):
        MET = "met", "Met"
        PARTLY_MET = "partly_met", "Partly met"
        NOT_MET = "not_met", "Not met"

    assurance = models.ForeignKey(Assurance, on_delete=models.CASCADE, related_name="comments")
    requirement = models.CharField(max_length=120, help_text="Which requirement (its key).")
    label = models.CharField(max_length=300, help_text="The requirement as it read.")
    judgement = models.CharField(max_length=12, choices=Judgement.choices, blank=True)
    comment = models.TextField(blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["assurance", "order"]
        constraints = [
            models.UniqueConstraint(
                fields=["assurance", "requirement"], name="one_comment_per_requirement"
            )
        ]

    def __str__(self):
        return f"{self.label}: {self.get_judgement_display() or 'not judged'}"


class AssuranceCondition(models.Model):
    """A condition of an approval with conditions: what the area must do, by when, and when
    and how it was met."""

    assurance = models.ForeignKey(Assurance, on_delete=models.CASCADE, related_name="conditions")
    number = models.PositiveSmallIntegerField()
    text = models.TextField()
    due_on = models.DateField()
    closed_on = models.DateField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    evidence = models.TextField(blank=True, help_text="How the area met it.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["assurance", "number"]
        constraints = [
            models.UniqueConstraint(fields=["assurance", "number"], name="unique_condition_number")
        ]

    def __str__(self):
        return f"Condition {self.number}: {self.text[:60]}"

    @property
    def is_open(self) -> bool:
        return self.closed_on is None

    def is_overdue(self, today) -> bool:
        return self.is_open and self.due_on < today


class PlanSummary(models.Model):
    """What the national view shows of one plan for one financial year, computed from the
    plan's budgets, schemes, returns, assurance and metric actuals (submissions.national)
    and kept, so that the national view reads one row per area whatever the size of
    England's data. `version` is the state of the data it was computed from
    (plans.freshness); a row whose version is no longer current is computed again before
    it is shown. Derived data: it keeps no history, and `manage.py check_plan_summaries`
    recomputes every row and compares."""

    MONEY = {"max_digits": 16, "decimal_places": 2, "null": True}

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="summaries")
    year = models.PositiveSmallIntegerField()
    version = models.CharField(max_length=200)
    area_name = models.CharField(max_length=200)
    region = models.CharField(max_length=100, blank=True)
    status = models.CharField(max_length=20)
    # An illustrative plan (sample data from no source): shown marked, never counted.
    illustrative = models.BooleanField(default=False)
    agreed_total = models.DecimalField(**MONEY)
    minimum_required = models.DecimalField(**MONEY)
    protected_stated = models.DecimalField(**MONEY)
    scheme_total = models.DecimalField(**MONEY)
    protected_total = models.DecimalField(**MONEY)
    return_pk = models.IntegerField(null=True)
    return_quarter = models.PositiveSmallIntegerField(null=True)
    return_version = models.PositiveSmallIntegerField(null=True)
    return_status = models.CharField(max_length=20, blank=True, null=True)
    assurance_outcome = models.CharField(max_length=30, blank=True, null=True)
    assurance_open = models.PositiveIntegerField(null=True)
    # Each metric's status in the year: {"<metric id>": "met" | "not_met" | "no_data"}.
    statuses = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["plan", "year"], name="plan_summary_once_a_year")
        ]
        indexes = [models.Index(fields=["year", "area_name"])]

    def __str__(self) -> str:
        return f"{self.area_name} {FinancialYear(self.year).label}"

    def get_status_display(self) -> str:
        return Plan.Status(self.status).label
