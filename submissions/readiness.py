"""What a plan version will lock, and whether it still holds it (returns: services.py).

A plan version is prepared (its whole content snapshotted, with a SHA-256 checksum), put
forward for agreement (status "ready", with the day) and agreed by a decision. A return is
prepared by a job (submissions/services.py), marked ready for review and approved. Either
can be put forward, and approved, only while it is current: any change to a figure or text
it holds, made after it was prepared, makes it stale, and it must be prepared again (which
takes a version that was put forward back to draft, to be put forward again).

Staleness is found by computing the snapshot again and comparing checksums, so every kind
of data a snapshot holds counts, and nothing else does.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from plans import permissions
from plans.models import Plan
from plans.services import locked, plan_status_set, save_with_history
from submissions.models import PlanSnapshot
from submissions.selectors import jsonable
from submissions.services import checksum_of

# Fields of a content row that record how it was saved, not what it says.
_BOOKKEEPING = frozenset({"lock_version"})


def _day(date: datetime.date) -> str:
    return f"{date:%-d %B %Y}"


# Plan versions ---------------------------------------------------------------------------


def plan_content(plan: Plan) -> dict:
    """Everything the plan version holds: its own details and every record of its content
    (plans.permissions.frozen_content_models), in a stable order. One query per kind."""
    fields = [
        f.attname
        for f in Plan._meta.concrete_fields
        if f.name not in permissions.PLAN_STATE_FIELDS and f.name not in _BOOKKEEPING
    ]
    content = {"plans.plan": Plan.objects.filter(pk=plan.pk).values(*fields).first()}
    for model, path in permissions.frozen_content_models():
        rows = model._base_manager.filter(**{path: plan}).order_by("pk").values()
        content[model._meta.label_lower] = [
            {key: value for key, value in row.items() if key not in _BOOKKEEPING} for row in rows
        ]
    return jsonable(content)


def plan_staleness(plan: Plan, snapshot: PlanSnapshot | None = None) -> str | None:
    """Why the plan version is not what was prepared (None: it is)."""
    snapshot = snapshot or PlanSnapshot.objects.filter(plan=plan).first()
    if snapshot is None:
        return f"“{plan.title}” has not been prepared: prepare it before putting it forward."
    if checksum_of(plan_content(plan)) != snapshot.checksum:
        when = timezone.localtime(snapshot.prepared_at)
        return (
            f"“{plan.title}” has changed since it was prepared on {_day(when)}: prepare it "
            "again, then put it forward again."
        )
    return None


@transaction.atomic
def plan_prepare(*, plan: Plan, user=None) -> PlanSnapshot:
    """Snapshot what the plan version holds now. A version already put forward whose
    content changed goes back to draft, to be put forward again. Refused once agreed."""
    current = locked(Plan, plan.pk)
    permissions.check_changeable(current, content=False)  # a version with none is prepared too
    content = plan_content(current)
    checksum = checksum_of(content)
    snapshot = PlanSnapshot.objects.filter(plan=current).first()
    if snapshot is not None and snapshot.checksum == checksum:
        return snapshot
    if snapshot is None:
        snapshot = PlanSnapshot(plan=current)
    snapshot.snapshot, snapshot.checksum = content, checksum
    snapshot.prepared_at = timezone.now()
    snapshot.prepared_by = user if user is not None and user.is_authenticated else None
    save_with_history(snapshot, user=user, reason="Prepared")
    if current.status == Plan.Status.READY:
        plan_status_set(
            plan=current,
            status=Plan.Status.DRAFT,
            on=timezone.localdate(),
            user=user,
            reason="Changed after it was put forward: prepared again",
        )
    return snapshot


@transaction.atomic
def plan_put_forward(*, plan: Plan, user=None, on: datetime.date | None = None) -> Plan:
    """Put a prepared, current draft forward for the Health and Wellbeing Board's decision.

    `on` is the day (today unless the sample data says otherwise)."""
    current = locked(Plan, plan.pk)
    if current.status != Plan.Status.DRAFT:
        raise ValidationError(
            f"Only a draft can be put forward; this version is "
            f"“{current.get_status_display().lower()}”."
        )
    stale = plan_staleness(current)
    if stale:
        raise ValidationError(stale)
    return plan_status_set(
        plan=current,
        status=Plan.Status.READY,
        on=on or timezone.localdate(),
        user=user,
        reason="Put forward for agreement",
    )
