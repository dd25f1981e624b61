from django import template

from governance import selectors
from governance.numbering import letter, roman

register = template.Library()

register.filter("roman", roman)
register.filter("letter", letter)


@register.filter
def approvable_label(obj) -> str:
    """How the decision pages name an object's kind in their URL: "plans.plan"."""
    return obj._meta.label_lower


@register.inclusion_tag("governance/_approval_trail.html")
def approval_trail(obj):
    """An object's approvals: which decision of which meeting, or which officer under which
    delegation, approved it; its ratification; and the checksum of what was approved."""
    return {"obj": obj, "approvals": list(selectors.approval_trail(obj))}
