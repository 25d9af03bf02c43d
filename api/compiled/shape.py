"""The generic shaper: a document's selection set, walked once against the schema, becomes nested
functions (each selection's dict one generated dict display, ``dict_builder``) that build the
response dict for exactly that selection (response keys in the order graphql-core gives them,
aliases, ``__typename``, fragments, enum names, custom scalars) from plain row dicts. What each
field reads is said per type in ``api/compiled/fields.py``; a field a type does not say, or a
selection the shaper does not know, makes the document Unsupported."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from operator import itemgetter
from typing import Any, Protocol

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLField,
    GraphQLList,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLOutputType,
    GraphQLScalarType,
    GraphQLSchema,
    GraphQLString,
    InlineFragmentNode,
    NamedTypeNode,
    SelectionSetNode,
    is_abstract_type,
    value_from_ast,
)
from graphql.pyutils import Undefined
from tortoise.models import Model

from api.compiled.sql import Fallthrough, Run, Statement, Unsupported, data_field

Getter = Callable[[Any], Any]
_BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}
# Scalar serialisers whose text orjson writes itself when the response is encoded: an aware
# datetime comes out as ``isoformat`` spells it (six digits of microseconds unless they are
# zero, the offset as ±HH:MM), at a sixth of the cost of calling it per value (a ledger page
# has a hundred). tests/unit/test_compiled_shape.py pins the equality.
_ENCODED_AS_IS: tuple[Callable[[Any], Any], ...] = (datetime.isoformat,)


@dataclass(frozen=True)
class TableScope:
    """Objects read from a statement's rows: the row's columns under ``alias`` are this type's."""

    statement: Statement
    alias: str
    model: type[Model]


@dataclass
class Value:
    """An object that is a Python value (the signed-in member, a points summary…): its plain
    fields are its attributes of the same names; ``found`` holds what its scope's reads found."""

    obj: Any
    member_id: int | None  # the viewer's id (whose object it is, under ``viewer``)
    found: dict[str, Any]


ValueRead = Callable[[Run, Value], Awaitable[None]]


@dataclass(frozen=True)
class ValueScope:
    """Objects that are ``Value``s; ``reads`` run on one before it is shaped (in order)."""

    reads: list[ValueRead]

    async def fill(self, run: Run, value: Value) -> None:
        for read in self.reads:
            await read(run, value)

    async def fill_all(self, run: Run, values: Sequence[Value]) -> None:
        """Every value of a list at once, as graphql-core resolves a list's async fields: the
        loads of one DataLoader in the same tick are one batch (one statement for the page).
        Where no read of the values waits for anything (``settles``), they are filled one after
        another, without a task each."""
        if not self.reads or not values:
            return
        if self.settles():
            for value in values:
                await self.fill(run, value)
        else:
            await asyncio.gather(*(self.fill(run, value) for value in values))

    def settles(self) -> bool:
        """Whether every read only picks from the value itself (a read says so with a
        ``settles`` callable; a domain read or a loader has none)."""
        return all(getattr(read, "settles", _waits)() for read in self.reads)


def _waits() -> bool:
    return False


Scope = TableScope | ValueScope


@dataclass(frozen=True)
class Selected:
    """One response key of an object's selection: its field, the nodes merged under the key."""

    parent: GraphQLObjectType
    key: str  # the response key (the alias, else the field's name)
    name: str  # the field's name
    definition: GraphQLField
    nodes: list[FieldNode]

    @property
    def python_name(self) -> str:
        strawberry_field = self.definition.extensions.get("strawberry-definition")
        return str(getattr(strawberry_field, "python_name", self.name))

    @property
    def has_resolver(self) -> bool:
        strawberry_field = self.definition.extensions.get("strawberry-definition")
        return getattr(strawberry_field, "base_resolver", None) is not None

    @property
    def non_null(self) -> bool:
        return isinstance(self.definition.type, GraphQLNonNull)

    @property
    def named_type(self) -> GraphQLNamedType:
        kind: Any = self.definition.type
        while isinstance(kind, GraphQLNonNull | GraphQLList):
            kind = kind.of_type
        named: GraphQLNamedType = kind
        return named

    def object_type(self) -> GraphQLObjectType:
        kind = self.named_type
        if not isinstance(kind, GraphQLObjectType):
            raise Unsupported(f"{self.parent.name}.{self.name} is abstract")
        return kind

    def arguments(self) -> Callable[[Run], dict[str, Any]]:
        """A reader of this field's argument values for one request (coerced, defaults filled);
        a value graphql-core would refuse is a Fallthrough."""
        node = self.nodes[0]
        given = {arg.name.value: arg.value for arg in node.arguments or ()}
        definitions = self.definition.args

        def read(run: Run) -> dict[str, Any]:
            values: dict[str, Any] = {}
            for name, argument in definitions.items():
                if name in given:
                    value = value_from_ast(given[name], argument.type, run.variables)
                    if value is Undefined:
                        value = argument.default_value
                else:
                    value = argument.default_value
                if value is Undefined:
                    if isinstance(argument.type, GraphQLNonNull):
                        raise Fallthrough(name)
                    value = None
                values[name] = value
            return values

        return read


class Spec(Protocol):
    def compile(self, builder: Builder, scope: Scope, field: Selected) -> Getter: ...


Registry = Callable[[GraphQLObjectType, Selected, Scope], Spec]


@dataclass
class Page:
    """A connection's page: the rows shown, whether more follow or came before, their cursor."""

    rows: Sequence[Any]  # row dicts, or values
    has_next: bool
    has_previous: bool


class Builder:
    def __init__(
        self,
        schema: GraphQLSchema,
        fragments: dict[str, FragmentDefinitionNode],
        registry: Registry,
    ) -> None:
        self.schema = schema
        self.fragments = fragments
        self.registry = registry
        # Set when a plan calls domain reads (they take their own pooled connections): such a
        # plan must not hold one for its own statements meanwhile.
        self.domain_reads = False
        # Set when a plan reads the signed-in member's row (``Run.member``), not only its id:
        # its requests read the row with the token; the others read the id alone.
        self.member_read = False

    def collect(self, kind: GraphQLObjectType, nodes: Sequence[FieldNode]) -> list[Selected]:
        """graphql-core's field collection for one runtime type, without directives."""
        grouped: dict[str, list[FieldNode]] = {}
        visited: set[str] = set()
        for node in nodes:
            if node.selection_set is not None:
                self._visit(kind, node.selection_set, grouped, visited)
        return [self._selected(kind, key, merged) for key, merged in grouped.items()]

    def _visit(
        self,
        kind: GraphQLObjectType,
        selection_set: SelectionSetNode,
        grouped: dict[str, list[FieldNode]],
        visited: set[str],
    ) -> None:
        """Fields by response key, through the fragments that apply to ``kind``."""
        for selection in selection_set.selections:
            if selection.directives:
                raise Unsupported("directives")
            if isinstance(selection, FieldNode):
                key = (selection.alias or selection.name).value
                grouped.setdefault(key, []).append(selection)
            elif isinstance(selection, InlineFragmentNode):
                if self._applies(selection.type_condition, kind):
                    self._visit(kind, selection.selection_set, grouped, visited)
            elif isinstance(selection, FragmentSpreadNode):
                name = selection.name.value
                if name in visited:
                    continue
                visited.add(name)
                fragment = self.fragments[name]
                if self._applies(fragment.type_condition, kind):
                    self._visit(kind, fragment.selection_set, grouped, visited)

    def _selected(self, kind: GraphQLObjectType, key: str, merged: list[FieldNode]) -> Selected:
        name = merged[0].name.value
        if name == "__typename":
            definition = GraphQLField(GraphQLNonNull(GraphQLString))
        elif name in kind.fields:
            definition = kind.fields[name]
        else:
            raise Unsupported(f"{kind.name}.{name}")
        return Selected(kind, key, name, definition, merged)

    def _applies(self, condition: NamedTypeNode | None, kind: GraphQLObjectType) -> bool:
        if condition is None:
            return True
        named = self.schema.get_type(condition.name.value)
        if named is kind:
            return True
        if named is None or not is_abstract_type(named):
            return False
        return self.schema.is_sub_type(named, kind)

    def object(self, kind: GraphQLObjectType, nodes: Sequence[FieldNode], scope: Scope) -> Getter:
        """The closure that builds this selection's dict from one source value."""
        keys: list[str] = []
        getters: list[Getter] = []
        for selected in self.collect(kind, nodes):
            keys.append(selected.key)
            if selected.name == "__typename":
                getters.append(Constant(kind.name))
                continue
            if selected.name.startswith("__"):
                raise Unsupported("introspection")
            spec = self.registry(kind, selected, scope)
            getters.append(spec.compile(self, scope, selected))
        return dict_builder(tuple(zip(keys, getters, strict=True)))

    def leaf(self, field: Selected, read: Getter, may_be_none: bool = True) -> Getter:
        """``read`` serialised as the field's type (enum names, custom scalars); a None where the
        schema promises a value falls through (the general path answers with its error)."""
        kind = field.named_type
        serialize: Callable[[Any], Any] | None = None
        if isinstance(kind, GraphQLEnumType):
            serialize = _enum_names(kind).__getitem__
        elif isinstance(kind, GraphQLScalarType) and kind.name not in _BUILT_IN_SCALARS:
            serialize = None if kind.serialize in _ENCODED_AS_IS else kind.serialize
        if serialize is not None and is_list(field.definition.type):
            serialize = _each(serialize)
        check = field.non_null and may_be_none
        if serialize is None and not check:
            return read
        return Leaf(read, serialize, check)


def dict_builder(pairs: Sequence[tuple[str, Callable[[Any], Any]]]) -> Callable[[Any], Any]:
    """The function that builds a selection's dict from one source, written out once at start
    as a single dict display: a column is a subscript of the row (a serialised one, a call on
    it unless it is None), any other field its getter's call. A comprehension over the pairs
    cost a frame and a tuple unpacking per field on every row, the most of a page's shaping.
    The keys are response names and column keys, written as literals (``repr``); the getters
    and serialisers are bound by name, so no text of a request is ever run."""
    bound: dict[str, Any] = {}
    parts: list[str] = []
    for i, (key, get) in enumerate(pairs):
        column = _column_of(get)
        if isinstance(get, Constant):
            parts.append(f"{key!r}: {get.value!r}")
        elif column is not None:
            parts.append(f"{key!r}: source[{column!r}]")
        elif isinstance(get, Leaf) and (read := _column_of(get.read)) is not None:
            # a column's value, serialised unless None (which a non-null field falls through on)
            value = "v" if get.serialize is None else f"s{i}(v)"
            absent = "absent()" if get.check else "None"
            if get.serialize is not None:
                bound[f"s{i}"] = get.serialize
            parts.append(f"{key!r}: ({value} if (v := source[{read!r}]) is not None else {absent})")
        else:
            bound[f"g{i}"] = get
            parts.append(f"{key!r}: g{i}(source)")
    bound["absent"] = _absent
    text = f"def build(source):\n    return {{{', '.join(parts)}}}\n"
    exec(compile(text, "<api.compiled.shape>", "exec"), bound)  # noqa: S102 (see above)
    built: Callable[[Any], Any] = bound["build"]
    return built


def _column_of(get: Callable[[Any], Any]) -> str | None:
    """The key an ``itemgetter`` of one string reads (what a column's getter is), else None."""
    if type(get) is not itemgetter:
        return None
    reduced = get.__reduce__()  # (itemgetter, (key,)): how it pickles
    items: tuple[Any, ...] = reduced[1] if isinstance(reduced, tuple) else ()
    return items[0] if len(items) == 1 and isinstance(items[0], str) else None


def is_list(kind: Any) -> bool:
    return isinstance(kind.of_type if isinstance(kind, GraphQLNonNull) else kind, GraphQLList)


def _each(serialize: Callable[[Any], Any]) -> Callable[[Any], Any]:
    return lambda values: [serialize(v) for v in values]


@dataclass(frozen=True)
class Constant:
    """The same value for every source (``__typename``): a literal in ``dict_builder``'s text."""

    value: str

    def __call__(self, _source: Any) -> str:
        return self.value


@dataclass(frozen=True)
class Leaf:
    """A leaf's value: ``read``, then ``serialize`` unless it is None (no serialiser: as read);
    a None where the schema promises a value (``check``) falls through to the general path.
    ``dict_builder`` writes one over a column out inline."""

    read: Getter
    serialize: Callable[[Any], Any] | None
    check: bool

    def __call__(self, source: Any) -> Any:
        value = self.read(source)
        if value is None:
            return _absent() if self.check else None
        return value if self.serialize is None else self.serialize(value)


def _absent() -> Any:
    raise Fallthrough("null in a non-null field")


def _enum_names(kind: GraphQLEnumType) -> dict[Any, str]:
    """Stored value or Python member → the GraphQL name strawberry answers with."""
    names: dict[Any, str] = {}
    wrapped = getattr(kind, "wrapped_cls", None)
    for member in wrapped or ():
        names[member] = member.name
        names[member.value] = member.name
    for name, value in kind.values.items():
        names.setdefault(value.value, name)
    return names


def column_or_unsupported(scope: Scope, field: Selected) -> TableScope:
    if not isinstance(scope, TableScope):
        raise Unsupported(f"{field.parent.name}.{field.name} outside a table")
    return scope


def nullable_column(scope: TableScope, name: str) -> bool:
    return bool(data_field(scope.model, name).null)


def edges_output(kind: GraphQLOutputType) -> GraphQLObjectType:
    named: Any = kind
    while isinstance(named, GraphQLNonNull | GraphQLList):
        named = named.of_type
    if not isinstance(named, GraphQLObjectType):
        raise Unsupported("edges")
    return named
