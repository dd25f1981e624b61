"""The body of a django-tables2 table (components/table.html), written in one pass."""

from django import template
from django.template.base import render_value_in_context
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _computed(attrs) -> bool:
    """Whether td attributes are computed per cell (callables given the record or value)."""
    cells = [attrs.get("td", {}), attrs.get("cell", {})]
    return any(callable(value) for cell in cells for value in cell.values())


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """The table's rows on this page, as the template loop over every cell wrote them.

    A 50-row table has 500 cells or more; looking up each cell's column class and value
    through template variables took a third of the time of the page. The cells are still
    django-tables2's (its `render` and `render_<column>`), rendered as `{{ cell }}` would.
    """
    per_cell = _computed(table.attrs)
    classes: dict[str, str] = {}
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, cell in row.items():
            if per_cell or _computed(column.column.attrs):
                css = column.attrs["td"].get("class") or ""
            elif column.name in classes:
                css = classes[column.name]
            else:
                css = classes[column.name] = column.attrs["td"].get("class") or ""
            cells.append(
                f'<td class="nhsuk-table__cell {conditional_escape(css)}">'
                f"{render_value_in_context(cell, context)}</td>"
            )
        rows.append(f'\n    <tr class="nhsuk-table__row">\n    {"".join(cells)}\n    </tr>\n  ')
    if not rows:
        return format_html(
            '\n    <tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="{}">{}</td>'
            "</tr>\n  ",
            len(table.columns),
            table.empty_text,
        )
    # Every value above went through conditional_escape or render_value_in_context.
    return mark_safe("".join(rows))  # nosec B308 B703
