"""Writes of frameworks' own data. Each is one transaction and validates with full_clean().

A framework pack is loaded through these and through the services of the apps above
(fixtures/frameworks.py); loading a pack again brings what exists up to date and removes
from the framework what the pack no longer lists.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction

from frameworks.models import FrameworkDeadline, PolicyFramework, SubmissionTemplate


def _history_by(record, user) -> None:
    if user is not None and user.is_authenticated:
        record._history_user = user


def _save(record, *, user=None) -> None:
    record.full_clean()
    _history_by(record, user)
    record.save()


def _save_changed(record, values: dict, *, user=None) -> None:
    """Save only what is new or differs: loading a pack again records no change."""
    if record.pk is None or any(getattr(record, k) != v for k, v in values.items()):
        for name, value in values.items():
            setattr(record, name, value)
        _save(record, user=user)


@transaction.atomic
def framework_set(
    *,
    code: str,
    name: str,
    first_year: int,
    last_year: int,
    source_title: str,
    source_url: str = "",
    source_note: str = "",
    summary: str = "",
    unknowns: str = "",
    return_due_months: int | None = None,
    user=None,
) -> PolicyFramework:
    """Create the framework `code`, or bring it up to date."""
    framework = PolicyFramework.objects.filter(code=code).first() or PolicyFramework(code=code)
    fields = {
        "name": name,
        "first_year": first_year,
        "last_year": last_year,
        "source_title": source_title,
        "source_url": source_url,
        "source_note": source_note,
        "summary": summary,
        "unknowns": unknowns,
        "return_due_months": return_due_months,
    }
    _save_changed(framework, fields, user=user)
    return framework


@dataclass(frozen=True)
class DeadlineSpec:
    kind: str
    name: str
    due_on: datetime.date | None = None
    note: str = ""
    year: int | None = None
    quarter: int | None = None


@transaction.atomic
def framework_deadlines_set(
    *, framework: PolicyFramework, deadlines: list[DeadlineSpec], user=None
) -> list[FrameworkDeadline]:
    """The framework's deadlines in the order given (found by kind and name), and those no
    longer listed removed."""
    made = []
    for order, spec in enumerate(deadlines):
        deadline = FrameworkDeadline.objects.filter(
            framework=framework, kind=spec.kind, name=spec.name
        ).first() or FrameworkDeadline(framework=framework, kind=spec.kind, name=spec.name)
        values = {
            "due_on": spec.due_on,
            "note": spec.note,
            "order": order,
            "year": spec.year,
            "quarter": spec.quarter,
        }
        _save_changed(deadline, values, user=user)
        made.append(deadline)
    framework.deadlines.exclude(pk__in=[d.pk for d in made]).delete()
    return made


@dataclass(frozen=True)
class TemplateSpec:
    kind: str
    name: str
    purpose: str
    format: str
    note: str = ""
    spec: dict | None = None


@transaction.atomic
def framework_templates_set(
    *, framework: PolicyFramework, templates: list[TemplateSpec], user=None
) -> list[SubmissionTemplate]:
    """The framework's submission templates by kind: updated, added, and those no longer
    listed removed."""
    kept = []
    for order, spec in enumerate(templates):
        template = SubmissionTemplate.objects.filter(framework=framework, kind=spec.kind).first()
        template = template or SubmissionTemplate(framework=framework, kind=spec.kind)
        values = {
            "name": spec.name,
            "purpose": spec.purpose,
            "format": spec.format,
            "note": spec.note,
            "spec": spec.spec or {},
            "order": order,
        }
        _save_changed(template, values, user=user)
        kept.append(template)
    framework.templates.exclude(pk__in=[t.pk for t in kept]).delete()
    return kept


@transaction.atomic
def framework_edit(
    *,
    framework: PolicyFramework,
    parts: Sequence[FrameworkDeadline | SubmissionTemplate] = (),
    removed: Sequence[FrameworkDeadline | SubmissionTemplate] = (),
    user=None,
) -> PolicyFramework:
    """A framework as an administrator edits it in one go: its own fields, its deadlines
    and submission templates changed or added (`parts`) and removed (`removed`), each
    checked, with history naming the administrator. All or nothing."""
    _save(framework, user=user)
    for part in removed:
        if part.framework_id != framework.pk:
            raise ValidationError("A deadline or template of another framework.")
        part.delete()
    for part in parts:
        part.framework = framework
        _save(part, user=user)
    return framework


@transaction.atomic
def framework_delete(*, framework: PolicyFramework, user=None) -> None:
    """Remove a framework no plan takes (a plan's framework is kept while the plan is)."""
    if framework.plans.exists():
        raise ValidationError(
            f"Plans take the framework {framework.name}: it is kept while they are."
        )
    _history_by(framework, user)
    framework.delete()
