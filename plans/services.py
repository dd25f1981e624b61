"""Operations that change plans. Each is one transaction, validates with full_clean(), and
leaves a history record (django-simple-history) naming the user."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.db.models.deletion import Collector, ProtectedError, RestrictedError

from frameworks.selectors import framework_for_years
from plans import permissions
from plans.dates import DatePrecision, month_start
from plans.models import (
    Area,
    Contribution,
    Membership,
    NarrativeSection,
    Organisation,
    Plan,
    PlanYear,
    SignOff,
    StatedFigure,
)


class EditConflict(ValidationError):
    """Someone else saved the record after this user loaded it."""

    def __init__(self, record, current_version: int):
        self.record = record
        self.current_version = current_version
        super().__init__(
            "Someone else saved this record while you were editing it. Your changes have not "
            "been saved. Copy anything you need, then reload the page to see their version.",
            code="conflict",
        )


def locked(model, pk):
    """The row, locked until the transaction ends, so two saves cannot interleave."""
    return model.objects.select_for_update().get(pk=pk)


def check_version(record, expected_version: int | None) -> None:
    """Refuse a save based on an older copy (optimistic locking with a version counter)."""
    if expected_version is not None and record.lock_version != expected_version:
        raise EditConflict(record, record.lock_version)


def save_with_history(record: Any, *, user=None, reason: str = "") -> None:
    record.full_clean()
    if user is not None and user.is_authenticated:
        record._history_user = user
    if reason:
        record._change_reason = reason
    record.save()


def delete_with_history(record: Any, *, user=None) -> None:
    """Delete `record`, its history row naming `user` (simple_history reads the attribute)."""
    if user is not None:
        record._history_user = user
    record.delete()


def save_changed(record, values: dict, *, user=None, reason: str = "") -> bool:
    """Set `values` on a record and save it (with its history) only when it is new or one
    of them differs, so that loading reference data again records no change. Returns
    whether it saved."""
    changed = record.pk is None or any(getattr(record, k) != v for k, v in values.items())
    for name, value in values.items():
        setattr(record, name, value)
    if changed:
        save_with_history(record, user=user, reason=reason)
    return changed


def versioned_update(model, record, *, expected_version, fields: dict, allowed, user=None):
    """Change the fields `allowed` of a record with a version counter: locked, refused on a
    frozen plan (permissions.check_changeable) or from an old copy (EditConflict), saved
    with its history. Run inside the caller's transaction."""
    current = locked(model, record.pk)
    permissions.check_changeable(current)
    check_version(current, expected_version)
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"{model.__name__} has no field {name!r} to change here")
        setattr(current, name, value)
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


def versioned_delete(model, record, *, expected_version, user=None) -> None:
    """Remove a record with a version counter, with the same refusals as versioned_update."""
    current = locked(model, record.pk)
    permissions.check_changeable(current)
    check_version(current, expected_version)
    delete_with_history(current, user=user)


def move_in_order(rows: list, moved_pk: int, offset: int, user=None) -> None:
    """Move one of `rows` (locked, each with an `order`) up (-1) or down (+1); they are
    numbered 0, 1, 2… afterwards, each change recorded."""
    rows.sort(key=lambda row: (row.order, row.pk))
    index = next(i for i, row in enumerate(rows) if row.pk == moved_pk)
    rows.insert(min(max(index + offset, 0), len(rows) - 1), rows.pop(index))
    for order, row in enumerate(rows):
        if row.order != order:
            row.order = order
            save_with_history(row, user=user)


@transaction.atomic
def area_create(*, name: str, code: str, region: str = "", user=None) -> Area:
    area = Area(name=name, code=code, region=region)
    save_with_history(area, user=user, reason="Area set up")
    return area


AREA_FIELDS = ("name", "code", "region")


@transaction.atomic
def area_update(*, area: Area, user=None, partners: Sequence[Organisation] | None = None, **fields):
    """Change an area's name, ONS code or region (AREA_FIELDS) and, given `partners`, the
    organisations that pool money in it."""
    current = locked(Area, area.pk)
    for name, value in fields.items():
        if name not in AREA_FIELDS:
            raise TypeError(f"An area has no field {name!r} to change here")
        setattr(current, name, value)
    save_with_history(current, user=user)
    if partners is not None:
        current.partners.set(partners)
    return current


@transaction.atomic
def reference_save(*, record: Any, user=None, m2m: dict | None = None) -> Any:
    """A record of a policy framework's reference data (any app's: national conditions,
    funding streams, narrative headings, metrics, the scheme catalogue), as an administrator
    edits it: validated, saved with its history naming them, and its many-to-many fields
    (`m2m`: name → records) set. Loading a framework's pack saves the same records through
    the apps' `framework_*_set` services."""
    save_with_history(record, user=user, reason="Changed in administration")
    for name, values in (m2m or {}).items():
        getattr(record, name).set(values)
    return record


@transaction.atomic
def reference_delete(*, record: Any, user=None) -> None:
    """Remove a record of reference data, its history naming the administrator."""
    delete_with_history(record, user=user)


@transaction.atomic
def membership_add(*, user, area: Area) -> Membership:
    membership, _ = Membership.objects.get_or_create(user=user, area=area)
    return membership


@transaction.atomic
def organisation_get_or_create(*, name: str, kind: str, short_name: str = "") -> Organisation:
    organisation, created = Organisation.objects.get_or_create(
        name=name, defaults={"kind": kind, "short_name": short_name}
    )
    return organisation


@transaction.atomic
def membership_remove(*, membership: Membership) -> None:
    """The user no longer sees the area's data (their roles stay)."""
    Membership.objects.filter(pk=membership.pk).delete()


def _organisation_check(organisation: Organisation) -> None:
    organisation.full_clean()
    same_name = Organisation.objects.filter(name__iexact=organisation.name)
    if same_name.exclude(pk=organisation.pk).exists():
        raise ValidationError({"name": "An organisation already has this name."})


def _organisation_in_plans(organisation: Organisation) -> bool:
    return (
        Plan.objects.filter(local_authority=organisation).exists()
        or organisation.plans_as_ccg.exists()
    )


@transaction.atomic
def organisation_create(*, name: str, kind: str, short_name: str = "") -> Organisation:
    """A partner organisation, its name unlike any other's in any case (as
    `area_partner_add` finds one)."""
    organisation = Organisation(name=name.strip(), kind=kind, short_name=short_name.strip())
    _organisation_check(organisation)
    organisation.save()
    return organisation


@transaction.atomic
def organisation_update(
    *, organisation: Organisation, name: str, kind: str, short_name: str = ""
) -> Organisation:
    """Rename an organisation or change its kind; the kind stays while a plan names it as
    its local authority or NHS partner (the plan's partners are checked by kind)."""
    stored = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if kind != stored.kind and _organisation_in_plans(stored):
        raise ValidationError(
            {
                "kind": f"{stored.name} is a partner in a plan as a {stored.get_kind_display()}: "
                "take it off the plan first."
            }
        )
    organisation.name, organisation.kind = name.strip(), kind
    organisation.short_name = short_name.strip()
    _organisation_check(organisation)
    organisation.save()
    return organisation


@transaction.atomic
def organisation_delete(*, organisation: Organisation) -> None:
    """Remove an organisation no area, plan, sign-off or contribution names."""
    if (
        _organisation_in_plans(organisation)
        or Area.objects.filter(partners=organisation).exists()
        or _organisation_referred_to(organisation)
    ):
        raise ValidationError(
            f"{organisation.name} is named by an area or a plan: take it off them first."
        )
    organisation.delete()


def _organisation_referred_to(organisation: Organisation) -> bool:
    """Whether a record keeps the organisation (a protected relation: a sign-off, a
    contribution, a section 75 agreement's host)."""
    try:
        Collector(using="default").collect([organisation])
    except (ProtectedError, RestrictedError):
        return True
    return False


@transaction.atomic
def plan_create(
    *,
    area: Area,
    title: str,
    first_year: int,
    last_year: int,
    version_kind: str,
    version_date: datetime.date,
    local_authority: Organisation | None = None,
    ccgs: Sequence[Organisation] = (),
    boundary_differences: str = "",
    dates_agreed: str = "",
    dates_submitted: str = "",
    user=None,
    illustrative: bool = False,
    content_not_in_sources: str = "",
) -> Plan:
    """A new draft version of an area's plan, numbered after the area's other versions of
    plans starting the same year, with its empty narrative sections. `illustrative`: sample
    data from no source, marked so wherever it shows and kept out of real totals.
    `content_not_in_sources`: for a version the sources name without giving its content,
    what they say of it (their words, each with its line); it is made with no content at
    all (no partners, no narrative sections) and takes none afterwards."""
    content_not_in_sources = content_not_in_sources.strip()
    if content_not_in_sources and (local_authority or ccgs or boundary_differences):
        raise ValidationError("A version whose content is not among the sources has no content.")
    locked(Area, area.pk)  # two versions made at once do not take the same number
    number = (
        Plan.objects.filter(area=area, first_year=first_year).aggregate(top=Max("number"))["top"]
        or 0
    ) + 1
    plan = Plan(
        area=area,
        title=title,
        first_year=first_year,
        last_year=last_year,
        version_kind=version_kind,
        version_date=version_date,
        number=number,
        local_authority=local_authority,
        boundary_differences=boundary_differences,
        dates_agreed=dates_agreed,
        dates_submitted=dates_submitted,
        framework=framework_for_years(first_year),
        illustrative=illustrative,
        content_not_in_sources=content_not_in_sources,
    )
    save_with_history(plan, user=user, reason="Plan created")
    if plan.content_held:
        plan.ccgs.set(ccgs)
        plan_sections_from_framework(plan=plan, user=user)
    return plan


@transaction.atomic
def plan_sections_from_framework(*, plan: Plan, user=None) -> int:
    """Give the plan an empty narrative section for each heading of its framework that it
    has not got, in the framework's order; a section it has keeps its text (and takes the
    framework's wording and place for its heading when the framework has it). A plan of no
    framework has no headings to take, nor a version whose content is not among the sources.
    Returns how many sections were added."""
    if plan.framework is None or not plan.content_held:
        return 0
    existing = {s.key: s for s in NarrativeSection.objects.filter(plan=plan)}
    added = 0
    headings = list(plan.framework.narrative_headings.all())
    for heading in headings:
        values = {"title": heading.title, "guidance": heading.guidance, "order": heading.order}
        section = existing.get(heading.key)
        if section is None:
            save_with_history(NarrativeSection(plan=plan, key=heading.key, **values), user=user)
            added += 1
        elif not plan.is_frozen:
            save_changed(section, values, user=user)
    # Sections of headings the framework does not have (text carried from another
    # framework's version) follow the framework's own.
    known = {h.key for h in headings}
    for offset, section in enumerate(
        s for s in sorted(existing.values(), key=lambda s: (s.order, s.pk)) if s.key not in known
    ):
        if not plan.is_frozen:
            save_changed(section, {"order": len(headings) + offset}, user=user)
    return added


@transaction.atomic
def plan_section_add(
    *, plan: Plan, key: str, title: str, body: str = "", guidance: str = "", user=None
) -> NarrativeSection:
    """A narrative section under a heading of the plan's own (text carried from a version
    of another framework whose heading this framework has not), after the others."""
    permissions.check_changeable(plan)
    last = NarrativeSection.objects.filter(plan=plan).aggregate(top=Max("order"))["top"]
    section = NarrativeSection(
        plan=plan,
        key=key,
        title=title,
        guidance=guidance,
        body=body,
        order=0 if last is None else last + 1,
    )
    save_with_history(section, user=user)
    return section


@transaction.atomic
def plan_update(*, plan: Plan, expected_version: int | None, user=None, **fields) -> Plan:
    """Change a plan's details (title, dates, boundary differences…); its status moves
    only through `plan_status_set`."""
    if "status" in fields or set(fields) & set(_STATUS_DATES.values()):
        raise ValueError("A plan's status moves only through plan_status_set.")
    current = locked(Plan, plan.pk)
    permissions.check_changeable(current)
    check_version(current, expected_version)
    ccgs = fields.pop("ccgs", None)
    for name, value in fields.items():
        setattr(current, name, value)
    framework_before = current.framework_id
    current.framework = framework_for_years(current.first_year)
    current.lock_version += 1
    save_with_history(current, user=user)
    if ccgs is not None:
        current.ccgs.set(ccgs)
    if current.framework_id != framework_before:
        plan_sections_from_framework(plan=current, user=user)
    return current


# The date each status records (the day it was reached).
_STATUS_DATES: dict[str, str] = {
    Plan.Status.READY: "put_forward_on",
    Plan.Status.AGREED: "agreed_on",
    Plan.Status.SUBMITTED: "submitted_on",
    Plan.Status.ASSURED: "assured_on",
}
# Where each status may go: a version is put forward (and taken back to draft when its
# content changes), agreed by decision, submitted to NHS England, assured; never back.
_STATUS_MOVES = {
    Plan.Status.DRAFT: {Plan.Status.READY, Plan.Status.AGREED},
    Plan.Status.READY: {Plan.Status.DRAFT, Plan.Status.AGREED},
    Plan.Status.AGREED: {Plan.Status.SUBMITTED},
    Plan.Status.SUBMITTED: {Plan.Status.ASSURED},
    Plan.Status.ASSURED: set(),
}


@transaction.atomic
def plan_status_set(
    *,
    plan: Plan,
    status: str,
    on: datetime.date,
    user=None,
    reason: str = "",
    precision: str = DatePrecision.DAY,
    source: str = "",
) -> Plan:
    """Move a plan version to `status` on the date `on`, along `_STATUS_MOVES` only.

    Called by the services that own each step (putting forward, approving, submitting,
    assuring), which check the step's own conditions; this checks the order. `precision`
    is "month" when the source gives only the month (held as the 1st, shown as the month);
    `source` says where a state comes from that no decision recorded here gives.
    """
    current = locked(Plan, plan.pk)
    if status not in _STATUS_MOVES[current.status]:
        raise ValidationError(
            f"A plan version that is “{current.get_status_display().lower()}” cannot become "
            f"“{Plan.Status(status).label.lower()}”."
        )
    current.status = status
    if status in _STATUS_DATES:
        field = _STATUS_DATES[status]
        month = precision == DatePrecision.MONTH
        setattr(current, field, month_start(on) if month else on)
        if hasattr(current, f"{field}_precision"):
            setattr(current, f"{field}_precision", precision)
        elif month:
            raise ValueError(f"{field} is held to the day.")
    if source:
        current.state_source = "\n".join(filter(None, [current.state_source, source]))
    if status == Plan.Status.DRAFT:
        current.put_forward_on = None
    current.lock_version += 1
    save_with_history(current, user=user, reason=reason or Plan.Status(status).label)
    return current


@transaction.atomic
def plan_year_set(
    *,
    plan: Plan,
    year: int,
    minimum_required: Decimal,
    agreed_total: Decimal,
    protected_social_care_stated: Decimal | None = None,
    user=None,
    not_broken_down: str | None = None,
) -> PlanYear:
    """Set the pooled budget of one year of the plan (pounds). `not_broken_down`: what the
    source says when it gives the budget only as a total (None keeps what is held)."""
    permissions.check_changeable(plan)
    plan_year = PlanYear.objects.filter(plan=plan, year=year).first() or PlanYear(
        plan=plan, year=year
    )
    plan_year.minimum_required = minimum_required
    plan_year.agreed_total = agreed_total
    plan_year.protected_social_care_stated = protected_social_care_stated
    if not_broken_down is not None:
        plan_year.not_broken_down = not_broken_down
    save_with_history(plan_year, user=user)
    return plan_year


@transaction.atomic
def sign_off_add(
    *,
    plan: Plan,
    on_behalf_of: str,
    name: str,
    position: str,
    signed_on: datetime.date | None,
    role=None,
    organisation=None,
    delegated: bool = False,
    user=None,
) -> SignOff:
    """A sign-off, in a role of the plan's framework when `role` is given (by the partner
    `organisation`, in person unless `delegated`, which a role not delegable refuses)."""
    permissions.check_changeable(plan)
    sign_off = SignOff(
        plan=plan,
        on_behalf_of=on_behalf_of,
        name=name,
        position=position,
        signed_on=signed_on,
        role=role,
        organisation=organisation,
        delegated=delegated,
        order=plan.sign_offs.count(),
    )
    save_with_history(sign_off, user=user)
    return sign_off


@transaction.atomic
def section_update(
    *, section: NarrativeSection, body: str, expected_version: int | None, user=None
) -> NarrativeSection:
    """Replace the text of one narrative section of a plan."""
    current = locked(NarrativeSection, section.pk)
    permissions.check_changeable(current)
    check_version(current, expected_version)
    current.body = body
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def condition_status_set(
    *,
    plan: Plan,
    condition,
    year: int,
    quarter: int | None,
    status: str,
    expected_date: datetime.date | None = None,
    narrative: str = "",
    expected_version: int | None = None,
    user=None,
    expected_date_precision: str | None = None,
):
    """A plan's answer to one national condition, with its narrative: its status reported
    for one quarter, or (`quarter` None, `year` the plan's first) the plan's own answer,
    given when it is made on its framework's planning template.

    A condition in progress needs the date it is expected to be met ("month" precision when
    only the month is known: held as the 1st, shown as the month; None keeps the precision
    held while the date stays as it was, else the day); one met or not met keeps no such
    date. Refused with EditConflict if changed since `expected_version`.
    """
    from plans.models import ConditionStatus

    if not condition.applies_to(year):
        raise ValidationError({"condition": "This condition does not apply to that year."})
    if quarter is None and year != plan.first_year:
        raise ValidationError({"year": "The plan's own answer is held for its first year."})
    if quarter is None:
        # The plan's own answers are part of what its board agrees: frozen with it, where
        # a quarter's report is made after agreement.
        permissions.check_changeable(plan)
    if status == ConditionStatus.Status.IN_PROGRESS and expected_date is None:
        raise ValidationError(
            {"expected_date": "Enter the date the condition is expected to be met."}
        )
    record = (
        ConditionStatus.objects.select_for_update()
        .filter(plan=plan, condition=condition, year=year, quarter=quarter)
        .first()
    )
    if expected_date_precision is None:  # a month the source gave stays a month, if unchanged
        kept = record is not None and record.expected_date == expected_date
        expected_date_precision = (
            record.expected_date_precision if record is not None and kept else DatePrecision.DAY
        )
    if status != ConditionStatus.Status.IN_PROGRESS:
        expected_date, expected_date_precision = None, DatePrecision.DAY
    if expected_date is not None and expected_date_precision == DatePrecision.MONTH:
        expected_date = month_start(expected_date)
    if record is None:
        record = ConditionStatus(plan=plan, condition=condition, year=year, quarter=quarter)
    else:
        check_version(record, expected_version)
        if (
            record.status,
            record.expected_date,
            record.expected_date_precision,
            record.narrative,
        ) == (status, expected_date, expected_date_precision, narrative):
            return record
        record.lock_version += 1
    record.status, record.expected_date, record.narrative = status, expected_date, narrative
    record.expected_date_precision = expected_date_precision
    save_with_history(record, user=user)
    return record


@transaction.atomic
def condition_statuses_set(
    *, plan: Plan, year: int, quarter: int | None, statuses: list[dict], user=None
) -> None:
    """Several conditions' statuses in one quarter, or the plan's own answers (`quarter`
    None; `condition_status_set`'s arguments for each), saved together or not at all."""
    for fields in statuses:
        condition_status_set(plan=plan, year=year, quarter=quarter, user=user, **fields)


@transaction.atomic
def plan_details_save(
    *, plan: Plan, expected_version: int | None, details: dict, years: dict[int, dict], user=None
) -> None:
    """A plan's details (`plan_update`) and the pooled budget of each year (`plan_year_set`,
    by start year), saved together or not at all, as the plan's details page sends them."""
    plan_update(plan=plan, expected_version=expected_version, user=user, **details)
    for year, fields in years.items():
        plan_year_set(plan=plan, year=year, user=user, **fields)


@transaction.atomic
def national_condition_get_or_create(
    *, code: str, title: str, first_year: int, last_year=None, order: int = 0, description=""
):
    """Reference data: a national condition by code, created once (sample data, admin)."""
    from plans.models import NationalCondition

    condition = NationalCondition.objects.filter(code=code).first()
    if condition is None:
        condition = NationalCondition(
            code=code,
            title=title,
            first_year=first_year,
            last_year=last_year,
            order=order,
            description=description,
        )
        save_with_history(condition)
    return condition


# Partners and their contributions --------------------------------------------------------


@transaction.atomic
def plan_partners_set(
    *,
    plan: Plan,
    local_authority: Organisation | None,
    nhs_partners: list[Organisation],
    expected_version: int | None,
    user=None,
) -> Plan:
    """The plan's local authority and its NHS partners (CCGs or integrated care boards).

    A partner that still has contributions in the plan cannot be taken off it."""
    permissions.check_changeable(plan)
    if local_authority is not None and local_authority.kind != Organisation.Kind.LOCAL_AUTHORITY:
        raise ValidationError({"local_authority": "Choose a local authority."})
    if any(o.kind not in Organisation.NHS_COMMISSIONERS for o in nhs_partners):
        raise ValidationError({"nhs_partners": "Choose clinical commissioning groups or ICBs."})
    kept = {o.pk for o in nhs_partners} | ({local_authority.pk} if local_authority else set())
    orphaned = (
        Contribution.objects.filter(plan=plan)
        .exclude(organisation_id__in=kept)
        .select_related("organisation")
        .first()
    )
    if orphaned is not None:
        raise ValidationError(
            f"{orphaned.organisation} still has contributions in this plan: remove them first."
        )
    return plan_update(
        plan=plan,
        expected_version=expected_version,
        user=user,
        local_authority=local_authority,
        ccgs=nhs_partners,
    )


class ContributionConflict(ValidationError):
    """Contributions changed by someone else since the page showed them; `current` maps each
    refused (organisation id, kind, year) to its amount now. Nothing was saved."""

    def __init__(self, current: dict):
        self.current = current
        super().__init__(
            "Someone else changed a contribution while you were editing.", code="conflict"
        )


def contribution_streams(plan: Plan) -> list:
    """The funding streams of the plan's framework that partners contribute to (its
    streams, not the ring-fences within them), in the framework's order; none for a plan
    of no framework."""
    from plans.models import FundingStream

    if plan.framework_id is None:
        return []
    return list(FundingStream.objects.filter(framework_id=plan.framework_id, within__isnull=True))


def contribution_row(contribution: Contribution) -> str:
    """The row of the contributions grid a contribution is in: its stream's code, or (one
    paid under no stream) its kind."""
    return contribution.stream.code if contribution.stream is not None else contribution.kind


@transaction.atomic
def contributions_save(
    *,
    plan: Plan,
    cells: dict[tuple[int, str, int], tuple[Decimal | None, Decimal | None]],
    user=None,
) -> int:
    """Each partner's contribution per year (pounds), as typed in the contributions grid.

    `cells` maps (organisation id, row, year) to (amount shown, amount typed): the row is
    the code of a funding stream of the plan's framework that the partner pays into, or a
    kind of contribution (minimum, additional) for one under no stream. Only cells typed
    differently are written, None removes one, and a cell whose stored amount is no longer
    what was shown refuses the whole save (ContributionConflict). Returns the number of
    contributions changed, each one recorded change."""
    permissions.check_changeable(plan)
    changed = {key: pair for key, pair in cells.items() if pair[0] != pair[1]}
    if not changed:
        return 0
    partners: dict[int, Organisation | None] = {o.pk: o for o in plan.ccgs.all()}
    if plan.local_authority_id:
        partners[plan.local_authority_id] = plan.local_authority
    streams = {stream.code: stream for stream in contribution_streams(plan)}
    kinds = set(Contribution.Kind.values)
    for organisation_id, row, year in changed:
        if organisation_id not in partners or not plan.covers(year):
            raise ValidationError("A cell is not a partner's year of this plan; reload the page.")
        if row in streams:
            if not streams[row].paid_by(partners[organisation_id]):
                name = partners[organisation_id]
                raise ValidationError(f"{name} does not pay into {streams[row].name}.")
        elif row not in kinds:
            raise ValidationError("A cell is not a contribution of this plan; reload the page.")
    locked_plan = Plan.objects.select_for_update().get(pk=plan.pk)  # serialises new rows
    stored = {
        (c.organisation_id, contribution_row(c), c.year): c
        for c in Contribution.objects.select_for_update(of=("self",))
        .filter(plan=locked_plan)
        .select_related("stream")
    }
    current = {
        key: (stored[key].amount if key in stored else None)
        for key, (shown, _) in changed.items()
        if (stored[key].amount if key in stored else None) != shown
    }
    if current:
        raise ContributionConflict(current)
    for (organisation_id, row, year), (_, typed) in changed.items():
        record = stored.get((organisation_id, row, year))
        if typed is None:
            if record is not None:
                delete_with_history(record, user=user)
            continue
        stream = streams.get(row)
        record = record or Contribution(
            plan=plan,
            organisation=partners[organisation_id],
            year=year,
            stream=stream,
            kind=stream.contribution_kind if stream else row,
        )
        record.amount = typed
        record.full_clean()
        save_with_history(record, user=user)
    return len(changed)


# Sign-offs --------------------------------------------------------------------------------

SIGN_OFF_FIELDS = (
    "on_behalf_of",
    "name",
    "position",
    "signed_on",
    "role",
    "organisation",
    "delegated",
)


@transaction.atomic
def sign_off_update(
    *, sign_off: SignOff, expected_version: int | None, user=None, **fields
) -> SignOff:
    """Change a sign-off (SIGN_OFF_FIELDS); refused from an old copy (EditConflict)."""
    return versioned_update(
        SignOff,
        sign_off,
        expected_version=expected_version,
        fields=fields,
        allowed=SIGN_OFF_FIELDS,
        user=user,
    )


@transaction.atomic
def sign_off_delete(*, sign_off: SignOff, expected_version: int | None, user=None) -> None:
    versioned_delete(SignOff, sign_off, expected_version=expected_version, user=user)


@transaction.atomic
def sign_off_move(*, sign_off: SignOff, offset: int, user=None) -> None:
    """Move a sign-off up (-1) or down (+1) the list."""
    permissions.check_changeable(sign_off.plan)
    rows = list(SignOff.objects.select_for_update().filter(plan_id=sign_off.plan_id))
    move_in_order(rows, sign_off.pk, offset, user)


# Setting up an area -----------------------------------------------------------------------


@transaction.atomic
def area_partner_add(
    *, area: Area, name: str, kind: str, short_name: str = "", user=None
) -> Organisation:
    """A partner organisation of the area: the existing one of that name, or a new one."""
    name = name.strip()
    organisation = Organisation.objects.filter(name__iexact=name).first()
    if organisation is None:
        organisation = Organisation(name=name, kind=kind, short_name=short_name.strip())
        organisation.full_clean()
        organisation.save()
    elif organisation.kind != kind:
        known_as = organisation.get_kind_display().lower()
        raise ValidationError({"name": f"{organisation.name} is already known as a {known_as}."})
    area.partners.add(organisation)
    return organisation


@transaction.atomic
def area_partner_remove(*, area: Area, organisation: Organisation) -> None:
    """Take an organisation off the area's partners; refused while a plan names it."""
    in_use = (
        area.plans.filter(local_authority=organisation).exists()
        or area.plans.filter(ccgs=organisation).exists()
    )
    if in_use:
        raise ValidationError(
            f"{organisation} is a partner in one of the area's plans: take it off the plan first."
        )
    area.partners.remove(organisation)


@transaction.atomic
def user_create(
    *,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    password: str,
    roles: list[str],
    areas: list[Area],
):
    """A new user with their roles (Django groups) and areas; the password is checked
    against the project's password validators."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.password_validation import validate_password

    User = get_user_model()
    user = User(username=username.strip(), first_name=first_name, last_name=last_name, email=email)
    user.full_clean(exclude=["password"])
    validate_password(password, user)
    user.set_password(password)
    user.save()
    user_roles_set(user=user, roles=roles, areas=areas)
    return user


@transaction.atomic
def user_update(
    *,
    user,
    first_name: str,
    last_name: str,
    email: str,
    is_active: bool,
    is_staff: bool,
    is_superuser: bool,
    roles: list[str],
) -> None:
    """A user's name and address, whether they may sign in (active), use the administration
    site (staff) and administer every area (superuser), and exactly these roles; their
    areas stay as they are (each area's users page gives and takes them)."""
    user.first_name, user.last_name, user.email = first_name, last_name, email
    user.is_active, user.is_staff, user.is_superuser = is_active, is_staff, is_superuser
    user.full_clean(exclude=["password"])
    user.save()
    user_roles_set(user=user, roles=roles, areas=list(Area.objects.filter(memberships__user=user)))


@transaction.atomic
def user_password_set(*, user, password: str) -> None:
    """A new password for the user, checked against the project's password validators."""
    from django.contrib.auth.password_validation import validate_password

    try:
        validate_password(password, user)
    except ValidationError as error:
        raise ValidationError({"password1": error.messages}) from error
    user.set_password(password)
    user.save(update_fields=["password"])


@transaction.atomic
def user_roles_set(*, user, roles: list[str], areas: list[Area]) -> None:
    """Exactly these roles and these areas for the user."""
    from django.contrib.auth.models import Group

    from plans.permissions import ROLES

    unknown = set(roles) - set(ROLES)
    if unknown:
        raise ValidationError({"roles": f"Unknown role: {', '.join(sorted(unknown))}."})
    user.groups.set([Group.objects.get_or_create(name=role)[0] for role in roles])
    Membership.objects.filter(user=user).exclude(area__in=areas).delete()
    for area in areas:
        Membership.objects.get_or_create(user=user, area=area)


# A framework's parts that plans keep -------------------------------------------------------


@transaction.atomic
def plans_attach_framework(*, framework) -> int:
    """Give each plan starting in the framework's years and having none the framework;
    returns how many it gave it to. (A plan's framework is otherwise set as it is created.)"""
    plans = Plan.objects.filter(
        framework__isnull=True,
        first_year__gte=framework.first_year,
        first_year__lte=framework.last_year,
    )
    count = 0
    for plan in plans:
        plan.framework = framework
        save_with_history(plan, reason=f"Takes the framework {framework.name}")
        plan_sections_from_framework(plan=plan)
        count += 1
    return count


@dataclass(frozen=True)
class ConditionSpec:
    code: str
    title: str
    response_type: str
    number: int | None = None
    description: str = ""


@transaction.atomic
def framework_conditions_set(*, framework, conditions: list[ConditionSpec], user=None) -> list:
    """The framework's national conditions, in the order given: each found by its code and
    brought up to date, or created; conditions of the framework no longer listed and never
    answered are removed (one answered is kept, so that no plan loses its answer)."""
    from plans.models import NationalCondition

    kept = []
    for order, spec in enumerate(conditions, start=1):
        condition = NationalCondition.objects.filter(code=spec.code).first()
        condition = condition or NationalCondition(code=spec.code)
        values = {
            "framework": framework,
            "title": spec.title,
            "description": spec.description,
            "response_type": spec.response_type,
            "number": spec.number,
            "first_year": framework.first_year,
            "last_year": framework.last_year,
            "order": order,
        }
        save_changed(condition, values, user=user)
        kept.append(condition)
    framework.conditions.exclude(pk__in=[c.pk for c in kept]).filter(statuses__isnull=True).delete()
    return kept


@dataclass(frozen=True)
class FundingStreamSpec:
    code: str
    name: str
    kind: str
    description: str = ""
    within: str = ""  # the code of the stream a ring-fence is part of
    # A ring-fence's rule (FundingStream.Counts, FundingStream.Minimum).
    counts: str = ""
    minimum: str = ""
    checked_before_submission: bool = False


@transaction.atomic
def framework_funding_streams_set(
    *, framework, streams: list[FundingStreamSpec], user=None
) -> list:
    """The framework's funding streams and ring-fences by code, in the order given; a
    ring-fence names a stream listed before it. Streams no longer listed are removed."""
    from plans.models import FundingStream

    by_code: dict[str, FundingStream] = {}
    for order, spec in enumerate(streams):
        stream = FundingStream.objects.filter(framework=framework, code=spec.code).first()
        stream = stream or FundingStream(framework=framework, code=spec.code)
        if spec.within and spec.within not in by_code:
            raise ValidationError(
                {"within": f"{spec.name}: the stream “{spec.within}” must be listed before it."}
            )
        values = {
            "within": by_code.get(spec.within) if spec.within else None,
            "name": spec.name,
            "kind": spec.kind,
            "description": spec.description,
            "order": order,
            "counts": spec.counts,
            "minimum": spec.minimum,
            "checked_before_submission": spec.checked_before_submission,
        }
        save_changed(stream, values, user=user)
        by_code[spec.code] = stream
    gone = framework.funding_streams.exclude(pk__in=[s.pk for s in by_code.values()])
    in_use = [
        stream.name
        for stream in gone
        if stream.contributions.exists()
        or stream.schemes.exists()
        or stream.ring_fence_minimums.exists()
    ]
    if in_use:
        raise ValidationError(
            f"Plans hold money under {', '.join(sorted(in_use))}: keep it in the pack."
        )
    gone.delete()
    return list(by_code.values())


@dataclass(frozen=True)
class HeadingSpec:
    key: str
    title: str
    guidance: str = ""


@transaction.atomic
def framework_headings_set(*, framework, headings: list[HeadingSpec], user=None) -> list:
    """The framework's narrative headings by key, in the order given; others removed."""
    from plans.models import NarrativeHeading

    kept = []
    for order, spec in enumerate(headings):
        heading = NarrativeHeading.objects.filter(framework=framework, key=spec.key).first()
        heading = heading or NarrativeHeading(framework=framework, key=spec.key)
        values = {"title": spec.title, "guidance": spec.guidance, "order": order}
        save_changed(heading, values, user=user)
        kept.append(heading)
    framework.narrative_headings.exclude(pk__in=[h.pk for h in kept]).delete()
    return kept


@dataclass(frozen=True)
class SignOffRoleSpec:
    code: str
    title: str
    organisation_kind: str = ""
    delegable: bool = True
    note: str = ""


@transaction.atomic
def framework_sign_off_roles_set(*, framework, roles: list[SignOffRoleSpec], user=None) -> list:
    """The framework's sign-off roles by code, in the order given; others removed unless a
    sign-off gives them."""
    from plans.models import SignOffRole

    kept = []
    for order, spec in enumerate(roles):
        role = SignOffRole.objects.filter(framework=framework, code=spec.code).first()
        role = role or SignOffRole(framework=framework, code=spec.code)
        values = {
            "title": spec.title,
            "organisation_kind": spec.organisation_kind,
            "delegable": spec.delegable,
            "note": spec.note,
            "order": order,
        }
        save_changed(role, values, user=user)
        kept.append(role)
    gone = framework.sign_off_roles.exclude(pk__in=[r.pk for r in kept])
    if gone.filter(sign_offs__isnull=False).exists():
        raise ValidationError("A plan's sign-off gives a role the pack no longer lists.")
    gone.delete()
    return kept


# The section 75 agreement ------------------------------------------------------------------


@transaction.atomic
def section_75_save(
    *,
    plan: Plan,
    host: Organisation | None,
    pool_manager: str,
    funding_streams: Sequence,
    signed_on: datetime.date | None,
    note: str = "",
    user=None,
):
    """The plan's section 75 agreement as given (made if it has none). Its host must be a
    partner of the plan and the funds it covers streams of the plan's framework. Taken by an
    agreed plan too: the agreement is signed after the plan."""
    from plans.models import Section75Agreement

    partners = {o.pk for o in plan.ccgs.all()} | (
        {plan.local_authority_id} if plan.local_authority_id else set()
    )
    if host is not None and host.pk not in partners:
        raise ValidationError({"host": "Choose one of the plan's partners."})
    if any(stream.framework_id != plan.framework_id for stream in funding_streams):
        raise ValidationError({"funding_streams": "Choose funds of the plan's framework."})
    agreement = Section75Agreement.objects.select_for_update().filter(plan=plan).first()
    agreement = agreement or Section75Agreement(plan=plan)
    agreement.host = host
    agreement.pool_manager = pool_manager.strip()
    agreement.signed_on = signed_on
    agreement.note = note.strip()
    save_with_history(agreement, user=user)
    agreement.funding_streams.set(funding_streams)
    return agreement


@transaction.atomic
def section_75_variation_add(*, agreement, agreed_on: datetime.date, summary: str, user=None):
    """A variation of the agreement, agreed on `agreed_on` (not before it was signed)."""
    from plans.models import Section75Variation

    if agreement.signed_on is None:
        raise ValidationError("Record when the agreement was signed before its variations.")
    if agreed_on < agreement.signed_on:
        raise ValidationError(
            {
                "agreed_on": "A variation comes after the agreement was signed "
                f"({agreement.signed_on:%-d %B %Y})."
            }
        )
    variation = Section75Variation(agreement=agreement, agreed_on=agreed_on, summary=summary)
    save_with_history(variation, user=user)
    return variation


@transaction.atomic
def stated_figure_set(
    *,
    plan: Plan,
    label: str,
    amount: Decimal,
    as_written: str,
    year: int | None = None,
    organisation: Organisation | None = None,
    parent: StatedFigure | None = None,
    words: str = "",
    source: str = "",
    section_key: str = "",
    order: int = 0,
    user=None,
) -> StatedFigure:
    """Hold a sum of money the plan states in its text (pounds, and `as_written` as the
    plan writes it, "£4.648m"), or one of the parts it breaks it into (`parent`). The same
    label of the same figure is changed in place, so loading twice adds nothing."""
    permissions.check_changeable(plan)
    figure = StatedFigure.objects.filter(
        plan=plan, parent=parent, label=label, organisation=organisation
    ).first() or StatedFigure(plan=plan, parent=parent, label=label, organisation=organisation)
    figure.amount = amount
    figure.as_written = as_written
    figure.year = year
    figure.words = words
    figure.source = source
    figure.section_key = section_key
    figure.order = order
    save_with_history(figure, user=user)
    return figure
