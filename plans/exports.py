"""Spreadsheet exports that are safe to open: no cell is read as a formula."""

from django_tables2.export import TableExport

_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """Text that a spreadsheet would run as a formula is prefixed with a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_STARTS):
        return "'" + value
    return value


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
