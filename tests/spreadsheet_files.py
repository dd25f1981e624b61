"""Spreadsheet files for import tests, including ones that lie about their own size.

An .xlsx sheet states the range it covers in `<dimension ref="…"/>`; `xlsx_bytes` writes
real rows and can replace that statement, as a hostile or broken file would.
"""

from __future__ import annotations

import io
import re
import zipfile

from openpyxl import Workbook

WHOLE_SHEET = "A1:XFD1048576"


def xlsx_bytes(
    rows, *, dimension: str | None = None, cells: dict[str, object] | None = None, sheet="Sheet"
) -> bytes:
    """An .xlsx file of `rows` (plus single `cells` by reference, e.g. {"XFD1048576": "x"}),
    whose first sheet declares `dimension` if given instead of the range it really holds."""
    workbook = Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    for row in rows:
        worksheet.append(list(row))
    for reference, value in (cells or {}).items():
        worksheet[reference] = value
    buffer = io.BytesIO()
    workbook.save(buffer)
    content = buffer.getvalue()
    return content if dimension is None else declare_dimension(content, dimension)


def declare_dimension(content: bytes, dimension: str, *, sheet_number: int = 1) -> bytes:
    """The same .xlsx file with its `sheet_number`th sheet declaring `dimension`."""
    target = f"xl/worksheets/sheet{sheet_number}.xml"
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == target:
                data, count = re.subn(
                    rb'<dimension ref="[^"]*"\s*/>',
                    f'<dimension ref="{dimension}"/>'.encode(),
                    data,
                )
                assert count == 1, "the sheet had no dimension to replace"
            out.writestr(item.filename, data)
    return buffer.getvalue()


def xlsx_unpacking_to(size: int) -> bytes:
    """A small .xlsx file whose sheet XML unpacks to more than `size` bytes (of blanks)."""
    content = xlsx_bytes([["Scheme"]])
    source = zipfile.ZipFile(io.BytesIO(content))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * size)
            out.writestr(item.filename, data)
    return buffer.getvalue()
