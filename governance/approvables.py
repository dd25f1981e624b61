"""What a decision may approve: the kinds of object, and what each needs of governance.

Governance sits below the apps whose objects its boards approve (plan versions need their
snapshots, returns are submissions', fund releases risks'), so each kind is described here
by functions its owning app registers (submissions/approvals.py, from its AppConfig.ready):
which power approves it, when it was put forward, why it cannot be approved now (not put
forward, changed since it was prepared), what approving it does, and what exactly is
approved (the checksum of its snapshot).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Approvable:
    label: str  # "app_label.model"
    noun: str  # "plan version", "return"
    # The governance.models.Power.Kind that approves this object.
    kind: Callable[[object], str]
    # The day it was put forward for decision (None: not put forward).
    put_forward_on: Callable[[object], datetime.date | None]
    # Why it cannot be approved now, or None (not put forward, changed since prepared…).
    refusal: Callable[[object], str | None]
    # What approving it does (status, dates), given the user and the day of the decision.
    approve: Callable[[object, object, datetime.date], None]
    # What exactly is approved: the checksum of its snapshot ("" if it has none).
    checksum: Callable[[object], str]
    # The objects of an area that may be put on an agenda for a decision, newest first.
    candidates: Callable[[int], object]
    # Its page.
    url: Callable[[object], str]
    # Those of the given areas put forward and awaiting a decision (a queryset).
    awaiting: Callable[[object], object]
    # What ratifying its approval under delegation does, if anything.
    ratified: Callable[[object, object, datetime.date], None] = lambda obj, user, on: None


APPROVABLES: dict[str, Approvable] = {}


def register(approvable: Approvable) -> None:
    APPROVABLES[approvable.label] = approvable


def label_of(obj) -> str:
    return obj._meta.label_lower


def approvable_of(obj) -> Approvable:
    """How to approve `obj`; refused for an object no decision approves."""
    approvable = APPROVABLES.get(label_of(obj))
    if approvable is None:
        raise ValidationError(f"“{obj}” is not something a board approves.")
    return approvable


def is_approvable(obj) -> bool:
    return label_of(obj) in APPROVABLES


def token_of(obj) -> str:
    """How a form names an object of any approvable kind: "plans.plan:12"."""
    return f"{label_of(obj)}:{obj.pk}"


def object_for(token: str, *, area_id: int):
    """The object a form's token names, if it is approvable and of the area; else None."""
    label, _, pk = (token or "").partition(":")
    approvable = APPROVABLES.get(label)
    if approvable is None or not pk.isdigit():
        return None
    return approvable.candidates(area_id).filter(pk=int(pk)).first()
