"""The plan's own navigation, under the breadcrumbs of every page of a plan: every part of
the plan in four groups, the part the page belongs to marked."""

from functools import lru_cache

from django import template
from django.template.loader import render_to_string
from django.urls import get_script_prefix, get_urlconf, reverse

from plans import permissions

register = template.Library()

PLAN, AREA = "plan", "area"
# Groups of (label, url name, the permission the page needs, checked on the plan or its
# area, the views — namespace:name — that belong to that part).
_GROUPS = (
    (
        "Plan",
        (
            (
                "Overview",
                "plans:plan_detail",
                permissions.VIEW,
                PLAN,
                ("plans:plan_detail", "plans:plan_edit"),
            ),
            (
                "Partners",
                "plans:contributions",
                permissions.VIEW,
                PLAN,
                ("plans:contributions", "plans:partners_edit"),
            ),
            (
                "Narrative",
                "plans:section_list",
                permissions.VIEW,
                PLAN,
                ("plans:section_list", "plans:section_edit"),
            ),
            (
                "National conditions",
                "plans:condition_list",
                permissions.VIEW,
                PLAN,
                ("plans:condition_list", "plans:condition_edit"),
            ),
            (
                "Sign-off",
                "plans:sign_off_list",
                permissions.EDIT_PLAN,
                PLAN,
                ("plans:sign_off_list", "plans:sign_off_edit"),
            ),
            (
                "Section 75",
                "plans:section_75",
                permissions.VIEW,
                PLAN,
                ("plans:section_75",),
            ),
            (
                "Template checks",
                "submissions:checklist",
                permissions.VIEW,
                PLAN,
                ("submissions:checklist",),
            ),
            (
                "Versions",
                "submissions:version_list",
                permissions.VIEW,
                PLAN,
                ("submissions:version_list", "submissions:version_diff", "submissions:assurance"),
            ),
            ("History", "plans:plan_history", permissions.VIEW, PLAN, ("plans:plan_history",)),
        ),
    ),
    (
        "Money",
        (
            (
                "Themes",
                "schemes:theme_list",
                permissions.EDIT_SCHEMES,
                PLAN,
                ("schemes:theme_list",),
            ),
            (
                "Schemes",
                "schemes:scheme_list",
                permissions.VIEW,
                PLAN,
                (
                    "schemes:scheme_list",
                    "schemes:scheme_detail",
                    "schemes:scheme_edit",
                    "schemes:scheme_create",
                    "schemes:scheme_import",
                    "schemes:scheme_history",
                    "schemes:scheme_history_all",
                    "schemes:scheme_delete",
                ),
            ),
            ("Budgets", "schemes:budget_grid", permissions.VIEW, PLAN, ("schemes:budget_grid",)),
            (
                "Funding streams",
                "schemes:funding_streams",
                permissions.VIEW,
                PLAN,
                ("schemes:funding_streams",),
            ),
            (
                "Quarterly spend",
                "schemes:spend_index",
                permissions.EDIT_SCHEMES,
                AREA,
                ("schemes:spend_index", "schemes:spend_edit", "schemes:spend_import"),
            ),
            (
                "Funds",
                "risks:fund_list",
                permissions.VIEW,
                PLAN,
                (
                    "risks:fund_list",
                    "risks:fund_create",
                    "risks:fund_history",
                    "risks:fund_release",
                ),
            ),
        ),
    ),
    (
        "Delivery",
        (
            (
                "Metrics",
                "metrics:metrics_overview",
                permissions.VIEW,
                PLAN,
                (
                    "metrics:metrics_overview",
                    "metrics:metric_detail",
                    "metrics:metric_history",
                    "metrics:actual_import",
                    "metrics:baseline_edit",
                    "metrics:target_create",
                    "metrics:target_edit",
                    "metrics:actual_create",
                    "metrics:actual_edit",
                    "metrics:spc_rebase_create",
                    "metrics:spc_rebase_delete",
                ),
            ),
            (
                "Capacity and demand",
                "schemes:capacity_grid",
                permissions.VIEW,
                PLAN,
                (
                    "schemes:capacity_grid",
                    "schemes:capacity_year",
                    "schemes:capacity_schemes",
                    "schemes:capacity_import",
                ),
            ),
            (
                "Milestones",
                "schemes:milestone_list",
                permissions.VIEW,
                PLAN,
                (
                    "schemes:milestone_list",
                    "schemes:milestone_edit",
                    "schemes:milestone_create",
                    "schemes:milestone_delete",
                ),
            ),
            (
                "Risks",
                "risks:register",
                permissions.VIEW,
                PLAN,
                (
                    "risks:register",
                    "risks:register_edit",
                    "risks:risk_create",
                    "risks:risk_import",
                    "risks:heat_map",
                    "risks:risk_history",
                    "risks:risk_detail",
                    "risks:risk_edit",
                    "risks:risk_review",
                    "risks:scenario_list",
                    "risks:scenario_create",
                    "risks:scenario_edit",
                ),
            ),
        ),
    ),
    (
        "Reporting",
        (
            (
                "Dashboard",
                "submissions:dashboard",
                permissions.VIEW,
                PLAN,
                ("submissions:dashboard",),
            ),
            (
                "Quarterly returns",
                "submissions:return_list",
                permissions.VIEW,
                PLAN,
                (
                    "submissions:return_list",
                    "submissions:return_detail",
                    "submissions:return_narrative",
                    "submissions:return_diff",
                    "submissions:return_approve",
                ),
            ),
            (
                "Documents",
                "submissions:document_list",
                permissions.VIEW,
                PLAN,
                ("submissions:document_list", "submissions:workbook_import"),
            ),
        ),
    ),
)


# The parts a version whose content is not among the sources has: the pages that show it
# for what it is (they ask `permissions.get_plan(..., content=False)`); every other part
# refuses it.
_WITHOUT_CONTENT = frozenset(
    {"plans:plan_detail", "submissions:version_list", "plans:plan_history"}
)


def _allowed(user, action: str, scope: str, plan) -> bool:
    if scope == AREA:
        return permissions.can_in_area(user, action, plan.area_id)
    return permissions.can(user, action, plan)


# The (action, scope) pairs the links need: each asked once per page, not once per link.
_CHECKS = tuple(
    dict.fromkeys((action, scope) for _, links in _GROUPS for *_, action, scope, _ in links)
)


@lru_cache(maxsize=4096)
def _links(plan_pk: int, allowed: frozenset, held: bool, prefix: str, urlconf) -> tuple:
    """The groups of (label, url, views covered) for a plan and the checks the user passes
    (only the parts it has when its content is not `held`).

    A plan's links depend only on its key, the script prefix and the URL configuration, so
    they are reversed once per process, not on every page."""
    groups = []
    for title, links in _GROUPS:
        kept = tuple(
            (label, reverse(name, args=[plan_pk], urlconf=urlconf), covers)
            for label, name, action, scope, covers in links
            if (action, scope) in allowed and (held or name in _WITHOUT_CONTENT)
        )
        if kept:
            groups.append((title, kept))
    return tuple(groups)


@lru_cache(maxsize=4096)
def _tabs(
    plan_pk: int, allowed: frozenset, held: bool, current: str | None, prefix: str, urlconf
) -> str:
    """The navigation as `plans/_plan_tabs.html` writes it for these links and the view the
    page belongs to: written once per process, not on every page."""
    groups = [
        (title, [(label, url, current in covers) for label, url, covers in links])
        for title, links in _links(plan_pk, allowed, held, prefix, urlconf)
    ]
    return render_to_string("plans/_plan_tabs.html", {"groups": groups})


@register.simple_tag(takes_context=True)
def plan_tabs(context, plan):
    """The groups of links the user may follow, the part the page belongs to marked."""
    request = context.get("request")
    user = getattr(request, "user", None)
    current = getattr(getattr(request, "resolver_match", None), "view_name", None)
    allowed = frozenset(
        check for check in _CHECKS if user is not None and _allowed(user, *check, plan)
    )
    return _tabs(plan.pk, allowed, plan.content_held, current, get_script_prefix(), get_urlconf())
