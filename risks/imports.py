"""The risk register import (plans/imports.py): risks matched by description; a new one is
added, a known one changes only in the cells that say something different."""

from __future__ import annotations

from django.shortcuts import redirect

from plans import permissions
from plans.imports import ADD, Importer, Preview, Row, Target, compare, row_for
from plans.spreadsheets import read_content
from plans.templatetags.bcf_format import uk_date
from risks import selectors, services
from risks.models import Risk
from risks.resources import COLUMNS, validate

_HEADERS = {name: header for header, name in COLUMNS.items()}
_STATUS = dict(Risk.Status.choices)


def _show(name):
    if name == "category":
        return lambda category: category.name
    if name == "next_review":
        return uk_date
    if name == "status":
        return _STATUS.get
    return str


class RiskImport(Importer):
    frozen_allowed = True
    key = "risks"
    title = "Import risks"
    noun = "risks"
    help_template = "risks/_import_help.html"
    columns = tuple(COLUMNS)

    action = permissions.EDIT_RISKS
    page = "risks:register"

    def target(self, request, *, pk):
        target = super().target(request, pk=pk)
        register = selectors.register_for(plan=target.plan)
        if register is None:  # a register is set up first
            return redirect("risks:register_edit", pk=pk)
        target.extra["register"] = register
        return target

    def preview(self, target: Target, content: bytes, extension: str) -> Preview:
        register = target.extra["register"]
        existing = {
            r.description.strip().lower(): r for r in register.risks.select_related("category")
        }
        rows, errors = validate(register, read_content(content, extension), existing=set(existing))
        if errors:
            return Preview(errors=errors)
        preview = Preview()
        for row in rows:
            description = row.fields["description"]
            risk = existing.get(description.strip().lower())
            label = f"Risk “{description[:80]}”"
            if risk is None:
                values = [
                    (_HEADERS[name], _show(name)(value))
                    for name, value in row.fields.items()
                    if value not in ("", None)
                ]

                def add(user, fields=row.fields):
                    return services.risk_create(register=register, user=user, **fields)

                preview.rows.append(Row(ADD, label, row.row, values=values, apply=add))
                continue
            changes, fields = [], {}
            for name, value in row.fields.items():
                if name != "description" and getattr(risk, name) != value:
                    fields[name] = value
                    compare(changes, _HEADERS[name], getattr(risk, name), value, _show(name))

            def change(user, risk=risk, fields=fields):
                return services.risk_update(
                    risk=risk, expected_version=risk.lock_version, user=user, **fields
                )

            preview.rows.append(row_for(label=label, row=row.row, changes=changes, apply=change))
        return preview
