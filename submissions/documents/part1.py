"""The plan as a PDF in the structure of NHS England's 2014 BCF planning template, Part 1:
1) plan details, 2) vision and schemes, 3) national conditions, 4) risks.

`part1_context` reads (through the apps' selectors), `part1_html` renders the template,
and governance's pure `html_to_pdf` makes the bytes; storing them is the caller's choice.
"""

from __future__ import annotations

from django.template.loader import render_to_string

from governance.pdf import html_to_pdf
from metrics.charts import metric_chart
from metrics.selectors import metrics_overview
from plans.models import ConditionStatus, NarrativeSection, NationalCondition, Plan
from risks.selectors import register_for, risk_list
from schemes.calculations import YearReconciliation
from schemes.selectors import budget_column, plan_budget_summary, scheme_list


def source_version(plan: Plan) -> str:
    """The version a document comes from, as people say it: "final, 4 April 2014"."""
    return f"{plan.get_version_kind_display().lower()}, {plan.version_date:%-d %B %Y}"


def _themes(plan: Plan, years, budget: list[YearReconciliation]) -> list[dict]:
    """Each theme with its schemes, their metrics, and its total per year (the plan's
    budget summary's, not summed again here)."""
    per_year = [{t.theme_id: t.total for t in year.themes} for year in budget]
    themes: dict[int, dict] = {}
    for theme in plan.themes.order_by("order", "name"):
        themes[theme.pk] = {"theme": theme, "schemes": [], "metrics": {}}
    for scheme in scheme_list(plan=plan):
        entry = themes[scheme.theme_id]
        scheme.year_amounts = [getattr(scheme, budget_column(y.start_year)) for y in years]
        entry["schemes"].append(scheme)
        for metric in scheme.metrics.all():
            entry["metrics"][metric.pk] = metric
    result = []
    for entry in themes.values():
        entry["metrics"] = sorted(entry["metrics"].values(), key=lambda m: (m.number or 99, m.code))
        entry["totals"] = [totals[entry["theme"].pk] for totals in per_year]
        result.append(entry)
    return result


def _conditions(plan: Plan) -> list[dict]:
    latest: dict[int, ConditionStatus] = {}
    for status in ConditionStatus.objects.filter(plan=plan).order_by("year", "quarter"):
        latest[status.condition_id] = status
    return [
        {"condition": condition, "status": latest.get(condition.pk)}
        for condition in NationalCondition.objects.all()
        if condition.applies_to(plan.first_year) or condition.pk in latest
    ]


def part1_context(plan: Plan) -> dict:
    years = plan.years
    sections = {s.key: s for s in plan.sections.all()}
    overview = metrics_overview(plan=plan, with_matrix=False)
    metrics = [
        {"summary": summary, "chart": metric_chart(summary) if summary.targets else ""}
        for summary in overview.summaries
        if summary.baseline is not None or summary.targets
    ]
    register = register_for(plan=plan)
    risks = list(risk_list(plan=plan)) if register is not None else []
    categories = []
    for risk in risks:
        if not categories or categories[-1]["category"].pk != risk.category_id:
            categories.append({"category": risk.category, "risks": []})
        categories[-1]["risks"].append(risk)

    budget = plan_budget_summary(plan=plan)

    def text(key):
        section = sections.get(key)
        return section.body if section else ""

    return {
        "plan": plan,
        "version": source_version(plan),
        "years": years,
        "budget": budget,
        "sign_offs": list(plan.sign_offs.all()),
        "ccgs": list(plan.ccgs.all()),
        "text": {key: text(key) for key in NarrativeSection.ORDER},
        "metrics": metrics,
        "themes": _themes(plan, years, budget),
        "conditions": _conditions(plan),
        "register": register,
        "risk_categories": categories,
    }


def part1_html(plan: Plan) -> str:
    return render_to_string("submissions/documents/part1.html", part1_context(plan))


def part1_pdf(plan: Plan) -> bytes:
    """The Part 1 document as tagged PDF bytes (title, language, bookmarks, page footer)."""
    return html_to_pdf(part1_html(plan), tagged=True)
