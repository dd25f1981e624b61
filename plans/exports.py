"""Spreadsheet exports that are safe to open: no cell is read as a formula.

The one rule for every export and for reading those files back: CSV cells go out through
`safe_cell` and come back through `cell_text`; workbooks (tables' Excel downloads, the
national view, the Part 2 and quarterly return workbooks) store text as text
(`plans.workbooks.text_cell`), which a spreadsheet never runs, so they need no quote.
"""

import datetime
import io
import re
from decimal import Decimal

from django_tables2.export import TableExport
from openpyxl import Workbook
from openpyxl.styles import Font

from plans import workbooks
from plans.models import ILLUSTRATIVE_NOTE

# What makes a spreadsheet run a cell as a formula when it starts the cell: "=", "+", "-",
# "@", a tab or carriage return, and the full-width forms an East Asian keyboard types
# ("＝", "＋", "－", "＠"), which Excel also reads as formulas.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")
# A spreadsheet that splits a CSV line on ";" (the separator where "," is the decimal
# point) or on "|" or a tab starts a new cell after each: what follows one is a cell's
# start too.
SEPARATORS = (";", "|", "\t")
_STARTS = "".join(re.escape(start) for start in FORMULA_STARTS)
_SEPARATORS = "".join(re.escape(separator) for separator in SEPARATORS)
_INNER_START = re.compile(f"([{_SEPARATORS}])(?=[{_STARTS}])")
_QUOTED_INNER_START = re.compile(f"([{_SEPARATORS}])'(?=[{_STARTS}])")


def safe_cell(value):
    """Text as a spreadsheet shows it and never runs it: a quote goes before a formula's
    start at the beginning and after each separator ("=1+1" → "'=1+1", "a;=b" → "a;'=b").
    Anything but text is returned as it is."""
    if not isinstance(value, str):
        return value
    value = _INNER_START.sub(r"\1'", value)
    if value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def cell_text(value) -> str:
    """A cell read back from one of our exports as the text it was made from: the quotes
    `safe_cell` added are taken away, the cell stripped of surrounding spaces."""
    if value is None:
        return ""
    text = str(value).strip()
    if text.startswith("'") and text[1:].startswith(FORMULA_STARTS):
        text = text[1:]
    return _QUOTED_INNER_START.sub(r"\1", text).strip()


def pounds_cell(value) -> Decimal | None:
    """A money column's value in an export: pounds to the penny, whatever the database
    returns; blank if none (django-tables2's default dash included)."""
    return None if value in (None, "–") else Decimal(value).quantize(Decimal("0.01"))


# A column every row of an illustrative plan's table export carries, saying that its data
# is taken from no source; imports accept it and read nothing from it.
SAMPLE_DATA_COLUMN = "Sample data"


def sample_note(plan) -> str:
    """What an export of `plan`'s table says on every row when the plan is taken from no
    source (SAMPLE_DATA_COLUMN); nothing for a plan from the sources."""
    return ILLUSTRATIVE_NOTE if plan.illustrative else ""


class SafeTableExport(TableExport):
    """django-tables2's export, made to open as a spreadsheet user expects.

    CSV: every text cell passed through `safe_cell` (any program may read it), UTF-8 with a
    byte-order mark so that Excel on Windows reads "£" and "–" as such. XLSX: written with
    openpyxl (plans/workbooks.py): text stored as text (never a formula, so no quote before
    a "- " line), amounts (the Decimal pounds of `pounds_cell`) formatted in £, dates as
    dates, the header row bold, frozen, filtered and repeated on every printed page.
    """

    def __init__(
        self, export_format, table, exclude_columns=None, dataset_kwargs=None, sample_note=""
    ):
        """`sample_note`: for an illustrative plan's table, what each row then says in a
        last column, SAMPLE_DATA_COLUMN (the plan is taken from no source)."""
        super().__init__(export_format, table, exclude_columns, dataset_kwargs)
        headers = self.dataset.headers
        self.raw_headers = list(headers or [])
        self.raw_rows = [tuple(row) for row in self.dataset]
        if sample_note:
            self.raw_headers.append(SAMPLE_DATA_COLUMN)
            self.raw_rows = [(*row, sample_note) for row in self.raw_rows]
            headers = self.raw_headers
        rows = [tuple(safe_cell(value) for value in row) for row in self.raw_rows]
        self.dataset.wipe()
        self.dataset.headers = [safe_cell(h) for h in headers] if headers else headers
        for row in rows:
            self.dataset.append(row)

    def export(self):
        if self.format == self.CSV:
            return "\ufeff" + self.dataset.export(self.format)
        if self.format == self.XLSX:
            return self._workbook()
        return super().export()

    def _workbook(self) -> bytes:
        workbook = Workbook()
        sheet = workbook.active
        sheet.title = (self.dataset.title or "Export")[:31]
        for column, header in enumerate(self.raw_headers, start=1):
            workbooks.text_cell(sheet.cell(row=1, column=column), header).font = Font(bold=True)
        for row_number, row in enumerate(self.raw_rows, start=2):
            for column, value in enumerate(row, start=1):
                cell = sheet.cell(row=row_number, column=column)
                if isinstance(value, Decimal):
                    cell.value = value
                    cell.number_format = workbooks.MONEY_FORMAT
                elif isinstance(value, datetime.date):
                    workbooks.date_cell(cell, value)
                else:
                    workbooks.text_cell(cell, value)
        sheet.freeze_panes = "A2"
        if self.raw_headers:
            sheet.auto_filter.ref = sheet.dimensions
        workbooks.fit_columns(sheet)
        workbooks.print_layout(sheet, header_rows=(1,))
        buffer = io.BytesIO()
        workbook.save(buffer)
        return buffer.getvalue()
