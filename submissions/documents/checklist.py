"""Template checks: what NHS England's templates check (their "checker" column) before a
plan version goes; each check says yes or no, why, and where to fix it.

Reads only, through the apps' selectors, so the page, the API and the PDF agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils import timezone

from metrics.selectors import metrics_overview
from plans import permissions
from plans.models import ConditionStatus, Plan
from plans.money import format_pounds
from plans.selectors import conditions_answered_in_plan, required_sign_offs, section_75_status
from risks.models import Risk, RiskRegister
from schemes.funding.selectors import plan_funding
from schemes.models import SchemeType
from schemes.selectors import plan_budget_summary, scheme_list


@dataclass(frozen=True)
class Check:
    """One requirement: met or not, why, and where it is fixed: `url` opens the page with
    the very field (`field`, its HTML id) that fixes it, and ends with `#field`."""

    group: str
    item: str
    ok: bool
    detail: str
    url: str
    field: str = ""
    # What fixing it takes (a plans.permissions action): the page offers the link only to
    # whom may, and only while the plan may change so.
    action: str = permissions.EDIT_PLAN


def _at(url: str, field: str) -> dict:
    """The page and the field on it where a failing check is fixed."""
    return {"url": f"{url}#{field}", "field": field}


def _sections(plan: Plan) -> list[Check]:
    """Each heading of the plan's narrative (its framework's) written."""
    return [
        Check(
            "Sections",
            f"Section “{section.title}” written",
            bool(section.body.strip()),
            "Written." if section.body.strip() else "This section has no text yet.",
            **_at(reverse("plans:section_edit", args=[plan.pk, section.key]), "id_body"),
        )
        for section in plan.sections.all()
    ]


def _schemes(plan: Plan) -> list[Check]:
    schemes = list(scheme_list(plan=plan).select_related("scheme_type"))
    if not schemes:
        return [
            Check(
                "Schemes",
                "The plan has schemes",
                False,
                "No scheme yet.",
                **_at(reverse("schemes:scheme_create", args=[plan.pk]), "id_name"),
                action=permissions.EDIT_SCHEMES,
            )
        ]
    # A type is asked for where the plan's catalogue has types to choose from (a framework
    # whose catalogue is not in its sources has none).
    types_to_choose = SchemeType.objects.of_plan(plan).exists()
    checks = []
    for scheme in schemes:
        missing = []  # (what, the field of the scheme form that gives it)
        if scheme.theme_id is None:
            missing.append(("a theme", "id_theme"))
        if scheme.scheme_type_id is None and types_to_choose:
            missing.append(("a scheme type", "id_scheme_type"))
        if not any(b.amount > 0 for b in scheme.budgets.all()):
            missing.append(("a budget", "id_budgets-0-amount"))
        if not scheme.metrics.all() and not scheme.no_metric_reason.strip():
            missing.append(("a metric (or the reason it moves none)", "id_no_metric_reason"))
        checks.append(
            Check(
                "Schemes",
                f"Scheme “{scheme.name}” has a theme, "
                f"{'type, ' if types_to_choose else ''}budget and metric",
                not missing,
                "Complete."
                if not missing
                else "Missing " + ", ".join(what for what, _ in missing) + ".",
                **_at(
                    reverse("schemes:scheme_edit", args=[plan.pk, scheme.pk]),
                    missing[0][1] if missing else "id_name",
                ),
                action=permissions.EDIT_SCHEMES,
            )
        )
    return checks


def _pooled_budget(plan: Plan) -> list[Check]:
    checks = []
    edit = reverse("plans:plan_edit", args=[plan.pk])
    for year in plan_budget_summary(plan=plan):
        label = year.year.label
        prefix = f"id_year-{year.year.start_year}-"
        met = year.minimum_met
        checks.append(
            Check(
                "Pooled budget",
                f"{label}: pooled budget at least the minimum required",
                bool(met),
                (
                    "No pooled budget or minimum recorded for this year."
                    if met is None
                    else f"Agreed {format_pounds(year.agreed_total)} against a minimum of "
                    f"{format_pounds(year.minimum_required)}."
                ),
                **_at(edit, prefix + ("minimum_required" if met is None else "agreed_total")),
            )
        )
        difference = year.protected_social_care_difference
        checks.append(
            Check(
                "Pooled budget",
                f"{label}: protected social care equals what the plan states",
                difference == 0,
                (
                    "The plan states no figure for the protection of social care."
                    if difference is None
                    else "Schemes protecting social care "
                    f"{format_pounds(year.protected_social_care)}; stated "
                    f"{format_pounds(year.protected_social_care_stated)}."
                ),
                # Fixed by the figure the plan states (here) or by the budgets of the schemes
                # that protect social care (the budget grid, linked from that page).
                **_at(edit, prefix + "protected_social_care_stated"),
            )
        )
    return checks


def _metrics(plan: Plan) -> list[Check]:
    checks = []
    for summary in metrics_overview(plan=plan, with_matrix=False).summaries:
        missing = []
        if summary.baseline is None:
            missing.append("a baseline")
        if not summary.targets:
            missing.append("a trajectory")
        code = summary.metric.code
        page = (
            reverse("metrics:baseline_edit", args=[plan.pk, code])
            if summary.baseline is None
            else reverse("metrics:target_create", args=[plan.pk, code])
        )
        checks.append(
            Check(
                "Metrics",
                f"Metric “{summary.metric.short_name or summary.metric.name}” has a baseline "
                "and trajectory",
                not missing,
                "Complete." if not missing else "Missing " + " and ".join(missing) + ".",
                **(
                    _at(page, "id_value")
                    if missing
                    else _at(reverse("metrics:metric_detail", args=[plan.pk, code]), "maincontent")
                ),
                action=permissions.EDIT_METRICS,
            )
        )
    return checks


def _risks(plan: Plan) -> list[Check]:
    risks = list(
        Risk.objects.filter(register__plan=plan, status=Risk.Status.OPEN)
        .select_related("category")
        .order_by("category__order", "order", "pk")
    )
    if not risks:
        return [
            Check(
                "Risks",
                "The plan has a risk register with risks",
                False,
                "No open risk recorded.",
                **(
                    _at(reverse("risks:risk_create", args=[plan.pk]), "id_description")
                    if RiskRegister.objects.filter(plan=plan).exists()
                    else _at(reverse("risks:register_edit", args=[plan.pk]), "id_new_categories")
                ),
                action=permissions.EDIT_RISKS,
            )
        ]
    checks = []
    for risk in risks:
        missing = []
        if not risk.mitigations.strip():
            missing.append("mitigation")
        if not risk.rating_after.strip():
            missing.append("a rating after mitigation")
        field = "id_mitigations" if not risk.mitigations.strip() else "id_rating_after"
        name = risk.description.strip().splitlines()[0][:80] if risk.description.strip() else ""
        checks.append(
            Check(
                "Risks",
                f"Risk “{name}” has mitigation and a rating after it",
                not missing,
                "Complete." if not missing else "Missing " + " and ".join(missing) + ".",
                **_at(reverse("risks:risk_edit", args=[plan.pk, risk.pk]), field),
                action=permissions.EDIT_RISKS,
            )
        )
    return checks


def _conditions(plan: Plan) -> list[Check]:
    """Each national condition the plan's framework asks the planning template to answer
    as an assurance statement, answered (yes or no, with its narrative)."""
    if plan.framework_id is None:
        return []
    conditions = list(conditions_answered_in_plan(plan))
    if not conditions:
        return []
    answers = {
        s.condition_id: s
        for s in ConditionStatus.objects.filter(
            plan=plan, condition__in=conditions, quarter__isnull=True
        )
    }
    page = reverse("plans:condition_plan_edit", args=[plan.pk])
    checks = []
    for condition in conditions:
        answer = answers.get(condition.pk)
        number = f"{condition.number}. " if condition.number else ""
        checks.append(
            Check(
                "National conditions",
                f"Assurance statement for “{number}{condition.title}”",
                answer is not None,
                f"Answered {answer.get_status_display().lower()}."
                if answer is not None
                else "Not answered yet.",
                **_at(page, f"id_c{condition.pk}-status"),
                action=permissions.EDIT_PLAN,
            )
        )
    return checks


def _sign_offs(plan: Plan) -> list[Check]:
    count = plan.sign_offs.count()
    url = reverse("plans:sign_off_list", args=[plan.pk])
    checks = [
        Check(
            "Sign-off",
            "Sign-offs recorded",
            count > 0,
            f"{count} sign-off(s)." if count else "No one has signed the plan off.",
            **_at(url, "id_on_behalf_of"),
        )
    ]
    for required in required_sign_offs(plan):
        if required.met:
            detail = f"Signed by {required.sign_off.name}."
        elif required.role.organisation_kind and required.organisation is None:
            detail = "The plan has no partner of this kind yet: choose it under Partners."
        else:
            detail = "Not signed yet."
        if not required.role.delegable:
            detail += " The framework does not let this be delegated."
        checks.append(
            Check(
                "Sign-off",
                f"Signed off by the {required.label}",
                required.met,
                detail,
                **_at(url, "id_role"),
            )
        )
    return checks


def _ring_fences(plan: Plan) -> list[Check]:
    """Each ring-fence the plan's framework checks before submission, each year: the
    schemes that count towards it planned at least its minimum (entered, where the
    framework publishes one per area)."""
    url = reverse("schemes:funding_streams", args=[plan.pk])
    checks = []
    for year in plan_funding(plan=plan):
        for fence in year.ring_fences:
            if not fence.ring_fence.checked_before_submission:
                continue
            item = f"{year.year.label}: {fence.ring_fence.name} at least its minimum"
            if fence.minimum is None:
                checks.append(
                    Check(
                        "Funding streams",
                        item,
                        False,
                        "No minimum entered for this year: enter the figure published for "
                        "the area, with its source.",
                        **_at(url, fence.field_id),
                    )
                )
                continue
            detail = (
                f"Schemes counting towards it plan {format_pounds(fence.planned)} against a "
                f"minimum of {format_pounds(fence.minimum)}"
            )
            checks.append(
                Check(
                    "Funding streams",
                    item,
                    bool(fence.met),
                    f"{detail}."
                    if fence.met
                    else f"{detail}: short by "
                    f"{format_pounds(fence.shortfall)}. Fund more of it from the schemes "
                    "marked for it, or correct the minimum.",
                    **_at(url, fence.field_id),
                )
            )
    return checks


def _section_75(plan: Plan) -> list[Check]:
    """Where the plan's framework sets a deadline for the section 75 agreement, the
    agreement is recorded with the day it was signed."""
    status = section_75_status(plan, today=timezone.localdate())
    if not status.asked:
        return []
    return [
        Check(
            "Section 75",
            "Section 75 agreement signed",
            status.signed,
            status.message,
            **_at(reverse("plans:section_75", args=[plan.pk]), "id_signed_on"),
        )
    ]


def plan_checks(*, plan: Plan) -> list[Check]:
    """Every template check of the plan version, in the order of the template."""
    return [
        *_sections(plan),
        *_schemes(plan),
        *_pooled_budget(plan),
        *_ring_fences(plan),
        *_metrics(plan),
        *_risks(plan),
        *_conditions(plan),
        *_sign_offs(plan),
        *_section_75(plan),
    ]


def all_passed(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)


def failing_items(plan: Plan) -> list[str]:
    """The names of the template checks the plan fails: governance's pre-submit check
    (registered in `governance.services.SUBMIT_CHECKS` by submissions/documents/handlers.py)."""
    return [check.item for check in plan_checks(plan=plan) if not check.ok]
