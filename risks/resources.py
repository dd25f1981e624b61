"""Risk register spreadsheets: the same columns as the register's CSV/XLSX download.

Every row is checked like a form before anything is written; one bad cell means nothing is
imported, and each problem is reported by spreadsheet row and column. A blank cell keeps
the risk's value; "none" clears it (plans/imports.py; the comparison is risks/imports.py).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from plans.exports import cell_text
from plans.imports import NONE, clears
from plans.spreadsheets import CellError, Sheet, header_errors
from risks import calculations
from risks.models import Risk, RiskRegister, Scale

COLUMNS = {
    "Category": "category",
    "Description": "description",
    "Potential impact": "potential_impact",
    "Likelihood": "likelihood",
    "Impact": "impact",
    "Rating before mitigation": "rating_before",
    "Mitigations": "mitigations",
    "Likelihood after mitigation": "likelihood_after",
    "Impact after mitigation": "impact_after",
    "Rating after mitigation": "rating_after",
    "Owner": "owner",
    "Next review": "next_review",
    "Status": "status",
    "Notes": "notes",
}
REQUIRED = ("Category", "Description")
LEVELS = (
    ("Likelihood", False),
    ("Impact", True),
    ("Likelihood after mitigation", False),
    ("Impact after mitigation", True),
)
RATINGS = ("Rating before mitigation", "Rating after mitigation")
_DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y", "%d %B %Y", "%Y-%m-%d %H:%M:%S")
_LIMITS = {f.name: f.max_length for f in Risk._meta.fields if getattr(f, "max_length", None)}


@dataclass
class RiskRow:
    row: int
    fields: dict


def _text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    # Exports quote text that a spreadsheet would run as a formula: read back without.
    return cell_text(value)


def _date(text: str) -> datetime.date | None:
    for fmt in _DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, fmt).date()
        except ValueError:
            continue
    return None


def validate(
    register: RiskRegister, sheet: Sheet, *, existing: set[str] = frozenset()
) -> tuple[list[RiskRow], list[CellError]]:
    """Check every row; return the rows ready to compare and every problem found.

    A row's `fields` hold only the cells that say something ("" or None where a cell says
    "none"): a blank cell keeps the risk's value. `existing` are the lower-cased
    descriptions of the register's risks; a new risk needs its category."""
    headers = [_text(h) for h in (sheet.headers or [])]
    errors = header_errors(headers, required=REQUIRED, known=COLUMNS)
    if errors:
        return [], errors
    categories = {c.name.lower(): c for c in register.categories.all()}
    statuses = {label.lower(): value for value, label in Risk.Status.choices}
    statuses.update({value: value for value in Risk.Status.values})
    five = register.scale == Scale.NHS_5X5
    rows, seen = [], {}
    for index, record in sheet.records:
        values = {_text(key): _text(value) for key, value in record.items()}
        if not any(values.values()):
            continue
        row_errors: list[CellError] = []

        def bad(column, message, row_errors=row_errors, index=index):
            row_errors.append(CellError(index, column, message))

        fields = {
            COLUMNS[h]: "" if clears(values[h]) else values[h]
            for h in headers
            if h in COLUMNS and values.get(h)
        }
        description = values.get("Description", "")
        if values.get("Category") or description.lower() not in existing:
            category = categories.get(values.get("Category", "").lower())
            if category is None:
                bad("Category", "Use the name of one of this register's categories.")
            fields["category"] = category
        if not description:
            bad("Description", "Enter the risk's description.")
        elif description.lower() in seen:
            bad("Description", f"The same description is on row {seen[description.lower()]}.")
        seen.setdefault(description.lower(), index)
        if five:
            for column, consequence in LEVELS:
                text = values.get(column, "")
                if (
                    text
                    and calculations.parse_level(register.scale, text, consequence=consequence)
                    is None
                ):
                    bad(column, "Enter a number from 1 to 5 on the NHS 5×5 matrix.")
            for column in RATINGS:
                text = values.get(column, "")
                if text and calculations.parse_rating(register.scale, text) is None:
                    bad(column, "Enter a score from 1 to 25, or leave it empty.")
        for column, name in COLUMNS.items():
            limit = _LIMITS.get(name)
            if limit and len(values.get(column, "")) > limit:
                bad(column, f"Shorten this to {limit} characters at most.")
        if "next_review" in fields:
            text = fields["next_review"]
            fields["next_review"] = _date(text) if text else None
            if text and fields["next_review"] is None:
                bad("Next review", f"Enter a date, like 31/03/2017, or {NONE} to clear it.")
        if "status" in fields:
            status = statuses.get(fields["status"].lower() or "open")
            if status is None:
                bad("Status", "Use Open or Closed.")
            fields["status"] = status
        if row_errors:
            errors.extend(row_errors)
        else:
            rows.append(RiskRow(index, fields))
    return rows, errors
