"""Template checks: what NHS England's templates check (their "checker" column) before a
plan version goes; each check says yes or no, why, and where to fix it.

Reads only, through the apps' selectors, so the page, the API and the PDF agree.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from metrics.selectors import metrics_overview
from plans.models import NarrativeSection, Plan
from plans.money import format_pounds
from risks.models import Risk
from schemes.selectors import plan_budget_summary, scheme_list


@dataclass(frozen=True)
class Check:
    group: str
    item: str
    ok: bool
    detail: str
    url: str


def _sections(plan: Plan) -> list[Check]:
    written = {s.key: s.body.strip() for s in plan.sections.all()}
    return [
        Check(
            "Sections",
            f"Section “{label}” written",
            bool(written.get(key)),
            "Written." if written.get(key) else "This section has no text yet.",
            reverse("plans:section_edit", args=[plan.pk, key]),
        )
        for key, label in NarrativeSection.Key.choices
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
                reverse("schemes:scheme_create", args=[plan.pk]),
            )
        ]
    checks = []
    for scheme in schemes:
        missing = []
        if scheme.theme_id is None:
            missing.append("a theme")
        if scheme.scheme_type_id is None:
            missing.append("a scheme type")
        if not any(b.amount > 0 for b in scheme.budgets.all()):
            missing.append("a budget")
        if not scheme.metrics.all() and not scheme.no_metric_reason.strip():
            missing.append("a metric (or the reason it moves none)")
        checks.append(
            Check(
                "Schemes",
                f"Scheme “{scheme.name}” has a theme, type, budget and metric",
                not missing,
                "Complete." if not missing else "Missing " + ", ".join(missing) + ".",
                reverse("schemes:scheme_edit", args=[plan.pk, scheme.pk]),
            )
        )
    return checks


def _pooled_budget(plan: Plan) -> list[Check]:
    checks = []
    edit = reverse("plans:plan_edit", args=[plan.pk])
    schemes = reverse("schemes:scheme_list", args=[plan.pk])
    for year in plan_budget_summary(plan=plan):
        label = year.year.label
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
                edit,
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
                schemes if difference is not None else edit,
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
        checks.append(
            Check(
                "Metrics",
                f"Metric “{summary.metric.short_name or summary.metric.name}” has a baseline "
                "and trajectory",
                not missing,
                "Complete." if not missing else "Missing " + " and ".join(missing) + ".",
                reverse("metrics:metric_detail", args=[plan.pk, summary.metric.code]),
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
                reverse("risks:register", args=[plan.pk]),
            )
        ]
    checks = []
    for risk in risks:
        missing = []
        if not risk.mitigations.strip():
            missing.append("mitigation")
        if not risk.rating_after.strip():
            missing.append("a rating after mitigation")
        name = risk.description.strip().splitlines()[0][:80] if risk.description.strip() else ""
        checks.append(
            Check(
                "Risks",
                f"Risk “{name}” has mitigation and a rating after it",
                not missing,
                "Complete." if not missing else "Missing " + " and ".join(missing) + ".",
                reverse("risks:risk_edit", args=[plan.pk, risk.pk]),
            )
        )
    return checks


def _sign_offs(plan: Plan) -> list[Check]:
    count = plan.sign_offs.count()
    return [
        Check(
            "Sign-off",
            "Sign-offs recorded",
            count > 0,
            f"{count} sign-off(s)." if count else "No one has signed the plan off.",
            reverse("plans:plan_edit", args=[plan.pk]),
        )
    ]


def plan_checks(*, plan: Plan) -> list[Check]:
    """Every template check of the plan version, in the order of the template."""
    return [
        *_sections(plan),
        *_schemes(plan),
        *_pooled_budget(plan),
        *_metrics(plan),
        *_risks(plan),
        *_sign_offs(plan),
    ]


def all_passed(checks: list[Check]) -> bool:
    return all(check.ok for check in checks)


def failing_items(plan: Plan) -> list[str]:
    """The names of the template checks the plan fails: governance's pre-submit check
    (registered in `governance.services.SUBMIT_CHECKS` by submissions/documents/handlers.py)."""
    return [check.item for check in plan_checks(plan=plan) if not check.ok]
