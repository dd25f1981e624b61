"""The Expenditure Plan sheet of a Part 2 workbook read back: every field of each scheme,
matched by name; a new name adds a scheme, given its theme and whether it is new or
existing (submissions/documents/part2_import.py reads the other sheets)."""

from __future__ import annotations

from plans.imports import ADD, Preview, Row, clears, compare, row_for
from plans.models import Plan
from plans.money import format_pounds
from plans.periods import FinancialYear
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
    SHEET_EXPENDITURE,
    _year_header,
    expenditure_headers,
)
from submissions.documents.part2_cells import SheetRows, percent_of, pounds_or_blank, text_of

_STATUS = dict(Scheme.Status.choices)


# Expenditure Plan -----------------------------------------------------------------------------

_TEXT_FIELDS = (
    (COL_ID, "reference"),
    (COL_DESCRIPTION, "description"),
    (COL_PROVIDER, "provider"),
    (COL_SOURCE, "source_of_funding"),
)


def _reference(plan: Plan) -> dict[str, dict]:
    types = SchemeType.objects.of_plan(plan)
    return {
        "types": {t.name.lower(): t for t in types},
        "sub_types": {
            (s.scheme_type_id, s.name.lower()): s
            for s in SchemeSubType.objects.filter(scheme_type__in=types)
        },
        "areas": {a.name.lower(): a for a in AreaOfSpend.objects.of_plan(plan)},
        "themes": {t.name.lower(): t for t in plan.themes.all()},
        "statuses": {label.lower(): value for value, label in Scheme.Status.choices},
        "commissioners": {label.lower(): v for v, label in COMMISSIONER_LABELS.items()},
    }


def read_expenditure(
    plan: Plan, content: bytes, preview: Preview, name: str = SHEET_EXPENDITURE
) -> None:
    sheet = SheetRows(content, name, preview.errors)
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
        name = text_of(record.get(COL_NAME))
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
        text = text_of(record.get(header))
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
        text = text_of(record.get(header))
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
    if text_of(share):
        try:
            fields["nhs_share_percent"] = None if clears(text_of(share)) else percent_of(share)
        except ValueError:
            sheet.bad(number, COL_NHS, "Enter a percentage from 0 to 100.")
    choose(
        COL_TYPE, "scheme_type", reference["types"], "“{text}” is not a scheme type for this year."
    )
    choose(COL_AREA, "area_of_spend", reference["areas"], "“{text}” is not an area of spend.")
    kind = fields.get("scheme_type", before.get("scheme_type"))
    text = text_of(record.get(COL_SUB_TYPE))
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
        values += [(_year_header(FinancialYear(y)), pounds_or_blank(a)) for y, a in budgets.items()]

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

        preview.rows.append(Row(ADD, label, number, sheet.name, values=values, apply=add))
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
        row_for(label=label, row=number, changes=changes, apply=change, sheet=sheet.name)
    )
