"""Values read from a request's query string or form by hand (not through a form field):
each read here, so that what nobody should send is refused the same way everywhere.

A view that reads a bare number (an id among a form's buttons, a record's version, a table's
page) asks `whole_number`; years and quarters are read by `plans.periods`; a table's sort,
page and page size by `configure_table`. A value that cannot be read is `None`, and the view
treats it as not given (or refuses it, saying why) — never a 500.
"""

from __future__ import annotations

import re

from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

# The largest value PostgreSQL's integer column holds; a bigger number names no record.
LARGEST = 2_147_483_647
# The most rows a table shows on one page, whatever `per_page` asks.
MOST_PER_PAGE = 500
_WHOLE = re.compile(r"-?[0-9]{1,10}")


def whole_number(value, *, low: int = -LARGEST, high: int = LARGEST) -> int | None:
    """`value` read as a whole number from `low` to `high`, else None: only the digits 0-9
    (an optional minus), nothing before or after, never a list, never beyond `high`."""
    if not isinstance(value, str) or not _WHOLE.fullmatch(value):
        return None
    number = int(value)
    return number if low <= number <= high else None


def text(value, *, longest: int = 150) -> str | None:
    """`value` read as one line of text of at most `longest` characters, spaces around it
    dropped, else None: never a list, never a NUL character (which PostgreSQL refuses)."""
    if not isinstance(value, str) or len(value) > longest or "\x00" in value:
        return None
    return value.strip()


class CountedPaginator(Paginator):
    """A paginator told how many rows there are (counted already, with other figures of the
    same rows), rather than asking the database again."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        self._counted = count
        super().__init__(object_list, per_page, **kwargs)

    @cached_property
    def count(self) -> int:
        return self._counted


def configure_table(
    request, table, *, per_page: int, count: int | None = None, read_all: bool = False
):
    """django-tables2's RequestConfig with checked input: the sort as asked (the table
    ignores columns it does not have), a page and page size that are whole numbers in
    range (else the first page, of `per_page` rows); a page past the last shows the last.
    `count`: how many rows the table has, when the caller has counted them already;
    `read_all`: every row read at once, in the table's order, for a caller that uses them
    all (the page is then a slice of them, not another query)."""
    table.request = request
    order_by = request.GET.getlist(table.prefixed_order_by_field)
    if order_by:
        table.order_by = order_by
    if read_all:
        list(table.data.data)
    size = whole_number(request.GET.get(table.prefixed_per_page_field), low=1, high=MOST_PER_PAGE)
    page = whole_number(request.GET.get(table.prefixed_page_field), low=1)
    counted = {} if count is None else {"paginator_class": CountedPaginator, "count": count}
    try:
        table.paginate(page=page or 1, per_page=size or per_page, **counted)
    except (EmptyPage, PageNotAnInteger):
        table.page = table.paginator.page(table.paginator.num_pages)
    return table
