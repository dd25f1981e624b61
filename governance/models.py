"""Boards, their terms of reference and members, meetings, agendas, minutes, decisions,
actions, approvals and the NHS England deadlines a board's forward plan must meet.

Area-level records that pages fetch by id (Board, Meeting, Action, Deadline) carry their
own `area` so that `plans.permissions.get_in_area` can check them; the area of a meeting,
action or deadline is its board's, set by the services and checked in `clean()`.
Everything else is reached through its meeting or board.
"""

import datetime

from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import models
from simple_history.models import HistoricalRecords

from governance.numbering import letter, roman
from plans.dates import precision_field
from plans.models import Area


def _same_area(record, board_field: str = "board") -> None:
    board = getattr(record, board_field, None)
    if board is not None and record.area_id and record.area_id != board.area_id:
        raise ValidationError({"area": "The area must be the board's area."})


class Board(models.Model):
    class Frequency(models.TextChoices):
        WEEKLY = "weekly", "Weekly"
        FORTNIGHTLY = "fortnightly", "Fortnightly"
        MONTHLY = "monthly", "Monthly"
        BIMONTHLY = "bimonthly", "Every two months"
        QUARTERLY = "quarterly", "Quarterly"
        AS_REQUIRED = "as_required", "As required"

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="boards")
    name = models.CharField(max_length=200)
    short_name = models.CharField(max_length=40, blank=True)
    purpose = models.TextField(blank=True)
    reports_to = models.ForeignKey(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="sub_boards"
    )
    frequency = models.CharField(
        max_length=15, choices=Frequency.choices, default=Frequency.AS_REQUIRED
    )
    established_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["area__name", "name"]
        constraints = [
            models.UniqueConstraint(fields=["area", "name"], name="unique_board_name_in_area")
        ]

    def __str__(self):
        return self.name

    def clean(self):
        if self.reports_to_id and self.reports_to_id == self.pk:
            raise ValidationError({"reports_to": "A board cannot report to itself."})


class TermsQuerySet(models.QuerySet):
    def in_force(self, board, on: datetime.date):
        """The board's terms of reference in force on `on`: the latest approved by then."""
        return (
            self.filter(board=board, approved_on__isnull=False, approved_on__lte=on)
            .order_by("-approved_on", "-pk")
            .first()
        )


class TermsOfReference(models.Model):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="terms")
    version = models.CharField(max_length=40)
    text = models.TextField()
    approved_on = models.DateField(null=True, blank=True)
    # "Approved … in November 2015": held as the month, never as its 1st day.
    approved_on_precision = precision_field()
    approved_by = models.ForeignKey(
        Board, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    objects = TermsQuerySet.as_manager()

    class Meta:
        ordering = ["board", "-approved_on", "-pk"]
        verbose_name_plural = "terms of reference"
        constraints = [
            models.UniqueConstraint(fields=["board", "version"], name="unique_tor_version")
        ]

    def __str__(self):
        return f"{self.board} terms of reference {self.version}"


class Power(models.Model):
    """What a board's terms of reference let it approve: itself at its meetings, or (with a
    `delegate`) through the named officer they delegate to, whose approvals await the
    board's ratification at a later meeting."""

    class Kind(models.TextChoices):
        PLAN = "plan", "Plan versions"
        QUARTERLY_RETURN = "quarterly_return", "Quarterly returns (quarters 1 to 3)"
        YEAR_END_RETURN = "year_end_return", "Year-end returns (quarter 4)"
        FUND_RELEASE = "fund_release", "Releases from contingency and risk-pool funds"

    terms = models.ForeignKey(TermsOfReference, on_delete=models.CASCADE, related_name="powers")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    delegate = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="delegated_powers",
        help_text="The named officer the terms delegate this power to; empty: the board.",
    )
    delegate_post = models.CharField(
        max_length=200, blank=True, help_text="The officer's post, as the terms name it."
    )
    conditions = models.TextField(
        blank=True, help_text="When the power may be used, as the terms of reference say."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["terms", "kind", "pk"]

    def __str__(self):
        who = self.delegate_post or "the board"
        return f"{self.get_kind_display()}: {who} ({self.terms})"

    def clean(self):
        if self.delegate_id and not self.delegate_post.strip():
            raise ValidationError({"delegate_post": "Name the officer's post."})

    @property
    def is_delegated(self) -> bool:
        return bool(self.delegate_id or self.delegate_post)


class BoardMember(models.Model):
    """A person's seat on a board, as the board lists it; a user account is optional."""

    class Role(models.TextChoices):
        CHAIR = "chair", "Chair"
        VICE_CHAIR = "vice_chair", "Vice-chair"
        MEMBER = "member", "Member"
        OFFICER = "officer", "Officer"
        OBSERVER = "observer", "Observer"

    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    role = models.CharField(max_length=12, choices=Role.choices, default=Role.MEMBER)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="board_seats",
    )
    order = models.PositiveSmallIntegerField(default=0)
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "order", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"


class Meeting(models.Model):
    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        HELD = "held", "Held"
        CANCELLED = "cancelled", "Cancelled"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="meetings")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    date = models.DateField()
    time = models.TimeField(null=True, blank=True)
    venue = models.CharField(max_length=200, blank=True)
    title = models.CharField(
        max_length=200, blank=True, help_text="For example “Extraordinary meeting”."
    )
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SCHEDULED)
    source_note = models.TextField(
        blank=True,
        help_text="What the sources leave out of this meeting (minutes undated, no board "
        "named): said wherever the meeting is shown.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["board", "date", "time"]

    def __str__(self):
        return f"{self.board}, {self.date:%-d %B %Y}"

    def clean(self):
        _same_area(self)


class AgendaItem(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="items")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=300)
    presenter = models.CharField("Presenting officer", max_length=200, blank=True)
    summary = models.TextField(blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "number"]
        constraints = [
            models.UniqueConstraint(fields=["meeting", "number"], name="unique_item_number")
        ]

    def __str__(self):
        return f"{self.number}. {self.title}"


class ItemReport(models.Model):
    """A report attached to an agenda item (the file stays in MEDIA_ROOT)."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="reports")
    title = models.CharField(max_length=300)
    file = models.FileField(upload_to="governance/reports/%Y/%m/")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]

    def __str__(self):
        return self.title


class ItemLink(models.Model):
    """What an agenda item concerns: a plan version, a quarterly return, a risk, a release."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="links")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    target = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=300, help_text="The object as it read when linked.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["item", "content_type", "object_id"], name="unique_item_link"
            )
        ]

    def __str__(self):
        return self.label


class Attendance(models.Model):
    class Status(models.TextChoices):
        PRESENT = "present", "Present"
        APOLOGIES = "apologies", "Apologies"
        IN_ATTENDANCE = "in_attendance", "In attendance"
        ABSENT = "absent", "Absent"

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200, blank=True)
    status = models.CharField(max_length=15, choices=Status.choices, default=Status.PRESENT)
    member = models.ForeignKey(
        BoardMember, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "status", "name"]

    def __str__(self):
        return f"{self.name} ({self.get_status_display()})"


class DeclarationOfInterest(models.Model):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="declarations")
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(max_length=200)
    interest = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["meeting", "pk"]
        verbose_name_plural = "declarations of interest"

    def __str__(self):
        return f"{self.name}: {self.interest[:60]}"


class MinutePoint(models.Model):
    """One discussion point of an item's minutes; numbered (i), (ii)… by `order`."""

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="minutes")
    order = models.PositiveSmallIntegerField()
    text = models.TextField()
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="unique_minute_order")
        ]

    def __str__(self):
        return f"({self.numeral}) {self.text[:60]}"

    @property
    def numeral(self) -> str:
        return roman(self.order)


class Decision(models.Model):
    """A resolution of an item, lettered (a), (b)… by `order`."""

    class Kind(models.TextChoices):
        APPROVE = "approve", "Approve"
        NOTE = "note", "Note"
        DELEGATE = "delegate", "Delegate"
        RELEASE_FUNDS = "release_funds", "Release funds"
        RATIFY = "ratify", "Ratify an approval made under delegation"
        REFER = "refer", "Refer"

    APPROVING_KINDS = (Kind.APPROVE, Kind.RELEASE_FUNDS)

    item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="decisions")
    order = models.PositiveSmallIntegerField()
    kind = models.CharField(max_length=15, choices=Kind.choices)
    text = models.TextField()
    not_quoted = models.TextField(
        blank=True,
        help_text="When its minutes are not among the sources: that the wording is not "
        "quoted, and where what it records comes from. Empty: quoted from the minutes.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["item", "order"]
        constraints = [
            models.UniqueConstraint(fields=["item", "order"], name="unique_decision_order")
        ]

    def __str__(self):
        return f"({self.letter}) {self.text[:60]}"

    @property
    def letter(self) -> str:
        return letter(self.order)

    @property
    def approves(self) -> bool:
        return self.kind in self.APPROVING_KINDS


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status=Action.Status.OPEN)

    def overdue(self, today: datetime.date):
        """Open actions whose due date has passed: due yesterday is overdue, today is not."""
        return self.open().filter(due_on__lt=today)


class Action(models.Model):
    class Status(models.TextChoices):
        OPEN = "open", "Open"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="actions")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    item = models.ForeignKey(
        AgendaItem, on_delete=models.SET_NULL, null=True, blank=True, related_name="actions"
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="governance_actions",
    )
    owner_name = models.CharField(
        max_length=200, blank=True, help_text="Who owns it, when they have no account here."
    )
    due_on = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    completed_on = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    objects = ActionQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return self.description[:80]

    def clean(self):
        _same_area(self)
        if not self.owner_id and not self.owner_name.strip():
            raise ValidationError({"owner_name": "Name the owner or choose a user."})

    @property
    def owner_label(self) -> str:
        if self.owner_id:
            return self.owner.get_full_name() or self.owner.username
        return self.owner_name

    def is_overdue(self, today: datetime.date) -> bool:
        return self.status == self.Status.OPEN and self.due_on < today


class OfficerDecision(models.Model):
    """A decision an officer took under a power their board's terms of reference delegate to
    them (when, say, NHS England's deadline falls before the board meets)."""

    power = models.ForeignKey(Power, on_delete=models.PROTECT, related_name="decisions")
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    decided_on = models.DateField()
    text = models.TextField()
    reason = models.TextField(blank=True, help_text="Why it could not wait for the board.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["decided_on", "pk"]

    def __str__(self):
        return f"{self.power.delegate_post}, {self.decided_on:%-d %B %Y}: {self.text[:60]}"


class Approval(models.Model):
    """A decision approved this object (one version of it). Never changed once made, but
    for the ratification of an approval made under delegation.

    The decision is a board's (`decision`, at a meeting) or an officer's under delegation
    (`officer_decision`); `power` is what allowed it, `approved_on` the day, `checksum` what
    exactly was approved (the snapshot of a plan version or return).
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    officer_decision = models.OneToOneField(
        OfficerDecision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="approval",
    )
    power = models.ForeignKey(
        Power, on_delete=models.PROTECT, null=True, blank=True, related_name="approvals"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    content_type = models.ForeignKey(ContentType, on_delete=models.PROTECT, related_name="+")
    object_id = models.PositiveBigIntegerField()
    approved = GenericForeignKey("content_type", "object_id")
    label = models.CharField(max_length=300, help_text="The object as it read when approved.")
    approved_on = models.DateField(null=True, blank=True)
    checksum = models.CharField(
        max_length=64, blank=True, help_text="SHA-256 of the snapshot approved, if it has one."
    )
    ratified_by = models.ForeignKey(
        Decision,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="ratifications",
    )
    recorded_at = models.DateTimeField(auto_now_add=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["recorded_at", "pk"]
        constraints = [
            # Each plan row is one version, so one approval per object is one per version.
            models.UniqueConstraint(
                fields=["content_type", "object_id"], name="one_approval_per_object"
            ),
            models.CheckConstraint(
                condition=models.Q(decision__isnull=False, officer_decision__isnull=True)
                | models.Q(decision__isnull=True, officer_decision__isnull=False),
                name="approval_by_one_decision",
            ),
            models.CheckConstraint(
                condition=models.Q(ratified_by__isnull=True) | models.Q(decision__isnull=True),
                name="only_delegated_approvals_are_ratified",
            ),
        ]
        indexes = [models.Index(fields=["content_type", "object_id"])]

    def __str__(self):
        return f"{self.label}: approved"

    @property
    def under_delegation(self) -> bool:
        return self.officer_decision_id is not None

    @property
    def awaits_ratification(self) -> bool:
        return self.under_delegation and self.ratified_by_id is None


class Deadline(models.Model):
    """Something NHS England (or the board's own timetable) needs decided by a date."""

    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="deadlines")
    what = models.CharField(max_length=300)
    due_on = models.DateField()
    content_type = models.ForeignKey(
        ContentType, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    object_id = models.PositiveBigIntegerField(null=True, blank=True)
    concerns = GenericForeignKey("content_type", "object_id")
    met_by = models.ForeignKey(
        Decision, on_delete=models.SET_NULL, null=True, blank=True, related_name="deadlines_met"
    )
    source = models.CharField(max_length=300, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["due_on", "pk"]

    def __str__(self):
        return f"{self.what} by {self.due_on:%-d %B %Y}"

    def clean(self):
        _same_area(self)


class SignOffRatification(models.Model):
    """The board's later ratification of a plan's sign-offs (the chief executives sign
    before NHS England's deadline; the Health and Wellbeing Board ratifies at a meeting
    after it): a decision of kind "ratify" at a meeting on or after the signing."""

    sign_off = models.OneToOneField(
        "plans.SignOff", on_delete=models.CASCADE, related_name="ratification"
    )
    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="sign_off_ratifications"
    )
    area = models.ForeignKey(Area, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.sign_off} ratified by {self.decision}"
