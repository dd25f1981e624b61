"""Read queries over plans, shared by pages and the API."""

from django.db.models import Prefetch

from plans.models import NarrativeSection, Plan


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
    if with_sections:
        prefetches.append(Prefetch("sections", queryset=NarrativeSection.objects.all()))
    queryset = Plan.objects.select_related("area", "local_authority").prefetch_related(*prefetches)
    return permissions.get_plan(user, pk, action, queryset=queryset)
