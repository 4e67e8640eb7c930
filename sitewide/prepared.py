"""Queries whose SQL is worked out once per process, then run with each request's values.

Building and compiling a queryset costs Django several times what the database takes to
answer it (a filtered one: about 1 ms of Python, against 0.2 ms to run it and read its
rows), and the public pages run the same few queries on every render with other values:
an article's neighbours, its related articles' candidates, the menu. A `Prepared` query
builds its queryset once per process and shape with stand-in values, keeps the SQL, and
puts each request's values where the stand-ins were; the rows are read fresh every time
(nothing of a query's answer is kept).

Every value that changes between requests must be an argument (the time too: `now`);
on its first run the query is also built with the real values, and the SQL kept only if
putting those values in gives the very same SQL and parameters: a value read inside the
builder instead of passed (a clock), or one that changes the shape of the SQL (None, a
list's length, which is part of the shape), fails that check, and the query is then
always run through the ORM as before.
"""

import datetime
import itertools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model, QuerySet

type Shape = tuple[tuple[str, type, int | None], ...]

_UNPREPARED = object()


class Prepared:
    """`Prepared(lambda article_id, now: Article.objects.filter(...))`: a query whose SQL
    is kept per database and shape of its arguments (ints, strings, aware datetimes, and
    lists of those; a list's length is part of the shape)."""

    def __init__(self, build: Callable[..., QuerySet], using: str = DEFAULT_DB_ALIAS) -> None:
        self.build = build
        self.using = using
        self._compiled: dict[Shape, Any] = {}

    def rows(self, **values: Any) -> list[tuple]:
        """The rows of a `values_list()` query, as tuples."""
        compiler, sql, params = self._sql(values)
        if compiler is None:
            return [tuple(row) for row in self.build(**values)]
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [tuple(row) for row in compiler.results_iter(results=[rows])]

    def instances(self, **values: Any) -> list[Model]:
        """The query's rows as instances of its model (a query of one model's columns, with
        no `select_related()`, `values()` nor annotations)."""
        compiler, sql, params = self._sql(values)
        if compiler is None:
            return list(self.build(**values))
        names = [column.target.attname for column, _, _ in compiler.select]
        model, using = compiler.query.model, self.using
        with connections[using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return [model.from_db(using, names, row) for row in compiler.results_iter(results=[rows])]

    def _sql(self, values: dict[str, Any]) -> tuple[Any, str, list]:
        """(compiler, SQL, parameters) for these values, or (None, "", []) for a query
        that is run through the ORM."""
        shape = _shape(values)
        kept = self._compiled.get(shape)
        if kept is None:
            kept = self._compiled[shape] = self._prepare(values)
        if kept is _UNPREPARED:
            return None, "", []
        compiler, sql, slots = kept
        return compiler, sql, _fill(compiler.using, slots, values)

    def _prepare(self, values: dict[str, Any]) -> Any:
        markers = _markers(values)
        compiler = self.build(**_unflatten(values, markers)).query.get_compiler(using=self.using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _UNPREPARED
        ops = connections[self.using].ops
        by_param = {_key(_adapt(ops, marker)): name for name, marker in markers.items()}
        slots = [by_param.get(_key(param)) or _Constant(param) for param in params]
        # The check: the real values put in must give exactly what the ORM gives.
        real = self.build(**values).query.get_compiler(using=self.using).as_sql()
        if real != (sql, tuple(_fill(self.using, slots, values))):
            return _UNPREPARED
        return compiler, sql, slots


def _fill(using: str, slots: list, values: dict[str, Any]) -> list:
    ops, flat = connections[using].ops, _flatten(values)
    return [_adapt(ops, flat[slot]) if isinstance(slot, str) else slot.value for slot in slots]


class _Constant:
    """A parameter of the query's own (a status, a content type's id), the same each run."""

    def __init__(self, value: Any) -> None:
        self.value = value


def _flatten(values: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            flat.update({f"{name}[{i}]": item for i, item in enumerate(value)})
        else:
            flat[name] = value
    return flat


def _unflatten(values: dict[str, Any], flat: dict[str, Any]) -> dict[str, Any]:
    return {
        name: [flat[f"{name}[{i}]"] for i in range(len(value))]
        if isinstance(value, list | tuple)
        else flat[name]
        for name, value in values.items()
    }


def _shape(values: dict[str, Any]) -> Shape:
    return tuple(
        (name, type(value), len(value) if isinstance(value, list | tuple) else None)
        for name, value in sorted(values.items())
    )


_counter = itertools.count(1)


def _markers(values: dict[str, Any]) -> dict[str, Any]:
    """A stand-in for each value, of its type, that no query holds of itself."""
    markers = {}
    for name, value in _flatten(values).items():
        n = next(_counter)
        if isinstance(value, bool) or value is None:
            raise TypeError(f"{name}: a prepared query's values are ints, strings or times")
        if isinstance(value, int):
            markers[name] = -(10**12) - n
        elif isinstance(value, str):
            markers[name] = f"\ue000prepared-{n}"
        elif isinstance(value, datetime.datetime):
            markers[name] = datetime.datetime(
                1901, 1, 1, tzinfo=datetime.UTC
            ) + datetime.timedelta(microseconds=n)
        else:
            raise TypeError(f"{name}: a prepared query's values are ints, strings or times")
    return markers


def _adapt(ops, value: Any) -> Any:
    """A value as the ORM passes it to the database (a time, as a string on SQLite)."""
    if isinstance(value, datetime.datetime):
        return ops.adapt_datetimefield_value(value)
    return value


def _key(param: Any) -> tuple[type, Any]:
    # 1 == True and 0 == 0.0: a constant is told from a stand-in by its type too.
    try:
        hash(param)
    except TypeError:
        return (type(param), id(param))
    return (type(param), param)
