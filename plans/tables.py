"""What every django-tables2 table of the app shares."""

from __future__ import annotations

import functools
from collections.abc import Callable

from django.urls import reverse
from django_tables2 import utils

_uncached_signature = utils.signature


@functools.lru_cache(maxsize=1024)
def _signature_of(function, bound: bool) -> tuple[tuple[str, ...], str | None]:
    args, keywords = _uncached_signature(function)
    # A bound method's signature leaves out its first argument (self or cls).
    return (args[1:] if bound else args), keywords


def _cached_signature(fn) -> tuple[tuple[str, ...], str | None]:
    """django-tables2's `signature(fn)`, remembered per function.

    django-tables2 asks `inspect.signature` which arguments a column's `render`, `value` or
    a table's `render_<column>` takes for every cell it renders, and a bound method is a
    new object each time, so the answer is remembered per underlying function. On a page of
    50 schemes that lookup was a sixth of the time of the request.
    """
    function = getattr(fn, "__func__", None)
    try:
        if function is not None:
            return _signature_of(function, True)
        return _signature_of(fn, False)
    except TypeError:  # an unhashable callable: ask every time, as django-tables2 does
        return _uncached_signature(fn)


def remember_cell_signatures() -> None:
    """Make django-tables2's per-cell calls use `_cached_signature` (from PlansConfig.ready)."""
    utils.signature = _cached_signature


_SENTINEL = 918273645


def url_for_each(name: str) -> Callable[[int], str]:
    """`reverse(name, args=[pk])` for every pk of a table from one call of reverse: a page
    of 50 rows with links in three columns asked for 150 (a tenth of the national view's
    time). For URLs whose one argument is an integer (`<int:pk>`), written as reverse would."""
    prefix, found, suffix = reverse(name, args=[_SENTINEL]).partition(str(_SENTINEL))
    if not found:  # pragma: no cover - a pattern that does not write its argument as is
        return lambda pk: reverse(name, args=[pk])
    return lambda pk: f"{prefix}{int(pk)}{suffix}"
