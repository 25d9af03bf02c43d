"""Every operation of the contract documents (each ``api/contract/*.graphql``) with its variables
walked down to their leaves against the served schema: which input positions a client controls."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLScalarType,
    OperationDefinitionNode,
    parse,
    print_ast,
    type_from_ast,
)
from graphql.language import FragmentSpreadNode, Visitor, visit

from api.schema import schema

CONTRACT_DIR = Path(__file__).resolve().parents[2] / "api" / "contract"
SCHEMA = schema._schema


@dataclass(frozen=True)
class Leaf:
    """One position a client fills: ``path`` from the variable (``input.recipe.steps.0``),
    ``kind`` the scalar name (``ID``, ``String``, ``DateTime``…) or ``enum``, ``name`` the field or
    variable name that holds it, ``type`` the named type, ``parent`` the input type holding it."""

    path: tuple[str, ...]
    kind: str
    name: str
    type: GraphQLScalarType | GraphQLEnumType
    parent: str | None

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Shape:
    """A position that is not a leaf but can be hostile as a whole: a non-null that gets null, a
    list (empty, huge, with a null), an input object (missing or unknown fields)."""

    path: tuple[str, ...]
    kind: str  # "non-null" | "list" | "input-object"
    type: GraphQLInputType

    @property
    def dotted(self) -> str:
        return ".".join(self.path)


@dataclass(frozen=True)
class Operation:
    name: str
    kind: str  # query | mutation | subscription
    text: str
    variables: dict[str, GraphQLInputType]
    root_field: str
    document: str  # the contract file it comes from, e.g. "staff.graphql"

    def leaves(self) -> list[Leaf]:
        found: list[Leaf] = []
        for name, type_ in self.variables.items():
            _walk(type_, (name,), name, None, found, [])
        return found

    def shapes(self) -> list[Shape]:
        found: list[Shape] = []
        for name, type_ in self.variables.items():
            _walk(type_, (name,), name, None, [], found)
        return found


def unwrap(type_: GraphQLInputType) -> GraphQLInputType:
    return type_.of_type if isinstance(type_, GraphQLNonNull) else type_


def _walk(
    type_: GraphQLInputType,
    path: tuple[str, ...],
    name: str,
    parent: str | None,
    leaves: list[Leaf],
    shapes: list[Shape],
    seen: frozenset[str] = frozenset(),
) -> None:
    if isinstance(type_, GraphQLNonNull):
        shapes.append(Shape(path, "non-null", type_))
        type_ = type_.of_type
    if isinstance(type_, GraphQLList):
        shapes.append(Shape(path, "list", type_))
        _walk(type_.of_type, (*path, "0"), name, parent, leaves, shapes, seen)
    elif isinstance(type_, GraphQLInputObjectType):
        shapes.append(Shape(path, "input-object", type_))
        if type_.name in seen:  # recursive input types: walk each once per branch
            return
        for field_name, field in type_.fields.items():
            _walk(
                field.type,
                (*path, field_name),
                field_name,
                type_.name,
                leaves,
                shapes,
                seen | {type_.name},
            )
    elif isinstance(type_, GraphQLEnumType):
        leaves.append(Leaf(path, "enum", name, type_, parent))
    elif isinstance(type_, GraphQLScalarType):
        leaves.append(Leaf(path, type_.name, name, type_, parent))


def _fragments_used(node: object, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    found: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            found.add(spread.name.value)

    visit(node, Spreads())  # type: ignore[arg-type]
    for name in list(found):
        found |= _fragments_used(fragments[name], fragments)
    return found


def operations(directory: Path = CONTRACT_DIR) -> dict[str, Operation]:
    """Every named operation of every ``*.graphql`` document in the contract folder."""
    result: dict[str, Operation] = {}
    for path in sorted(directory.glob("*.graphql")):
        document = parse(path.read_text(encoding="utf-8"))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if not isinstance(definition, OperationDefinitionNode) or not definition.name:
                continue
            used = _fragments_used(definition, fragments)
            text = print_ast(
                DocumentNode(definitions=(definition, *(fragments[f] for f in sorted(used))))
            )
            variables: dict[str, GraphQLInputType] = {}
            for var in definition.variable_definitions or ():
                resolved = type_from_ast(SCHEMA, var.type)
                assert resolved is not None, f"{definition.name.value}: unknown type {var.type}"
                variables[var.variable.name.value] = resolved  # type: ignore[assignment]
            first = definition.selection_set.selections[0]
            root = first.name.value  # type: ignore[attr-defined]
            result[definition.name.value] = Operation(
                name=definition.name.value,
                kind=definition.operation.value,
                text=text,
                variables=variables,
                root_field=root,
                document=path.name,
            )
    return result
