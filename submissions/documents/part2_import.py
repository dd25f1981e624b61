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

import datetime
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from django.urls import reverse
from openpyxl.utils import get_column_letter

from metrics import services as metric_services
from metrics.models import Baseline, TrajectoryPoint
from plans import permissions
from plans import services as plan_services
from plans.exports import cell_text
from plans.imports import ADD, Importer, Preview, Row, Target, clears, compare, row_for
from plans.models import Contribution, Plan
from plans.money import MoneyError, format_pounds, parse_money
from plans.periods import FinancialYear
from plans.spreadsheets import SpreadsheetError, read_xlsx
from plans.templatetags.bcf_format import uk_date
from schemes import services as scheme_services
from schemes.models import AreaOfSpend, Scheme, SchemeSubType, SchemeType
from submissions.documents.part2 import (
    COL_AREA,
    COL_COMMISSIONER,
    COL_DESCRIPTION,
    COL_ID,
    COL_NAME,
    COL_NHS,
    COL_PROVIDER,
    COL_SOURCE,
    COL_STATUS,
    COL_SUB_TYPE,
    COL_THEME,
    COL_TYPE,
    COMMISSIONER_LABELS,
    HEADER_ROW,
    SHEET_EXPENDITURE,
    _year_header,
    expenditure_headers,
)

_STATUS = dict(Scheme.Status.choices)
_KINDS = {label.lower(): value for value, label in Contribution.Kind.choices}


@dataclass(frozen=True)
class CellError:
    sheet: str
    row: int
    column: str  # the column's letter and header: "M (2014/15 (£))"
    message: str

    def __str__(self):
        return f"{self.sheet}, row {self.row}, column {self.column}: {self.message}"


def _text(value) -> str:
    """A cell as text, without the quote `safe_cell` put before a formula-like start."""
    if value is None:
        return ""
    if isinstance(value, datetime.datetime):
        return value.date().isoformat()
    return cell_text(value)


def _cell(value):
    """A cell's number as it is, or its text without the quote `safe_cell` added."""
    return _text(value) if isinstance(value, str) else value


def _percent(value) -> Decimal | None:
    """A share from 0 to 100 (a number, or text such as "40" or "40%")."""
    if isinstance(value, bool):
        raise ValueError
    text = _text(value).rstrip("%").strip() if isinstance(value, str) else str(value)
    try:
        share = Decimal(text)
    except InvalidOperation as error:
        raise ValueError from error
    if not share.is_finite() or not 0 <= share <= 100 or share != share.quantize(Decimal("0.01")):
        raise ValueError
    return share.quantize(Decimal("0.01"))


def _date(value) -> datetime.date:
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    for pattern in ("%d %B %Y", "%d/%m/%Y", "%Y-%m-%d", "%d %b %Y"):
        try:
            return datetime.datetime.strptime(_text(value), pattern).date()
        except ValueError:
            continue
    raise ValueError


def _money(value) -> str:
    return "" if value is None else format_pounds(value)


class _Sheet:
    """One sheet's rows as {header: value}, and its problems named by sheet, row and column."""

    def __init__(self, content: bytes, name: str, errors: list, header_row: int = HEADER_ROW):
        self.name, self.errors, self.records, self.letters = name, errors, [], {}
        try:
            sheet = read_xlsx(content, sheet=name, header_row=header_row)
        except SpreadsheetError as error:
            # A sheet taken out of the workbook is left as the plan holds it; the schemes'
            # sheet is what the workbook is for.
            if name == SHEET_EXPENDITURE or not str(error).startswith("The workbook has no"):
                errors.append(CellError(name, 0, "–", str(error)))
            return
        headers = [_text(h) for h in sheet.headers]
        self.headers = headers
        self.letters = {h: f"{get_column_letter(i)} ({h})" for i, h in enumerate(headers, 1) if h}
        if not header_row:  # columns by letter
            self.letters = {h: h for h in headers}
        for number, record in sheet.records:
            record = {_text(h): v for h, v in record.items() if _text(h)}
            if any(_text(v) for v in record.values()):
                self.records.append((number, record))

    def require(self, headers) -> bool:
        missing = [h for h in headers if h not in self.letters]
        for header in missing:
            self.errors.append(CellError(self.name, HEADER_ROW, header, "This column is missing."))
        return not missing and bool(self.letters)

    def bad(self, number: int, header: str, message: str) -> None:
        self.errors.append(CellError(self.name, number, self.letters.get(header, header), message))

    def money(self, number, header, record, *, required=False):
        """(filled in?, amount or None if cleared) of a money cell; a problem is recorded."""
        value = _cell(record.get(header))
        if _text(value) == "":
            return False, None
        if isinstance(value, str) and clears(value):
            if required:
                self.bad(number, header, "This amount is needed; enter one.")
            return True, None
        try:
            return True, parse_money(value, allow_negative=False)
        except MoneyError as error:
            self.bad(number, header, str(error))
            return False, None


class Part2Import(Importer):
    key = "part2"
    title = "Import a Part 2 workbook"
    noun = "rows"
    document = "workbook"
    extensions = ("xlsx",)
    by_sheet = True
    help_template = "submissions/documents/_part2_import_help.html"

    def target(self, request, *, pk) -> Target:
        plan = permissions.get_plan(request.user, pk, permissions.EDIT_SCHEMES)
        url = reverse("submissions:document_list", args=[plan.pk])
        return Target(plan=plan, back_url=url, done_url=url)

    def preview(self, target: Target, content: bytes, extension: str = "xlsx") -> Preview:
        return part2_preview(target.plan, content)


def part2_preview(plan: Plan, content: bytes) -> Preview:
    """What a Part 2 workbook would change in the plan, sheet by sheet; nothing is written."""
    preview = Preview()
    for read in (_cover, _summary, _funding, _expenditure, _metrics):
        read(plan, content, preview)
    if preview.errors:
        return Preview(errors=preview.errors)
    return preview


# Cover ---------------------------------------------------------------------------------------

_DATES = {
    "Dates agreed at Health and Wellbeing Board": "dates_agreed",
    "Dates submitted": "dates_submitted",
}
_SIGN_OFF = ("Signed on behalf of", "Name", "Position", "Date")


def _cover(plan: Plan, content: bytes, preview: Preview) -> None:
    sheet = _Sheet(content, "Cover", preview.errors, header_row=0)
    signing = None  # the row of the sign-off table's header, once found
    sign_offs = {s.on_behalf_of.strip().lower(): s for s in plan.sign_offs.all()}
    seen: dict[str, int] = {}
    for number, record in sheet.records:
        cells = [_text(record.get(letter)) for letter in "ABCD"]
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
                row_for(label=cells[0], row=number, changes=changes, apply=apply, sheet="Cover")
            )
            continue
        _sign_off(plan, sheet, number, record, sign_offs, seen, preview)


def _sign_off(plan, sheet, number, record, sign_offs, seen, preview) -> None:
    on_behalf_of = _text(record.get("A"))
    if not on_behalf_of:
        sheet.bad(number, "A", "Enter whom the sign-off is on behalf of.")
        return
    if on_behalf_of.lower() in seen:
        sheet.bad(number, "A", f"The same sign-off is on row {seen[on_behalf_of.lower()]}.")
        return
    seen[on_behalf_of.lower()] = number
    fields = {}
    for letter, name in (("B", "name"), ("C", "position")):
        text = _text(record.get(letter))
        if text:
            fields[name] = "" if clears(text) else text
    value = record.get("D")
    if _text(value):
        try:
            fields["signed_on"] = None if clears(_text(value)) else _date(value)
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

        preview.rows.append(Row(ADD, label, number, "Cover", values=values, apply=add))
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
        row_for(label=label, row=number, changes=changes, apply=change, sheet="Cover")
    )


# Summary --------------------------------------------------------------------------------------

_YEAR = "Financial year"
_SUMMARY = {
    "Minimum required (£)": "minimum_required",
    "Total agreed pooled budget (£)": "agreed_total",
    "Protected social care stated (£)": "protected_social_care_stated",
}


def _summary(plan: Plan, content: bytes, preview: Preview) -> None:
    sheet = _Sheet(content, "Summary", preview.errors)
    if not sheet.require([_YEAR, *_SUMMARY]):
        return
    stored = {y.year: y for y in plan.plan_years.all()}
    for number, record in sheet.records:
        try:
            year = FinancialYear.parse(_text(record.get(_YEAR)))
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
            values = [(h, _money(after[n])) for h, n in _SUMMARY.items()]
            preview.rows.append(Row(ADD, label, number, "Summary", values=values, apply=apply))
        else:
            preview.rows.append(
                row_for(label=label, row=number, changes=changes, apply=apply, sheet="Summary")
            )


# Funding Sources ------------------------------------------------------------------------------


def _funding(plan: Plan, content: bytes, preview: Preview) -> None:
    sheet = _Sheet(content, "Funding Sources", preview.errors)
    years = {_year_header(y): y for y in plan.years}
    if not sheet.require(["Organisation", "Contribution", *years]):
        return
    partners = {o.name.lower(): o for o in plan.ccgs.all()}
    if plan.local_authority_id:
        partners[plan.local_authority.name.lower()] = plan.local_authority
    stored = {(c.organisation_id, c.kind, c.year): c.amount for c in plan.contributions.all()}
    for number, record in sheet.records:
        name = _text(record.get("Organisation"))
        if name.lower() == "total":
            continue  # worked out again
        organisation = partners.get(name.lower())
        kind = _KINDS.get(_text(record.get("Contribution")).lower())
        if organisation is None:
            sheet.bad(number, "Organisation", "Use a partner of this plan (see Partners).")
        if kind is None:
            sheet.bad(number, "Contribution", "Use one of the kinds of contribution.")
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

        label = f"{organisation.name}, {_text(record.get('Contribution'))}"
        if not any(key[:2] == (organisation.pk, kind) for key in stored) and cells:
            values = [(c.column, c.after) for c in changes]
            preview.rows.append(
                Row(ADD, label, number, "Funding Sources", values=values, apply=apply)
            )
        else:
            preview.rows.append(
                row_for(
                    label=label, row=number, changes=changes, apply=apply, sheet="Funding Sources"
                )
            )


# Expenditure Plan -----------------------------------------------------------------------------

_TEXT_FIELDS = (
    (COL_ID, "reference"),
    (COL_DESCRIPTION, "description"),
    (COL_PROVIDER, "provider"),
    (COL_SOURCE, "source_of_funding"),
)


def _reference(plan: Plan) -> dict[str, dict]:
    types = SchemeType.objects.filter(planning_year=plan.first_year)
    return {
        "types": {t.name.lower(): t for t in types},
        "sub_types": {
            (s.scheme_type_id, s.name.lower()): s
            for s in SchemeSubType.objects.filter(scheme_type__in=types)
        },
        "areas": {
            a.name.lower(): a for a in AreaOfSpend.objects.filter(planning_year=plan.first_year)
        },
        "themes": {t.name.lower(): t for t in plan.themes.all()},
        "statuses": {label.lower(): value for value, label in Scheme.Status.choices},
        "commissioners": {label.lower(): v for v, label in COMMISSIONER_LABELS.items()},
    }


def _expenditure(plan: Plan, content: bytes, preview: Preview) -> None:
    sheet = _Sheet(content, SHEET_EXPENDITURE, preview.errors)
    if not sheet.require(expenditure_headers(plan)):
        return
    schemes = {
        s.name.lower(): s
        for s in plan.schemes.select_related(
            "theme", "scheme_type", "sub_type", "area_of_spend"
        ).prefetch_related("budgets")
    }
    reference = _reference(plan)
    seen: dict[str, int] = {}
    for number, record in sheet.records:
        name = _text(record.get(COL_NAME))
        if not name:
            sheet.bad(number, COL_NAME, "Enter the scheme's name.")
            continue
        if name.lower() in seen:
            sheet.bad(number, COL_NAME, f"The same scheme is on row {seen[name.lower()]}.")
            continue
        seen[name.lower()] = number
        _scheme_row(
            plan, sheet, number, record, name, schemes.get(name.lower()), reference, preview
        )


def _scheme_row(plan, sheet, number, record, name, scheme, reference, preview) -> None:
    before = {}
    if scheme is not None:
        before = {
            "theme": scheme.theme,
            "status": scheme.status,
            **{n: getattr(scheme, n) for _, n in _TEXT_FIELDS},
            "commissioner": scheme.commissioner,
            "nhs_share_percent": scheme.nhs_share_percent,
            "scheme_type": scheme.scheme_type,
            "sub_type": scheme.sub_type,
            "area_of_spend": scheme.area_of_spend,
        }
    fields: dict = {}
    problems = len(sheet.errors)

    def choose(header, name, lookup, message, required=False):
        text = _text(record.get(header))
        if not text:
            if required and scheme is None:
                sheet.bad(number, header, f"A new scheme needs its {header.lower()}.")
            return
        if clears(text) and not required:
            fields[name] = lookup.get("") if name == "commissioner" else None
            return
        value = lookup.get(text.lower())
        if value is None:
            sheet.bad(number, header, message.format(text=text))
        else:
            fields[name] = value

    choose(
        COL_THEME, "theme", reference["themes"], "Use the name of one of this plan's themes.", True
    )
    choose(COL_STATUS, "status", reference["statuses"], "Use New, Existing or Expanding.", True)
    for header, field_name in _TEXT_FIELDS:
        text = _text(record.get(header))
        limit = Scheme._meta.get_field(field_name).max_length
        if limit and len(text) > limit:
            sheet.bad(number, header, f"Use at most {limit} characters.")
        elif text:
            fields[field_name] = "" if clears(text) else text
    reference["commissioners"][""] = ""
    choose(
        COL_COMMISSIONER,
        "commissioner",
        reference["commissioners"],
        "Use CCG, Local authority or Joint, or none to clear it.",
    )
    share = record.get(COL_NHS)
    if _text(share):
        try:
            fields["nhs_share_percent"] = None if clears(_text(share)) else _percent(share)
        except ValueError:
            sheet.bad(number, COL_NHS, "Enter a percentage from 0 to 100.")
    choose(
        COL_TYPE, "scheme_type", reference["types"], "“{text}” is not a scheme type for this year."
    )
    choose(COL_AREA, "area_of_spend", reference["areas"], "“{text}” is not an area of spend.")
    kind = fields.get("scheme_type", before.get("scheme_type"))
    text = _text(record.get(COL_SUB_TYPE))
    if text and not clears(text):
        sub_type = reference["sub_types"].get((kind.pk if kind else None, text.lower()))
        if sub_type is None:
            sheet.bad(number, COL_SUB_TYPE, f"“{text}” is not a sub type of the scheme type.")
        fields["sub_type"] = sub_type
    elif text:
        fields["sub_type"] = None
    elif before.get("sub_type") and before["sub_type"].scheme_type_id != (kind and kind.pk):
        fields["sub_type"] = None  # the type changed: its sub type no longer fits
    budgets = {}
    stored = {b.year: b.amount for b in scheme.budgets.all()} if scheme else {}
    for year in plan.years:
        filled, amount = sheet.money(number, _year_header(year), record)
        if filled and amount != stored.get(year.start_year):
            budgets[year.start_year] = amount
    if len(sheet.errors) > problems:
        return
    label = f"Scheme “{name}”"
    shown = {
        "theme": (COL_THEME, lambda t: t.name),
        "status": (COL_STATUS, _STATUS.get),
        "commissioner": (COL_COMMISSIONER, COMMISSIONER_LABELS.get),
        "nhs_share_percent": (COL_NHS, lambda p: f"{p.normalize():f}%"),
        "scheme_type": (COL_TYPE, str),
        "sub_type": (COL_SUB_TYPE, str),
        "area_of_spend": (COL_AREA, str),
        **{n: (h, str) for h, n in _TEXT_FIELDS},
    }
    if scheme is None:
        theme, status = fields.pop("theme"), fields.pop("status")
        values = [(COL_THEME, theme.name), (COL_STATUS, _STATUS[status])]
        values += [(shown[n][0], shown[n][1](v)) for n, v in fields.items() if v not in ("", None)]
        values += [(_year_header(FinancialYear(y)), _money(a)) for y, a in budgets.items()]

        def add(user, fields=fields, budgets=budgets):
            return scheme_services.scheme_create(
                plan=plan,
                theme=theme,
                name=name,
                status=status,
                budgets=budgets,
                user=user,
                **fields,
            )

        preview.rows.append(Row(ADD, label, number, SHEET_EXPENDITURE, values=values, apply=add))
        return
    fields = {n: v for n, v in fields.items() if v != before[n]}
    changes = []
    for field_name, value in fields.items():
        column, show = shown[field_name]
        compare(changes, column, before[field_name], value, show)
    for year, amount in budgets.items():
        compare(changes, _year_header(FinancialYear(year)), stored.get(year), amount, format_pounds)

    def change(user, fields=fields, budgets=budgets):
        return scheme_services.scheme_update(
            scheme=scheme,
            expected_version=scheme.lock_version,
            user=user,
            budgets=budgets or None,
            **fields,
        )

    preview.rows.append(
        row_for(label=label, row=number, changes=changes, apply=change, sheet=SHEET_EXPENDITURE)
    )


# Metrics --------------------------------------------------------------------------------------

_FIGURES = ("Metric", "Figure", "From", "To", "Value")


def _metrics(plan: Plan, content: bytes, preview: Preview) -> None:
    sheet = _Sheet(content, "Metrics", preview.errors)
    if not sheet.require(_FIGURES):
        return
    figures = {}
    for figure in Baseline.objects.filter(plan=plan).select_related("metric"):
        figures[(figure.metric.name.lower(), "baseline", figure.start, figure.end)] = figure
    for figure in TrajectoryPoint.objects.filter(plan=plan).select_related("metric"):
        figures[(figure.metric.name.lower(), "target", figure.start, figure.end)] = figure
    for number, record in sheet.records:
        try:
            start, end = _date(record.get("From")), _date(record.get("To"))
        except ValueError:
            sheet.bad(number, "From", "Enter the figure's dates as the workbook gives them.")
            continue
        key = (_text(record.get("Metric")).lower(), _text(record.get("Figure")).lower(), start, end)
        figure = figures.get(key)
        if figure is None:
            sheet.bad(
                number,
                "Metric",
                "This is not one of the plan's baselines or targets; add new ones on the "
                "metric's page.",
            )
            continue
        text = _text(record.get("Value"))
        if not text:
            value = figure.value
        else:
            try:
                value = Decimal(str(_cell(record.get("Value"))).replace(",", ""))
                if not value.is_finite() or value < 0:
                    raise InvalidOperation
            except InvalidOperation:
                sheet.bad(number, "Value", "Enter a number that is not negative, like 606.4.")
                continue
        changes = []
        compare(changes, "Value", figure.value, value, lambda v: f"{v.normalize():,f}")
        label = f"{figure.metric.name}, {_text(record.get('Figure')).lower()} {figure.period_label}"

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
            row_for(label=label, row=number, changes=changes, apply=apply, sheet="Metrics")
        )
