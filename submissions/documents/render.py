"""A plan's or a return's document made from its framework's submission template: the
template's layout (declared in the framework pack) run by the template engine
(submissions/documents/engine.py)."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from frameworks.models import SubmissionTemplate
from frameworks.template_spec import pack_templates, spec_check
from plans.imports import Preview
from plans.models import Plan
from submissions.documents import engine
from submissions.documents.template_registry import Context
from submissions.documents.template_registry import names as registry_names
from submissions.models import QuarterlyReturn


def framework_template(plan: Plan, *, kind: str = "", purpose: str = "", format: str = ""):
    """The plan's framework's template of that kind (or the first of that purpose and
    format) that declares a layout; a clear refusal when there is none."""
    templates = SubmissionTemplate.objects.filter(framework_id=plan.framework_id).exclude(spec={})
    if kind:
        templates = templates.filter(kind=kind)
    if purpose:
        templates = templates.filter(purpose=purpose)
    if format:
        templates = templates.filter(format=format)
    template = templates.order_by("order").first()
    if template is None and plan.framework_id is None:
        template = _from_pack(plan, kind=kind, purpose=purpose, format=format)
    if template is None:
        what = kind or f"{purpose.replace('_', ' ')} {format}".strip()
        framework = plan.framework.name if plan.framework_id else "no policy framework"
        raise ValidationError(f"The plan's framework ({framework}) declares no {what} template.")
    return template


def _from_pack(plan: Plan, *, kind: str, purpose: str, format: str):
    """A plan with no framework (none loaded for its years) takes the layout of the pack
    on disk for its years, checked as a pack's is when loaded."""
    for item in pack_templates(plan.first_year):
        if not item.get("layout") or (kind and item.get("kind") != kind):
            continue
        if (purpose and item.get("purpose") != purpose) or (
            format and item.get("format") != format
        ):
            continue
        problems = spec_check(item["layout"], format=item["format"], names=registry_names())
        if problems:
            raise ValidationError(f"The template {item['kind']} cannot be used: {problems[0]}.")
        return SubmissionTemplate(
            kind=item["kind"],
            name=item["name"],
            purpose=item["purpose"],
            format=item["format"],
            spec=item["layout"],
        )
    return None


def render_template(template: SubmissionTemplate, ctx: Context) -> bytes:
    if template.format == SubmissionTemplate.Format.XLSX:
        return engine.render_xlsx(template.spec, ctx)
    return engine.render_pdf(template.spec, ctx, name=template.name)


def render_plan_document(plan: Plan, kind: str) -> bytes:
    """The plan's document by its template's kind (`part2-xlsx`, `plan-pdf`)."""
    return render_template(framework_template(plan, kind=kind), Context(plan=plan))


def plan_document(plan: Plan, format: str) -> bytes:
    """The plan as its framework's planning template in that format (pdf or xlsx)."""
    template = framework_template(plan, purpose=SubmissionTemplate.Purpose.PLAN, format=format)
    return render_template(template, Context(plan=plan))


def plan_html(plan: Plan) -> str:
    """The HTML the plan's PDF is printed from (what a stored PDF is compared by)."""
    template = framework_template(plan, purpose=SubmissionTemplate.Purpose.PLAN, format="pdf")
    return engine.render_html(template.spec, Context(plan=plan), name=template.name)


def render_return_document(ret: QuarterlyReturn, kind: str = "") -> bytes:
    """A return's document from its frozen snapshot, by its template's kind (by default the
    framework's quarterly return workbook)."""
    plan = ret.plan
    if kind:
        template = framework_template(plan, kind=kind)
    else:
        template = framework_template(
            plan, purpose=SubmissionTemplate.Purpose.QUARTERLY_RETURN, format="xlsx"
        )
    return render_template(template, Context(plan=plan, ret=ret))


def render_year_end_document(ret: QuarterlyReturn, format: str) -> bytes:
    """A year-end return's document in that format (xlsx or pdf): its framework's year-end
    template, every figure read from the return's frozen snapshot."""
    if not ret.holds_year_end:
        raise ValidationError(
            "Only a year-end return has a year-end document: a quarter 4 return of a framework "
            "with a year-end template, prepared."
        )
    template = framework_template(
        ret.plan, purpose=SubmissionTemplate.Purpose.YEAR_END_RETURN, format=format
    )
    return render_template(template, Context(plan=ret.plan, ret=ret))


def plan_workbook_preview(plan: Plan, content: bytes) -> Preview:
    """What the plan's framework's workbook, filled in, would change in the plan."""
    template = framework_template(plan, purpose=SubmissionTemplate.Purpose.PLAN, format="xlsx")
    return engine.preview_xlsx(template.spec, Context(plan=plan), content)
