from tests.grid import (
    API_SIGNED_IN,
    API_VIEW,
    EDIT_PLAN,
    EDIT_SCHEMES,
    FORBIDDEN,
    LOGIN,
    POST_ONLY,
    REDIRECT,
    VIEW,
    Rule,
    grid,
    no_arguments,
)


def _scheme(plan) -> dict:
    return {"pk": plan.pk, "scheme_pk": plan.schemes.order_by("pk").first().pk}


RULES = {
    "schemes:scheme_list": Rule(VIEW),
    "schemes:scheme_create": Rule(EDIT_SCHEMES),
    "schemes:scheme_import": Rule(EDIT_SCHEMES),
    "schemes:scheme_history_all": Rule(VIEW),
    "schemes:scheme_detail": Rule(VIEW, _scheme),
    "schemes:scheme_edit": Rule(EDIT_SCHEMES, _scheme),
    "schemes:scheme_delete": Rule(EDIT_SCHEMES, _scheme),
    "schemes:scheme_history": Rule(VIEW, _scheme),
    "api-plan-list": Rule(API_SIGNED_IN, no_arguments),
    "api-plan-detail": Rule(API_VIEW),
    "api-plan-schemes": Rule(API_VIEW),
}

# Quarterly spend (schemes/views/spend.py).
RULES.update(
    {
        "schemes:spend_edit": Rule(
            EDIT_SCHEMES, lambda plan: {"pk": plan.pk, "year": plan.first_year, "quarter": 1}
        ),
        "schemes:spend_import": Rule(
            EDIT_SCHEMES, lambda plan: {"pk": plan.pk, "year": plan.first_year, "quarter": 1}
        ),
    }
)


# The plan's themes, the budget grid, the spend grid's index and totals, milestones.
def _quarter(plan) -> dict:
    return {"pk": plan.pk, "year": plan.first_year, "quarter": 1}


def _milestone(plan) -> dict:
    from schemes import services

    milestone = services.milestone_create(plan=plan, task="Develop the business case")
    return {"pk": plan.pk, "milestone_pk": milestone.pk}


RULES.update(
    {
        "schemes:theme_list": Rule(EDIT_SCHEMES),
        "schemes:budget_grid": Rule(VIEW),
        "schemes:funding_streams": Rule(VIEW),
        "schemes:budget_grid_totals": Rule(POST_ONLY),
        "schemes:sub_type_options": Rule(EDIT_SCHEMES),
        "schemes:spend_index": Rule(
            grid(
                anonymous=LOGIN,
                officer=REDIRECT,
                finance=REDIRECT,
                admin_user=REDIRECT,
                default=FORBIDDEN,
            )
        ),
        "schemes:spend_totals": Rule(POST_ONLY, _quarter),
        "schemes:milestone_list": Rule(VIEW),
        "schemes:milestone_create": Rule(EDIT_PLAN),
        "schemes:milestone_edit": Rule(EDIT_PLAN, _milestone),
        "schemes:milestone_delete": Rule(EDIT_PLAN, _milestone),
    }
)


# Intermediate care capacity and demand (schemes/capacity/).
RULES.update(
    {
        "schemes:capacity_grid": Rule(VIEW),
        "schemes:capacity_year": Rule(VIEW, lambda plan: {"pk": plan.pk, "year": plan.first_year}),
        "schemes:capacity_totals": Rule(
            POST_ONLY, lambda plan: {"pk": plan.pk, "year": plan.first_year}
        ),
        "schemes:capacity_schemes": Rule(EDIT_SCHEMES),
        "schemes:capacity_export": Rule(VIEW),
        "schemes:capacity_import": Rule(EDIT_SCHEMES),
        "api-plan-capacity-demand": Rule(API_VIEW),
    }
)
