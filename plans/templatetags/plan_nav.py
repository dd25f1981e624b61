"""The plan's own navigation, under the breadcrumbs of every page of a plan."""

from django import template
from django.urls import reverse

from plans import permissions

register = template.Library()

# (label, url name, the permission the page needs, how it is checked, url names it covers)
_LINKS = (
    ("Overview", "plans:plan_detail", permissions.VIEW, "plan", ("plan_detail", "plan_edit")),
    (
        "Partners",
        "plans:contributions",
        permissions.VIEW,
        "plan",
        ("contributions", "partners_edit"),
    ),
    ("Themes", "schemes:theme_list", permissions.EDIT_SCHEMES, "plan", ("theme_list",)),
    (
        "Schemes",
        "schemes:scheme_list",
        permissions.VIEW,
        "plan",
        ("scheme_list", "scheme_detail", "scheme_edit", "scheme_create", "scheme_import"),
    ),
    ("Budgets", "schemes:budget_grid", permissions.VIEW, "plan", ("budget_grid",)),
    (
        "Quarterly spend",
        "schemes:spend_index",
        permissions.EDIT_SCHEMES,
        "area",
        ("spend_edit", "spend_import"),
    ),
    (
        "Metrics",
        "metrics:metrics_overview",
        permissions.VIEW,
        "plan",
        ("metrics_overview", "metric_detail"),
    ),
    ("Risks", "risks:register", permissions.VIEW, "plan", ("register", "risk_detail", "risk_edit")),
    ("Narrative", "plans:section_list", permissions.VIEW, "plan", ("section_list", "section_edit")),
    (
        "Milestones",
        "schemes:milestone_list",
        permissions.VIEW,
        "plan",
        ("milestone_list", "milestone_edit", "milestone_create"),
    ),
    (
        "Sign-off",
        "plans:sign_off_list",
        permissions.EDIT_PLAN,
        "plan",
        ("sign_off_list", "sign_off_edit"),
    ),
    (
        "National conditions",
        "plans:condition_list",
        permissions.VIEW,
        "plan",
        ("condition_list", "condition_edit"),
    ),
    ("Template checks", "submissions:checklist", permissions.VIEW, "plan", ("checklist",)),
)


@register.inclusion_tag("plans/_plan_tabs.html", takes_context=True)
def plan_tabs(context, plan):
    request = context.get("request")
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "url_name", None)
    links = []
    for label, name, action, scope, covers in _LINKS:
        if user is None:
            continue
        allowed = (
            permissions.can_in_area(user, action, plan.area_id)
            if scope == "area"
            else permissions.can(user, action, plan)
        )
        if allowed:
            links.append((label, reverse(name, args=[plan.pk]), current in covers))
    return {"links": links, "plan": plan}
