from django import template

from schemes.selectors import plan_budget_summary

register = template.Library()


@register.inclusion_tag("schemes/_budget_reconciliation.html")
def budget_reconciliation(plan):
    """The plan page's budget check, from the same selector as the API."""
    return {"plan": plan, "summary": plan_budget_summary(plan=plan)}
