"""Readable history of records kept by django-simple-history: who, when, what changed."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field


@dataclass
class Change:
    field: str
    old: str
    new: str


@dataclass
class HistoryEntry:
    when: datetime.datetime
    who: str
    kind: str
    record: str
    reason: str = ""
    changes: list[Change] = field(default_factory=list)


_KINDS = {"+": "Created", "~": "Changed", "-": "Deleted"}
_HIDDEN = {"lock_version", "id"}


def _label(model, name: str) -> str:
    try:
        return str(model._meta.get_field(name).verbose_name).capitalize()
    except Exception:
        return name.replace("_", " ").capitalize()


def _display(model, name: str, value) -> str:
    """A value as a person reads it; many-to-many values become the related names."""
    if isinstance(value, list):
        related = model._meta.get_field(name).related_model
        key = related._meta.model_name
        ids = [item.get(key) for item in value]
        names = {obj.pk: str(obj) for obj in related.objects.filter(pk__in=ids)}
        return ", ".join(names.get(pk, f"#{pk}") for pk in ids) or "none"
    return "" if value is None else str(value)


def entries_for(history_queryset, *, describe=str) -> list[HistoryEntry]:
    """Entries newest first; each compared with the record's previous version.

    `history_queryset` is one model's historical rows (e.g. `Scheme.history.filter(...)`);
    the previous version of each row is taken from the same list, so this costs one query.
    """
    rows = list(
        history_queryset.select_related("history_user").order_by("id", "history_date", "history_id")
    )
    previous_by_record: dict = {}
    entries = []
    for row in rows:
        previous = previous_by_record.get(row.id)
        changes = []
        if previous is not None and row.history_type == "~":
            delta = row.diff_against(previous)
            model = row.instance_type
            changes = [
                Change(
                    field=_label(model, c.field),
                    old=_display(model, c.field, c.old),
                    new=_display(model, c.field, c.new),
                )
                for c in delta.changes
                if c.field not in _HIDDEN
            ]
        previous_by_record[row.id] = row
        if row.history_type == "~" and previous is not None and not changes:
            continue  # saved with nothing a person would see as changed
        user = row.history_user
        entries.append(
            HistoryEntry(
                when=row.history_date,
                who=(user.get_full_name() or user.username) if user else "System",
                kind=_KINDS.get(row.history_type, row.history_type),
                record=describe(row),
                reason=row.history_change_reason or "",
                changes=changes,
            )
        )
    entries.sort(key=lambda entry: entry.when, reverse=True)
    return entries
