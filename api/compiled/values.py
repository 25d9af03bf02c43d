"""The signed-in viewer on the compiled path: the member the token was read with is the value
(no statement), and what its fields need beyond its columns comes from the same domain reads
the strawberry resolvers call (``points_summary``, ``check_in_state``, the estate and tag
loaders' functions), once each per request."""

from __future__ import annotations

import inspect
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from graphql import GraphQLObjectType

from api.compiled.shape import (
    Builder,
    Getter,
    Scope,
    Selected,
    Value,
    ValueScope,
    is_list,
)
from api.compiled.sql import Fallthrough, Run, Unsupported
from domain.identity import queries as identity
from domain.points import queries as points

DomainRead = Callable[[Run, Value], Awaitable[Any]]


def _value_scope(scope: Scope, field: Selected) -> ValueScope:
    if not isinstance(scope, ValueScope):
        raise Unsupported(f"{field.parent.name}.{field.name} outside a value")
    return scope


@dataclass(frozen=True)
class Read:
    """An object (or a list, ``many``) a domain read gives for the value, shaped as a value in
    turn; without ``read``, the value's attribute of the field's own name."""

    read: DomainRead | None = None
    many: bool = False

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        parent = _value_scope(scope, field)
        child_scope = ValueScope([])
        shape = builder.object(field.object_type(), field.nodes, child_scope)
        key, read, many, name = field.key, self.read, self.many, field.python_name

        async def fill(run: Run, value: Value) -> None:
            found = await read(run, value) if read is not None else getattr(value.obj, name)
            if many:
                children = [Value(obj, value.member_id, {}) for obj in found or ()]
                await child_scope.fill_all(run, children)
                value.found[key] = children
            elif found is None:
                value.found[key] = None
            else:
                child = Value(found, value.member_id, {})
                await child_scope.fill(run, child)
                value.found[key] = child

        if read is None:  # the value's own attribute: settles when its own reads do
            fill.settles = child_scope.settles  # type: ignore[attr-defined]
        parent.reads.append(fill)
        if many:
            return lambda value: [shape(child) for child in value.found[key]]
        required = field.non_null

        def get(value: Value) -> Any:
            child = value.found[key]
            if child is None:
                if required:
                    raise Fallthrough("null object in a non-null field")
                return None
            return shape(child)

        return get


@dataclass(frozen=True)
class Shared:
    """A leaf picked from a domain read that several fields share (read once per value)."""

    name: str
    read: DomainRead
    pick: Callable[[Any], Any]

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        parent = _value_scope(scope, field)
        name, read, pick = f"shared:{self.name}", self.read, self.pick
        if not any(getattr(r, "shared", None) == name for r in parent.reads):

            async def fill(run: Run, value: Value) -> None:
                value.found[name] = await read(run, value)

            fill.shared = name  # type: ignore[attr-defined]
            parent.reads.append(fill)
        return builder.leaf(field, lambda value: pick(value.found[name]))


def _awaited(call: Callable[[Value], Any]) -> DomainRead:
    async def read(run: Run, value: Value) -> Any:
        found = call(value)
        return await found if inspect.isawaitable(found) else found

    return read


@dataclass(frozen=True)
class Resolved:
    """A field whose resolver reads its object alone (no ``info``, no arguments): the resolver
    itself is called, sync or async, so its logic is said once."""

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        definition = field.definition.extensions.get("strawberry-definition")
        resolver = getattr(definition, "base_resolver", None)
        if resolver is None or resolver.arguments or resolver.info_parameter is not None:
            raise Unsupported(f"{field.parent.name}.{field.name} needs more than its object")
        function = resolver.wrapped_func
        read = _awaited(lambda value: function(value.obj))
        if isinstance(field.named_type, GraphQLObjectType):
            return Read(read, many=is_list(field.definition.type)).compile(builder, scope, field)
        return Shared(f"resolved:{field.key}", read, _same).compile(builder, scope, field)


@dataclass(frozen=True)
class ForViewer:
    """A field its type answers per viewer by a method of its own taking the viewer's id, or
    with ``member`` the viewer's row (the resolver calls the same method): the rule is said
    once."""

    method: str
    member: bool = False

    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter:
        method, member = self.method, self.member
        builder.member_read |= member

        async def read(run: Run, value: Value) -> Any:
            viewer = run.member if member else run.viewer_id
            found = getattr(value.obj, method)(viewer)
            return await found if inspect.isawaitable(found) else found

        if isinstance(field.named_type, GraphQLObjectType):
            return Read(read, many=is_list(field.definition.type)).compile(builder, scope, field)
        return Shared(f"viewer:{field.key}", read, _same).compile(builder, scope, field)


def _same(found: Any) -> Any:
    return found


async def estate_of(run: Run, value: Value) -> Any:
    """``Viewer.estate``: the estate loader's own read."""
    estate_id = value.obj.estate_id
    if estate_id is None:
        return None
    return (await identity.estates_by_id([estate_id])).get(estate_id)


def signed_in(value: Value) -> int:
    """The viewer's id under ``viewer`` (signed out never gets there: it falls through)."""
    if value.member_id is None:
        raise Fallthrough("signed out")
    return value.member_id


async def interest_tags_of(run: Run, value: Value) -> Any:
    member_id = signed_in(value)
    return (await identity.interest_tags_by_member_id([member_id])).get(member_id)


async def check_in_of(run: Run, value: Value) -> tuple[int, bool]:
    today = run.context.collaborators.clock.today()
    return await points.check_in_state(signed_in(value), today)


async def points_of(run: Run, value: Value) -> points.PointsSummary:
    """``Viewer.points`` (``Points.of``): the summary, whose attributes are Points' fields."""
    return await points.points_summary(signed_in(value))


@dataclass(frozen=True)
class SignedIn:
    """``viewer``: the member the bearer token was read with; signed out falls through (the
    resolver's permission answers)."""

    def compile(self, builder: Builder, field: Selected) -> tuple[Any, Getter]:
        scope = ValueScope([])
        shape = builder.object(field.object_type(), field.nodes, scope)
        builder.domain_reads = True
        builder.member_read = True

        async def fetch(run: Run) -> Value:
            member = run.member
            if member is None:
                raise Fallthrough("signed out")
            value = Value(member, member.id, {})
            await scope.fill(run, value)
            return value

        return fetch, shape
