"""Spreadsheet exports that are safe to open: no cell is read as a formula."""

from decimal import Decimal

from django_tables2.export import TableExport

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


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
