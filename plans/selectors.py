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


def plan_detail(*, user, pk, action):
    """One plan with what its page shows, through the permission check (404/403)."""
    from plans import permissions

    queryset = Plan.objects.select_related("area", "local_authority").prefetch_related(
        "ccgs",
        "sign_offs",
        "plan_years",
        Prefetch("sections", queryset=NarrativeSection.objects.all()),
    )
    return permissions.get_plan(user, pk, action, queryset=queryset)
