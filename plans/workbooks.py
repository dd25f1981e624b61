"""How every workbook the app writes opens and prints: one place for the layout a
spreadsheet user expects. The settings are the standard ones of the Office Open XML format
that Excel and LibreOffice Calc both read (page setup, print titles, data validation, sheet
protection); the tests read every export back with openpyxl.

- Print: A4, landscape when a sheet is wider than it is long, fitted to the page width
  (as many pages down as it takes), the header rows repeated on every page, gridlines off.
- Columns never shrink below what their figures need, so no amount shows as "###"; long
  text wraps at a readable width instead of running off the page.
- Inputs that accept only listed values offer them as a drop-down (a data validation),
  from a hidden "Lists" sheet when the list is long; a sheet whose import matches rows on a
  key column is protected, its input cells left unlocked, so the key cannot be retyped.
- Dates are dates (`d mmmm yyyy`), money is "£" with separators, metric figures carry the
  number format of their kind (plans/presentation.py).
- Text is text: a cell beginning with "=" is stored as a string, not a formula, so it needs
  no apostrophe before it (CSV downloads, read by any program, keep `safe_cell`'s quote).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Iterable, Sequence

from openpyxl.cell.cell import Cell
from openpyxl.styles import Alignment
from openpyxl.utils import get_column_letter, quote_sheetname
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation
from openpyxl.worksheet.worksheet import Worksheet

from plans import presentation

DATE_FORMAT = presentation.EXCEL_DATE_FORMAT
MONEY_FORMAT = presentation.EXCEL_FORMATS[presentation.MONEY]
LISTS_SHEET = "Lists"
# An inline list must stay under Excel's 255 characters for a data validation formula.
_INLINE_LIMIT = 250
WRAP_WIDTH = 60  # characters: a column of long text wraps at this width


def text_cell(cell: Cell, value) -> Cell:
    """Put `value` in `cell`; a string beginning "=" stays a string, not a formula."""
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"
    return cell


def date_cell(cell: Cell, value) -> Cell:
    """A date (or a snapshot's ISO date) as a spreadsheet date shown 31 March 2015; other
    text is kept as text."""
    day = presentation.as_date(value)
    if isinstance(day, datetime.date):
        cell.value = day.date() if isinstance(day, datetime.datetime) else day
        cell.number_format = DATE_FORMAT
    else:
        text_cell(cell, value or None)
    return cell


def widen(sheet: Worksheet, column: int, width: float) -> None:
    """Make a column at least `width` characters wide; never narrower than it already is."""
    dimension = sheet.column_dimensions[get_column_letter(column)]
    dimension.width = max(dimension.width or 0, width)


def fit_columns(sheet: Worksheet, *, first_row: int = 1, max_width: int = WRAP_WIDTH) -> None:
    """Widen each column to what its cells show (formatted amounts included); a column of
    longer text is held at `max_width` and its cells wrap, top-aligned, as does text of
    several lines (a spreadsheet then sizes each row to its text)."""
    widths: dict[int, int] = {}
    long_text: set[int] = set()
    for row in sheet.iter_rows(min_row=first_row):
        for cell in row:
            if cell.value is None:
                continue
            length = _shown_length(cell)
            widths[cell.column] = max(widths.get(cell.column, 0), length)
            if length > max_width:
                long_text.add(cell.column)
    for column, width in widths.items():
        widen(sheet, column, min(width + 2, max_width))
    for row in sheet.iter_rows(min_row=first_row):
        lines = 1
        for cell in row:
            if isinstance(cell.value, str) and (cell.column in long_text or "\n" in cell.value):
                cell.alignment = Alignment(wrap_text=True, vertical="top")
                lines = max(lines, _wrapped_lines(cell.value, _width_of(sheet, cell.column)))
        if lines > 1:
            # Not every spreadsheet sizes a row to its wrapped text when it opens a file
            # (LibreOffice keeps the default height and lets the text run over the next
            # row), so the row is given the height of its longest text.
            row_number = row[0].row
            dimension = sheet.row_dimensions[row_number]
            dimension.height = min(max(dimension.height or 0, LINE_HEIGHT * lines), MAX_HEIGHT)
            for cell in row:  # the row's other cells read from its top line too
                if cell.value is not None and cell.alignment.vertical != "top":
                    cell.alignment = Alignment(
                        horizontal=cell.alignment.horizontal,
                        wrap_text=cell.alignment.wrap_text,
                        vertical="top",
                    )


LINE_HEIGHT = 15  # points: one line of the default 11-point font
MAX_HEIGHT = 409  # points: the tallest row a spreadsheet takes (Excel's limit)


def _width_of(sheet: Worksheet, column: int) -> float:
    return sheet.column_dimensions[get_column_letter(column)].width or 8.43


def _wrapped_lines(text: str, width: float) -> int:
    """How many lines `text` takes in a column `width` characters wide, wrapped at words."""
    per_line = max(int(width) - 1, 1)
    return sum(max(math.ceil(len(line) / per_line), 1) for line in text.splitlines() or [""])


def _shown_length(cell: Cell) -> int:
    value = cell.value
    if cell.data_type == "f":
        return 5  # a checker's formula shows TRUE or FALSE, not its text
    if isinstance(value, datetime.date):
        return 18  # "30 September 2016"
    if isinstance(value, int | float):
        text = f"{value:,.2f}"
        return len(text) + (1 if "£" in (cell.number_format or "") else 0)
    return max((len(line) for line in str(value).splitlines()), default=0)


def print_layout(
    sheet: Worksheet, *, header_rows: Sequence[int] = (), landscape: bool | None = None
) -> None:
    """A4, fitted to the page width, header rows repeated on every page; landscape when the
    sheet has more than six columns (or as told)."""
    if landscape is None:
        landscape = sheet.max_column > 6
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.orientation = "landscape" if landscape else "portrait"
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr.fitToPage = True
    sheet.print_options.gridLines = False
    sheet.page_margins.left = sheet.page_margins.right = 0.5
    sheet.page_margins.top = sheet.page_margins.bottom = 0.6
    if header_rows:
        sheet.print_title_rows = f"{min(header_rows)}:{max(header_rows)}"
    sheet.oddFooter.center.text = "&A – page &P of &N"


def dropdown(
    sheet: Worksheet,
    *,
    column: int,
    first_row: int,
    last_row: int,
    values: Iterable[str],
    title: str,
) -> DataValidation | None:
    """Offer `values` as a drop-down in a column's cells (rows first..last); a short list
    inline, a long one from the hidden Lists sheet. Other text is refused with a message
    naming the list. None when there is nothing to offer."""
    values = [str(v) for v in dict.fromkeys(values) if str(v)]
    if not values or last_row < first_row:
        return None
    inline = ",".join(values)
    if len(inline) <= _INLINE_LIMIT and not any("," in v or '"' in v for v in values):
        formula = f'"{inline}"'
    else:
        formula = _listed(sheet, title, values)
    validation = DataValidation(
        type="list",
        formula1=formula,
        allow_blank=True,
        showDropDown=False,  # openpyxl's name is inverted: False shows the arrow
        showErrorMessage=True,
        errorTitle=title,
        error=f"Choose one of the {title.lower()} in the list.",
        promptTitle=title,
        prompt=f"Choose from the list of {title.lower()}.",
        showInputMessage=True,
    )
    letter = get_column_letter(column)
    validation.add(f"{letter}{first_row}:{letter}{last_row}")
    sheet.add_data_validation(validation)
    return validation


def _listed(sheet: Worksheet, title: str, values: list[str]) -> str:
    """Write a list to a column of the hidden Lists sheet and name its range."""
    workbook = sheet.parent
    if LISTS_SHEET in workbook.sheetnames:
        lists = workbook[LISTS_SHEET]
    else:
        lists = workbook.create_sheet(LISTS_SHEET)
        lists.sheet_state = "hidden"
    column = (lists.max_column + 1) if lists["A1"].value is not None else 1
    letter = get_column_letter(column)
    text_cell(lists.cell(row=1, column=column), title)
    for row, value in enumerate(values, start=2):
        text_cell(lists.cell(row=row, column=column), value)
    name = "list_" + "".join(ch if ch.isalnum() else "_" for ch in title.lower())
    reference = f"{quote_sheetname(LISTS_SHEET)}!${letter}$2:${letter}${len(values) + 1}"
    workbook.defined_names[name] = DefinedName(name, attr_text=reference)
    return name


def protect(sheet: Worksheet) -> None:
    """Lock every cell but the inputs (cells marked unlocked), still letting the reader
    widen columns, sort, filter and select: what an import matches on cannot be retyped."""
    protection = sheet.protection
    protection.sheet = True
    protection.formatColumns = False
    protection.formatRows = False
    protection.sort = False
    protection.autoFilter = False
    protection.selectLockedCells = False
    protection.selectUnlockedCells = False
