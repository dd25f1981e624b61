"""The Part 2 workbook read back, every sheet, through the one import page (plans/imports.py).

What each sheet brings back (computed cells, such as totals, what schemes take and the
local authority's share, are worked out again, never read):

- Cover: the dates agreed and submitted, and the sign-offs (matched by whom they sign for;
  a new one is added);
- Summary: each year's minimum required, agreed pooled budget and protected social care
  stated;
- Funding Sources: each partner's contribution per year (partners as the plan names them);
- Expenditure Plan: every field of each scheme (matched by name); a new name adds a scheme,
  given its theme and whether it is new or existing;
- Metrics: the value of each baseline and target the plan holds (matched by metric, figure
  and dates); new ones are added on the metric's page.

Every cell is checked first (errors by sheet, row and column); a blank cell keeps what the
plan holds and "none" clears it. Each row is written through its app's service.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from metrics import services as metric_services
from metrics.models import Baseline, TrajectoryPoint
from plans import permissions
from plans import services as plan_services
from plans.imports import ADD, Importer, Preview, Row, Target, clears, compare, row_for
from plans.models import Contribution, Plan
from plans.money import format_pounds
from plans.periods import FinancialYear
from plans.templatetags.bcf_format import uk_date
from submissions.documents.part2 import (
    _year_header,
)
from submissions.documents.part2_cells import SheetRows, date_of, pounds_or_blank, text_of, value_of

_KINDS = {label.lower(): value for value, label in Contribution.Kind.choices}


class Part2Import(Importer):
    key = "part2"
    title = "Import a Part 2 workbook"
    noun = "rows"
    document = "workbook"
    extensions = ("xlsx",)
    by_sheet = True
    action = permissions.EDIT_SCHEMES
    page = "submissions:document_list"
    help_template = "submissions/documents/_part2_import_help.html"

    def preview(self, target: Target, content: bytes, extension: str = "xlsx") -> Preview:
        return part2_preview(target.plan, content)


def part2_preview(plan: Plan, content: bytes) -> Preview:
    """What a Part 2 workbook would change in the plan, sheet by sheet (each sheet read by
    the importer its framework's layout names); nothing is written."""
    from submissions.documents.render import plan_workbook_preview

    return plan_workbook_preview(plan, content)


# Cover ---------------------------------------------------------------------------------------

_DATES = {
    "Dates agreed at Health and Wellbeing Board": "dates_agreed",
    "Dates submitted": "dates_submitted",
}
_SIGN_OFF = ("Signed on behalf of", "Name", "Position", "Date")


def read_cover(plan: Plan, content: bytes, preview: Preview, name: str = "Cover") -> None:
    sheet = SheetRows(content, name, preview.errors, header_row=0)
    signing = None  # the row of the sign-off table's header, once found
    sign_offs = {s.on_behalf_of.strip().lower(): s for s in plan.sign_offs.all()}
    seen: dict[str, int] = {}
    for number, record in sheet.records:
        cells = [text_of(record.get(letter)) for letter in "ABCD"]
        if tuple(cells) == _SIGN_OFF:
            signing = number
            continue
        if signing is None:
            name = _DATES.get(cells[0])
            if name is None or not cells[1]:
                continue  # the plan's details are shown, not imported (see the page)
            after = "" if clears(cells[1]) else cells[1]
            changes = []
            compare(changes, cells[0], getattr(plan, name), after)

            def apply(user, name=name, after=after):
                current = Plan.objects.get(pk=plan.pk)
                return plan_services.plan_update(
                    plan=current, expected_version=None, user=user, **{name: after}
                )

            preview.rows.append(
                row_for(label=cells[0], row=number, changes=changes, apply=apply, sheet=sheet.name)
            )
            continue
        _sign_off(plan, sheet, number, record, sign_offs, seen, preview)


def _sign_off(plan, sheet, number, record, sign_offs, seen, preview) -> None:
    on_behalf_of = text_of(record.get("A"))
    if not on_behalf_of:
        sheet.bad(number, "A", "Enter whom the sign-off is on behalf of.")
        return
    if on_behalf_of.lower() in seen:
        sheet.bad(number, "A", f"The same sign-off is on row {seen[on_behalf_of.lower()]}.")
        return
    seen[on_behalf_of.lower()] = number
    fields = {}
    for letter, name in (("B", "name"), ("C", "position")):
        text = text_of(record.get(letter))
        if text:
            fields[name] = "" if clears(text) else text
    value = record.get("D")
    if text_of(value):
        try:
            fields["signed_on"] = None if clears(text_of(value)) else date_of(value)
        except ValueError:
            sheet.bad(number, "D", "Enter a date, like 1 April 2014.")
            return
    label = f"Sign-off on behalf of {on_behalf_of}"
    existing = sign_offs.get(on_behalf_of.lower())
    if existing is None:
        if not fields.get("name") or not fields.get("position"):
            sheet.bad(number, "B", "Enter the name and position of a new sign-off.")
            return
        fields.setdefault("signed_on", None)
        values = [
            ("Name", fields["name"]),
            ("Position", fields["position"]),
            ("Date", uk_date(fields["signed_on"]) if fields["signed_on"] else ""),
        ]

        def add(user, fields=fields):
            return plan_services.sign_off_add(
                plan=plan, on_behalf_of=on_behalf_of, user=user, **fields
            )

        preview.rows.append(Row(ADD, label, number, sheet.name, values=values, apply=add))
        return
    changes = []
    for name, header in (("name", "Name"), ("position", "Position"), ("signed_on", "Date")):
        if name in fields:
            show = uk_date if name == "signed_on" else str
            compare(changes, header, getattr(existing, name), fields[name], show)
    fields = {k: v for k, v in fields.items() if v != getattr(existing, k)}

    def change(user, existing=existing, fields=fields):
        return plan_services.sign_off_update(
            sign_off=existing, expected_version=existing.lock_version, user=user, **fields
        )

    preview.rows.append(
        row_for(label=label, row=number, changes=changes, apply=change, sheet=sheet.name)
    )


# Summary --------------------------------------------------------------------------------------

_YEAR = "Financial year"
_SUMMARY = {
    "Minimum required (£)": "minimum_required",
    "Total agreed pooled budget (£)": "agreed_total",
    "Protected social care stated (£)": "protected_social_care_stated",
}


def read_summary(plan: Plan, content: bytes, preview: Preview, name: str = "Summary") -> None:
    sheet = SheetRows(content, name, preview.errors)
    if not sheet.require([_YEAR, *_SUMMARY]):
        return
    stored = {y.year: y for y in plan.plan_years.all()}
    for number, record in sheet.records:
        try:
            year = FinancialYear.parse(text_of(record.get(_YEAR)))
        except ValueError:
            sheet.bad(number, _YEAR, "Enter a financial year of the plan, like 2015/16.")
            continue
        if not plan.covers(year.start_year):
            sheet.bad(number, _YEAR, f"{year.label} is outside this plan ({plan.years_label}).")
            continue
        plan_year = stored.get(year.start_year)
        after = {name: getattr(plan_year, name, None) for name in _SUMMARY.values()}
        for header, name in _SUMMARY.items():
            filled, amount = sheet.money(
                number, header, record, required=name != "protected_social_care_stated"
            )
            if filled:
                after[name] = amount
        if after["minimum_required"] is None or after["agreed_total"] is None:
            if any(v is not None for v in after.values()):
                sheet.bad(number, "Total agreed pooled budget (£)", "Enter the year's budget.")
            continue
        changes = []
        for header, name in _SUMMARY.items():
            compare(changes, header, getattr(plan_year, name, None), after[name], format_pounds)

        def apply(user, year=year.start_year, after=after):
            return plan_services.plan_year_set(plan=plan, year=year, user=user, **after)

        label = f"Pooled budget {year.label}"
        if plan_year is None:
            values = [(h, pounds_or_blank(after[n])) for h, n in _SUMMARY.items()]
            preview.rows.append(Row(ADD, label, number, sheet.name, values=values, apply=apply))
        else:
            preview.rows.append(
                row_for(label=label, row=number, changes=changes, apply=apply, sheet=sheet.name)
            )


# Funding Sources ------------------------------------------------------------------------------


def read_funding(
    plan: Plan, content: bytes, preview: Preview, name: str = "Funding Sources"
) -> None:
    sheet = SheetRows(content, name, preview.errors)
    years = {_year_header(y): y for y in plan.years}
    if not sheet.require(["Organisation", "Contribution", *years]):
        return
    partners = {o.name.lower(): o for o in plan.ccgs.all()}
    if plan.local_authority_id:
        partners[plan.local_authority.name.lower()] = plan.local_authority
    stored = {
        (c.organisation_id, plan_services.contribution_row(c), c.year): c.amount
        for c in plan.contributions.select_related("stream")
    }
    # A row names a funding stream of the plan's framework, or a kind of contribution.
    rows_by_label = {
        **_KINDS,
        **{s.name.lower(): s.code for s in plan_services.contribution_streams(plan)},
    }
    for number, record in sheet.records:
        name = text_of(record.get("Organisation"))
        if name.lower() == "total":
            continue  # worked out again
        organisation = partners.get(name.lower())
        kind = rows_by_label.get(text_of(record.get("Contribution")).lower())
        if organisation is None:
            sheet.bad(number, "Organisation", "Use a partner of this plan (see Partners).")
        if kind is None:
            sheet.bad(
                number,
                "Contribution",
                "Use a funding stream of the plan's framework or a kind of contribution.",
            )
        if organisation is None or kind is None:
            continue
        cells, changes = {}, []
        for header, year in years.items():
            filled, amount = sheet.money(number, header, record)
            key = (organisation.pk, kind, year.start_year)
            if filled and amount != stored.get(key):
                cells[key] = (stored.get(key), amount)
                compare(changes, header, stored.get(key), amount, format_pounds)

        def apply(user, cells=cells):
            return plan_services.contributions_save(plan=plan, cells=cells, user=user)

        label = f"{organisation.name}, {text_of(record.get('Contribution'))}"
        if not any(key[:2] == (organisation.pk, kind) for key in stored) and cells:
            values = [(c.column, c.after) for c in changes]
            preview.rows.append(Row(ADD, label, number, sheet.name, values=values, apply=apply))
        else:
            preview.rows.append(
                row_for(label=label, row=number, changes=changes, apply=apply, sheet=sheet.name)
            )


# Metrics --------------------------------------------------------------------------------------

_FIGURES = ("Metric", "Figure", "From", "To", "Value")


def read_metrics(plan: Plan, content: bytes, preview: Preview, name: str = "Metrics") -> None:
    sheet = SheetRows(content, name, preview.errors)
    if not sheet.require(_FIGURES):
        return
    figures = {}
    for figure in Baseline.objects.filter(plan=plan).select_related("metric"):
        figures[(figure.metric.name.lower(), "baseline", figure.start, figure.end)] = figure
    for figure in TrajectoryPoint.objects.filter(plan=plan).select_related("metric"):
        figures[(figure.metric.name.lower(), "target", figure.start, figure.end)] = figure
    for number, record in sheet.records:
        try:
            start, end = date_of(record.get("From")), date_of(record.get("To"))
        except ValueError:
            sheet.bad(number, "From", "Enter the figure's dates as the workbook gives them.")
            continue
        key = (
            text_of(record.get("Metric")).lower(),
            text_of(record.get("Figure")).lower(),
            start,
            end,
        )
        figure = figures.get(key)
        if figure is None:
            sheet.bad(
                number,
                "Metric",
                "This is not one of the plan's baselines or targets; add new ones on the "
                "metric's page.",
            )
            continue
        text = text_of(record.get("Value"))
        if not text:
            value = figure.value
        else:
            try:
                value = Decimal(str(value_of(record.get("Value"))).replace(",", ""))
                if not value.is_finite() or value < 0:
                    raise InvalidOperation
            except InvalidOperation:
                sheet.bad(number, "Value", "Enter a number that is not negative, like 606.4.")
                continue
        changes = []
        compare(changes, "Value", figure.value, value, lambda v: f"{v.normalize():,f}")
        label = (
            f"{figure.metric.name}, {text_of(record.get('Figure')).lower()} {figure.period_label}"
        )

        def apply(user, figure=figure, value=value):
            period = {"granularity": figure.granularity, "start": figure.start, "end": figure.end}
            if isinstance(figure, Baseline):
                return metric_services.baseline_set(
                    plan=plan,
                    metric=figure.metric,
                    value=value,
                    denominator=figure.denominator,
                    note=figure.note,
                    expected_version=figure.lock_version,
                    user=user,
                    **period,
                )
            return metric_services.target_update(
                point=figure,
                expected_version=figure.lock_version,
                value=value,
                denominator=figure.denominator,
                note=figure.note,
                user=user,
                **period,
            )

        preview.rows.append(
            row_for(label=label, row=number, changes=changes, apply=apply, sheet=sheet.name)
        )
