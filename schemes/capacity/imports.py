"""The capacity and demand workbook imported back (plans/imports.py: preview, then all or
nothing). Its first sheet as schemes/capacity/workbook.py writes it: a Demand and a Capacity
row per service type (found by its code), a column per month of the plan. Gap rows and the
schemes column are read past; every other problem is named by row and column."""

from __future__ import annotations

import datetime

from django.urls import reverse

from plans import permissions
from plans.imports import Change, Importer, Preview, Target, clears, compare, row_for
from plans.spreadsheets import CellError, read_content, read_xlsx
from schemes.capacity import services, workbook
from schemes.capacity.selectors import CapacityRow, capacity_demand

_FIGURES = {workbook.DEMAND.lower(): services.DEMAND, workbook.CAPACITY.lower(): services.CAPACITY}


def _count(text) -> tuple[int | None, str]:
    from schemes.capacity.views import parse_count

    if isinstance(text, float) and text.is_integer():
        text = int(text)
    try:
        return parse_count(str(text)), ""
    except ValueError as error:
        return None, str(error)


class CapacityImport(Importer):
    key = "capacity"
    title = "Import capacity and demand"
    noun = "rows"
    document = "workbook"
    help_template = "schemes/_capacity_import_help.html"
    action = permissions.EDIT_SCHEMES
    page = "schemes:capacity_grid"

    def target(self, request, *args, **kwargs) -> Target:
        plan = permissions.get_plan(request.user, kwargs["pk"], self.action)
        url = reverse(self.page, args=[plan.pk])
        return Target(plan=plan, back_url=url, done_url=url, caption="Capacity and demand")

    def preview(self, target: Target, content: bytes, extension: str) -> Preview:
        plan = target.plan
        sheet = read_xlsx(content) if extension == "xlsx" else read_content(content, extension)
        data = capacity_demand(plan)
        months = {workbook.month_header(m): m for m in data.months}
        known = {workbook.CODE, workbook.SERVICE, workbook.FIGURE, workbook.SCHEMES, *months}
        errors = [
            CellError(1, c, "This column is missing.")
            for c in (workbook.CODE, workbook.FIGURE)
            if c not in sheet.headers
        ]
        errors += [
            CellError(1, h, "This column is not a month of the plan nor one the import knows.")
            for h in sheet.headers
            if h and h not in known
        ]
        if errors:
            return Preview(errors=errors)
        rows_by_code = {row.service_type.code: row for row in data.rows}
        wanted: list[tuple[int, CapacityRow, str, dict[datetime.date, int | None]]] = []
        seen: dict[tuple[str, str], int] = {}
        for number, record in sheet.records:
            code = str(record.get(workbook.CODE) or "").strip()
            figure_text = str(record.get(workbook.FIGURE) or "").strip().lower()
            if figure_text.startswith("gap"):
                continue
            row_errors = []
            row = rows_by_code.get(code)
            if row is None:
                row_errors.append(
                    CellError(number, workbook.CODE, "Use the code of one of the service types.")
                )
            field = _FIGURES.get(figure_text)
            if field is None:
                row_errors.append(CellError(number, workbook.FIGURE, "Write Demand or Capacity."))
            elif (code, field) in seen:
                row_errors.append(
                    CellError(
                        number, workbook.FIGURE, f"The same row is on row {seen[code, field]}."
                    )
                )
            seen.setdefault((code, field or ""), number)
            values: dict[datetime.date, int | None] = {}
            for header, month in months.items():
                text = record.get(header)
                if text is None or str(text).strip() == "":
                    continue  # a blank cell keeps the figure
                if clears(str(text)):
                    values[month] = None
                    continue
                value, problem = _count(text)
                if problem:
                    row_errors.append(CellError(number, header, problem))
                else:
                    values[month] = value
            if row_errors or row is None or field is None:
                errors.extend(row_errors)
            else:
                wanted.append((number, row, field, values))
        if errors:
            return Preview(errors=errors)
        preview = Preview()
        for number, row, field, values in wanted:
            stored = {m.month: getattr(m, field) for m in row.months}
            changes: list[Change] = []
            for month, value in values.items():
                compare(changes, workbook.month_header(month), stored.get(month), value, _shown)
            type_id = row.service_type.pk

            def apply(user, type_id=type_id, field=field, values=values):
                return services.capacity_demand_set(
                    plan=plan,
                    rows={(type_id, m): {field: v} for m, v in values.items()},
                    user=user,
                )

            label = f"{row.service_type.label}: {field}"
            preview.rows.append(row_for(label=label, row=number, changes=changes, apply=apply))
        return preview


def _shown(value) -> str:
    return f"{value:,}"
