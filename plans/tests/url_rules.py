from tests.grid import (
    ADMINISTER,
    EDIT_PLAN,
    FORBIDDEN,
    LOGIN,
    NOT_ALLOWED,
    OK,
    POST_ONLY,
    REDIRECT,
    SIGNED_IN,
    VIEW,
    Rule,
    grid,
    no_arguments,
)

RULES = {
    "home": Rule(SIGNED_IN, no_arguments),  # what each role has to do
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

# National conditions per quarter (plans/views/conditions.py).
RULES["plans:condition_edit"] = Rule(
    EDIT_PLAN, lambda plan: {"pk": plan.pk, "year": plan.first_year, "quarter": 1}
)
RULES["plans:condition_plan_edit"] = Rule(EDIT_PLAN)  # the plan's own answers


def _sign_off(plan) -> dict:
    from plans import services

    sign_off = services.sign_off_add(
        plan=plan,
        on_behalf_of="Health and Wellbeing Board",
        name="A Chair",
        position="Chair",
        signed_on=None,
    )
    return {"pk": plan.pk, "sign_off_pk": sign_off.pk}


def _area(plan) -> dict:
    return {"area_pk": plan.area_id}


def _area_user(plan) -> dict:
    from plans import permissions, services

    user = services.user_create(
        username="new-officer",
        first_name="New",
        last_name="Officer",
        email="",
        password="a long enough password",
        roles=[permissions.OFFICER],
        areas=[plan.area],
    )
    return {"area_pk": plan.area_id, "user_pk": user.pk}


RULES.update(
    {
        # Anyone who edits plans in one of their areas may start a plan there.
        "plans:plan_create": Rule(
            grid(anonymous=LOGIN, officer=OK, admin_user=OK, other_officer=OK, default=FORBIDDEN),
            no_arguments,
        ),
        "plans:partners_edit": Rule(EDIT_PLAN),
        "plans:contributions": Rule(VIEW),
        "plans:sign_off_list": Rule(EDIT_PLAN),
        "plans:sign_off_edit": Rule(EDIT_PLAN, _sign_off),
        "plans:condition_list": Rule(VIEW),
        "plans:area_list": Rule(ADMINISTER, no_arguments),
        "plans:area_detail": Rule(ADMINISTER, _area),
        "plans:area_user_add": Rule(ADMINISTER, _area),
        "plans:area_user_edit": Rule(ADMINISTER, _area_user),
    }
)

RULES["plans:narrative_preview"] = Rule(POST_ONLY)
RULES["plans:narrative_from_html"] = Rule(POST_ONLY)

# The section 75 agreement (plans/views/section_75.py).
RULES["plans:section_75"] = Rule(VIEW)
