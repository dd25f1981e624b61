"""Operations on quarterly returns: start, prepare (the job's work), edit the narrative,
mark ready, approve (a governance decision), submit, and correct with a new version.

Each is one transaction and leaves a history record naming the user. A return's snapshot
is `selectors.jsonable(selectors.dashboard(...))` plus its narrative, so the page, the job
and the API show the same figures. Once approved a return never changes.
"""

from __future__ import annotations

import datetime
import hashlib
import json

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from plans import permissions
from plans.models import Plan
from plans.periods import FinancialYear, Quarter
from plans.services import check_version, locked, save_with_history
from submissions import selectors
from submissions.jobs import job_start
from submissions.models import Job, QuarterlyReturn

PREPARE = "prepare-return"


class ReturnFrozen(ValidationError):
    """The return is approved (or submitted): it never changes; correct it with a new version."""

    def __init__(self):
        super().__init__(
            "This return has been approved and cannot change. To correct it, make a new version.",
            code="frozen",
        )


def canonical_json(snapshot: dict) -> str:
    return json.dumps(snapshot, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def checksum_of(snapshot: dict) -> str:
    """SHA-256 of the snapshot's canonical JSON (sorted keys, no spaces, UTF-8)."""
    return hashlib.sha256(canonical_json(snapshot).encode("utf-8")).hexdigest()


def compute_snapshot(ret: QuarterlyReturn, today: datetime.date | None = None) -> dict:
    """What the return says now: the dashboard of its quarter, and its narrative; a year-end
    return (quarter 4, its framework declaring a year-end template) also the year's
    year-end figures (selectors.year_end)."""
    figures = selectors.dashboard(plan=ret.plan, year=ret.year, quarter=ret.quarter, today=today)
    if ret.quarter == 4 and selectors.year_end_declared(ret.plan):
        figures["year_end"] = selectors.year_end(plan=ret.plan, fy=FinancialYear(ret.year))
    figures["narrative"] = {"highlights": ret.highlights, "challenges": ret.challenges}
    figures["version"] = ret.version
    return selectors.jsonable(figures)


def _check_period(plan: Plan, year: int, quarter: int) -> None:
    if not plan.covers(year) or not Quarter.valid_number(quarter):
        raise ValidationError(
            f"Choose a quarter (1 to 4) of one of the plan's years ({plan.years_label})."
        )


@transaction.atomic
def return_get_or_create_draft(*, plan: Plan, year: int, quarter: int, user=None):
    """The quarter's open (draft or ready) return, made as version 1 if there is none.

    Refused when the quarter's latest version is approved or submitted: a correction is
    `return_new_version`, never a second draft beside it.
    """
    _check_period(plan, year, quarter)
    locked(Plan, plan.pk)  # two people starting the same quarter make one draft
    latest = (
        QuarterlyReturn.objects.filter(plan=plan, year=year, quarter=quarter)
        .order_by("-version")
        .first()
    )
    if latest is not None and not latest.is_frozen:
        return latest
    if latest is not None:
        raise ValidationError(
            f"The {FinancialYear(year).quarter(quarter).label} return has been approved. "
            "To correct it, make a new version of it."
        )
    ret = QuarterlyReturn(plan=plan, year=year, quarter=quarter, version=1)
    save_with_history(ret, user=user, reason="Return started")
    return ret


@transaction.atomic
def return_start(*, plan: Plan, year: int, quarter: int, user=None) -> tuple[QuarterlyReturn, Job]:
    """Start preparing the quarter's return: reuse its draft (or make one) and queue the job."""
    ret = return_get_or_create_draft(plan=plan, year=year, quarter=quarter, user=user)
    return ret, return_prepare_start(ret=ret, user=user)


def return_prepare_start(*, ret: QuarterlyReturn, user=None) -> Job:
    """Queue the "prepare-return" job for a return that is not approved."""
    if ret.is_frozen:
        raise ReturnFrozen()
    return job_start(
        kind=PREPARE,
        area=ret.plan.area,
        plan=ret.plan,
        params={"return_id": ret.pk},
        user=user,
    )


@transaction.atomic
def return_prepare(*, ret: QuarterlyReturn, user=None, today=None) -> QuarterlyReturn:
    """Compute the snapshot from live data into this return (the job's work), prepared now.

    Idempotent: the same figures leave the return as it was (no new history record); the
    return is updated in place, never duplicated. Refused once approved.
    """
    return _prepare(ret, user=user, today=today, prepared_at=timezone.now(), source="")


@transaction.atomic
def return_record_prepared(
    *, ret: QuarterlyReturn, source: str, prepared_on: datetime.date | None = None, user=None
) -> QuarterlyReturn:
    """A return recorded from a source (an earlier year's, as a report gives it) rather than
    prepared here: its snapshot computed as the job computes it, but its preparation the
    source's: the day the source gives (on or before the day it was approved), or none
    where it gives none (shown as not stated), with the source's words. Never the day it
    was recorded, which would read as prepared after its approval."""
    if not source.strip():
        raise ValidationError(
            {"prepared_source": "Say what the source says of when the return was prepared."}
        )
    if prepared_on is not None and ret.approved_on and prepared_on > ret.approved_on:
        raise ValidationError(
            {"prepared_at": "A return is prepared on or before the day it is approved."}
        )
    prepared_at = (
        timezone.make_aware(datetime.datetime.combine(prepared_on, datetime.time()))
        if prepared_on is not None
        else None
    )
    return _prepare(
        ret, user=user, today=None, prepared_at=prepared_at, source=source.strip(), always=True
    )


def _prepare(
    ret: QuarterlyReturn, *, user, today, prepared_at, source: str, always: bool = False
) -> QuarterlyReturn:
    current = locked(QuarterlyReturn, ret.pk)
    if current.is_frozen:
        raise ReturnFrozen()
    snapshot = compute_snapshot(current, today=today)
    checksum = checksum_of(snapshot)
    if not always and checksum == current.checksum and current.snapshot == snapshot:
        return current
    reason = "Snapshot computed" if not source else "Recorded as its source gives it"
    if current.status == QuarterlyReturn.Status.READY:
        # What was put forward changed: it goes back to draft, to be marked ready again.
        current.status, current.ready_on = QuarterlyReturn.Status.DRAFT, None
        reason = "Changed after it was marked ready: prepared again"
    current.snapshot = snapshot
    current.checksum = checksum
    current.prepared_at = prepared_at
    current.prepared_source = source
    current.lock_version += 1
    save_with_history(current, user=user, reason=reason)
    return current


def return_staleness(ret: QuarterlyReturn) -> str | None:
    """Why the return's snapshot is not what its data says now (None: it is current).

    The figures are computed again as at the snapshot's own date, so that a new day alone
    does not make a return stale; a change to anything it holds (a figure, a status, its
    highlights and challenges) does."""
    if not ret.snapshot:
        return "The return has not been prepared: there is nothing to review yet."
    as_of = datetime.date.fromisoformat(ret.snapshot["period"]["as_of"])
    if checksum_of(compute_snapshot(ret, today=as_of)) == ret.checksum:
        return None
    since = ""
    if ret.prepared_at:
        since = f" on {timezone.localtime(ret.prepared_at):%-d %B %Y}"
    return (
        f"The {ret.period_label} return has changed since it was prepared{since}: what it "
        "holds is no longer what its data says. Prepare it again."
    )


@transaction.atomic
def return_narrative_update(
    *, ret: QuarterlyReturn, highlights: str, challenges: str, expected_version, user=None
) -> QuarterlyReturn:
    """Edit highlights and challenges; only a draft takes them (then prepare it again)."""
    current = locked(QuarterlyReturn, ret.pk)
    if current.status != QuarterlyReturn.Status.DRAFT:
        raise ValidationError("Only a draft return's highlights and challenges can be edited.")
    check_version(current, expected_version)
    current.highlights, current.challenges = highlights, challenges
    current.lock_version += 1
    save_with_history(current, user=user)
    return current


@transaction.atomic
def return_mark_ready(
    *, ret: QuarterlyReturn, user=None, on: datetime.date | None = None
) -> QuarterlyReturn:
    """A prepared draft, still current, goes to the Integration Executive for review: put
    forward on `on` (today unless the sample data says otherwise)."""
    current = locked(QuarterlyReturn, ret.pk)
    if current.status != QuarterlyReturn.Status.DRAFT:
        raise ValidationError("Only a draft return can be marked ready for review.")
    if not current.snapshot:
        raise ValidationError("Prepare the return before marking it ready for review.")
    stale = return_staleness(current)
    if stale:
        raise ValidationError(stale)
    current.status = QuarterlyReturn.Status.READY
    current.ready_on = on or timezone.localdate()
    current.lock_version += 1
    save_with_history(current, user=user, reason="Ready for review")
    return current


def approve_return_effect(obj: QuarterlyReturn, user, on: datetime.date) -> None:
    """What a decision approving a return does (its `approve` in submissions/approvals.py).

    The return must have been prepared; it becomes approved and frozen on `on`, the day of
    the decision.
    """
    current = locked(QuarterlyReturn, obj.pk)
    if current.is_frozen:
        raise ReturnFrozen()
    if current.status != QuarterlyReturn.Status.READY:
        raise ValidationError("Only a return marked ready for review can be approved.")
    current.status = QuarterlyReturn.Status.APPROVED
    current.approved_on = on
    current.lock_version += 1
    save_with_history(current, user=user, reason="Approved")
    obj.status, obj.approved_on = current.status, current.approved_on


@transaction.atomic
def return_submit(
    *, ret: QuarterlyReturn, user=None, on: datetime.date | None = None
) -> QuarterlyReturn:
    """Record that the approved return went to NHS England: the date and who sent it."""
    from governance.services import approvals_of

    current = locked(QuarterlyReturn, ret.pk)
    if current.status == QuarterlyReturn.Status.SUBMITTED:
        raise ValidationError("This return has already been submitted.")
    if current.status != QuarterlyReturn.Status.APPROVED or not approvals_of(current).exists():
        raise ValidationError(
            "This return cannot be submitted: no Integration Executive decision has approved "
            "it. Record the approving decision first."
        )
    current.status = QuarterlyReturn.Status.SUBMITTED
    current.submitted_on = on or timezone.localdate()
    current.submitted_by = user if user is not None and user.is_authenticated else None
    current.lock_version += 1
    save_with_history(current, user=user, reason="Submitted to NHS England")
    return current


@transaction.atomic
def return_new_version(*, ret: QuarterlyReturn, user=None) -> QuarterlyReturn:
    """A correction of an approved return: a new draft version that supersedes it.

    The approved version stays as it was. The new one starts with its narrative and must
    be prepared, reviewed and approved again.
    """
    current = locked(QuarterlyReturn, ret.pk)
    if not current.is_frozen:
        raise ValidationError("Only an approved return is corrected with a new version.")
    if QuarterlyReturn.objects.filter(supersedes=current).exists():
        raise ValidationError("This version has already been corrected by a newer one.")
    top = QuarterlyReturn.objects.filter(
        plan_id=current.plan_id, year=current.year, quarter=current.quarter
    ).aggregate(top=Max("version"))["top"]
    new = QuarterlyReturn(
        plan_id=current.plan_id,
        year=current.year,
        quarter=current.quarter,
        version=top + 1,
        supersedes=current,
        highlights=current.highlights,
        challenges=current.challenges,
    )
    save_with_history(new, user=user, reason=f"Correction of version {current.version}")
    return new


# Differences between versions ------------------------------------------------------------


def _flatten(value, path: str = "") -> dict[str, object]:
    if isinstance(value, dict):
        flat = {}
        for key, item in value.items():
            flat.update(_flatten(item, f"{path}.{key}" if path else str(key)))
        return flat
    if isinstance(value, list):
        flat = {}
        for index, item in enumerate(value):
            label = (
                item.get("code") or item.get("name") or item.get("id")
                if isinstance(item, dict)
                else None
            )
            flat.update(_flatten(item, f"{path}[{label if label is not None else index}]"))
        return flat
    return {path: value}


def snapshot_diff(old: dict | None, new: dict | None) -> list[dict]:
    """What differs between two snapshots: one row per changed, added or removed figure."""
    before, after = _flatten(old or {}), _flatten(new or {})
    rows = []
    for path in sorted(set(before) | set(after)):
        if path.endswith(".url") or path.endswith("spend_url"):
            continue
        a, b = before.get(path), after.get(path)
        if a != b:
            rows.append({"path": path, "old": a, "new": b})
    return rows


# Scheduled work --------------------------------------------------------------------------


def drafts_recompute(*, today: datetime.date | None = None) -> int:
    """Recompute the snapshot of every draft that has one (the nightly preview refresh)."""
    count = 0
    drafts = QuarterlyReturn.objects.filter(
        status=QuarterlyReturn.Status.DRAFT, snapshot__isnull=False
    ).values_list("pk", flat=True)
    for pk in list(drafts):
        return_prepare(ret=QuarterlyReturn(pk=pk), today=today)
        count += 1
    return count


def reminders_send(*, today: datetime.date | None = None) -> int:
    """Email each area's programme officers about returns due within 14 days with no
    approval in sight; returns how many emails were sent."""
    today = today or timezone.localdate()
    sent = 0
    by_area: dict[int, list[dict]] = {}
    for due in selectors.returns_due(today=today):
        by_area.setdefault(due["plan"].area_id, []).append(due)
    for area_id, items in by_area.items():
        recipients = list(
            get_user_model()
            .objects.filter(
                is_active=True,
                area_memberships__area_id=area_id,
                groups__name=permissions.OFFICER,
            )
            .exclude(email="")
            .values_list("email", flat=True)
            .distinct()
        )
        if not recipients:
            continue
        lines = [
            f"- {due['plan'].title}: {due['period'].label} return due {due['due_on']:%-d %B %Y}"
            for due in items
        ]
        send_mail(
            subject="BCF quarterly returns due with no approval scheduled",
            message="These returns are due within 14 days and no Integration Executive "
            "meeting has them on its agenda:\n\n" + "\n".join(lines),
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=recipients,
        )
        sent += 1
    return sent
