"""A three-level rating's number as the register writes it: 1 → L, 2 → M, 3 → H."""

from django import template

from risks.calculations import LEVEL_LABELS

register = template.Library()


@register.filter
def level(value) -> str:
    return LEVEL_LABELS.get(value, str(value))
