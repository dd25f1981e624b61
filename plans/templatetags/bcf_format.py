"""How money, dates, financial years and import problems read in the interface."""

import datetime
import re

from django import template
from django.utils.formats import date_format
from django.utils.html import escape
from django.utils.safestring import mark_safe

from plans import spreadsheets
from plans.money import format_millions, format_money_input, format_pounds, format_thousands
from plans.periods import FinancialYear

register = template.Library()


@register.filter
def pounds(value) -> str:
    """£18,251,000 (whole pounds unless there are pence): plans.money.format_pounds."""
    return format_pounds(value)


@register.filter
def money_input(value) -> str:
    """An amount as it goes back into a box to edit: £1,234, or empty for none."""
    return format_money_input(value)


@register.filter
def thousands(value) -> str:
    """Pounds shown in £000s, as the plan's scheme tables write them: 3,852."""
    return format_thousands(value)


@register.filter
def millions(value) -> str:
    """Pounds shown in £m to three places, as the plan's totals: £18.251m."""
    return format_millions(value)


@register.filter
def uk_date(value) -> str:
    """31 March 2015."""
    if not value:
        return ""
    if isinstance(value, datetime.datetime):
        return date_format(value, "j F Y, H:i")
    return date_format(value, "j F Y")


@register.filter
def financial_year(value) -> str:
    """2016 → 2016/17."""
    if value in (None, ""):
        return ""
    if isinstance(value, FinancialYear):
        return value.label
    return FinancialYear(int(value)).label


_NUMBERED = re.compile(r"^(\d+)\.\s+(.*)$")
_LETTERED_HEADING = re.compile(r"^[a-z]\)\s+.{1,100}$")


def _list_items(lines) -> list[tuple[str, list[str]]]:
    """Top-level items with their indented "  - " sub-items."""
    items: list[tuple[str, list[str]]] = []
    for raw in lines:
        if raw.startswith(("  - ", "\t- ")) and items:
            items[-1][1].append(raw.strip()[2:])
        else:
            line = raw.strip()
            numbered = _NUMBERED.match(line)
            items.append((numbered[2] if numbered else line[2:], []))
    return items


def _render_list(kind: str, lines) -> str:
    tag, css = (
        ("ol", "nhsuk-list nhsuk-list--number")
        if kind == "number"
        else ("ul", "nhsuk-list nhsuk-list--bullet")
    )
    html = []
    for text, sub in _list_items(lines):
        inner = "".join(f"<li>{escape(item)}</li>" for item in sub)
        nested = f'<ul class="nhsuk-list nhsuk-list--bullet">{inner}</ul>' if sub else ""
        html.append(f"<li>{escape(text)}{nested}</li>")
    return f'<{tag} class="{css}">{"".join(html)}</{tag}>'


def _kind(raw: str) -> str:
    line = raw.strip()
    if raw.startswith(("  - ", "\t- ")):
        return "sub"
    if line.startswith("- "):
        return "bullet"
    if _NUMBERED.match(line):
        return "number"
    return "text"


@register.filter
def narrative(text: str):
    """Plan text to HTML, everything escaped: blank lines part paragraphs; "- " lines are
    bullets, "  - " their sub-bullets, "1. " numbered items; a lone "a) …" line a heading."""
    if not text:
        return ""
    html = []
    for block in text.replace("\r\n", "\n").split("\n\n"):
        lines = [line.rstrip() for line in block.strip("\n").split("\n") if line.strip()]
        if len(lines) == 1 and _LETTERED_HEADING.match(lines[0].strip()):
            html.append(f'<h3 class="nhsuk-heading-s">{escape(lines[0].strip())}</h3>')
            continue
        group: list[str] = []
        group_kind = None
        for line in lines + [None]:
            kind = None if line is None else _kind(line)
            if kind == "sub" and group_kind in ("bullet", "number"):
                group.append(line)
                continue
            if kind != group_kind and group:
                if group_kind == "text":
                    html.append("<p>" + "<br>".join(escape(g.strip()) for g in group) + "</p>")
                else:
                    html.append(_render_list(group_kind, group))
                group = []
            if line is not None:
                group_kind = "bullet" if kind == "sub" else kind
                group.append(line)
    # Every piece of text above went through escape(); only our own tags are unescaped.
    return mark_safe("".join(html))  # nosec B308 B703


@register.filter
def problems_listed(problems):
    """An import's problems: the first few to list, and how many more (see plans.spreadsheets)."""
    return spreadsheets.problems_listed(list(problems))
