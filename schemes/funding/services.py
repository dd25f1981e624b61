"""Writes of the ring-fences' published minimums: one transaction, with history (pounds)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction

from plans import permissions
from plans.models import FundingStream, Plan
from plans.money import format_pounds
from plans.periods import FinancialYear
from plans.services import delete_with_history, save_with_history
from schemes.models import RingFenceMinimum


@dataclass(frozen=True)
class MinimumEntry:
    """A ring-fence's minimum for one year as typed: `amount` None removes it;
    `shown_version` is the lock_version the page showed (None: it showed none)."""

    ring_fence: FundingStream
    year: int
    amount: Decimal | None
    source: str
    shown_version: int | None


class MinimumConflict(ValidationError):
    """Minimums someone else changed since the page showed them; nothing was saved."""

    def __init__(self, records: list[tuple[MinimumEntry, RingFenceMinimum | None]]):
        self.records = records
        super().__init__(
            [
                f"{entry.ring_fence.name}, {FinancialYear(entry.year).label}: someone else "
                f"changed this to "
                f"{format_pounds(now.amount) if now is not None else 'nothing'} while you "
                "were editing. Your figure was not saved; check it and save again."
                for entry, now in records
            ],
            code="conflict",
        )


@transaction.atomic
def ring_fence_minimums_save(*, plan: Plan, entries: list[MinimumEntry], user=None) -> int:
    """Enter the published minimums of the plan's ring-fences (pounds, with where each comes
    from). Only entries that differ from what is stored are written; one changed by someone
    else since the page showed it refuses them all (MinimumConflict). Returns how many
    were written."""
    permissions.check_changeable(plan)
    stored = {
        (m.ring_fence_id, m.year): m
        for m in RingFenceMinimum.objects.select_for_update().filter(plan=plan)
    }
    conflicts = []
    for entry in entries:
        now = stored.get((entry.ring_fence.pk, entry.year))
        if (now.lock_version if now is not None else None) != entry.shown_version:
            conflicts.append((entry, now))
    if conflicts:
        raise MinimumConflict(conflicts)
    written = 0
    for entry in entries:
        now = stored.get((entry.ring_fence.pk, entry.year))
        source = entry.source.strip()
        if entry.amount is None:
            if now is not None:
                delete_with_history(now, user=user)
                written += 1
            continue
        if now is not None and now.amount == entry.amount and now.source == source:
            continue
        record = now or RingFenceMinimum(plan=plan, ring_fence=entry.ring_fence, year=entry.year)
        record.amount, record.source = entry.amount, source
        if now is not None:
            record.lock_version += 1
        permissions.check_changeable(record)
        save_with_history(record, user=user)
        written += 1
    return written
