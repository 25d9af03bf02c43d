"""The contract with the mini-program and staff tools: every operation of every document under
`api/contract/` (the shared ones and this repository's own, e.g. `backoffice.graphql`) validates
against the schema, except those listed as not yet served; the shared documents equal the shared
contract; `api/schema.graphql` is the exported schema; the enum values and input fields of
`types.sdl` exist with the same types."""

from __future__ import annotations

from pathlib import Path

import pytest
from graphql import (
    DocumentNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLEnumType,
    GraphQLInputObjectType,
    OperationDefinitionNode,
    build_schema,
    parse,
    validate,
    visit,
)
from graphql.language import Visitor

from api.schema import schema

REPO = Path(__file__).resolve().parents[2]
SHARED_CONTRACT = REPO.parent / "shared" / "contract"
COMMITTED_CONTRACT = REPO / "api" / "contract"
# The documents shared with the mini-program and staff-tool teams (copies of ../shared/contract).
SHARED_DOCUMENTS = ("miniprogram.graphql", "staff.graphql")
SHARED_OPERATION_COUNT = 51

# Operations the schema does not serve yet, each named. The test fails when one of these already
# validates (remove it) and when an operation outside this set does not (serve it).
# Operations of areas not built yet (each leaves this set with its area): none now, every
# mini-program and staff operation is served. The tests below fail both ways.
NOT_YET_SERVED: set[str] = set()


def contract_dir() -> Path:
    """The shared contract when it is beside the repository, else the committed copy."""
    return SHARED_CONTRACT if SHARED_CONTRACT.is_dir() else COMMITTED_CONTRACT


def _fragments_used(node: object, fragments: dict[str, FragmentDefinitionNode]) -> set[str]:
    found: set[str] = set()

    class Spreads(Visitor):
        def enter_fragment_spread(self, spread: FragmentSpreadNode, *_: object) -> None:
            found.add(spread.name.value)

    visit(node, Spreads())  # type: ignore[arg-type]
    for name in list(found):
        found |= _fragments_used(fragments[name], fragments)
    return found


def document_paths() -> list[Path]:
    """Every contract document: the shared ones (from the shared contract when it is beside the
    repository) and every other ``*.graphql`` committed under ``api/contract/``."""
    own = [p for p in COMMITTED_CONTRACT.glob("*.graphql") if p.name not in SHARED_DOCUMENTS]
    return [*(contract_dir() / name for name in SHARED_DOCUMENTS), *sorted(own)]


def operations(paths: list[Path] | None = None) -> dict[str, DocumentNode]:
    """Each operation of the contract as a document of its own, with the fragments it uses. An
    operation name used twice across documents is an error: clients look operations up by name."""
    result: dict[str, DocumentNode] = {}
    for path in document_paths() if paths is None else paths:
        document = parse(path.read_text(encoding="utf-8"))
        fragments = {
            d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
        }
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode) and definition.name:
                assert definition.name.value not in result, f"{definition.name.value} twice"
                used = _fragments_used(definition, fragments)
                result[definition.name.value] = DocumentNode(
                    definitions=(definition, *(fragments[f] for f in sorted(used)))
                )
    return result


OPERATIONS = operations()


def test_the_contract_has_the_operations_we_expect() -> None:
    shared = operations([contract_dir() / name for name in SHARED_DOCUMENTS])
    assert len(shared) == SHARED_OPERATION_COUNT
    assert {"EstateChangeRequests", "DecideEstateChange"} <= set(OPERATIONS) - set(shared)
    assert NOT_YET_SERVED <= set(OPERATIONS)


def test_every_graphql_document_under_api_contract_is_read() -> None:
    read = {path.name for path in document_paths()}
    assert {path.name for path in COMMITTED_CONTRACT.glob("*.graphql")} <= read


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_contract_operation_validates_unless_listed_as_not_yet_served(name: str) -> None:
    errors = validate(schema._schema, OPERATIONS[name])
    if name in NOT_YET_SERVED:
        assert errors, f"{name} validates now: remove it from NOT_YET_SERVED"
    else:
        assert not errors, f"{name}: {[e.message for e in errors]}"


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_each_contract_operation_validates_against_the_committed_schema_file(name: str) -> None:
    """The same check against `api/schema.graphql` as the clients' tooling reads it."""
    committed = build_schema((REPO / "api" / "schema.graphql").read_text(encoding="utf-8"))
    errors = validate(committed, OPERATIONS[name])
    assert not errors, f"{name}: {[e.message for e in errors]}"


def test_the_committed_schema_is_the_exported_schema() -> None:
    committed = (REPO / "api" / "schema.graphql").read_text(encoding="utf-8")
    assert committed.strip() == schema.as_str().strip(), (
        "api/schema.graphql drifted: run `strawberry export-schema api.schema:schema "
        "--output api/schema.graphql`"
    )


@pytest.mark.skipif(
    not SHARED_CONTRACT.is_dir(), reason="the shared contract is not beside the repo"
)
@pytest.mark.parametrize("name", [*SHARED_DOCUMENTS, "types.sdl"])
def test_the_committed_copy_of_the_contract_matches_the_shared_one(name: str) -> None:
    shared = (SHARED_CONTRACT / name).read_text(encoding="utf-8")
    assert (COMMITTED_CONTRACT / name).read_text(encoding="utf-8") == shared


def _fixed_types() -> dict[str, object]:
    sdl = (contract_dir() / "types.sdl").read_text(encoding="utf-8")
    return dict(build_schema(sdl).type_map)


FIXED = {
    name: kind
    for name, kind in _fixed_types().items()
    if isinstance(kind, GraphQLEnumType | GraphQLInputObjectType) and not name.startswith("__")
}
# Types of areas not built yet; each leaves this set with its area.
FIXED_NOT_YET_SERVED: set[str] = set()


@pytest.mark.parametrize("name", sorted(FIXED))
def test_fixed_enum_values_and_input_fields_exist_with_the_same_types(name: str) -> None:
    ours = schema._schema.type_map.get(name)
    if name in FIXED_NOT_YET_SERVED:
        assert ours is None, f"{name} exists now: remove it from FIXED_NOT_YET_SERVED"
        return
    fixed = FIXED[name]
    assert ours is not None, f"{name} is missing from the schema"
    if isinstance(fixed, GraphQLEnumType):
        assert isinstance(ours, GraphQLEnumType)
        assert set(fixed.values) <= set(ours.values)
    else:
        assert isinstance(fixed, GraphQLInputObjectType) and isinstance(
            ours, GraphQLInputObjectType
        )
        for field_name, field in fixed.fields.items():
            assert field_name in ours.fields, f"{name}.{field_name} is missing"
            assert str(ours.fields[field_name].type) == str(field.type), f"{name}.{field_name}"
        extra_required = [
            f
            for f, v in ours.fields.items()
            if f not in fixed.fields and str(v.type).endswith("!") and v.default_value is None
        ]
        assert not extra_required, f"{name} adds required fields {extra_required}"
