"""Reading uploaded spreadsheets, and the problems found in them, for every import.

Every import (schemes, Part 2 workbooks, risks, metric actuals, quarterly spend) reads its
file here, so the limits below hold for all of them; each app's `resources.py` then checks
the rows of its own kind of spreadsheet and names each problem by row and column.

A spreadsheet is read as a stream, a row at a time, and never trusted about its own size:
an .xlsx file states the range its sheet covers (its "dimension"), and a file of 2 KB can
state A1:XFD1048576, a grid of 17 billion cells. That statement is ignored; rows are read
as they come and nothing is padded to a declared width. What is read is capped, and a file
beyond a cap is refused as a whole with a message that says which limit and where:

- `MAX_UPLOAD_BYTES` (settings): the file as uploaded;
- `MAX_UNCOMPRESSED_BYTES`: an .xlsx file unpacked (it is a zip archive: 5 MB of zip can
  hold gigabytes of XML);
- `MAX_ROWS` rows below the header and `MAX_COLUMNS` columns: a cell holding anything
  beyond them refuses the file; empty cells and rows (formatting only) are skipped.

`problems_listed` keeps the list of problems shown to a person to `PROBLEMS_LISTED`, with
the count of the rest ("and 2,950 more"): every problem is still found, so the file is
still refused whole.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.conf import settings
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter
from openpyxl.worksheet._reader import WorkSheetParser

from plans.exports import SAMPLE_DATA_COLUMN

MAX_ROWS = 10_000  # rows of data below the header
MAX_COLUMNS = 100  # column CV
MAX_UNCOMPRESSED_BYTES = 10 * 1024 * 1024  # reading it takes about 4 s at worst
PROBLEMS_LISTED = 100

EXTENSIONS = ("csv", "xlsx")
_SOMETHING = re.compile(r'[^\s,"]')  # in a CSV line: a character of a value


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; the message says why, for the person."""


@dataclass(frozen=True)
class CellError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, column “{self.column}”: {self.message}"


@dataclass(frozen=True)
class Sheet:
    """One sheet's header row and the rows below it that hold something.

    `headers` are the header row's cells as text (stripped; "" for an empty cell), in
    column order. `records` are (row number as the spreadsheet numbers it, {header: value})
    for each row below the header with at least one non-blank cell; values are as the file
    holds them (text from a CSV; text, numbers, dates or None from an .xlsx sheet).
    """

    headers: list[str]
    records: list[tuple[int, dict[str, object]]]


@dataclass(frozen=True)
class Problems:
    """The first problems to show, and how many more were found but not listed."""

    listed: list
    more: int
    total: int


def problems_listed(problems: list, limit: int = PROBLEMS_LISTED) -> Problems:
    total = len(problems)
    return Problems(listed=problems[:limit], more=max(0, total - limit), total=total)


def read_spreadsheet(upload, *, extensions: Iterable[str] = EXTENSIONS) -> Sheet:
    """The first sheet of an uploaded .csv or .xlsx file, header in row 1."""
    return read_content(upload_content(upload, extensions=extensions), _extension(upload))


def read_content(content: bytes, extension: str) -> Sheet:
    """The first sheet of a file's bytes already taken by `upload_content`, by its type."""
    return read_csv(content) if extension == "csv" else read_xlsx(content)


def upload_content(upload, *, extensions: Iterable[str] = EXTENSIONS) -> bytes:
    """An uploaded file's bytes, once its type, size and content are acceptable."""
    if _extension(upload) not in extensions:
        raise SpreadsheetError("Upload a " + " or ".join(f".{e}" for e in extensions) + " file.")
    if upload.size > settings.MAX_UPLOAD_BYTES:
        raise SpreadsheetError(
            f"The file is larger than {_megabytes(settings.MAX_UPLOAD_BYTES)}; "
            "upload a smaller one."
        )
    content = upload.read()
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    return content


def _extension(upload) -> str:
    name = getattr(upload, "name", "") or ""
    return name.rsplit(".", 1)[-1].lower() if "." in name else ""


def read_csv(content: bytes) -> Sheet:
    """A CSV file's rows (UTF-8, with or without a byte order mark), header in row 1."""
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise SpreadsheetError(
            "The file could not be read as CSV: save it as CSV UTF-8 and upload it again."
        ) from error
    try:
        return _sheet(_csv_rows(text, last_row=1 + MAX_ROWS), header_row=1)
    except csv.Error as error:
        raise SpreadsheetError(f"The file could not be read as CSV ({error}).") from error


def read_xlsx(content: bytes, *, sheet: str | None = None, header_row: int = 1) -> Sheet:
    """A sheet of an .xlsx file (`sheet` by name, else the first), its header in `header_row`
    (0: no header; every row's cells are keyed by column letter, "A", "B", …)."""
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            unpacked = sum(member.file_size for member in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as error:
        raise SpreadsheetError("The file could not be read as XLSX.") from error
    # zipfile never yields more than a member's stated size, so the sum bounds the reading.
    if unpacked > MAX_UNCOMPRESSED_BYTES:
        raise SpreadsheetError(
            f"The file unpacks to {_megabytes(unpacked)}; an import reads at most "
            f"{_megabytes(MAX_UNCOMPRESSED_BYTES)} unpacked. Remove what the import does not "
            "need (other sheets, images, formatting) or split the file."
        )
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # a corrupt or mislabelled file, whatever openpyxl makes of it
        raise SpreadsheetError("The file could not be read as XLSX.") from error
    try:
        if sheet is not None and sheet not in workbook.sheetnames:
            raise SpreadsheetError(f"The workbook has no sheet called “{sheet}”.")
        worksheet = workbook[sheet] if sheet is not None else workbook.worksheets[0]
        if not hasattr(worksheet, "reset_dimensions"):  # a chart sheet, not a worksheet
            raise SpreadsheetError("The first sheet of the workbook holds no cells.")
        return _sheet(_xlsx_rows(workbook, worksheet), header_row=header_row)
    except SpreadsheetError:
        raise
    except Exception as error:  # malformed sheet XML, found only while reading it
        raise SpreadsheetError("The file could not be read as XLSX.") from error
    finally:
        workbook.close()


def _csv_rows(text: str, *, last_row: int) -> Iterator[tuple[int, dict[int, object]]]:
    """(row number, {column number: value}) for each CSV row up to `last_row`, then the first
    row below it that holds anything (found by a search, not row by row: a 5 MB file can be
    five million empty lines)."""
    buffer = io.StringIO(text, newline="")
    for number, row in enumerate(csv.reader(buffer), start=1):
        yield number, _csv_cells(row)
        if number == last_row:
            break
    else:
        return
    rest = text[buffer.tell() :]
    found = _SOMETHING.search(rest)
    if found:
        start = rest.rfind("\n", 0, found.start()) + 1
        end = rest.find("\n", found.start())
        line = rest[start : end if end >= 0 else len(rest)]
        yield last_row + 1 + rest.count("\n", 0, start), _csv_cells(next(csv.reader([line])))


def _csv_cells(row: list[str]) -> dict[int, object]:
    """The first `MAX_COLUMNS` cells, and the last non-blank one beyond them (for the message)."""
    cells: dict[int, object] = dict(enumerate(row[:MAX_COLUMNS], start=1))
    for index in range(len(row) - 1, MAX_COLUMNS - 1, -1):
        if not _blank(row[index]):
            cells[index + 1] = row[index]
            break
    return cells


def _xlsx_rows(workbook, worksheet) -> Iterator[tuple[int, dict[int, object]]]:
    """(row number, {column number: value}) for each row the sheet holds, as it is parsed.

    The sheet's declared range is never read. openpyxl's read-only rows would fill every
    missing row with an empty one (a million for one cell in row 1,048,576) and pad every
    row to the declared width; its parser, used here, gives only the cells that are there.
    """
    with worksheet._get_source() as source:
        parser = WorkSheetParser(
            source,
            worksheet._shared_strings,
            data_only=True,
            epoch=workbook.epoch,
            date_formats=workbook._date_formats,
            timedelta_formats=workbook._timedelta_formats,
        )
        for number, cells in parser.parse():
            yield number, {cell["column"]: cell["value"] for cell in cells}


def _sheet(rows: Iterable[tuple[int, dict[int, object]]], *, header_row: int) -> Sheet:
    headers: list[str] | None = None
    records = []
    last_row = header_row + MAX_ROWS
    for number, cells in rows:
        if number < header_row:
            continue
        filled = sorted(column for column, value in cells.items() if not _blank(value))
        if not filled:
            continue
        if filled[-1] > MAX_COLUMNS:
            raise SpreadsheetError(
                f"Cell {get_column_letter(filled[-1])}{number} holds something beyond column "
                f"{get_column_letter(MAX_COLUMNS)}; an import reads at most {MAX_COLUMNS:,} "
                "columns. Delete what lies beyond them and upload the file again."
            )
        if number > last_row:
            raise SpreadsheetError(
                f"Cell {get_column_letter(filled[0])}{number} holds something below row "
                f"{last_row:,}; an import reads at most {MAX_ROWS:,} rows below the header. "
                "Split the file, or delete what lies below."
            )
        values = [cells.get(column) for column in range(1, filled[-1] + 1)]
        if number == header_row:
            headers = [_text(value) for value in values]
            continue
        if headers is None:  # no header row: columns by letter; else rows below an empty one
            headers = [] if header_row else _LETTERS
        records.append((number, dict(zip(headers, values, strict=False))))
    return Sheet(headers=headers or [], records=records)


_LETTERS = [get_column_letter(column) for column in range(1, MAX_COLUMNS + 1)]


def _blank(value) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def _text(value) -> str:
    return "" if value is None else str(value).strip()


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):,.0f} MB"


def header_errors(headers: list[str], *, required, known) -> list[CellError]:
    """Problems with the header row (row 1): required columns missing, unknown ones present."""
    errors = [CellError(1, c, "This column is missing.") for c in required if c not in headers]
    errors += [
        CellError(1, h, "This column is not one the import knows.")
        for h in headers
        if h and h not in known and h != SAMPLE_DATA_COLUMN
    ]
    return errors
