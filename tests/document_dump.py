"""Rendered documents as comparable data, for the tests that hold a document's output
fixed: a workbook as its sheets' cells (value, number format, fill, lock), drop-downs,
frozen panes and print settings; a PDF as the text of each page."""

from __future__ import annotations

import datetime
import io

from openpyxl import load_workbook

from tests.pdf import pdf_pages


def _value(value):
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time() else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def workbook_dump(content: bytes) -> dict:
    """Every sheet of a workbook: its cells (by reference) and their settings a reader sees."""
    workbook = load_workbook(io.BytesIO(content))
    sheets = {}
    for sheet in workbook.worksheets:
        cells = {}
        for row in sheet.iter_rows():
            for cell in row:
                if cell.value is None and cell.fill.fgColor.rgb in (None, "00000000"):
                    continue
                fill = cell.fill.fgColor.rgb if cell.fill.fill_type else None
                cells[cell.coordinate] = [
                    _value(cell.value),
                    cell.number_format,
                    fill,
                    bool(cell.font.bold),
                    bool(cell.protection.locked),
                ]
        sheets[sheet.title] = {
            "state": sheet.sheet_state,
            "cells": cells,
            "validations": sorted(
                [str(v.sqref), v.formula1, v.errorTitle or ""]
                for v in sheet.data_validations.dataValidation
            ),
            "freeze": sheet.freeze_panes,
            "protected": bool(sheet.protection.sheet),
            "print_titles": sheet.print_title_rows,
            "orientation": sheet.page_setup.orientation,
            "fit_width": sheet.page_setup.fitToWidth,
            "widths": {
                letter: round(dimension.width, 1)
                for letter, dimension in sorted(sheet.column_dimensions.items())
                if dimension.width
            },
        }
    return {"sheets": list(workbook.sheetnames), "detail": sheets}


def pdf_dump(content: bytes) -> list[str]:
    return pdf_pages(content)
