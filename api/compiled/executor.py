"""Compiled plans of the registered (contract) operations, the queries of ``roots.py`` and the
writes of ``writes.py``, built once at start, and the one call the HTTP view makes before the
general path: the answer when a plan serves the request, else None (the general strawberry path
then answers, the reference for every case)."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from typing import Any

from graphql import (
    DocumentNode,
    FieldNode,
    FragmentDefinitionNode,
    GraphQLError,
    NameNode,
    OperationDefinitionNode,
    OperationType,
    parse,
    print_ast,
    specified_rules,
    validate,
)
from graphql.execution.values import get_variable_values
from graphql.utilities import separate_operations
from graphql.validation import ASTValidationRule
from strawberry.http import GraphQLRequestData
from strawberry.schema import BaseSchema
from strawberry.types import ExecutionResult

from api.compiled.fields import spec_of
from api.compiled.roots import ROOTS, Fetch, Root
from api.compiled.shape import Builder, Getter
from api.compiled.sql import Database, Fallthrough, Run, Unsupported
from api.compiled.writes import WRITES
from api.context import Context
from api.persisted import CONTRACT_DIR, contract_documents
from settings import Limits, Settings

log = logging.getLogger("linli.graphql.compiled")


@dataclass(frozen=True)
class Plan:
    name: str
    document: DocumentNode
    operation: OperationDefinitionNode
    fields: tuple[tuple[str, Fetch | None, Getter], ...]  # no fetch: a constant (__typename)
    one_connection: bool  # all its statements on one pooled connection
    writes: bool = False  # a mutation: served on POST only
    member_read: bool = True  # reads the signed-in member's row, not only its id

    async def answer(self, run: Run) -> dict[str, Any]:
        found: list[Any] = []
        async with run.db.connected(self.one_connection):  # released before the shaping
            for _, fetch, _ in self.fields:
                found.append(await fetch(run) if fetch is not None else None)
        return {key: shape(f) for (key, _, shape), f in zip(self.fields, found, strict=True)}


def build_plan(
    schema: BaseSchema, text: str, limit_rules: Sequence[type[ASTValidationRule]], max_tokens: int
) -> Plan:
    """The plan of one registered document, or Unsupported (it stays on the general path). The
    document passes the schema's validation with its depth and alias limits, once, here."""
    graphql_schema = schema._schema  # type: ignore[attr-defined]
    document = parse(text, max_tokens=max_tokens)
    _served_roots(document)
    errors = validate(graphql_schema, document, [*specified_rules, *limit_rules])
    if errors:
        raise Unsupported(f"invalid: {errors[0].message}")
    operations = [d for d in document.definitions if isinstance(d, OperationDefinitionNode)]
    if len(operations) != 1:
        raise Unsupported("not a single operation")
    operation = operations[0]
    if operation.directives:
        raise Unsupported("directives")
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    builder = Builder(graphql_schema, fragments, spec_of)
    writes = operation.operation == OperationType.MUTATION
    root_type = graphql_schema.mutation_type if writes else graphql_schema.query_type
    roots: Mapping[str, Root] = WRITES if writes else ROOTS
    fields: list[tuple[str, Fetch | None, Getter]] = []
    for selected in builder.collect(root_type, [_root_node(operation)]):
        if selected.name == "__typename":
            fields.append((selected.key, None, lambda _: root_type.name))
            continue
        root = roots.get(selected.name)
        if root is None:
            raise Unsupported(f"{root_type.name}.{selected.name}")
        fetch, shape = root.compile(builder, selected)
        fields.append((selected.key, fetch, shape))
    if writes and len(fields) != 1:
        raise Unsupported("a write with other root fields")
    name = operation.name.value if operation.name else ""
    one_connection = not builder.domain_reads
    return Plan(
        name, document, operation, tuple(fields), one_connection, writes, builder.member_read
    )


def _served_roots(document: DocumentNode) -> None:
    """A quick look before validation: a query, or a mutation, whose root fields all have a
    compiled root."""
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            if definition.operation == OperationType.SUBSCRIPTION:
                raise Unsupported("a subscription")
            roots = WRITES if definition.operation == OperationType.MUTATION else ROOTS
            for selection in definition.selection_set.selections:
                name = selection.name.value if isinstance(selection, FieldNode) else ""
                if name not in roots and name != "__typename":
                    raise Unsupported(f"{definition.operation.value}.{name or 'fragment'}")


def _root_node(operation: OperationDefinitionNode) -> FieldNode:
    """A field node holding the operation's selection set (what the root fields are collected
    from)."""
    return FieldNode(
        name=NameNode(value="query"),
        selection_set=operation.selection_set,
        arguments=(),
        directives=(),
    )


@cache
def registered_texts() -> tuple[tuple[str, str], ...]:
    """(name, text) of every contract operation, in each spelling a client sends: the allow-list's
    (``contract_documents``) and graphql-core's ``separate_operations`` of its file."""
    found = list(contract_documents().items())
    texts = {text for _, text in found}
    for path in sorted(CONTRACT_DIR.glob("*.graphql")):
        for name, document in separate_operations(parse(path.read_text("utf-8"))).items():
            text = print_ast(document)
            if text not in texts:
                texts.add(text)
                found.append((name, text))
    return tuple(found)


_PLANS: dict[Limits, dict[str, Plan]] = {}


class CompiledOperations:
    def __init__(self, schema: BaseSchema) -> None:
        self.schema = schema
        self._plans: dict[str, Plan] | None = None
        self.served = 0  # answers given by a plan in this process (tests read it)

    def prepare(self) -> int:
        """Build the plans now (the app's lifespan calls this once the ORM knows the models);
        returns how many operations have one."""
        return len(self.plans)

    @property
    def plans(self) -> dict[str, Plan]:
        """Built at start by ``prepare`` (or at the first request where no lifespan ran: tests
        that own the ORM): the models' columns are known once the ORM is initialised, not when
        the app is made. Apps of one process with the same limits share them (the schema is the
        same code)."""
        if self._plans is None:
            limits: Limits = getattr(self.schema, "limits", Limits())
            self._plans = _PLANS.get(limits)
            if self._plans is None:
                self._plans = _PLANS[limits] = self._build(limits)
        return self._plans

    def _build(self, limits: Limits) -> dict[str, Plan]:
        plans: dict[str, Plan] = {}
        rules: Sequence[type[ASTValidationRule]] = getattr(self.schema, "limit_rules", ())
        for name, text in registered_texts():
            try:
                plans[text] = build_plan(self.schema, text, rules, limits.graphql_max_tokens)
            except (Unsupported, GraphQLError) as reason:
                log.debug("%s stays on the general path: %s", name, reason)
        return plans

    def plan_for(self, data: GraphQLRequestData, method: str, settings: Settings) -> Plan | None:
        """The plan that may answer ``data`` (None: the general path answers): a registered
        document, the operation it names, a method that may run it, compiled plans switched on."""
        plan = self.plans.get(data.query) if data.query is not None else None
        if plan is None or method not in ("GET", "POST") or not settings.graphql_compiled:
            return None
        if plan.writes and method != "POST":  # a GET changes nothing: the general path refuses
            return None
        if data.operation_name is not None and data.operation_name != plan.name:
            return None
        return plan

    async def execute(
        self, data: GraphQLRequestData, context: Context, method: str, db: Database | None = None
    ) -> ExecutionResult | None:
        """The plan's answer, or None for the general path (no plan for this document, another
        operation named, variables graphql-core refuses, or anything the plan does not cover).
        ``db``: the request's database access, when it holds the connection already."""
        if context.failure is not None:
            return None
        plan = self.plan_for(data, method, context.collaborators.settings)
        if plan is None:
            return None
        inputs = data.variables if data.variables is not None else {}
        if not isinstance(inputs, dict):
            return None
        graphql_schema = self.schema._schema  # type: ignore[attr-defined]
        definitions = plan.operation.variable_definitions or ()
        coerced = get_variable_values(graphql_schema, definitions, inputs)
        if isinstance(coerced, list):
            return None
        run = Run(db or Database(), coerced.coerced, context.viewer_id, context)
        try:
            answer = await plan.answer(run)
        except Fallthrough:
            return None
        except Exception as error:  # the general path answers, and masks what it must
            log.warning("%s fell through on an error: %r", plan.name, error)
            return None
        self.served += 1
        return ExecutionResult(data=answer, errors=None)
