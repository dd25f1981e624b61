from tests.grid import API_SIGNED_IN, Rule, no_arguments


def _framework(plan) -> dict:
    from frameworks.services import framework_set

    framework = framework_set(
        code="grid-framework",
        name="A framework",
        first_year=2090,
        last_year=2090,
        source_title="Invented for the grid",
    )
    return {"pk": framework.pk}


RULES = {
    "api-framework-list": Rule(API_SIGNED_IN, no_arguments),
    "api-framework-detail": Rule(API_SIGNED_IN, _framework),
}
