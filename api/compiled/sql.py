"""The statements a compiled plan sends: one SELECT per table scope, built once from the columns
and joins its selection needs, read as plain row dicts (no model objects) through tortoise's
connection (asyncpg's pool on PostgreSQL, aiosqlite on SQLite), so the statement log, the
transaction in progress and the pool's settings are the general path's own.

Statements are written for PostgreSQL (``$1`` parameters, ``= ANY($1::int[])``); on SQLite they
are rewritten once (``?1``, ``IN (SELECT value FROM json_each(?1))``) and the values SQLite keeps
as text or integers (datetimes, booleans, JSON) are turned into what tortoise's fields give."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from typing import Any

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.fields import BooleanField, DatetimeField, JSONField
from tortoise.fields.base import Field
from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.models import Model

from domain.written import one_of_ints

Row = dict[str, Any]
Convert = Callable[[Any], Any]

_PARAM = re.compile(r"\$(\d+)")
_ANY = re.compile(r"= ANY\(\$(\d+)::int\[\]\)")


class Unsupported(Exception):
    """A selection no plan can serve: its document is left to the general path."""


class Fallthrough(Exception):
    """This request is not one the plan serves as the general path would: that path answers."""


def _for_sqlite(sql: str) -> str:
    return _PARAM.sub(r"?\1", _ANY.sub(lambda m: one_of_ints("?", int(m[1])), sql))


class Database:
    """One request's access to the default connection (whatever transaction is current)."""

    _sqlite_text: dict[str, str] = {}

    def __init__(self) -> None:
        self.client: BaseDBAsyncClient = connections.get("default")
        self.sqlite = self.client.capabilities.dialect == "sqlite"
        self.connection: Any = None
        self._held: Any = None  # the acquisition ``hold`` made, until ``release``

    async def hold(self) -> None:
        """On PostgreSQL, acquire the pooled connection now (before the plan runs: the request's
        authentication reads on it too); the plan's ``connected`` block then uses it and gives
        it back at its end, and ``release`` gives it back if no plan ran."""
        if self.sqlite or self._held is not None:
            return
        held = self.client.acquire_connection()
        self.connection = await held.__aenter__()
        self._held = held

    async def release(self) -> None:
        held, self._held, self.connection = self._held, None, None
        if held is not None:
            await held.__aexit__(None, None, None)

    @asynccontextmanager
    async def connected(self, wanted: bool = True) -> AsyncIterator[None]:
        """On PostgreSQL, one pooled connection (or the transaction's) for all of a request's
        statements, instead of one acquire and release per statement."""
        if self._held is not None and not wanted:  # its reads take their own connections
            await self.release()
        if self._held is not None:
            try:
                yield
            finally:
                await self.release()
            return
        if self.sqlite or not wanted:
            yield
            return
        async with self.client.acquire_connection() as connection:
            self.connection = connection
            try:
                yield
            finally:
                self.connection = None

    async def rows(self, sql: str, params: list[Any]) -> list[Row]:
        if self.connection is not None:
            self.client.log.debug("%s: %s", sql, params)  # the statement log tests count
            records = await self.connection.fetch(sql, *params)
            if not records:
                return []
            # The names looked up once: every record of one statement has the same columns.
            names = tuple(records[0].keys())
            return [dict(zip(names, record, strict=False)) for record in records]
        if self.sqlite:
            text = self._sqlite_text.get(sql)
            if text is None:
                text = self._sqlite_text[sql] = _for_sqlite(sql)
            values = [orjson.dumps(v).decode() if isinstance(v, list) else v for v in params]
            return await self.client.execute_query_dict(text, values)
        return await self.client.execute_query_dict(sql, params)


class Params:
    """A statement's bound values, numbered as they are added."""

    def __init__(self) -> None:
        self.values: list[Any] = []

    def add(self, value: Any) -> str:
        self.values.append(value)
        return f"${len(self.values)}"


def data_field(model: type[Model], name: str) -> Field[Any]:
    """The model's column ``name`` (a python name), or Unsupported."""
    found = model._meta.fields_map.get(name)
    if found is None or name not in model._meta.fields_db_projection:
        raise Unsupported(f"{model.__name__}.{name} is not a column")
    return found


def _column_name(model: type[Model], name: str) -> str:
    return str(model._meta.fields_db_projection[data_field(model, name).model_field_name])


@dataclass
class Loader:
    """What runs after a statement's rows are read: fills each row's ``key`` with children."""

    run: Callable[[Run, list[Row]], Awaitable[None]]


@dataclass
class Statement:
    """``SELECT <columns> FROM <table> t0 <joins>``: the columns are the ones the plan's selection
    reads, each under a key ``<alias>__<column>`` of the row dicts."""

    model: type[Model]
    source: str = ""  # FROM … when it is not the model's table alone
    columns: dict[str, str] = field(default_factory=dict)  # key → SQL expression
    joins: list[str] = field(default_factory=list)
    joined: dict[tuple[str, str], tuple[str, type[Model]]] = field(default_factory=dict)
    flags: dict[str, str] = field(default_factory=dict)  # key → EXISTS with {viewer}
    converters: dict[str, tuple[Convert, bool]] = field(default_factory=dict)  # (f, sqlite only)
    loaders: list[Loader] = field(default_factory=list)
    children: dict[tuple[str, Any], Any] = field(default_factory=dict)  # see specs.Children
    _select: dict[str | None, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.source:
            self.source = f'"{self.model._meta.db_table}" t0'

    def column(self, alias: str, model: type[Model], name: str) -> str:
        column = _column_name(model, name)
        key = f"{alias}__{column}"
        if key not in self.columns:
            self.columns[key] = f'{alias}."{column}"'
            found = data_field(model, name)
            if isinstance(found, BooleanField):
                self.converters[key] = (bool, True)
            elif isinstance(found, DatetimeField | JSONField):
                self.converters[key] = (found.to_python_value, not isinstance(found, JSONField))
        return key

    def where(self, alias: str, model: type[Model], name: str) -> str:
        """The column ``name`` of ``alias`` for a condition or an order (not read)."""
        return f'{alias}."{_column_name(model, name)}"'

    def join(self, alias: str, model: type[Model], relation: str) -> tuple[str, type[Model]]:
        """The alias of the row ``relation`` (a foreign key of ``model``) points to."""
        found = self.joined.get((alias, relation))
        if found is not None:
            return found
        fk = model._meta.fields_map.get(relation)
        if not isinstance(fk, ForeignKeyFieldInstance):
            raise Unsupported(f"{model.__name__}.{relation} is not a foreign key")
        related: type[Model] = fk.related_model
        child = f"t{len(self.joined) + 1}"
        source = _column_name(model, fk.source_field or f"{relation}_id")
        pk = related._meta.pk.source_field or related._meta.pk_attr
        kind = "LEFT JOIN" if fk.null else "JOIN"
        self.joins.append(
            f'{kind} "{related._meta.db_table}" {child} ON {child}."{pk}" = {alias}."{source}"'
        )
        self.joined[(alias, relation)] = (child, related)
        return child, related

    def flag(self, alias: str, exists: str) -> str:
        """A boolean column: ``exists`` (with ``{viewer}`` for the viewer's id)."""
        key = f"{alias}__flag{len(self.flags)}"
        self.flags[key] = exists
        self.converters[key] = (bool, True)
        return key

    def select(self, viewer: str | None) -> str:
        """``SELECT … FROM … JOIN …``; the viewer's flags are false when nobody is signed in."""
        found = self._select.get(viewer)
        if found is None:
            parts = [f'{sql} AS "{key}"' for key, sql in self.columns.items()]
            for key, exists in self.flags.items():
                sql = exists.replace("{viewer}", viewer) if viewer else "false"
                parts.append(f'{sql} AS "{key}"')
            # Built from the models' tables and columns; every value is a bound parameter.
            found = f"SELECT {', '.join(parts)} FROM {self.source} {' '.join(self.joins)}"  # noqa: S608
            self._select[viewer] = found
        return found

    def start(self, run: Run) -> tuple[Params, str | None]:
        """Fresh parameters, holding the viewer's id first when a flag needs it."""
        params = Params()
        if self.flags and run.viewer_id is not None:
            return params, params.add(run.viewer_id)
        return params, None

    async def read(self, run: Run, tail: str, params: Params, viewer: str | None) -> list[Row]:
        """This statement's rows (``tail``: WHERE, ORDER BY, LIMIT), then what its loaders add."""
        rows = await run.db.rows(f"{self.select(viewer)} {tail}", params.values)
        if self.converters:
            sqlite = run.db.sqlite
            for key, (convert, sqlite_only) in self.converters.items():
                if sqlite or not sqlite_only:
                    for row in rows:
                        value = row[key]
                        if value is not None:
                            row[key] = convert(value)
        for loader in self.loaders:
            await loader.run(run, rows)
        return rows


@dataclass
class Run:
    """One request on the compiled path: its coerced variables, viewer and connection."""

    db: Database
    variables: dict[str, Any]
    viewer_id: int | None
    context: Any = None

    @property
    def member(self) -> Any:
        """The signed-in member's row (None signed out). A plan that reads it says so when it is
        built (``Builder.member_read``), so its request reads the row with the token; one that
        reads it without saying so finds only the id was read, and the general path answers."""
        if self.context is None:
            return None
        if self.context.member_unread:
            raise Fallthrough("only the member's id was read")
        return self.context.member
