from django import template

from schemes.models import PROTECTED_SOCIAL_CARE_WORDS
from schemes.selectors import plan_budget_summary

register = template.Library()


@register.inclusion_tag("schemes/_budget_reconciliation.html")
def budget_reconciliation(plan):
    """The plan page's budget check, from the same selector as the API."""
    return {"plan": plan, "summary": plan_budget_summary(plan=plan)}


@register.simple_tag
def protected_social_care_counts() -> str:
    """What the protected adult social care figure counts (schemes.models' one rule)."""
    return PROTECTED_SOCIAL_CARE_WORDS
