"""The schemes and quarterly spend imports (plans/imports.py): what a file would change.

Schemes are matched by name: a new name adds a scheme, a known one changes only the cells
that say something different. Quarterly spend is one row per scheme for one quarter.
"""

from __future__ import annotations

from django.urls import reverse

from plans import permissions
from plans.imports import ADD, Change, Importer, Preview, Row, Target, compare, row_for
from plans.money import format_pounds
from plans.periods import FinancialYear
from plans.spreadsheets import read_content
from schemes import services
from schemes.models import Scheme, SchemeQuarterSpend
from schemes.resources import METRICS, PROTECTION, STATUS, THEME, validate
from schemes.spend_resources import ACTUAL, FORECAST
from schemes.spend_resources import validate as validate_spend

_PROTECTION = dict(Scheme.Protection.choices)
_STATUS = dict(Scheme.Status.choices)


def _money(amount) -> str:
    return "" if amount is None else format_pounds(amount)


def _metrics(metrics) -> str:
    return ", ".join(m.code for m in metrics)


class SchemeImport(Importer):
    key = "schemes"
    title = "Import schemes"
    noun = "schemes"
    action = permissions.EDIT_SCHEMES
    page = "schemes:scheme_list"
    help_template = "schemes/_import_help.html"

    def preview(self, target: Target, content: bytes, extension: str) -> Preview:
        plan = target.plan
        existing = {
            s.name.lower(): s
            for s in plan.schemes.select_related("theme").prefetch_related("metrics", "budgets")
        }
        rows, errors = validate(plan, read_content(content, extension), existing=set(existing))
        if errors:
            return Preview(errors=errors)
        years = {y.start_year: y.label for y in plan.years}
        preview = Preview()
        for row in rows:
            scheme = existing.get(row.name.lower())
            if scheme is None:
                preview.rows.append(self._add(plan, row, years))
            else:
                preview.rows.append(self._change(scheme, row, years))
        return preview

    def _add(self, plan, row, years) -> Row:
        fields = {"protection": "", "metrics": [], **row.fields}
        values = [
            (THEME, fields["theme"].name),
            (STATUS, _STATUS[fields["status"]]),
            (PROTECTION, _PROTECTION[fields["protection"]] if fields["protection"] else ""),
            (METRICS, _metrics(fields["metrics"])),
            *[(f"{years[y]} (£)", _money(a)) for y, a in row.budgets.items()],
        ]

        def apply(user, plan=plan, name=row.name, fields=fields, budgets=row.budgets):
            return services.scheme_create(
                plan=plan, name=name, budgets=budgets, user=user, **fields
            )

        return Row(ADD, f"Scheme “{row.name}”", row.row, values=values, apply=apply)

    def _change(self, scheme, row, years) -> Row:
        changes: list[Change] = []
        fields: dict = {}
        for name, column, before, show in (
            ("theme", THEME, scheme.theme, lambda t: t.name),
            ("status", STATUS, scheme.status, _STATUS.get),
            ("protection", PROTECTION, scheme.protection, _PROTECTION.get),
            ("metrics", METRICS, sorted(scheme.metrics.all(), key=lambda m: m.pk), _metrics),
        ):
            if name not in row.fields:
                continue
            after = row.fields[name]
            if name == "metrics":
                after = sorted(after, key=lambda m: m.pk)
            if after != before:
                fields[name] = after
                compare(changes, column, before, after, show)
        stored = {b.year: b.amount for b in scheme.budgets.all()}
        budgets = {y: a for y, a in row.budgets.items() if a != stored.get(y)}
        for year, amount in budgets.items():
            compare(changes, f"{years[year]} (£)", stored.get(year), amount, format_pounds)

        def apply(user, scheme=scheme, fields=fields, budgets=budgets):
            return services.scheme_update(
                scheme=scheme,
                expected_version=scheme.lock_version,
                user=user,
                budgets=budgets or None,
                **fields,
            )

        return row_for(label=f"Scheme “{scheme.name}”", row=row.row, changes=changes, apply=apply)


class SpendImport(Importer):
    frozen_allowed = True  # spend is reported after the plan is agreed
    key = "spend"
    title = "Import spend"
    noun = "schemes"
    help_template = "schemes/_spend_import_help.html"

    def target(self, request, *, pk, year, quarter) -> Target:
        from schemes.views.spend import plan_and_period

        plan, period = plan_and_period(request, pk, year, quarter)
        url = reverse("schemes:spend_edit", args=[plan.pk, year, quarter])
        return Target(
            plan=plan,
            back_url=url,
            done_url=url,
            caption=period.label,
            extra={"year": year, "quarter": quarter},
        )

    def preview(self, target: Target, content: bytes, extension: str) -> Preview:
        plan, year, quarter = target.plan, target.extra["year"], target.extra["quarter"]
        rows, errors = validate_spend(plan, read_content(content, extension))
        if errors:
            return Preview(errors=errors)
        schemes = plan.schemes.in_bulk(list(rows))
        stored = {
            s.scheme_id: s
            for s in SchemeQuarterSpend.objects.filter(
                scheme__plan=plan, year=year, quarter=quarter
            )
        }
        preview = Preview()
        for scheme_id, (number, cells) in rows.items():
            scheme, spend = schemes[scheme_id], stored.get(scheme_id)
            before = (spend.forecast, spend.actual) if spend else (None, None)
            after = tuple(
                cells[i] if i in cells else before[i] for i in range(2)
            )  # a blank cell keeps what is stored

            def apply(user, scheme_id=scheme_id, after=after):
                return services.quarter_spend_set(
                    plan=plan, year=year, quarter=quarter, rows={scheme_id: after}, user=user
                )

            label = f"Scheme “{scheme.name}”, {FinancialYear(year).quarter(quarter).label}"
            if spend is None and after != (None, None):
                values = [(FORECAST, _money(after[0])), (ACTUAL, _money(after[1]))]
                preview.rows.append(Row(ADD, label, number, values=values, apply=apply))
                continue
            changes: list[Change] = []
            compare(changes, FORECAST, before[0], after[0], format_pounds)
            compare(changes, ACTUAL, before[1], after[1], format_pounds)
            preview.rows.append(row_for(label=label, row=number, changes=changes, apply=apply))
        return preview
