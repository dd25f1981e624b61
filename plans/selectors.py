"""Read queries over plans, shared by pages and the API."""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch
from django.urls import reverse

from frameworks.models import FrameworkDeadline
from plans.models import (
    ConditionStatus,
    NarrativeSection,
    NationalCondition,
    Organisation,
    Plan,
    Section75Agreement,
    SignOff,
    SignOffRole,
    StatedFigure,
)
from plans.periods import FinancialYear, Quarter


def plans_for(*, user):
    """The plans a user may see, newest first within each area."""
    return (
        Plan.objects.visible_to(user)
        .select_related("area")
        .order_by("area__name", "-first_year", "-version_date")
    )


def plan_detail(*, user, pk, action, with_sections: bool = True, content: bool = True):
    """One plan with what its page shows, through the permission check (404/403).

    The plan's page itself only links to the narrative sections: it passes
    `with_sections=False` and saves their query. `content=False`: a page that shows a
    version whose content is not among the sources (`permissions.get_plan`).
    """
    from plans import permissions

    prefetches: list[str | Prefetch] = ["ccgs", "sign_offs", "plan_years"]
    if not with_sections:  # the plan's own page, which lists its framework's deadlines
        prefetches.append("framework__deadlines")
    if with_sections:
        prefetches.append(Prefetch("sections", queryset=NarrativeSection.objects.all()))
    queryset = Plan.objects.select_related("area", "local_authority", "framework").prefetch_related(
        *prefetches
    )
    return permissions.get_plan(user, pk, action, queryset=queryset, content=content)


def versions_before(plan):
    """The area's versions of the same plan (plans starting the same year) made before
    `plan`, in order: one query."""
    return Plan.objects.filter(
        area_id=plan.area_id, first_year=plan.first_year, number__lt=plan.number
    ).order_by("number")


@dataclass(frozen=True)
class StatedFigureRow:
    """A sum of money the plan states in its text, with the parts it gives and what they
    add up to (None when it gives none)."""

    figure: StatedFigure
    parts: list[StatedFigure]
    parts_total: Decimal | None

    @property
    def quotes(self) -> list[tuple[str, str]]:
        """The plan's sentences stating the figure and its parts, each once, with where."""
        seen: list[tuple[str, str]] = []
        for figure in (self.figure, *self.parts):
            if figure.words and all(figure.words != words for words, _ in seen):
                seen.append((figure.words, figure.source))
        return seen

    @property
    def parts_differ(self) -> bool:
        return self.parts_total is not None and self.parts_total != self.figure.amount


def stated_figures(plan: Plan) -> list[StatedFigureRow]:
    """The sums the plan states in its text, each with its parts (1 query)."""
    figures = list(StatedFigure.objects.filter(plan=plan).select_related("organisation"))
    parts: dict[int, list[StatedFigure]] = {}
    for figure in figures:
        if figure.parent_id is not None:
            parts.setdefault(figure.parent_id, []).append(figure)
    rows = []
    for figure in figures:
        if figure.parent_id is not None:
            continue
        own = parts.get(figure.pk, [])
        total = sum((part.amount for part in own), Decimal(0)) if own else None
        rows.append(StatedFigureRow(figure=figure, parts=own, parts_total=total))
    return rows


def condition_statuses(*, plan: Plan, fy: FinancialYear, quarter: Quarter) -> list[dict]:
    """The national conditions of the year with the plan's status in the quarter, as the
    quarterly dashboard and a return show them (2 queries)."""
    statuses = {
        s.condition_id: s
        for s in ConditionStatus.objects.filter(
            plan=plan, year=fy.start_year, quarter=quarter.number
        )
    }
    url = reverse("plans:condition_edit", args=[plan.pk, fy.start_year, quarter.number])
    rows = []
    for condition in NationalCondition.objects.applying_to(fy.start_year).order_by("order", "code"):
        status = statuses.get(condition.pk)
        rows.append(
            {
                "code": condition.code,
                "title": condition.title,
                "status": status.status if status else None,
                "status_label": status.get_status_display() if status else "Not reported",
                "expected_date": status.expected_date if status else None,
                "expected_date_precision": status.expected_date_precision if status else "day",
                "narrative": status.narrative if status else "",
                "url": url,
            }
        )
    return rows


@dataclass(frozen=True)
class RequiredSignOff:
    """A sign-off the plan's framework asks for: a role, for one partner where the role is
    a partner's, and the sign-off that gives it (None while missing)."""

    role: SignOffRole
    organisation: Organisation | None
    sign_off: SignOff | None

    @property
    def label(self) -> str:
        return f"{self.role.title}, {self.organisation}" if self.organisation else self.role.title

    @property
    def met(self) -> bool:
        return self.sign_off is not None and self.sign_off.signed_on is not None


def required_sign_offs(plan: Plan) -> list[RequiredSignOff]:
    """Each role of the plan's framework, once per partner of its kind (the council's for
    the council's roles, every integrated care board's for theirs), with its sign-off."""
    if plan.framework_id is None:
        return []
    roles = list(SignOffRole.objects.filter(framework_id=plan.framework_id))
    if not roles:
        return []
    partners: list[Organisation] = list(plan.ccgs.all())
    if plan.local_authority is not None:
        partners.insert(0, plan.local_authority)
    given = {(s.role_id, s.organisation_id): s for s in plan.sign_offs.all() if s.role_id}
    required = []
    for role in roles:
        if not role.organisation_kind:
            required.append(RequiredSignOff(role, None, given.get((role.pk, None))))
            continue
        of_kind: list[Organisation | None] = [
            o for o in partners if o.kind == role.organisation_kind
        ]
        for organisation in of_kind or [None]:
            key = (role.pk, organisation.pk if organisation else None)
            required.append(RequiredSignOff(role, organisation, given.get(key)))
    return required


def sign_off_roles_of(plan: Plan):
    """The roles of the plan's framework a sign-off may give."""
    return SignOffRole.objects.filter(framework_id=plan.framework_id)


def partners_of(plan: Plan):
    """The plan's partner organisations: its local authority and its NHS commissioners."""
    ids = [o.pk for o in plan.ccgs.all()]
    if plan.local_authority_id:
        ids.append(plan.local_authority_id)
    return Organisation.objects.filter(pk__in=ids)


# How many days before the framework's deadline for the section 75 agreement a plan that has
# none signed is reminded of it (on its page and its people's home pages).
SECTION_75_REMINDER_DAYS = 42


@dataclass(frozen=True)
class Section75Status:
    """Where the plan's section 75 agreement stands against its framework's deadline."""

    agreement: Section75Agreement | None
    deadline: FrameworkDeadline | None  # of kind section_75
    asked: bool  # whether the framework asks for one at all
    today: datetime.date

    @property
    def signed_on(self) -> datetime.date | None:
        return self.agreement.signed_on if self.agreement is not None else None

    @property
    def signed(self) -> bool:
        return self.signed_on is not None

    @property
    def due_on(self) -> datetime.date | None:
        return self.deadline.due_on if self.deadline is not None else None

    @property
    def days_left(self) -> int | None:
        if self.due_on is None:
            return None
        return (self.due_on - self.today).days

    @property
    def remind(self) -> bool:
        """Unsigned, and the deadline is near or past."""
        days = self.days_left
        return not self.signed and days is not None and days <= SECTION_75_REMINDER_DAYS

    @property
    def message(self) -> str:
        if self.signed_on is not None:
            return f"Signed on {self.signed_on:%-d %B %Y}."
        days = self.days_left
        if self.due_on is None or days is None:
            return "Not signed yet; the framework gives no date for it."
        due = f"{self.due_on:%-d %B %Y}"
        if days < 0:
            return f"Not signed: the framework's deadline was {due}."
        if days == 0:
            return f"Not signed: the framework's deadline is today, {due}."
        plural = "s" if days != 1 else ""
        return f"Not signed: the framework's deadline is {due}, in {days} day{plural}."


def section_75_status(plan: Plan, *, today: datetime.date) -> Section75Status:
    """The plan's agreement and the framework's deadline for it that applies now: the first
    not yet passed, else the last (dated deadlines in date order)."""
    agreement = Section75Agreement.objects.filter(plan=plan).select_related("host").first()
    deadlines = list(
        FrameworkDeadline.objects.filter(
            framework_id=plan.framework_id, kind=FrameworkDeadline.Kind.SECTION_75
        ).order_by("due_on")
    )
    dated = [d for d in deadlines if d.due_on is not None]
    upcoming = [d for d in dated if d.due_on is not None and d.due_on >= today]
    deadline: FrameworkDeadline | None = None
    if upcoming or dated:
        deadline = upcoming[0] if upcoming else dated[-1]
    elif deadlines:
        deadline = deadlines[0]
    return Section75Status(agreement, deadline, bool(deadlines), today)


def funding_streams_of(plan: Plan):
    """The funding streams of the plan's framework, in its order."""
    from plans.models import FundingStream

    return FundingStream.objects.filter(framework_id=plan.framework_id)


def plan_year_not_broken_down(*, plan: Plan, year: int) -> str:
    """Where the source gives the year's pooled budget only as a total, its words (else "");
    shown in place of £0 wherever a breakdown would go (one query)."""
    return plan.plan_years.filter(year=year).values_list("not_broken_down", flat=True).first() or ""


def conditions_answered_in_plan(plan: Plan):
    """The national conditions `plan` answers itself, on its framework's planning template
    (NationalCondition.objects.answered_in_plan), in their order."""
    return NationalCondition.objects.answered_in_plan(plan.framework_id).order_by("order", "code")
