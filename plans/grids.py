"""Grids of money cells edited in place (budgets, spend, contributions), read from a post.

Each editable cell is two inputs: the box (`<prefix>-<row>-<column>`) and, hidden beside it,
the amount the page showed when it was loaded (`…-was`). A save writes only the cells typed
differently from what was shown, and the service refuses any such cell whose stored amount
is no longer what was shown (someone else changed it meanwhile), so nobody overwrites a
change they never saw. Amounts are read and written through plans/money.py.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from plans import money


@dataclass
class Cell:
    """One money cell of a grid as the page shows it."""

    row: Hashable
    column: Hashable
    name: str  # the box's name (and, with "id-", its id)
    stored: Decimal | None  # the amount stored now
    shown: Decimal | None  # the amount the page showed when it was loaded
    text: str  # what the box holds: the stored amount as written, or what was typed
    value: Decimal | None  # the amount the box holds (None for none, or when in error)
    error: str = ""
    conflict: str = ""  # someone else's change to this cell, when a save was refused
    label: str = ""  # names the cell in messages: "Falls service, 2015/16"

    @property
    def id(self) -> str:
        return f"id-{self.name}"

    @property
    def changed(self) -> bool:
        return not self.error and self.value != self.shown

    @property
    def was(self) -> str:
        """The hidden value: what the page showed, as the next post sends it back."""
        return money.format_money_input(self.shown)


def cell_name(prefix: str, row, column) -> str:
    return f"{prefix}-{row}-{column}"


def read_cells(
    *,
    prefix: str,
    keys: Iterable[tuple[Hashable, Hashable]],
    stored: Mapping[Any, Decimal | None],  # (row, column) → amount
    data: Mapping[str, str] | None = None,
    allow_negative: bool = False,
    labels: Mapping[Any, str] | None = None,
) -> dict[tuple, Cell]:
    """The grid's cells: as stored (no `data`), or as posted in `data`.

    A posted box that is not an amount keeps its text and carries the message; a missing or
    tampered hidden value counts as "shown empty", so the service's check still guards it.
    """
    cells = {}
    for row, column in keys:
        name = cell_name(prefix, row, column)
        now = stored.get((row, column))
        if data is None:
            cells[row, column] = Cell(
                row, column, name, now, now, money.format_money_input(now), now
            )
            continue
        try:
            shown = money.parse_money(data.get(f"{name}-was", ""))
        except money.MoneyError:
            shown = None
        text = str(data.get(name, ""))[:100]
        cell = Cell(row, column, name, now, shown, text, None)
        try:
            cell.value = money.parse_money(text, allow_negative=allow_negative)
        except money.MoneyError as error:
            cell.error = str(error)
        cells[row, column] = cell
    for key, label in (labels or {}).items():
        cells[key].label = label
    return cells


def changes(cells: Mapping[tuple, Cell]) -> dict[tuple, tuple[Decimal | None, Decimal | None]]:
    """(row, column) → (amount shown, amount typed) of every cell typed differently."""
    return {key: (cell.shown, cell.value) for key, cell in cells.items() if cell.changed}


def errors(cells: Mapping[tuple, Cell]) -> list[Cell]:
    return [cell for cell in cells.values() if cell.error]


def mark_conflicts(cells: Mapping[tuple, Cell], current: Mapping[tuple, Decimal | None]) -> None:
    """Note on each refused cell the amount someone else saved, and take that amount as
    "shown", so that saving again (having seen it) writes what is typed."""
    for key, amount in current.items():
        cell = cells[key]
        cell.conflict = (
            f"Someone else changed this to {money.format_pounds(amount)} while you were "
            "editing; your amount was not saved."
        )
        cell.shown = cell.stored = amount
