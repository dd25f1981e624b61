"""Statements the ORM writes once per process: a query a page runs on every request, whose
SQL depends only on its arguments' values (a year, a region, an id), is built and compiled
by the ORM the first time, with stand-ins for those values; later requests run the same
SQL with the values asked for. Building and compiling a query with subqueries took a few
milliseconds of a page's CPU, more than running it.

`model_rows` gives model instances (as iterating the queryset would), `value_rows` the
tuples of a `values_list()` queryset, each value converted as the ORM converts it. A
queryset whose SQL writes an argument into its text rather than as a parameter, or reads
related records or annotations into its instances, is not kept: it is run by the ORM each
time, as before.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from typing import Any, NamedTuple

from django.core.exceptions import EmptyResultSet
from django.db import connections, router
from django.db.models import Model, QuerySet
from django.db.models.query import FlatValuesListIterable, ModelIterable, ValuesListIterable


class _Statement(NamedTuple):
    sql: str
    slots: list[int | None]  # for each parameter: the index of the argument it is, or None
    params: list  # the parameters as compiled (those that are no argument kept as they are)
    columns: list[str] | None  # model rows: the columns' attribute names; value rows: None
    flat: bool  # value rows of a `values_list(flat=True)`
    converters: list  # (position, (functions, expression)) of the columns that have them


# (key, database) -> the statement, or None where it is not kept.
_STATEMENTS: dict[tuple, _Statement | None] = {}


def _stand_in(index: int, value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise TypeError(f"Arguments of a kept statement are numbers or text: {value!r}")
    if isinstance(value, int):
        # In the range of every integer field (a value out of a field's range makes the
        # ORM write no statement at all), and of no plausible year, id or number here.
        return 31_987 - index
    return f"\x1fstand-in {index}\x1f"


def _written(
    key: Hashable, model: type[Model], build: Callable[..., QuerySet], args: tuple
) -> tuple[str, _Statement | None]:
    """The statement kept under `key` for `model`'s database, written now if it is not yet.
    `build` must write the same SQL for every value of its arguments (a value that changes
    its shape, such as an empty region that filters nothing, calls for a key of its own)."""
    alias = router.db_for_read(model)
    found_key = (key, alias)
    if found_key in _STATEMENTS:
        return alias, _STATEMENTS[found_key]
    stand_ins = [_stand_in(i, value) for i, value in enumerate(args)]
    queryset = build(*stand_ins)
    compiler = queryset.query.get_compiler(alias)
    try:
        sql, params = compiler.as_sql()
    except EmptyResultSet:  # the stand-ins match nothing for the ORM: not kept
        _STATEMENTS[found_key] = None
        return alias, None
    readable = (
        queryset.model is model
        and isinstance(sql, str)
        and not any(str(s).strip("\x1f") in sql for s in stand_ins)
        and all(s in params for s in stand_ins)
        and not getattr(queryset, "_prefetch_related_lookups", ())
        and not getattr(queryset, "_known_related_objects", {})
    )
    converters = list(compiler.get_converters([c[0] for c in compiler.select]).items())
    slots = [stand_ins.index(p) if p in stand_ins else None for p in params]
    kept = None
    if not readable:
        pass
    elif queryset._iterable_class is ModelIterable:
        info = compiler.klass_info
        if (
            info is not None
            and not compiler.annotation_col_map
            and not info.get("related_klass_infos")
        ):
            names = [column.target.attname for column, _, _ in compiler.select]
            kept = _Statement(sql, slots, list(params), names, False, converters)
    elif queryset._iterable_class in (ValuesListIterable, FlatValuesListIterable):
        flat = queryset._iterable_class is FlatValuesListIterable
        kept = _Statement(sql, slots, list(params), None, flat, converters)
    _STATEMENTS[found_key] = kept
    return alias, kept


def _run(alias: str, kept: _Statement, args: tuple) -> list:
    sql, slots, params, _, _, converters = kept
    values = [p if slot is None else args[slot] for slot, p in zip(slots, params, strict=True)]
    connection = connections[alias]
    with connection.cursor() as cursor:
        cursor.execute(sql, values)
        rows = cursor.fetchall()
    if not converters:
        return rows
    # As the ORM converts what the database gives (SQLCompiler.apply_converters).
    converted = []
    for row in rows:
        row = list(row)
        for position, (functions, expression) in converters:
            value = row[position]
            for function in functions:
                value = function(value, expression, connection)
            row[position] = value
        converted.append(tuple(row))
    return converted


def model_rows(key: Hashable, model: type[Model], build: Callable[..., QuerySet], *args) -> list:
    """`list(build(*args))` of a queryset of `model`'s instances, the statement written
    once per process under `key`."""
    alias, kept = _written(key, model, build, args)
    if kept is None or kept.columns is None:
        return list(build(*args))
    names = kept.columns
    return [model.from_db(alias, names, row) for row in _run(alias, kept, args)]


def value_rows(key: Hashable, model: type[Model], build: Callable[..., QuerySet], *args) -> list:
    """`list(build(*args))` of a `values_list()` queryset of `model`, the statement written
    once per process under `key`."""
    alias, kept = _written(key, model, build, args)
    if kept is None or kept.columns is not None:
        return list(build(*args))
    rows = _run(alias, kept, args)
    return [row[0] for row in rows] if kept.flat else rows
