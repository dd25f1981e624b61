from tests.grid import (
    EDIT_PLAN,
    NOT_ALLOWED,
    OK,
    REDIRECT,
    SIGNED_IN,
    VIEW,
    Rule,
    grid,
    no_arguments,
)

RULES = {
    "home": Rule(grid(default=REDIRECT), no_arguments),
    "login": Rule(grid(default=OK), no_arguments),
    "logout": Rule(grid(default=NOT_ALLOWED), no_arguments),  # only a POST logs out
    "admin:index": Rule(grid(admin_user=OK, default=REDIRECT), no_arguments),
    "api-schema": Rule(grid(default=OK), no_arguments),  # describes the API, holds no data
    "plans:plan_list": Rule(SIGNED_IN, no_arguments),
    "plans:plan_detail": Rule(VIEW),
    "plans:plan_edit": Rule(EDIT_PLAN),
    "plans:section_list": Rule(VIEW),
    "plans:section_edit": Rule(EDIT_PLAN, lambda plan: {"pk": plan.pk, "key": "vision"}),
    "plans:plan_history": Rule(VIEW),
}

# National conditions per quarter (plans/views_conditions.py).
RULES["plans:condition_edit"] = Rule(
    EDIT_PLAN, lambda plan: {"pk": plan.pk, "year": plan.first_year, "quarter": 1}
)
