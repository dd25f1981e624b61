"""Reading uploaded spreadsheets, and the problems found in them, for every import.

Each app's `resources.py` checks the rows of its own kind of spreadsheet; what a file is,
how it is read, and how a problem is named (spreadsheet row and column) is said once here.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from import_export.formats import base_formats

FORMATS = {"csv": base_formats.CSV(), "xlsx": base_formats.XLSX()}


class SpreadsheetError(Exception):
    """The file as a whole cannot be used; the message says why, for the person."""


@dataclass(frozen=True)
class CellError:
    row: int  # as the spreadsheet numbers it: the header is row 1
    column: str
    message: str

    def __str__(self):
        return f"Row {self.row}, column “{self.column}”: {self.message}"


def read_spreadsheet(upload):
    """A tablib Dataset from an uploaded .csv or .xlsx file (first sheet)."""
    extension = upload.name.rsplit(".", 1)[-1].lower() if "." in upload.name else ""
    file_format = FORMATS.get(extension)
    if file_format is None:
        raise SpreadsheetError("Upload a .csv or .xlsx file.")
    if upload.size > settings.MAX_UPLOAD_BYTES:
        limit = settings.MAX_UPLOAD_BYTES // (1024 * 1024)
        raise SpreadsheetError(f"The file is larger than {limit} MB; upload a smaller one.")
    content = upload.read()
    if not content.strip():
        raise SpreadsheetError("The file is empty.")
    try:
        if not file_format.is_binary():
            content = content.decode("utf-8-sig")
        return file_format.create_dataset(content)
    except Exception as error:  # a corrupt or mislabelled file
        raise SpreadsheetError(f"The file could not be read as {extension.upper()}.") from error


def header_errors(headers: list[str], *, required, known) -> list[CellError]:
    """Problems with the header row (row 1): required columns missing, unknown ones present."""
    errors = [CellError(1, c, "This column is missing.") for c in required if c not in headers]
    errors += [
        CellError(1, h, "This column is not one the import knows.")
        for h in headers
        if h and h not in known
    ]
    return errors
