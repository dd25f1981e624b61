from django import template

from governance import selectors
from governance.numbering import letter, roman
from plans import permissions

register = template.Library()

register.filter("roman", roman)
register.filter("letter", letter)


@register.filter
def approvable_label(obj) -> str:
    """How the decision pages name an object's kind in their URL: "plans.plan"."""
    return obj._meta.label_lower


@register.inclusion_tag("governance/_approval_trail.html", takes_context=True)
def approval_trail(context, obj):
    """An object's approvals: which decision of which meeting approved it.

    For a plan version, also the "Submit to NHS England" button when the user may record
    decisions in its area and the version is approved but not yet submitted.
    """
    user = context["user"]
    approvals = list(selectors.approval_trail(obj))
    status = getattr(obj, "status", None)
    can_submit = (
        obj._meta.label_lower == "plans.plan"
        and bool(approvals)
        and status == obj.Status.AGREED
        and permissions.can_in_area(user, permissions.RECORD_DECISIONS, obj.area_id)
    )
    return {
        "obj": obj,
        "approvals": approvals,
        "can_submit": can_submit,
        "request": context.get("request"),
        "csrf_token": context.get("csrf_token"),
    }
