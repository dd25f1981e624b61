from tests.grid import API_SIGNED_IN, API_VIEW, EDIT_SCHEMES, VIEW, Rule, no_arguments


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

# Quarterly spend (schemes/views_spend.py).
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
