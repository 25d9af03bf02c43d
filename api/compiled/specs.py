"""What a field reads, said once per type (``api/compiled/fields.py``) and compiled for each
selection: a column of its type's row, a pure function of columns (the same function the
strawberry type calls), a related row joined in the same statement, the viewer's flag as an
EXISTS column, or children read by one more statement for the whole page."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, replace
from operator import itemgetter
from typing import Any

from tortoise.fields.relational import ForeignKeyFieldInstance
from tortoise.models import Model

from api.compiled.connections import connection
from api.compiled.shape import (
    Builder,
    Getter,
    Page,
    Scope,
    Selected,
    TableScope,
    Value,
    ValueScope,
    column_or_unsupported,
    nullable_column,
)
from api.compiled.sql import Fallthrough, Loader, Params, Row, Run, Statement
from api.errors import ClientError
from api.pagination import after_id, check_first, encode_cursor


@dataclass(frozen=True)
class Column:
    """A column of the type's table; ``name`` (a model field) defaults to the field's own."""

    name: str | None = None

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        name = self.name or field.python_name
        if isinstance(scope, ValueScope):
            return builder.leaf(field, _attribute(name))
        key = scope.statement.column(scope.alias, scope.model, name)
        return builder.leaf(field, itemgetter(key), nullable_column(scope, name))


@dataclass(frozen=True)
class Computed:
    """``function(*columns)``: the logic the strawberry type applies to the same values."""

    columns: tuple[str, ...]
    function: Callable[..., Any]
    never_none: bool = False

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        function = self.function
        if isinstance(scope, ValueScope):
            attributes = [_attribute(c) for c in self.columns]

            def attributes_of(value: Any) -> Any:
                return function(*[get(value) for get in attributes])

            return builder.leaf(field, attributes_of, may_be_none=not self.never_none)
        keys = [scope.statement.column(scope.alias, scope.model, c) for c in self.columns]
        if len(keys) == 1:
            (key,) = keys

            def read(row: Row) -> Any:
                return function(row[key])
        else:

            def read(row: Row) -> Any:
                return function(*[row[k] for k in keys])

        return builder.leaf(field, read, may_be_none=not self.never_none)


@dataclass(frozen=True)
class ViewerFlag:
    """Whether the viewer has a row beside this one: ``exists`` names this table ``{row}`` (the
    domain's own EXISTS column) and the viewer's id ``{viewer}``; false when signed out."""

    exists: str
    row: str

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        table = column_or_unsupported(scope, field)
        exists = self.exists.replace("{" + self.row + "}", table.alias)
        key = table.statement.flag(table.alias, exists)
        return builder.leaf(field, itemgetter(key), may_be_none=False)


@dataclass(frozen=True)
class Related:
    """The row a foreign key points to, joined in the same statement."""

    relation: str

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        table = column_or_unsupported(scope, field)
        alias, model = table.statement.join(table.alias, table.model, self.relation)
        child = builder.object(
            field.object_type(), field.nodes, TableScope(table.statement, alias, model)
        )
        fk = table.model._meta.fields_map[self.relation]
        if not (isinstance(fk, ForeignKeyFieldInstance) and fk.null):
            return child
        present = table.statement.column(alias, model, model._meta.pk_attr)
        required = field.non_null

        def get(row: Row) -> Any:
            if row[present] is None:
                if required:
                    raise Fallthrough("no related row")
                return None
            return child(row)

        return get


def _attribute(name: str) -> Getter:
    """A value's attribute; a strawberry object without it has it on its row (``model``), as
    its resolvers read it."""

    def get(value: Value) -> Any:
        obj = value.obj
        try:
            return getattr(obj, name)
        except AttributeError:
            return getattr(obj.model, name)

    return get


def _node_scope(model: type[Model], via: str | None) -> tuple[Statement, TableScope]:
    statement = Statement(model)
    if via is None:
        return statement, TableScope(statement, "t0", model)
    alias, related = statement.join("t0", model, via)
    return statement, TableScope(statement, alias, related)


@dataclass(frozen=True)
class Children:
    """Rows of another table whose ``parent_column`` is the parent's ``parent_key``, read for
    every parent of the page by one statement in ``order``: a list, the first one only, or the
    values of one ``column``. ``via`` reads the rows a foreign key of theirs points to instead;
    ``only_if`` (parent column, value) leaves other parents without children and unread."""

    model: type[Model]
    parent_column: str
    order: str
    parent_key: str = "id"
    where: str = ""
    via: str | None = None
    first_only: bool = False
    column: str | None = None
    only_if: tuple[str, Any] | None = None

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        table = column_or_unsupported(scope, field)
        statement, node_scope, key = self._shared(table)
        if self.column is not None:
            node: Getter = itemgetter(statement.column("t0", self.model, self.column))
        else:
            node = builder.object(field.object_type(), field.nodes, node_scope)
        if self.first_only:
            required = field.non_null

            def first(row: Row) -> Any:
                found = row[key]
                if not found:
                    if required:
                        raise Fallthrough("no child row")
                    return None
                return node(found[0])

            return first
        return lambda row: [node(child) for child in row[key]]

    def _shared(self, table: TableScope) -> tuple[Statement, TableScope, str]:
        """One statement for every selection of the same children (a post's cover and its
        images are one read, as ``queries.post_detail`` reads them)."""
        same = replace(self, first_only=False, column=None)
        found = table.statement.children.get((table.alias, same))
        if found is not None:
            statement, scope, key = found
            return statement, scope, key
        parent = table.statement.column(table.alias, table.model, self.parent_key)
        condition = None
        if self.only_if is not None:
            condition = table.statement.column(table.alias, table.model, self.only_if[0])
        statement, node_scope = _node_scope(self.model, self.via)
        link = statement.column("t0", self.model, self.parent_column)
        key = f"{table.alias}__children{len(table.statement.loaders)}"
        table.statement.loaders.append(
            Loader(self._loader(statement, parent, link, key, condition))
        )
        table.statement.children[(table.alias, same)] = (statement, node_scope, key)
        return statement, node_scope, key

    def _loader(
        self, statement: Statement, parent: str, link: str, key: str, condition: str | None
    ) -> Callable[[Run, list[Row]], Awaitable[None]]:
        wanted = self.only_if[1] if self.only_if else None
        column = statement.columns[link]
        extra = f" AND {self.where}" if self.where else ""

        async def load(run: Run, rows: list[Row]) -> None:
            ids = [r[parent] for r in rows if condition is None or r[condition] == wanted]
            found: dict[Any, list[Row]] = {}
            if ids:
                params, viewer = statement.start(run)
                tail = (
                    f"WHERE {column} = ANY({params.add(ids)}::int[]){extra} "
                    f"ORDER BY {column}, {self.order}"
                )
                for child in await statement.read(run, tail, params, viewer):
                    found.setdefault(child[link], []).append(child)
            for row in rows:
                row[key] = found.get(row[parent], [])

        return load


@dataclass(frozen=True)
class PagedChildren:
    """A connection over another table's rows of one parent, keyset-paged by id (``first`` 1–50,
    ``after`` an id cursor): one statement per parent, as the resolver runs."""

    model: type[Model]
    parent_column: str
    descending: bool = False
    where: str = ""
    via: str | None = None

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        """Under a table, the parent is the row's id; under a value, the viewer it belongs to."""
        statement, node_scope = _node_scope(self.model, self.via)
        ident = statement.column("t0", self.model, "id")
        shape = connection(builder, field, node_scope, lambda row: encode_cursor(row[ident]))
        arguments = field.arguments()
        page = self.reader(statement)
        if isinstance(scope, ValueScope):
            key = field.key

            async def read(run: Run, value: Value) -> None:
                values = arguments(run)
                value.found[key] = await page(
                    run, value.member_id, values["first"], values["after"]
                )

            scope.reads.append(read)
            return lambda value: shape(value.found[key])
        parent = scope.statement.column(scope.alias, scope.model, "id")
        row_key = f"{scope.alias}__page{len(scope.statement.loaders)}"

        async def load(run: Run, rows: list[Row]) -> None:
            values = arguments(run)
            for row in rows:
                row[row_key] = await page(run, row[parent], values["first"], values["after"])

        scope.statement.loaders.append(Loader(load))
        return lambda row: shape(row[row_key])

    def reader(self, statement: Statement) -> Callable[[Run, Any, int, str | None], Any]:
        """The page of one parent's rows as the connection resolvers read it."""
        link = statement.columns[statement.column("t0", self.model, self.parent_column)]
        order, compare = ("DESC", "<") if self.descending else ("ASC", ">")
        extra = f" AND {self.where}" if self.where else ""

        async def page(run: Run, parent: Any, first: int, after: str | None) -> Page:
            try:
                check_first(first)
                last = after_id(after)
            except ClientError as error:
                raise Fallthrough(str(error)) from error
            params, viewer = statement.start(run)
            tail = f"WHERE {link} = {params.add(parent)}{extra}"
            if last is not None:
                tail += f' AND t0."id" {compare} {params.add(last)}'
            tail += f' ORDER BY t0."id" {order} LIMIT {params.add(first + 1)}'
            rows = await statement.read(run, tail, params, viewer)
            return Page(rows[:first], len(rows) > first, after is not None)

        return page


__all__ = ["Children", "Column", "Computed", "PagedChildren", "Params", "Related", "ViewerFlag"]
