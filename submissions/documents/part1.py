"""The plan as a PDF: its framework's planning template in PDF (in 2014, Part 1 of NHS
England's template: 1) plan details, 2) vision and schemes, 3) national conditions,
4) risks), as the framework pack's layout declares it, printed by the template engine.

`part1_context` reads what the 2014 layout's blocks show (through the apps' selectors;
submissions/documents/template_blocks.py); `part1_html` and `part1_pdf` print the plan's
framework's layout; storing the bytes is the caller's choice.
"""

from __future__ import annotations

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
    from submissions.documents.render import plan_html

    return plan_html(plan)


def part1_pdf(plan: Plan) -> bytes:
    """The plan's PDF as tagged PDF bytes (title, language, bookmarks, page footer)."""
    from submissions.documents.render import plan_document

    return plan_document(plan, "pdf")
