"""Scheme spreadsheets: the same columns as the schemes table's CSV/XLSX download.

Every row is checked like a form before anything is written; one bad cell means nothing
is imported, and each problem is reported by spreadsheet row and column. A blank cell keeps
what the scheme holds; "none" clears it (plans/imports.py). The comparison and the preview
are in schemes/imports.py.
"""

from __future__ import annotations

import re
from collections.abc import Collection
from dataclasses import dataclass, field
from decimal import Decimal

from metrics.models import MetricDefinition
from plans.exports import SAMPLE_DATA_COLUMN, cell_text
from plans.imports import NONE, clears
from plans.models import Plan
from plans.money import MoneyError, parse_money
from plans.periods import FinancialYear
from plans.spreadsheets import CellError, Sheet
from schemes.models import Scheme

NAME, THEME, STATUS, PROTECTION, METRICS = (
    "Scheme",
    "Theme",
    "New or existing",
    "Protection of services",
    "Metrics",
)
REQUIRED = (NAME, THEME, STATUS)
PROTECTION_LABELS = {"": "", "adult social care": "social_care", "nhs": "nhs"}
_YEAR_HEADER = re.compile(r"^\s*(\d{4}\s*/\s*\d{2,4})\s*(\(£\))?\s*$")


@dataclass
class SchemeRow:
    """A checked row. `fields` holds only the cells that say something (theme, status,
    protection, metrics): a blank cell keeps the scheme's value. `budgets` likewise holds
    only the years filled in, None for a year cleared ("none")."""

    row: int
    name: str
    fields: dict = field(default_factory=dict)
    budgets: dict[int, Decimal | None] = field(default_factory=dict)


def _text(value) -> str:
    """A cell's text, without the quotes the schemes' export put before a formula's start."""
    return cell_text(value)


def _year_columns(plan: Plan, headers, errors) -> dict[str, int]:
    years = {}
    for header in headers:
        match = _YEAR_HEADER.match(_text(header))
        if not match:
            if _text(header) not in (NAME, THEME, STATUS, PROTECTION, METRICS, SAMPLE_DATA_COLUMN):
                errors.append(
                    CellError(1, _text(header), "This column is not one the import knows.")
                )
            continue
        year = FinancialYear.parse(match[1])
        if not plan.covers(year.start_year):
            errors.append(
                CellError(
                    1, _text(header), f"{year.label} is outside this plan ({plan.years_label})."
                )
            )
        else:
            years[header] = year.start_year
    return years


def validate(
    plan: Plan, sheet: Sheet, *, existing: Collection[str] = ()
) -> tuple[list[SchemeRow], list[CellError]]:
    """Check every row; return the rows ready to compare and every problem found.

    `existing` are the lower-cased names of the plan's schemes: a row naming one changes
    it, and may leave any cell blank; a new scheme needs its theme and status."""
    headers = sheet.headers
    errors: list[CellError] = [
        CellError(1, column, "This column is missing.")
        for column in REQUIRED
        if column not in headers
    ]
    year_columns = _year_columns(plan, headers, errors)
    if errors:
        return [], errors
    themes = {t.name.lower(): t for t in plan.themes.all()}
    statuses = {label.lower(): value for value, label in Scheme.Status.choices}
    statuses.update({value: value for value in Scheme.Status.values})
    metrics = {m.code: m for m in MetricDefinition.objects.all()}
    # A number names a metric of the plan's years (2016/17's (4) is not 2014's (4)).
    metrics.update({str(m.number): m for m in metrics.values() if m.number and m.applies_to(plan)})
    rows: list[SchemeRow] = []
    seen: dict[str, int] = {}
    for index, record in sheet.records:
        values = {key: _text(value) for key, value in record.items()}
        if not any(values.values()):
            continue
        row_errors: list[CellError] = []

        def bad(column, message, row_errors=row_errors, index=index):
            row_errors.append(CellError(index, column, message))

        name = values.get(NAME, "")
        if not name:
            bad(NAME, "Enter the scheme's name.")
        elif name.lower() in seen:
            bad(NAME, f"The same name is on row {seen[name.lower()]}.")
        seen.setdefault(name.lower(), index)
        new = name.lower() not in existing
        row = SchemeRow(index, name)
        text = values.get(THEME, "")
        if text or new:
            theme = themes.get(text.lower())
            if theme is None:
                bad(THEME, "Use the name of one of this plan's themes.")
            row.fields["theme"] = theme
        text = values.get(STATUS, "")
        if text or new:
            status = statuses.get(text.lower())
            if status is None:
                bad(STATUS, "Use New, Existing, Expanding or Existing & New.")
            row.fields["status"] = status
        text = values.get(PROTECTION, "")
        if text:
            protection = "" if clears(text) else PROTECTION_LABELS.get(text.lower())
            if protection is None:
                bad(PROTECTION, f"Use Adult social care or NHS, or {NONE} to clear it.")
            row.fields["protection"] = protection
        text = values.get(METRICS, "")
        if text:
            chosen = []
            for code in [] if clears(text) else filter(None, re.split(r"[,;\s]+", text)):
                if code in metrics:
                    chosen.append(metrics[code])
                else:
                    bad(METRICS, f"“{code}” is not a metric code.")
            row.fields["metrics"] = chosen
        for header, year in year_columns.items():
            text = values.get(header, "")
            if not text:
                continue
            try:
                row.budgets[year] = (
                    None if clears(text) else parse_money(text, allow_negative=False)
                )
            except MoneyError as error:
                bad(header, str(error))
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(row)
    return rows, errors
