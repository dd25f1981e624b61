"""The "what happens next" panel of a plan version or a return (submissions/cycle.py)."""

from django import template
from django.utils import timezone

from submissions import cycle

register = template.Library()


@register.inclusion_tag("submissions/_next_step.html", takes_context=True)
def next_step(context, obj):
    user = context["user"]
    today = timezone.localdate()
    if obj._meta.label_lower == "plans.plan":
        step = cycle.plan_next(obj, user, today)
    else:
        step = cycle.return_next(obj, user, today)
    return {"step": step, "csrf_token": context.get("csrf_token")}
