"""What a page offers to change, asked of plans.permissions (the one place that decides):
`{% may "edit_schemes" plan as can_edit %}` is true when the signed-in user may do that to
the plan as it stands, so an agreed, submitted or assured plan offers no link, button or
form that its refusal would answer."""

from django import template

from plans import permissions

register = template.Library()

ACTIONS = frozenset(permissions.CHANGES | {permissions.VIEW})


@register.simple_tag(takes_context=True)
def may(context, action: str, plan) -> bool:
    """Whether the signed-in user may `action` (a plans.permissions action: "edit_plan",
    "edit_schemes", "edit_metrics"…) on `plan` now (permissions.can)."""
    if action not in ACTIONS:
        raise template.TemplateSyntaxError(f"No such action in plans.permissions: {action!r}.")
    request = context.get("request")
    if request is None or plan is None:
        return False
    return permissions.can(request.user, action, plan)


@register.simple_tag(takes_context=True)
def may_start_version(context, plan) -> bool:
    """Whether the signed-in user may start a new draft version of `plan`
    (permissions.can_start_version): a frozen version's notice offers it only to them."""
    request = context.get("request")
    if request is None or plan is None:
        return False
    return permissions.can_start_version(request.user, plan)
