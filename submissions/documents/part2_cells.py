"""Reading a sheet of a Part 2 workbook back: its rows by header, its cells as the export
wrote them, and its problems named by sheet, row and column (submissions/documents/
part2_import.py and part2_schemes.py)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from openpyxl.utils import get_column_letter

from plans.exports import cell_text
from plans.imports import clears
from plans.money import MoneyError, format_pounds, parse_money
from plans.spreadsheets import SpreadsheetError, read_xlsx
from submissions.documents.part2 import (
    HEADER_ROW,
    SHEET_EXPENDITURE,
)


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # the column's letter and header: "M (2014/15 (£))"
    message: str

    def __str__(self):
        return f"{self.sheet}, row {self.row}, column {self.column}: {self.message}"


def text_of(value) -> str:
    """A cell as text, without the quote `safe_cell` put before a formula-like start."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return cell_text(value)


def value_of(value):
    """A cell's number as it is, or its text without the quote `safe_cell` added."""
    return text_of(value) if isinstance(value, str) else value


def percent_of(value) -> Decimal | None:
    """A share from 0 to 100 (a number, or text such as "40" or "40%")."""
    if isinstance(value, bool):
        raise ValueError
    text = text_of(value).rstrip("%").strip() if isinstance(value, str) else str(value)
    try:
        share = Decimal(text)
    except InvalidOperation as error:
        raise ValueError from error
    if not share.is_finite() or not 0 <= share <= 100 or share != share.quantize(Decimal("0.01")):
        raise ValueError
    return share.quantize(Decimal("0.01"))


def date_of(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for pattern in ("%d %B %Y", "%d/%m/%Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(text_of(value), pattern).date()
        except ValueError:
            continue
    raise ValueError


def pounds_or_blank(value) -> str:
    return "" if value is None else format_pounds(value)


class SheetRows:
    """One sheet's rows as {header: value}, and its problems named by sheet, row and column."""

    def __init__(self, content: bytes, name: str, errors: list, header_row: int = HEADER_ROW):
        self.name, self.errors, self.records, self.letters = name, errors, [], {}
        try:
            sheet = read_xlsx(content, sheet=name, header_row=header_row)
        except SpreadsheetError as error:
            # A sheet taken out of the workbook is left as the plan holds it; the schemes'
            # sheet is what the workbook is for.
            if name == SHEET_EXPENDITURE or not str(error).startswith("The workbook has no"):
                errors.append(CellError(name, 0, "–", str(error)))
            return
        headers = [text_of(h) for h in sheet.headers]
        self.headers = headers
        self.letters = {h: f"{get_column_letter(i)} ({h})" for i, h in enumerate(headers, 1) if h}
        if not header_row:  # columns by letter
            self.letters = {h: h for h in headers}
        for number, record in sheet.records:
            record = {text_of(h): v for h, v in record.items() if text_of(h)}
            if any(text_of(v) for v in record.values()):
                self.records.append((number, record))

    def require(self, headers) -> bool:
        missing = [h for h in headers if h not in self.letters]
        for header in missing:
            self.errors.append(CellError(self.name, HEADER_ROW, header, "This column is missing."))
        return not missing and bool(self.letters)

    def bad(self, number: int, header: str, message: str) -> None:
        self.errors.append(CellError(self.name, number, self.letters.get(header, header), message))

    def money(self, number, header, record, *, required=False):
        """(filled in?, amount or None if cleared) of a money cell; a problem is recorded."""
        value = value_of(record.get(header))
        if text_of(value) == "":
            return False, None
        if isinstance(value, str) and clears(value):
            if required:
                self.bad(number, header, "This amount is needed; enter one.")
            return True, None
        try:
            return True, parse_money(value, allow_negative=False)
        except MoneyError as error:
            self.bad(number, header, str(error))
            return False, None
