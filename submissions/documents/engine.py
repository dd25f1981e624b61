"""The template engine: any submission template declared as data (a framework pack's
layout, frameworks/template_spec.py) rendered as an Excel workbook in NHS England's
conventions or as a PDF, and its input sheets read back.

The layout says where each thing goes; what each name in it means is the registry's
(submissions/documents/template_registry.py). A workbook:

- each sheet: its title in A1, a note in A2, then its blocks from row 3 down: fields
  (a label in A, the value in B), tables (a header row, then a row per item of a named
  row source; a column marked `each: year` is repeated for each year of the plan),
  headings and gaps;
- cells a planner fills in (`input: true`) pale yellow and unlocked; a drop-down (`list`)
  as a data validation; a sheet marked `protect` locked but for its inputs;
- a checker column where a table's inputs carry checks (or a checker cell beside a field):
  an Excel formula that is TRUE when the input passes, turning green by conditional
  formatting (red while it does not);
- text as text, money in pounds, dates as dates, figures at their kind's precision; every
  sheet prints on A4 fitted to the width with its header rows repeated (plans/workbooks.py).

A PDF: a layout of sections (headings numbered as the template numbers them, each with
its narrative, named blocks, fields and tables) or of sheets (each printed as a section),
through the print stylesheet and governance's `html_to_pdf`.

Reading back: each sheet that names an importer is read by it through the one import page
(plans/imports.py): a preview, errors by sheet, row and column, all or nothing.
"""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.template.loader import render_to_string
from openpyxl import Workbook
from openpyxl.formatting.rule import FormulaRule
from openpyxl.styles import Alignment, Border, Font, PatternFill, Protection, Side
from openpyxl.utils import get_column_letter

from plans import presentation, workbooks
from plans.imports import Preview
from submissions.documents import template_registry as registry
from submissions.documents.template_registry import Context, Shown

HEADER_ROW = 3  # row 1: the sheet's title; row 2: a note; row 3: the first block
MONEY_FORMAT = workbooks.MONEY_FORMAT
FORMATS = {
    "money": MONEY_FORMAT,
    "percent": "0.00",
    "count": presentation.EXCEL_FORMATS[presentation.COUNT],
    "text": "@",
}

_TITLE = Font(bold=True, size=14)
_BOLD = Font(bold=True)
_HEADER_FILL = PatternFill("solid", fgColor="E8EDEE")
# NHS England's templates mark the cells to fill in with a pale yellow...
INPUT_FILL = PatternFill("solid", fgColor="FFF2CC")
# ...and their checker cells turn green when what was entered passes, red while it does not.
_PASS_FILL = PatternFill("solid", fgColor="C6EFCE", bgColor="C6EFCE")
_FAIL_FILL = PatternFill("solid", fgColor="FFC7CE", bgColor="FFC7CE")
_THIN = Side(style="thin", color="AEB7BD")
_BORDER = Border(left=_THIN, right=_THIN, top=_THIN, bottom=_THIN)
CHECKER_HEADER = "Checker"


# Writing cells -------------------------------------------------------------------------------


def put(sheet, row: int, column: int, value, *, number_format=None, entry=False):
    """Write one cell: text as text (never a formula), numbers as numbers, dates as dates,
    inputs styled as inputs; a number format is for numbers and empty cells, not text."""
    bold = False
    if isinstance(value, Shown):
        bold = value.bold
        entry = entry if value.input is None else value.input
        number_format = value.number_format or number_format
        value = value.value
    if isinstance(value, Decimal):
        value = float(value) if value != value.to_integral_value() else int(value)
    cell = sheet.cell(row=row, column=column)
    if isinstance(value, datetime.date) or number_format == "date":
        workbooks.date_cell(cell, value)
    else:
        workbooks.text_cell(cell, value)
    cell.border = _BORDER
    if number_format in ("figure", "general"):  # a figure's Shown gives its own format
        number_format = None
    if number_format and number_format != "date" and not isinstance(value, str):
        cell.number_format = FORMATS.get(number_format, number_format)
    if entry:
        cell.fill = INPUT_FILL
        cell.protection = Protection(locked=False)
    if bold:
        cell.font = _BOLD
    return cell


def _header_row(sheet, headers: list[str], row: int) -> None:
    for column, header in enumerate(headers, start=1):
        cell = workbooks.text_cell(sheet.cell(row=row, column=column), header)
        cell.font, cell.fill, cell.border = _BOLD, _HEADER_FILL, _BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        # A table lower down a sheet never narrows a column the cells above it need.
        workbooks.widen(sheet, column, max(12, min(40, len(header) + 4)))
    sheet.freeze_panes = sheet.cell(row=row + 1, column=1)


# Checker rules: each an Excel formula, TRUE when the input passes ----------------------------


def checker_formula(rule: str, ref: str, *, list_range: str | None = None) -> str:
    """The formula of a checker cell: TRUE when the input at `ref` passes `rule`."""
    if rule == "filled":
        return f"LEN(TRIM({ref}))>0"
    if rule == "not_negative":
        return f'OR({ref}="",AND(ISNUMBER({ref}),{ref}>=0))'
    if rule == "percent":
        return f'OR({ref}="",AND(ISNUMBER({ref}),{ref}>=0,{ref}<=100))'
    if rule == "date":
        return f'OR({ref}="",ISNUMBER({ref}))'
    if rule == "in_list":
        return f'OR({ref}="",ISNUMBER(MATCH({ref},{list_range},0)))'
    raise ValueError(f"No checker rule {rule}.")


def _rules(item: dict) -> list[str]:
    check = item.get("check")
    return [] if check is None else (check if isinstance(check, list) else [check])


@dataclass
class _Checks:
    """The checker cells of a sheet: each cell's rules over the inputs of its row (or its
    field), written as one formula once the drop-downs have their ranges."""

    cells: dict[str, list[tuple[str, str, str | None]]] = field(default_factory=dict)

    def add(self, checker_ref: str, rules: list[str], input_ref: str, list_range):
        self.cells.setdefault(checker_ref, []).extend(
            (rule, input_ref, list_range) for rule in rules
        )


def _write_checks(sheet, checks: _Checks) -> None:
    for checker_ref, rules in checks.cells.items():
        # a drop-down with nothing to offer (an empty catalogue) has nothing to check against
        formulas = [
            checker_formula(r, ref, list_range=lists)
            for r, ref, lists in rules
            if r != "in_list" or lists is not None
        ]
        if not formulas:
            continue
        cell = sheet[checker_ref]
        cell.value = "=" + (formulas[0] if len(formulas) == 1 else f"AND({','.join(formulas)})")
        cell.border = _BORDER
        cell.alignment = Alignment(horizontal="center")
        sheet.conditional_formatting.add(
            checker_ref, FormulaRule(formula=[f"{checker_ref}=TRUE"], fill=_PASS_FILL)
        )
        sheet.conditional_formatting.add(
            checker_ref, FormulaRule(formula=[f"{checker_ref}=FALSE"], fill=_FAIL_FILL)
        )


def _list_range(sheet, validation) -> str | None:
    """A drop-down's values as a range a formula can count in."""
    if validation is None:
        return None
    formula = validation.formula1
    if formula.startswith('"'):
        return "{" + ",".join(f'"{v}"' for v in formula.strip('"').split(",")) + "}"
    return formula


# A workbook ----------------------------------------------------------------------------------


def _columns(columns: list[dict], ctx: Context) -> list[tuple[dict, object]]:
    """Each column of a table, a column of each year repeated per year (with that year)."""
    result = []
    for column in columns:
        if column.get("each") == "year":
            for year in ctx.years:
                header = column["header"].replace("{year}", year.label)
                result.append(({**column, "header": header}, year))
        else:
            result.append((column, None))
    return result


def _fields_block(sheet, fields: list[dict], ctx: Context, row: int, checks: _Checks) -> int:
    for item in fields:
        put(sheet, row, 1, item["label"]).font = _BOLD
        value = registry.value(item["value"], ctx)
        put(sheet, row, 2, value, number_format=item.get("format"), entry=item.get("input"))
        validation = None
        if item.get("list"):
            title, values = registry.options(item["list"], ctx)
            validation = workbooks.dropdown(
                sheet, column=2, first_row=row, last_row=row, values=values, title=title
            )
        if _rules(item):
            checks.add(f"C{row}", _rules(item), f"B{row}", _list_range(sheet, validation))
        row += 1
    return row


def _table_block(sheet, table: dict, ctx: Context, row: int, checks: _Checks) -> int:
    columns = _columns(table["columns"], ctx)
    checked = any(_rules(c) for c, _ in columns)
    headers = [c["header"] for c, _ in columns] + ([CHECKER_HEADER] if checked else [])
    _header_row(sheet, headers, row)
    items = registry.rows(table["rows"], ctx)
    first = row + 1
    for offset, item in enumerate(items):
        for number, (column, year) in enumerate(columns, start=1):
            value = registry.value(column["value"], ctx, item=item, year=year)
            put(
                sheet,
                first + offset,
                number,
                value,
                number_format=column.get("format"),
                entry=column.get("input"),
            )
    last = first + max(len(items), 1) - 1
    for number, (column, _year) in enumerate(columns, start=1):
        validation = None
        if column.get("list"):
            title, values = registry.options(column["list"], ctx)
            validation = workbooks.dropdown(
                sheet, column=number, first_row=first, last_row=last, values=values, title=title
            )
        if checked and _rules(column):
            letter = get_column_letter(number)
            for at in range(first, first + len(items)):
                checks.add(
                    f"{get_column_letter(len(headers))}{at}",
                    _rules(column),
                    f"{letter}{at}",
                    _list_range(sheet, validation),
                )
    for number, (column, _year) in enumerate(columns, start=1):
        if column.get("width"):
            sheet.column_dimensions[get_column_letter(number)].width = column["width"]
    return first + len(items)


def _sheet(workbook: Workbook, spec: dict, ctx: Context) -> None:
    sheet = workbook.create_sheet(spec["name"])
    sheet["A1"] = spec.get("title") or spec["name"]
    sheet["A1"].font = _TITLE
    sheet["A2"] = spec.get("note") or None
    sheet["A2"].alignment = Alignment(wrap_text=False)
    row, checks = HEADER_ROW, _Checks()
    for block in spec["blocks"]:
        ((kind, body),) = block.items()
        if kind == "fields":
            row = _fields_block(sheet, body, ctx, row, checks)
        elif kind == "table":
            row = _table_block(sheet, body, ctx, row, checks)
        elif kind == "heading":
            sheet.cell(row=row, column=1, value=body).font = _BOLD
            row += 1
        elif kind == "gap":
            row += body
    if spec.get("freeze") is False:
        sheet.freeze_panes = None
    for letter, width in (spec.get("widths") or {}).items():
        sheet.column_dimensions[letter].width = width
    _write_checks(sheet, checks)
    if spec.get("protect"):
        workbooks.protect(sheet)


def render_xlsx(layout: dict, ctx: Context) -> bytes:
    """A workbook of the layout's sheets, read through the registry from `ctx`."""
    workbook = Workbook()
    workbook.remove(workbook.active)
    printed = {}
    for spec in layout["sheets"]:
        _sheet(workbook, spec, ctx)
        printed[spec["name"]] = spec
    for sheet in workbook.worksheets:
        spec = printed.get(sheet.title)
        if spec is None:  # the hidden Lists sheet of long drop-downs
            continue
        workbooks.fit_columns(sheet, first_row=HEADER_ROW)
        titles = (1, HEADER_ROW) if spec.get("print_titles", True) else ()
        workbooks.print_layout(sheet, header_rows=titles)
    if layout.get("title"):
        workbook.properties.title = str(registry.value(layout["title"], ctx))
        workbook.properties.language = "en-GB"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# A PDF ---------------------------------------------------------------------------------------


@dataclass
class _Printed:
    """A block, field list or table made ready for the PDF template."""

    kind: str
    body: object = None
    caption: str = ""


def _printed_table(table: dict, ctx: Context) -> dict:
    columns = _columns(table["columns"], ctx)
    numeric = [c.get("format") in ("money", "percent", "count", "figure") for c, _ in columns]
    rows = []
    for item in registry.rows(table["rows"], ctx):
        cells = []
        for (column, year), number in zip(columns, numeric, strict=True):
            value = registry.value(column["value"], ctx, item=item, year=year)
            # Words in a column of figures ("Not broken down in the source") wrap as text
            # rather than holding the table wider than the page, as a figure is held.
            figure = number and not isinstance(value, str)
            cells.append((registry.printed(value, column.get("format")), figure))
        rows.append(cells)
    headers = [c["header"] for c, _ in columns]
    return {
        "caption": table.get("title") or "",
        "headers": headers,
        "header_cells": list(zip(headers, numeric, strict=True)),
        "rows": rows,
    }


def _printed_fields(fields: list[dict], ctx: Context) -> list[tuple[str, str]]:
    return [
        (f["label"], registry.printed(registry.value(f["value"], ctx), f.get("format")))
        for f in fields
    ]


def _content(items: list[dict], ctx: Context) -> list[_Printed]:
    result = []
    for item in items:
        if "narrative" in item:
            text = ctx.narrative(item["narrative"])
            result.append(_Printed("narrative", text, "optional" if item.get("optional") else ""))
        elif "block" in item:
            result.append(_Printed("block", registry.block(item["block"], ctx)))
        elif "text" in item:
            result.append(_Printed("text", item["text"]))
        elif "fields" in item:
            result.append(_Printed("fields", _printed_fields(item["fields"], ctx)))
        elif "table" in item:
            result.append(_Printed("table", _printed_table(item["table"], ctx)))
    return result


def _sections(sections: list[dict], ctx: Context, prefix: str = "") -> list[dict]:
    result = []
    for number, section in enumerate(sections, start=1):
        anchor = section.get("id") or f"{prefix}section-{number}"
        result.append(
            {
                "heading": section["heading"],
                "id": anchor,
                "content": _content(section.get("content") or [], ctx),
                "sections": _sections(section.get("sections") or [], ctx, f"{anchor}-"),
            }
        )
    return result


def _sheet_sections(sheets: list[dict], ctx: Context) -> list[dict]:
    """A workbook's sheets printed one after another: each a section of its tables."""
    result = []
    for number, spec in enumerate(sheets, start=1):
        content: list[_Printed] = []
        if spec.get("note"):
            content.append(_Printed("text", spec["note"]))
        for block in spec["blocks"]:
            ((kind, body),) = block.items()
            if kind == "fields":
                content.append(_Printed("fields", _printed_fields(body, ctx)))
            elif kind == "table":
                content.append(_Printed("table", _printed_table(body, ctx)))
            elif kind == "heading":
                content.append(_Printed("subheading", body))
        result.append(
            {"heading": spec["name"], "id": f"sheet-{number}", "content": content, "sections": []}
        )
    return result


def render_html(layout: dict, ctx: Context, *, name: str) -> str:
    sections = (
        _sections(layout["sections"], ctx)
        if layout.get("sections") is not None
        else _sheet_sections(layout["sheets"], ctx)
    )
    return render_to_string(
        "submissions/documents/engine.html",
        {**ctx.document(), "subtitle": layout.get("note") or name, "sections": sections},
    )


def render_pdf(layout: dict, ctx: Context, *, name: str) -> bytes:
    from governance.pdf import html_to_pdf

    return html_to_pdf(render_html(layout, ctx, name=name), tagged=True)


# Reading a workbook back ----------------------------------------------------------------------


def preview_xlsx(layout: dict, ctx: Context, content: bytes) -> Preview:
    """What a workbook of this layout would change, sheet by sheet, through each sheet's
    importer; nothing is written. Any problem anywhere: the errors alone (all or nothing)."""
    preview = Preview()
    for spec in layout["sheets"]:
        if spec.get("import"):
            registry.importer(spec["import"])(ctx, spec, content, preview)
    if preview.errors:
        return Preview(errors=preview.errors)
    return preview
