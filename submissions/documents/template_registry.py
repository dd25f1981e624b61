"""The registry of the template engine: what each name a template layout uses means.

A layout (data, in a framework pack) says where things go; this module (code) is the
fixed list of what can be put there, each read through the apps' selectors:

- row sources (`plan.schemes`, `return.funds`): the items a table has a row for;
- value selectors (`plan.title`, `year.minimum_required`, `scheme.budget[year]`): a value
  of the plan or return, or of a row's item (`[year]`: of the column's year);
- lists (`catalogue.scheme_types`): a drop-down's title and values, from the framework's
  catalogue;
- blocks (`part1.themes`): a printed document's part too rich for fields and tables, as a
  template partial;
- importers (`part2.expenditure`): how a sheet read back changes the plan.

A selector may give a `Shown` to embolden its cell, give it its number format (a metric's
figure at its kind's precision) or mark it not an input (a total row under inputs).
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from functools import cached_property

from django.core.exceptions import ValidationError
from django.template.loader import render_to_string

from frameworks.template_spec import RegistryNames
from metrics.selectors import metrics_overview
from plans import presentation
from plans.models import ConditionStatus, NationalCondition, Plan
from plans.presentation import MONTH_PRECISION, date_text
from plans.templatetags.bcf_format import pounds, uk_date
from schemes.funding.selectors import funding_of_year, plan_funding
from schemes.models import AreaOfSpend, SchemeSubType, SchemeType
from schemes.selectors import budget_column, plan_budget_summary, scheme_list
from submissions.models import QuarterlyReturn
from submissions.selectors import with_metric_units

# Written where the source gives a pooled budget only as a total, in place of £0.
NOT_BROKEN_DOWN = "Not broken down in the source"
COMMISSIONER_LABELS = {"ccg": "CCG", "la": "Local authority", "joint": "Joint"}


@dataclass(frozen=True)
class Shown:
    """A value with how its cell shows it."""

    value: object
    bold: bool = False
    number_format: str | None = None
    input: bool | None = None


@dataclass
class Context:
    """What a document is made from: a plan version, or a return's frozen snapshot (a
    return's documents never read live data)."""

    plan: Plan
    ret: QuarterlyReturn | None = None
    cache: dict = field(default_factory=dict)

    @cached_property
    def years(self):
        return self.plan.years

    @cached_property
    def data(self) -> dict:
        """The return's frozen snapshot, its metrics given their units."""
        if self.ret is None:
            return {}
        if not self.ret.snapshot:
            raise ValidationError("Prepare the return first: there are no figures to print yet.")
        return with_metric_units(self.ret.snapshot) or {}

    @cached_property
    def sections(self) -> dict:
        return {s.key: s.body for s in self.plan.sections.all()}

    def narrative(self, key: str) -> str:
        return self.sections.get(key, "")

    def document(self) -> dict:
        """What the printed document's title page and running footer say."""
        plan = self.plan
        return {
            "plan": plan,
            "version": plan_version(plan),
            "years_label": VALUES["plan.years"](self, None, None),
            "ret": self.ret,
            "return_version": return_version(self.ret),
            "return_label": self.ret.label() if self.ret else "",
        }

    def once(self, name: str, make: Callable):
        if name not in self.cache:
            self.cache[name] = make()
        return self.cache[name]


def plan_version(plan: Plan) -> str:
    """The version a document comes from, as people say it: "final, 4 April 2014"."""
    return f"{plan.get_version_kind_display().lower()}, {plan.version_date:%-d %B %Y}"


def _decimal(value) -> Decimal | None:
    if value is None or value == "":
        return None
    return Decimal(str(value))


# Row sources ---------------------------------------------------------------------------------


def _budget(ctx: Context):
    return ctx.once("budget", lambda: plan_budget_summary(plan=ctx.plan))


def _contributions(ctx: Context) -> list[dict]:
    """One row per partner and funding stream (or kind of contribution, for one under no
    stream), its amount per year, then the total."""
    plan = ctx.plan
    rows: dict[tuple, dict[int, Decimal]] = {}
    for contribution in plan.contributions.select_related("organisation", "stream"):
        key = (contribution.organisation.name, contribution.label)
        rows.setdefault(key, {})[contribution.year] = contribution.amount
    items = [
        {"organisation": o, "kind": k, "amounts": amounts}
        for (o, k), amounts in sorted(rows.items())
    ]
    not_broken_down = {py.year for py in plan.plan_years.all() if py.not_broken_down and not rows}
    totals: dict[int, object] = {}
    for year in ctx.years:
        if year.start_year in not_broken_down:  # no partner's share is given: not £0
            totals[year.start_year] = Shown(NOT_BROKEN_DOWN, bold=True, input=False)
            continue
        total = sum((a.get(year.start_year) or Decimal(0) for a in rows.values()), Decimal(0))
        totals[year.start_year] = Shown(total, bold=True, input=False)
    items.append({"organisation": Shown("Total", bold=True), "kind": None, "amounts": totals})
    return items


def _schemes(ctx: Context):
    return list(
        scheme_list(plan=ctx.plan).select_related(
            "scheme_type", "sub_type", "area_of_spend", "funding_stream"
        )
    )


def _metric_figures(ctx: Context) -> list[dict]:
    items = []
    for summary in metrics_overview(plan=ctx.plan, with_matrix=False).summaries:
        figures = ([("Baseline", summary.baseline)] if summary.baseline else []) + [
            ("Target", target) for target in summary.targets
        ]
        for label, figure in figures:
            items.append({"metric": summary.metric, "label": label, "figure": figure})
    return items


def _return_spend_lines(ctx: Context) -> list[dict]:
    """The return's income and expenditure: each theme (its name bold) and its schemes, the
    spend not broken down by scheme, and the pooled budget's total."""
    finance = ctx.data["finance"]
    lines = []
    for theme in finance["themes"]:
        lines.append(
            {**theme, "theme": Shown(theme["name"], bold=True), "line": "All schemes of the theme"}
        )
        for scheme in theme["schemes"]:
            lines.append({**scheme, "theme": theme["name"], "line": scheme["name"]})
    line = finance.get("not_by_scheme")
    if line:
        lines.append(
            {
                "theme": "Not broken down by scheme",
                "line": line.get("note") or "",
                "plan": None,
                "forecast": line["forecast"],
                "actual_to_date": line["actual_to_date"],
                "variance": None,
            }
        )
    lines.append(
        {
            "theme": Shown("Total", bold=True),
            "line": "Pooled budget",
            "plan": finance["pooled_budget"]["agreed_total"],
            "forecast": finance["forecast"],
            "actual_to_date": finance["actual_to_date"],
            "variance": finance["variance"],
        }
    )
    return lines


def _fence_status(met, shortfall, has_minimum: bool) -> str:
    """A ring-fence against its minimum, in words: met, short by how much, or why not known."""
    if not has_minimum:
        return "No minimum stated by the framework"
    if met is None:
        return "No minimum entered"
    return "Met" if met else f"Short by {pounds(shortfall)}"


def _funding_line(year: str, line: dict) -> dict:
    return {
        "year": year,
        "kind": "Funding stream",
        "line": line["name"],
        "planned": _decimal(line["planned"]),
        "allocated": _decimal(line["allocated"]),
        "unallocated": _decimal(line["unallocated"]),
        "actual_to_date": _decimal(line["actual_to_date"]),
        "minimum": None,
        "status": "",
        "source": "",
    }


def _fence_line(year: str, fence: dict, has_minimum: bool) -> dict:
    return {
        "year": year,
        "kind": f"Ring-fence within {fence['within']}",
        "line": fence["name"],
        "planned": _decimal(fence["planned"]),
        "allocated": None,
        "unallocated": None,
        "actual_to_date": _decimal(fence["actual_to_date"]),
        "minimum": _decimal(fence["minimum"]),
        "status": _fence_status(fence["met"], _decimal(fence["shortfall"]), has_minimum),
        "source": fence["source"],
    }


def _plan_funding_lines(ctx: Context) -> list[dict]:
    """Each year of the plan: each funding stream (planned, allocated to schemes, actual
    spend to date), then each ring-fence worked out from the schemes against its minimum."""
    lines = []
    for year in plan_funding(plan=ctx.plan):
        last = year.quarters[-1]
        data = funding_of_year(year, quarter=last)
        label = year.year.label
        lines += [_funding_line(label, line) for line in data["streams"]]
        lines += [_fence_line(label, fence, fence["has_minimum"]) for fence in data["ring_fences"]]
    return lines


def _return_funding_lines(ctx: Context) -> list[dict]:
    """The return's streams and ring-fences, as its snapshot froze them (none in a snapshot
    made before it held them)."""
    funding = ctx.data["finance"].get("funding") or {}
    label = ctx.data["period"]["year"]
    streams = [_funding_line(label, line) for line in funding.get("streams", [])]
    if (ctx.data.get("year_end") or {}).get("not_broken_down"):
        # The source gives the year's pooled budget only as a total: a stream's amount it
        # does not give (none, or £0 for want of schemes) says so rather than £0.
        for line in streams:
            for key in ("planned", "allocated", "unallocated", "actual_to_date"):
                if not line[key]:
                    line[key] = NOT_BROKEN_DOWN
    return streams + [
        _fence_line(label, fence, fence.get("has_minimum", True))
        for fence in funding.get("ring_fences", [])
    ]


def _plan_conditions(ctx: Context) -> list[dict]:
    """The national conditions of the plan's years, each with the plan's answer (status or
    assurance) and narrative: its own answer, given on the planning template (`plan_answer`),
    or, where it has none, its latest quarter's report."""
    latest: dict[int, ConditionStatus] = {}
    answers: dict[int, ConditionStatus] = {}
    for status in ConditionStatus.objects.filter(plan=ctx.plan).order_by("year", "quarter"):
        if status.is_plan_answer:
            answers[status.condition_id] = status
        else:
            latest[status.condition_id] = status
    conditions = NationalCondition.objects.applying_to(ctx.plan.first_year).order_by(
        "order", "number", "pk"
    )
    return [
        {
            "condition": c,
            "status": answers.get(c.pk) or latest.get(c.pk),
            "plan_answer": answers.get(c.pk),
        }
        for c in conditions
    ]


ROWS: dict[str, Callable[[Context], list]] = {
    "plan.conditions": _plan_conditions,
    "plan.budget_years": lambda ctx: list(_budget(ctx)),
    "plan.sign_offs": lambda ctx: list(ctx.plan.sign_offs.all()),
    "plan.contributions": _contributions,
    "plan.schemes": _schemes,
    "plan.metric_figures": _metric_figures,
    "plan.funding_lines": _plan_funding_lines,
    "return.funding_lines": _return_funding_lines,
    "return.funds": lambda ctx: ctx.data["finance"]["funds"],
    "return.conditions": lambda ctx: ctx.data["conditions"],
    "return.spend_lines": _return_spend_lines,
    "return.metrics": lambda ctx: ctx.data["metrics"],
}


# Value selectors: (context, row item, year) -> value -------------------------------------------


def _money_or_not_broken_down(name: str):
    def select(ctx, item, year):
        if item.not_broken_down:
            return NOT_BROKEN_DOWN
        return getattr(item, name)

    return select


def _expected_by(ctx, item, year):
    if item.get("expected_date_precision") == MONTH_PRECISION:
        # The source gives the month only: written so, never as the 1st of it.
        return date_text(item["expected_date"], MONTH_PRECISION)
    return presentation.as_date(item["expected_date"]) or None


def _metric_in_return(path: tuple[str, ...], *, status=False, written=True):
    """A figure of a metric in the return: at its unit's precision, or (`written`) with the
    decimals its source writes (plans.presentation.metric_excel_format)."""

    def select(ctx, item, year):
        value = item
        for key in path:
            value = (value or {}).get(key)
        if status:
            return value or "No figure"
        unit = item.get("unit")
        if written:
            shown = presentation.metric_excel_format(value, unit)
        else:
            shown = presentation.EXCEL_FORMATS[presentation.kind_of(unit)]
        return Shown(presentation.metric_number(value, unit), number_format=shown)

    return select


VALUES: dict[str, Callable] = {
    # The plan
    "plan.area": lambda ctx, item, year: ctx.plan.area.name,
    "plan.title": lambda ctx, item, year: ctx.plan.title,
    "plan.version": lambda ctx, item, year: plan_version(ctx.plan),
    # one year written once (2025/26), several as their range (2014/15–2015/16)
    "plan.years": lambda ctx, item, year: (
        ctx.years[0].label if len(ctx.years) == 1 else ctx.plan.years_label
    ),
    "plan.status": lambda ctx, item, year: ctx.plan.version_label,
    "plan.local_authority": lambda ctx, item, year: str(ctx.plan.local_authority or ""),
    "plan.ccgs": lambda ctx, item, year: ", ".join(c.name for c in ctx.plan.ccgs.all()),
    "plan.dates_agreed": lambda ctx, item, year: ctx.plan.dates_agreed,
    "plan.dates_submitted": lambda ctx, item, year: ctx.plan.dates_submitted,
    "plan.workbook_title": lambda ctx, item, year: (
        f"{ctx.plan.title} ({plan_version(ctx.plan)}) – Part 2"
    ),
    "plan.partners": lambda ctx, item, year: ", ".join(c.name for c in ctx.plan.ccgs.all()),
    # A national condition of the plan (plan.conditions)
    "plan_condition.number": lambda ctx, item, year: item["condition"].number,
    "plan_condition.title": lambda ctx, item, year: item["condition"].title,
    "plan_condition.response": lambda ctx, item, year: item[
        "condition"
    ].get_response_type_display(),
    "plan_condition.answer": lambda ctx, item, year: (
        item["status"].get_status_display() if item["status"] else None
    ),
    "plan_condition.narrative": lambda ctx, item, year: (
        item["status"].narrative if item["status"] else None
    ),
    # A year of the pooled budget (plan.budget_years)
    "year.label": lambda ctx, item, year: item.year.label,
    "year.minimum_required": lambda ctx, item, year: item.minimum_required,
    "year.agreed_total": lambda ctx, item, year: item.agreed_total,
    "year.schemes_total": _money_or_not_broken_down("schemes_total"),
    "year.unallocated": _money_or_not_broken_down("unallocated"),
    "year.protected_social_care": _money_or_not_broken_down("protected_social_care"),
    "year.protected_social_care_stated": lambda ctx, item, year: item.protected_social_care_stated,
    # A sign-off (plan.sign_offs)
    "sign_off.on_behalf_of": lambda ctx, item, year: item.on_behalf_of,
    "sign_off.name": lambda ctx, item, year: item.name,
    "sign_off.position": lambda ctx, item, year: item.position,
    "sign_off.signed_on": lambda ctx, item, year: item.signed_on,
    # A partner's contribution (plan.contributions)
    "contribution.organisation": lambda ctx, item, year: item["organisation"],
    "contribution.kind": lambda ctx, item, year: item["kind"],
    "contribution.amount": lambda ctx, item, year: item["amounts"].get(year.start_year),
    # A scheme (plan.schemes)
    "scheme.reference": lambda ctx, item, year: item.reference,
    "scheme.name": lambda ctx, item, year: item.name,
    "scheme.description": lambda ctx, item, year: item.description,
    "scheme.theme": lambda ctx, item, year: item.theme.name,
    "scheme.type": lambda ctx, item, year: str(item.scheme_type or ""),
    "scheme.sub_type": lambda ctx, item, year: str(item.sub_type or ""),
    "scheme.area_of_spend": lambda ctx, item, year: str(item.area_of_spend or ""),
    "scheme.commissioner": lambda ctx, item, year: COMMISSIONER_LABELS.get(item.commissioner, ""),
    "scheme.nhs_share": lambda ctx, item, year: item.nhs_share_percent,
    "scheme.la_share": lambda ctx, item, year: (
        None if item.nhs_share_percent is None else Decimal(100) - item.nhs_share_percent
    ),
    "scheme.provider": lambda ctx, item, year: item.provider,
    "scheme.source_of_funding": lambda ctx, item, year: item.source_of_funding,
    "scheme.funding_stream": lambda ctx, item, year: str(item.funding_stream or ""),
    # A funding stream or ring-fence of a year (plan.funding_lines, return.funding_lines)
    "funding.year": lambda ctx, item, year: item["year"],
    "funding.kind": lambda ctx, item, year: item["kind"],
    "funding.line": lambda ctx, item, year: item["line"],
    "funding.planned": lambda ctx, item, year: item["planned"],
    "funding.allocated": lambda ctx, item, year: item["allocated"],
    "funding.unallocated": lambda ctx, item, year: item["unallocated"],
    "funding.actual_to_date": lambda ctx, item, year: item["actual_to_date"],
    "funding.minimum": lambda ctx, item, year: item["minimum"],
    "funding.status": lambda ctx, item, year: item["status"],
    "funding.source": lambda ctx, item, year: item["source"],
    "scheme.budget": lambda ctx, item, year: getattr(item, budget_column(year.start_year)),
    "scheme.status": lambda ctx, item, year: item.status_label,
    # A metric's baseline or target (plan.metric_figures)
    "figure.metric_number": lambda ctx, item, year: item["metric"].number,
    "figure.metric": lambda ctx, item, year: item["metric"].name,
    "figure.unit": lambda ctx, item, year: item["metric"].get_unit_display(),
    "figure.kind": lambda ctx, item, year: item["label"],
    "figure.period": lambda ctx, item, year: item["figure"].period_label,
    "figure.start": lambda ctx, item, year: item["figure"].start,
    "figure.end": lambda ctx, item, year: item["figure"].end,
    # exact: the workbook comes back, and an import compares
    "figure.value": lambda ctx, item, year: Shown(
        item["figure"].value,
        number_format=presentation.metric_excel_format(item["figure"].value, item["metric"].unit),
    ),
    # A quarterly return (its snapshot)
    "return.area": lambda ctx, item, year: ctx.data["plan"]["area"],
    "return.plan_title": lambda ctx, item, year: ctx.data["plan"]["title"],
    "return.year": lambda ctx, item, year: ctx.data["period"]["year"],
    "return.quarter": lambda ctx, item, year: f"Q{ctx.data['period']['quarter']}",
    "return.version": lambda ctx, item, year: return_version(ctx.ret),
    "return.as_of": lambda ctx, item, year: presentation.as_date(ctx.data["period"]["as_of"]),
    "return.pooled_budget": lambda ctx, item, year: _decimal(
        ctx.data["finance"]["pooled_budget"]["agreed_total"]
    ),
    "return.minimum_contributions": lambda ctx, item, year: _decimal(
        ctx.data["finance"]["pooled_budget"]["minimum_required"]
    ),
    "return.highlights": lambda ctx, item, year: (ctx.data.get("narrative") or {}).get(
        "highlights", ""
    ),
    "return.challenges": lambda ctx, item, year: (ctx.data.get("narrative") or {}).get(
        "challenges", ""
    ),
    "return.kind": lambda ctx, item, year: ctx.ret.label() if ctx.ret else "",
    # where the source gives the year's pooled budget only as a total, its words
    "return.not_broken_down": lambda ctx, item, year: (
        (ctx.data.get("year_end") or {}).get("not_broken_down") or "Broken down as below"
    ),
    "return.document_title": lambda ctx, item, year: (
        f"{ctx.data['plan']['title']} – {return_version(ctx.ret)}"
    ),
    # A fund held in the pool (return.funds)
    "fund.name": lambda ctx, item, year: item["name"],
    "fund.kind": lambda ctx, item, year: item["kind"],
    "fund.amount": lambda ctx, item, year: _decimal(item["amount"]),
    "fund.released": lambda ctx, item, year: _decimal(item["released"]),
    "fund.balance": lambda ctx, item, year: _decimal(item["balance"]),
    "fund.source_note": lambda ctx, item, year: item.get("source_conflict", ""),
    # A national condition in the return (return.conditions)
    "condition.title": lambda ctx, item, year: item["title"],
    "condition.status": lambda ctx, item, year: item["status_label"],
    "condition.expected_by": _expected_by,
    "condition.narrative": lambda ctx, item, year: item["narrative"],
    # A line of the return's income and expenditure (return.spend_lines)
    "spend.theme": lambda ctx, item, year: item["theme"],
    "spend.line": lambda ctx, item, year: item["line"],
    "spend.plan": lambda ctx, item, year: _decimal(item["plan"]),
    "spend.forecast": lambda ctx, item, year: _decimal(item["forecast"]),
    "spend.actual_to_date": lambda ctx, item, year: _decimal(item["actual_to_date"]),
    "spend.variance": lambda ctx, item, year: _decimal(item["variance"]),
    # A metric in the return (return.metrics)
    "metric.name": lambda ctx, item, year: item["name"],
    "metric.quarter_target": _metric_in_return(("quarter", "target")),
    "metric.quarter_actual": _metric_in_return(("quarter", "value")),
    "metric.quarter_status": _metric_in_return(("quarter", "status_label"), status=True),
    "metric.ytd_period": lambda ctx, item, year: (
        (item.get("year_to_date") or {}).get("period") or ""
    ),
    "metric.ytd_target": _metric_in_return(("year_to_date", "target")),
    "metric.ytd_actual": _metric_in_return(("year_to_date", "value")),
    "metric.ytd_status": _metric_in_return(("year_to_date", "status_label"), status=True),
    # A yearly metric's annual target is its target as written (606.4); a monthly one's, its
    # target × 12 at four places, reads at the unit's precision either way.
    "metric.annual_target": _metric_in_return(("annual_target",)),
    "metric.forecast_count": lambda ctx, item, year: presentation.metric_number(
        (item.get("forecast") or {}).get("count"), "count"
    ),
}


def return_version(ret: QuarterlyReturn | None) -> str:
    """The return version a document comes from, as people say it: "2016/17 Q3 v1", a
    year-end return's "2016/17 year-end v1" (QuarterlyReturn.version_label)."""
    if ret is None:
        return ""
    return ret.version_label()


# Lists (drop-downs): name -> (title, values) ---------------------------------------------------


def _types(ctx: Context):
    return ctx.once(
        "types",
        lambda: list(
            SchemeType.objects.filter(planning_year=ctx.plan.first_year).order_by("order", "name")
        ),
    )


def _condition_answers(ctx: Context) -> list[str]:
    """The answers the plan's national conditions take (by their response types)."""
    kinds = {row["condition"].response_type for row in _plan_conditions(ctx)}
    return [
        str(ConditionStatus.Status(answer).label)
        for kind in NationalCondition.ResponseType.values
        if kind in kinds
        for answer in ConditionStatus.ANSWERS[kind]
    ]


LISTS: dict[str, Callable[[Context], tuple[str, list[str]]]] = {
    "catalogue.scheme_types": lambda ctx: ("Scheme types", [t.name for t in _types(ctx)]),
    "catalogue.sub_types": lambda ctx: (
        "Sub types",
        sorted({s.name for s in SchemeSubType.objects.filter(scheme_type__in=_types(ctx))}),
    ),
    "catalogue.areas_of_spend": lambda ctx: (
        "Areas of spend",
        [
            a.name
            for a in AreaOfSpend.objects.filter(planning_year=ctx.plan.first_year).order_by(
                "order", "name"
            )
        ],
    ),
    "scheme.commissioners": lambda ctx: ("Commissioners", list(COMMISSIONER_LABELS.values())),
    "answer.yes_no": lambda ctx: ("Answers", ["Yes", "No"]),
    "condition.answers": lambda ctx: ("Answers", _condition_answers(ctx)),
}


# Blocks of a printed document: name -> renderer (a template partial) ----------------------------
# Filled by submissions/documents/template_blocks.py when the app is ready.

BLOCKS: dict[str, Callable[[Context], str]] = {}


def block(name: str, ctx: Context) -> str:
    return BLOCKS[name](ctx)


def partial(template: str, make: Callable[[Context], dict]) -> Callable[[Context], str]:
    def render(ctx: Context) -> str:
        return render_to_string(template, {**ctx.document(), **make(ctx)})

    return render


# Importers: name -> reader(ctx, sheet layout, content, preview) ---------------------------------
# Filled by submissions/documents/template_blocks.py when the app is ready.

IMPORTERS: dict[str, Callable] = {}


def importer(name: str) -> Callable:
    return IMPORTERS[name]


# Lookups the engine makes ---------------------------------------------------------------------


def rows(name: str, ctx: Context) -> list:
    return ROWS[name](ctx)


def value(name: str, ctx: Context, *, item=None, year=None):
    return VALUES[name.split("[", 1)[0]](ctx, item, year)


def options(name: str, ctx: Context) -> tuple[str, list[str]]:
    return LISTS[name](ctx)


def printed(value, number_format: str | None = None) -> str:
    """A value as a PDF prints it: pounds, dates "31 March 2015", figures as given."""
    if isinstance(value, Shown):
        value = value.value
    if value is None or value == "":
        return "–"
    if isinstance(value, datetime.date):
        return uk_date(value)
    if number_format == "money" and isinstance(value, int | float | Decimal):
        return pounds(Decimal(str(value)))
    if isinstance(value, Decimal):
        return f"{value.normalize():,f}"
    return str(value)


def names() -> RegistryNames:
    """Every name a layout may use (checked when a framework pack is loaded)."""
    return RegistryNames(
        rows=set(ROWS),
        values=set(VALUES),
        lists=set(LISTS),
        blocks=set(BLOCKS),
        importers=set(IMPORTERS),
    )
