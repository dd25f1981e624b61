"""Read queries over plans, shared by pages and the API."""

from django.db.models import Prefetch
from django.urls import reverse

from plans.models import ConditionStatus, NarrativeSection, NationalCondition, Plan
from plans.periods import FinancialYear, Quarter


def plans_for(*, user):
    """The plans a user may see, newest first within each area."""
    return (
        Plan.objects.visible_to(user)
        .select_related("area")
        .order_by("area__name", "-first_year", "-version_date")
    )


def plan_detail(*, user, pk, action, with_sections: bool = True):
    """One plan with what its page shows, through the permission check (404/403).

    The plan's page itself only links to the narrative sections: it passes
    `with_sections=False` and saves their query.
    """
    from plans import permissions

    prefetches: list[str | Prefetch] = ["ccgs", "sign_offs", "plan_years"]
    if not with_sections:  # the plan's own page, which lists its framework's deadlines
        prefetches.append("framework__deadlines")
    if with_sections:
        prefetches.append(Prefetch("sections", queryset=NarrativeSection.objects.all()))
    queryset = Plan.objects.select_related("area", "local_authority", "framework").prefetch_related(
        *prefetches
    )
    return permissions.get_plan(user, pk, action, queryset=queryset)


def condition_statuses(*, plan: Plan, fy: FinancialYear, quarter: Quarter) -> list[dict]:
    """The national conditions of the year with the plan's status in the quarter, as the
    quarterly dashboard and a return show them (2 queries)."""
    statuses = {
        s.condition_id: s
        for s in ConditionStatus.objects.filter(
            plan=plan, year=fy.start_year, quarter=quarter.number
        )
    }
    url = reverse("plans:condition_edit", args=[plan.pk, fy.start_year, quarter.number])
    rows = []
    for condition in NationalCondition.objects.applying_to(fy.start_year).order_by("order", "code"):
        status = statuses.get(condition.pk)
        rows.append(
            {
                "code": condition.code,
                "title": condition.title,
                "status": status.status if status else None,
                "status_label": status.get_status_display() if status else "Not reported",
                "expected_date": status.expected_date if status else None,
                "expected_date_precision": status.expected_date_precision if status else "day",
                "narrative": status.narrative if status else "",
                "url": url,
            }
        )
    return rows
