"""Scheme spreadsheets: the same columns as the schemes table's CSV/XLSX download.

Every row is checked like a form before anything is written; one bad cell means nothing
is imported, and each problem is reported by spreadsheet row and column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from metrics.models import MetricDefinition
from plans.exports import cell_text
from plans.models import Plan
from plans.money import MoneyError, parse_money
from plans.periods import FinancialYear
from plans.spreadsheets import CellError, Sheet
from schemes.models import Scheme, Theme

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
    row: int
    name: str
    theme: Theme
    status: str
    protection: str
    metrics: list[MetricDefinition]
    budgets: dict[int, Decimal | None]


def _text(value) -> str:
    """A cell's text, without the quotes the schemes' export put before a formula's start."""
    return cell_text(value)


def _year_columns(plan: Plan, headers, errors) -> dict[str, int]:
    years = {}
    for header in headers:
        match = _YEAR_HEADER.match(_text(header))
        if not match:
            if _text(header) not in (NAME, THEME, STATUS, PROTECTION, METRICS):
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


def validate(plan: Plan, sheet: Sheet) -> tuple[list[SchemeRow], list[CellError]]:
    """Check every row; return the rows ready to save and every problem found."""
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
    metrics.update({str(m.number): m for m in metrics.values() if m.number})
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
        theme = themes.get(values.get(THEME, "").lower())
        if theme is None:
            bad(THEME, "Use the name of one of this plan's themes.")
        status = statuses.get(values.get(STATUS, "").lower())
        if status is None:
            bad(STATUS, "Use New, Existing, Expanding or Existing & New.")
        protection = PROTECTION_LABELS.get(values.get(PROTECTION, "").lower())
        if protection is None:
            bad(PROTECTION, "Use Adult social care, NHS, or leave it empty.")
        chosen = []
        for code in filter(None, re.split(r"[,;\s]+", values.get(METRICS, ""))):
            if code in metrics:
                chosen.append(metrics[code])
            else:
                bad(METRICS, f"“{code}” is not a metric code.")
        budgets = {}
        for header, year in year_columns.items():
            try:
                budgets[year] = parse_money(values.get(header, ""), allow_negative=False)
            except MoneyError as error:
                bad(header, str(error))
        if row_errors:
            errors.extend(row_errors)
        else:
            # No problem on the row: each of these was found.
            if theme is None or status is None or protection is None:
                raise ValueError(f"Row {index} was read without a problem but is incomplete.")
            rows.append(SchemeRow(index, name, theme, status, protection, chosen, budgets))
    return rows, errors
