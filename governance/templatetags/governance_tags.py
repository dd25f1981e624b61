from django import template

from governance import selectors
from governance.numbering import letter, roman
from plans.models import Plan
from plans.selectors import versions_before

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
    delegation, approved it; its ratification; and the checksum of what was approved. A plan
    version's also names the versions before it (a draft whose content is not among the
    sources is held only as such a version)."""
    earlier = versions_before(obj) if isinstance(obj, Plan) else ()
    return {"obj": obj, "approvals": list(selectors.approval_trail(obj)), "earlier": earlier}
