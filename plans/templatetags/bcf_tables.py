"""The body of a django-tables2 table (components/table.html), written in one pass."""

import html

from django import template
from django.db import models
from django.template.base import render_value_in_context
from django.urls import get_script_prefix, get_urlconf
from django.utils.hashable import make_hashable
from django.utils.html import conditional_escape, escape, format_html
from django.utils.http import urlencode
from django.utils.safestring import SafeString, mark_safe
from django_tables2 import utils
from django_tables2.columns import ManyToManyColumn
from django_tables2.columns.linkcolumn import BaseLinkColumn

register = template.Library()
# Off only to compare with django-tables2's own cells (plans/tests/test_tables.py).
FAST_CELLS = True
_ROW_ARGUMENTS = frozenset(("value", "record", "column", "bound_column", "bound_row", "table"))


def _resolve(record, accessor, bits):
    """`accessor.resolve(record)` for a model instance, without trying each attribute as
    a dictionary key first (an exception per cell); anything else asks django-tables2."""
    current = record
    for bit in bits:
        if not isinstance(current, models.Model):
            return accessor.resolve(record)
        current = getattr(current, bit)
        if callable(current):
            return accessor.resolve(record)
        if current is None:
            break
    return current


def _cell_function(table, bound_column, record):
    """A function (record, row) -> the cell's content, as BoundRow.get_cell computes it
    (the value by the column's accessor, a model field's choice label, the default for an
    empty value, the column's or table's render method with the arguments it takes), or
    None where a column needs django-tables2's own path."""
    column = bound_column.column
    if isinstance(column, BaseLinkColumn | ManyToManyColumn) or bound_column.link:
        return None
    accessor = utils.A(bound_column.accessor)
    bits = accessor.bits
    render = bound_column.render
    names, keywords = utils.signature(render)
    if not bits or keywords or not set(names) <= _ROW_ARGUMENTS:
        return None
    if isinstance(record, dict) and len(bits) == 1 and not hasattr(dict, accessor):
        return _dict_cell(table, bound_column, accessor, render, names)
    if not isinstance(record, models.Model):
        return None
    field = accessor.get_field(record)
    label = f"get_{bits[-1]}_display" if getattr(field, "choices", ()) else None
    prefix = bits[:-1]
    rendered = _renderer(table, bound_column, render, names)

    def cell(record, row):
        value = None
        owner = _resolve(record, accessor, prefix) if prefix else record
        display = getattr(owner, label, None) if label else None
        if display is not None and isinstance(owner, models.Model):
            value = display()
        else:
            try:
                value = _resolve(record, accessor, bits)
            except Exception:  # noqa: BLE001 - as BoundRow: a column with no such field
                value = None
        return rendered(value, record, row)

    return cell


def _renderer(table, bound_column, render, names):
    """(value, record, row) -> the cell: the column's default for an empty value, else its
    render method given the arguments it takes, as BoundRow._call_render does."""
    column = bound_column.column
    default, empty = bound_column.default, column.empty_values
    # The arguments most render methods take, passed without building them by name per cell.
    if tuple(names) == ("value",):
        return lambda value, record, row: default if value in empty else render(value=value)
    if tuple(names) == ("record",):
        return lambda value, record, row: default if value in empty else render(record=record)

    def rendered(value, record, row):
        if value in empty:
            return default
        arguments = {
            "value": value,
            "record": record,
            "column": column,
            "bound_column": bound_column,
            "bound_row": row,
            "table": table,
        }
        return render(**{name: arguments[name] for name in names})

    return rendered


def _computed(attrs) -> bool:
    """Whether td attributes are computed per cell (callables given the record or value)."""
    cells = [attrs.get("td", {}), attrs.get("cell", {})]
    return any(callable(value) for cell in cells for value in cell.values())


def _dict_cell(table, bound_column, key, render, names):
    """`_cell_function` for rows that are dicts and a column reading one key (not a name
    dicts have as an attribute): a key that is missing gives the default, as in
    django-tables2."""
    rendered = _renderer(table, bound_column, render, names)

    def cell(record, row):
        value = record.get(key)
        return rendered(value, record, row)

    return cell


def _text_in(context):
    """A function writing a cell's content as `{{ cell }}` does in this context
    (render_value_in_context): text escaped, safe text as it is, anything else localized
    and escaped by Django; text, most cells, without Django's lazy-aware wrappers."""
    if not context.autoescape or not FAST_CELLS:
        return lambda cell: render_value_in_context(cell, context)

    def text(cell) -> str:
        kind = type(cell)
        if kind is SafeString:
            return cell
        if kind is str:
            return html.escape(cell)
        return render_value_in_context(cell, context)

    return text


# Rows written before, by what they show (`_kept_rows`): a table whose rows are summaries,
# most unchanged from one computation of its page to the next, writes only those that
# changed. Bounded: emptied when full.
_KEPT_ROWS: dict[tuple, str] = {}
MOST_KEPT_ROWS = 5000


def _keep_row(key: tuple, html: str) -> None:
    if len(_KEPT_ROWS) >= MOST_KEPT_ROWS:
        _KEPT_ROWS.clear()
    _KEPT_ROWS[key] = html


def _hashable(value):
    """`value` as a key: a dictionary or list as a tuple of its items, in their order (the
    same values in another order are only another key), anything else as it is."""
    kind = type(value)
    if kind is dict:
        return _hashable_items(value.items())
    if kind is list or kind is tuple:
        return tuple(_hashable(v) for v in value)
    return value


def _hashable_items(items) -> tuple:
    """A record's values by name as a key (its model state left out), in one pass; any
    value of a kind not met here made hashable by Django's make_hashable."""
    found = tuple(
        (name, _hashable(value) if type(value) in _NESTED else value)
        for name, value in items
        if name != "_state"
    )
    try:
        hash(found)
    except TypeError:
        return make_hashable(dict(found))
    return found


_NESTED = (dict, list, tuple)


def _kept_rows(context, table, columns):
    """For a table that keeps its rows (`keeps_rows = True`: each cell shows only its
    record's own values, no related record's), a function giving a row's key: the table,
    its columns, where its links point and everything the record holds. A row with the same
    key is the same HTML. None for any other table, and when comparing with django-tables2's
    own cells."""
    if not (FAST_CELLS and getattr(table, "keeps_rows", False) and context.autoescape):
        return None
    shared = (
        type(table),
        tuple(c.name for c in columns),
        tuple(fixed_class(c) for c in columns),
        get_script_prefix(),
        get_urlconf(),
    )

    def key(record) -> tuple:
        if isinstance(record, dict):
            values = record.items()
        elif isinstance(record, models.Model):
            values = vars(record).items()
        else:
            return ()  # nothing to tell it by: written every time
        return (shared, _hashable_items(values))

    return key


def fixed_class(bound_column) -> str | None:
    """A column's cell class, when it does not depend on the record."""
    if _computed(bound_column.column.attrs):
        return None
    return bound_column.attrs["td"].get("class") or ""


@register.simple_tag(takes_context=True)
def table_head(context, table) -> str:
    """The header row's cells as components/table.html's loop writes them (each column's
    header, its sort link and the order it is sorted in), in one pass: the loop looked up
    each column's attributes and sort through template variables, a tenth of a computed
    table. "" when comparing with the loop (FAST_CELLS off), or with no request to link
    from; the template then writes them itself."""
    request = context.get("request")
    if not FAST_CELLS or request is None or not context.autoescape:
        return ""
    query = dict(request.GET)
    field = table.prefixed_order_by_field
    cells = []
    for column in table.columns:
        ordered = column.is_ordered
        alias = column.order_by_alias
        order = "descending" if alias.is_descending else "ascending"
        header = render_value_in_context(column.header, context)
        if column.orderable:
            href = escape("?" + urlencode(query | {field: alias.next}, doseq=True))
            sorted_ = f"ed {order}" if ordered else ""
            header = (
                f'<a href="{href}">{header}<span class="nhsuk-u-visually-hidden">, '
                f"sort{sorted_}</span></a>"
            )
        sort = f' aria-sort="{order}"' if ordered else ""
        cells.append(
            f'\n      <th scope="col" {column.attrs["th"].as_html()}{sort}>\n        {header}\n'
            "      </th>\n    "
        )
    # Every value above went through render_value_in_context, escape or as_html.
    return mark_safe("".join(cells))  # nosec B308 B703


@register.simple_tag(takes_context=True)
def table_foot(context, table) -> str:
    """The footer row's cells as components/table.html's loop writes them, in one pass; ""
    when comparing with the loop (FAST_CELLS off)."""
    if not FAST_CELLS or not context.autoescape:
        return ""
    cells = []
    for column in table.columns:
        css = conditional_escape(column.attrs["tf"].get("class") or "")
        footer = render_value_in_context(column.footer, context)
        cells.append(f'<td class="nhsuk-table__cell {css}"><strong>{footer}</strong></td>')
    # Every value above went through conditional_escape or render_value_in_context.
    return mark_safe("".join(cells))  # nosec B308 B703


@register.simple_tag(takes_context=True)
def table_rows(context, table):
    """The table's rows on this page, as the template loop over every cell wrote them.

    A 50-row table has 500 cells or more; looking up each cell's column class and value
    through template variables took a third of the time of the page, and django-tables2's
    per-cell lookups (each attribute tried as a dictionary key first, the arguments of the
    render method worked out again) half of the rest. The cells are computed as
    BoundRow.get_cell does (`_cell_function`), by the same `render` and `render_<column>`,
    and rendered as `{{ cell }}` would; a column that needs more (links, many-to-many,
    attributes computed per cell) takes django-tables2's own path.
    """
    per_cell = _computed(table.attrs)
    rows = []
    functions = None
    columns = list(table.columns)
    kept = _kept_rows(context, table, columns)
    # A column's class, and whether its cells' attributes are computed, once per column.
    fixed = {
        c.name: None
        if per_cell or _computed(c.column.attrs)
        else conditional_escape(c.attrs["td"].get("class") or "")
        for c in columns
    }
    text = _text_in(context)
    for row in table.paginated_rows:
        key = kept and kept(row.record)
        if key:
            found = _KEPT_ROWS.get(key)
            if found is not None:
                rows.append(found)
                continue
        if functions is None and FAST_CELLS and not per_cell:
            functions = [_cell_function(table, c, row.record) for c in columns]
            if None in functions or any(fixed[c.name] is None for c in columns):
                functions = False
        if functions:
            pairs = zip(columns, (f(row.record, row) for f in functions), strict=True)
        else:
            pairs = row.items()
        cells = []
        for column, cell in pairs:
            css = fixed[column.name]
            if css is None:
                css = conditional_escape(column.attrs["td"].get("class") or "")
            cells.append(f'<td class="nhsuk-table__cell {css}">{text(cell)}</td>')
        rows.append(f'\n    <tr class="nhsuk-table__row">\n    {"".join(cells)}\n    </tr>\n  ')
        if key:
            _keep_row(key, rows[-1])
    if not rows:
        return format_html(
            '\n    <tr class="nhsuk-table__row"><td class="nhsuk-table__cell" colspan="{}">{}</td>'
            "</tr>\n  ",
            len(table.columns),
            table.empty_text,
        )
    # Every value above went through conditional_escape or render_value_in_context.
    return mark_safe("".join(rows))  # nosec B308 B703
