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
from django.db.models.query import get_related_populators

type Shape = tuple[tuple[str, type, Any], ...]

_UNPREPARED = object()
# The most SQL texts one query keeps, each about the size of its compiled query.
MAX_SHAPES = 64


class Prepared:
    """`Prepared(lambda article_id, now: Article.objects.filter(...))`: a query whose SQL
    is kept per database and shape of its arguments (ints, strings, aware datetimes, and
    lists of those; a list's length is part of the shape)."""

    def __init__(
        self,
        build: Callable[..., QuerySet],
        shape: tuple[str, ...] = (),
        using: str = DEFAULT_DB_ALIAS,
    ) -> None:
        self.build = build
        self.shape = shape
        self.using = using
        self._compiled: dict[Shape, Any] = {}
        self._fetch_mode = None

    def rows(self, **values: Any) -> list[tuple]:
        """The rows of a `values_list()` query, as tuples."""
        compiler, sql, params = self._sql(values)
        if compiler is None:
            return [tuple(row) for row in self.build(**values)]
        rows = self._fetch(compiler, sql, params)
        return [tuple(row) for row in compiler.results_iter(results=[rows])]

    def instances(self, **values: Any) -> list[Model]:
        """The rows of a query of models as its instances, made as the ORM makes them: with
        the rows of `select_related()` and the annotations."""
        compiler, sql, params = self._sql(values)
        if compiler is None:
            return list(self.build(**values))
        rows = self._fetch(compiler, sql, params)
        using, fetch_mode = self.using, self._fetch_mode
        select, klass_info = compiler.select, compiler.klass_info
        start, end = klass_info["select_fields"][0], klass_info["select_fields"][-1] + 1
        names = [column.target.attname for column, _, _ in select[start:end]]
        model = klass_info["model"]
        # As Django's ModelIterable fills in what select_related() joined.
        related = get_related_populators(klass_info, select, using, fetch_mode)
        annotations = (compiler.annotation_col_map or {}).items()
        found = []
        for row in compiler.results_iter(results=[rows]):
            instance = model.from_db(using, names, row[start:end], fetch_mode=fetch_mode)
            for populator in related:
                populator.populate(row, instance)
            for name, position in annotations:
                setattr(instance, name, row[position])
            found.append(instance)
        return found

    def _fetch(self, compiler: Any, sql: str, params: list) -> list:
        with connections[self.using].cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        # Columns the ORM adds for its own use (an order by a column not selected).
        if compiler.has_extra_select:
            rows = [row[: compiler.col_count] for row in rows]
        return rows

    def _sql(self, values: dict[str, Any]) -> tuple[Any, str, list]:
        """(compiler, SQL, parameters) for these values, or (None, "", []) for a query
        that is run through the ORM."""
        shape = _shape(values, self.shape)
        kept = self._compiled.get(shape)
        if kept is None:
            # Shapes come from requests (a page of comments, a list's length): past a
            # bound, a new one is run through the ORM rather than kept for ever.
            if len(self._compiled) >= MAX_SHAPES:
                return None, "", []
            kept = self._compiled[shape] = self._prepare(values)
        if kept is _UNPREPARED:
            return None, "", []
        compiler, sql, slots = kept
        return compiler, sql, _fill(compiler.using, slots, values)

    def _prepare(self, values: dict[str, Any]) -> Any:
        markers = _markers({k: v for k, v in values.items() if k not in self.shape})
        marked = self.build(**_unflatten(values, markers, self.shape))
        self._fetch_mode = marked._fetch_mode
        compiler = marked.query.get_compiler(using=self.using)
        try:
            sql, params = compiler.as_sql()
        except EmptyResultSet:
            return _UNPREPARED
        ops = connections[self.using].ops
        by_param = {_key(_adapt(ops, marker)): name for name, marker in markers.items()}
        slots = [_Slot(by_param.get(_key(param)), param) for param in params]
        # The check: the real values put in must give exactly what the ORM gives, to the
        # types of the parameters.
        real_sql, real_params = self.build(**values).query.get_compiler(using=self.using).as_sql()
        filled = _fill(self.using, slots, values)
        if (real_sql, _typed(real_params)) != (sql, _typed(filled)):
            return _UNPREPARED
        return compiler, sql, slots


def _fill(using: str, slots: list["_Slot"], values: dict[str, Any]) -> list:
    ops, flat = connections[using].ops, _flatten(values)
    return [slot.fill(ops, flat) for slot in slots]


def _typed(params: Any) -> list[tuple[type, Any]]:
    return [(type(param), param) for param in params]


class _Slot:
    """A parameter of the SQL: one of the values (by name), or a constant of the query's
    own (a status, a content type's id), the same each run."""

    def __init__(self, name: str | None, param: Any) -> None:
        self.name, self.param = name, param
        # The ORM's wrapper of the value, if any (psycopg's Int4 for an integer column).
        self.wrap = type(param) if type(param) not in (int, str, datetime.datetime) else None

    def fill(self, ops: Any, flat: dict[str, Any]) -> Any:
        if self.name is None:
            return self.param
        value = _adapt(ops, flat[self.name])
        return self.wrap(value) if self.wrap else value


def _flatten(values: dict[str, Any]) -> dict[str, Any]:
    flat = {}
    for name, value in values.items():
        if isinstance(value, list | tuple):
            flat.update({f"{name}[{i}]": item for i, item in enumerate(value)})
        else:
            flat[name] = value
    return flat


def _unflatten(values: dict[str, Any], flat: dict[str, Any], shape: tuple) -> dict[str, Any]:
    return {
        name: value
        if name in shape or value is None
        else [flat[f"{name}[{i}]"] for i in range(len(value))]
        if isinstance(value, list | tuple)
        else flat[name]
        for name, value in values.items()
    }


def _shape(values: dict[str, Any], shape: tuple[str, ...]) -> Shape:
    """The key of a query's SQL: each value's type (None is a shape of its own, `IS NULL`),
    a list's length, and the values named in `shape` themselves."""
    return tuple(
        (
            name,
            type(value),
            value if name in shape else len(value) if isinstance(value, list | tuple) else None,
        )
        for name, value in sorted(values.items())
    )


_counter = itertools.count(1)


def _markers(values: dict[str, Any]) -> dict[str, Any]:
    """A stand-in for each value, of its type, that no query holds of itself."""
    markers = {}
    for name, value in _flatten(values).items():
        n = next(_counter)
        if value is None:
            continue
        if isinstance(value, bool):
            raise TypeError(f"{name}: a prepared query's values are ints, strings or times")
        if isinstance(value, int):
            # Inside any integer column's range: a value out of it makes Django drop the
            # condition (an empty result) rather than write it.
            markers[name] = 2_100_000_000 + n
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
    # 1 == True and 0 == 0.0: a constant is told from a stand-in by its type too (an
    # int's wrapper, psycopg's Int4, is an int).
    if isinstance(param, int) and not isinstance(param, bool):
        return (int, int(param))
    try:
        hash(param)
    except TypeError:
        return (type(param), id(param))
    return (type(param), param)
