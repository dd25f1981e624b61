"""Spreadsheet exports that are safe to open: no cell is read as a formula.

The one rule for every export (tables' CSV and Excel downloads, the national view, the
Part 2 and quarterly return workbooks) and for reading those files back: `safe_cell` on the
way out, `cell_text` on the way in.
"""

import re
from decimal import Decimal

from django_tables2.export import TableExport

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


class SafeTableExport(TableExport):
    """django-tables2's export with every text cell passed through `safe_cell`."""

    def __init__(self, export_format, table, exclude_columns=None, dataset_kwargs=None):
        super().__init__(export_format, table, exclude_columns, dataset_kwargs)
        headers = self.dataset.headers
        rows = [tuple(safe_cell(value) for value in row) for row in self.dataset]
        self.dataset.wipe()
        self.dataset.headers = [safe_cell(h) for h in headers] if headers else headers
        for row in rows:
            self.dataset.append(row)
