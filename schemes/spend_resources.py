"""Quarterly spend spreadsheets: one row per scheme, columns Scheme, Forecast outturn (£)
and Actual spend in quarter (£). Every row is checked before anything is written; one bad
cell means nothing is imported, and each problem is named by spreadsheet row and column.
A blank cell keeps the amount stored; "none" clears it (plans/imports.py)."""

from __future__ import annotations

from plans.imports import clears
from plans.models import Plan
from plans.money import MoneyError, parse_money
from plans.spreadsheets import CellError, Sheet

SCHEME, FORECAST, ACTUAL = "Scheme", "Forecast outturn (£)", "Actual spend in quarter (£)"
COLUMNS = (SCHEME, FORECAST, ACTUAL)


def _amount(text: str):
    if clears(text):
        return None, None
    try:
        return parse_money(text, allow_negative=False), None
    except MoneyError as error:
        return None, str(error)


def validate(plan: Plan, sheet: Sheet) -> tuple[dict[int, tuple[int, dict]], list[CellError]]:
    """Each scheme's id → (its row, {0: forecast, 1: actual} for the cells filled in, None
    where cleared), and every problem found."""
    headers = sheet.headers
    errors = [CellError(1, c, "This column is missing.") for c in COLUMNS if c not in headers]
    errors += [
        CellError(1, h, "This column is not one the import knows.")
        for h in headers
        if h and h not in COLUMNS
    ]
    if errors:
        return {}, errors
    schemes = {s.name.lower(): s for s in plan.schemes.all()}
    rows: dict[int, tuple] = {}
    seen: dict[str, int] = {}
    for index, record in sheet.records:
        values = {str(k).strip(): ("" if v is None else str(v).strip()) for k, v in record.items()}
        if not any(values.values()):
            continue
        name = values.get(SCHEME, "")
        scheme = schemes.get(name.lower())
        row_errors = []
        if scheme is None:
            row_errors.append(
                CellError(index, SCHEME, "Use the name of one of this plan's schemes.")
            )
        elif name.lower() in seen:
            row_errors.append(
                CellError(index, SCHEME, f"The same scheme is on row {seen[name.lower()]}.")
            )
        seen.setdefault(name.lower(), index)
        cells = {}
        for position, column in enumerate((FORECAST, ACTUAL)):
            text = values.get(column, "")
            if not text:
                continue
            cells[position], problem = _amount(text)
            if problem:
                row_errors.append(CellError(index, column, problem))
        if row_errors:
            errors.extend(row_errors)
        else:
            if scheme is None:  # no problem on the row: it names a scheme
                raise ValueError(f"Row {index} names no scheme.")
            rows[scheme.pk] = (index, cells)
    return rows, errors
