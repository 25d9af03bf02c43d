"""Hostile input against every operation of the contract (issue 12, "Done when"): each input
position of each operation gets generated bad values (huge and malformed ids, NUL and control
characters, lone surrogates, 100k strings, out-of-range ints, overflowing and naive datetimes,
unknown enums, nulls, empty and huge lists, missing and unknown fields) with well-formed values
everywhere else, as a signed-in resident and as an admin. Every answer must be a typed refusal or
a success: no 5xx, no masked "Unexpected error.", an ``extensions.code`` on every top-level error,
no traceback, nothing logged at ERROR, and after a refusal no row changed in any table. The bodies
of point 16 (scalar JSON, invalid UTF-8, deep nesting, over the size limit) answer 4xx with a
GraphQL error body."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import AsyncIterator, Iterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from graphql import GraphQLEnumType, GraphQLList, GraphQLNonNull
from redis.asyncio import Redis

from asgi import create_app
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import services as identity
from tests.factories import make_member
from tests.hostile.contract import Leaf, Operation, Shape, operations, unwrap
from tests.hostile.probe import (
    ErrorLogs,
    Failure,
    Reply,
    exception_of,
    judge,
    post_raw,
    row_counts,
    send,
)
from tests.hostile.values import Hostile, hostile_values
from tests.hostile.world import World, build, build_world, good_leaf

OPERATIONS = operations()
FUZZED = sorted(name for name, operation in OPERATIONS.items() if operation.variables)
ROLES = ("resident", "admin")
# Union members that are not refusals although they are not a Success: the adjustment waits for a
# second admin and records the request for them.
NOT_REFUSALS = {"AdjustmentPendingApproval", "RoleGrantPendingApproval"}
# Values the schema refuses while coercing variables, before any resolver or permission: the
# answer cannot depend on the role, so they are sent once, as the first role.
SCHEMA_REFUSED = {
    "string-json-number",
    "string-json-list",
    "int-2^31",
    "int-below-int32",
    "int-2^63",
    "int-float",
    "int-string",
    "enum-unknown",
    "enum-lowercase",
    "enum-empty",
    "enum-number",
    "boolean-string",
    "boolean-number",
    "null-for-non-null",
    "object-missing-fields",
    "object-unknown-field",
    "object-as-string",
    "id-json-object",
    "list-null-item",
}
REPORT = os.environ.get("LINLI_HOSTILE_REPORT", "")
BODY_LIMIT = 64 * 1024


@pytest_asyncio.fixture
async def http(collaborators: Collaborators) -> AsyncIterator[httpx.AsyncClient]:
    """The app over ASGI with app exceptions turned into the 500 a client would see."""
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    transport = httpx.ASGITransport(
        app=app, client=("203.0.113.9", 50000), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


@pytest.fixture
def error_logs() -> Iterator[ErrorLogs]:
    handler = ErrorLogs()
    root = logging.getLogger()
    root.addHandler(handler)
    try:
        yield handler
    finally:
        root.removeHandler(handler)


def _sample(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:45]}…({len(text)} chars)"


def _first_enum_value(leaf: Leaf) -> str | None:
    return next(iter(leaf.type.values)) if isinstance(leaf.type, GraphQLEnumType) else None


def cases(world: World, operation: Operation) -> list[tuple[tuple[str, ...], Hostile]]:
    """Every (position, hostile value) to send for ``operation``."""
    leaves = operation.leaves()
    found: list[tuple[tuple[str, ...], Hostile]] = []
    for leaf in leaves:
        good = good_leaf(world, operation.name, leaf)
        for hostile in hostile_values(leaf.kind, good, _first_enum_value(leaf)):
            found.append((leaf.path, hostile))
    for shape in operation.shapes():
        found.extend((shape.path, hostile) for hostile in shape_values(world, operation, shape))
    return found


def shape_values(world: World, operation: Operation, shape: Shape) -> list[Hostile]:
    if shape.kind == "non-null":
        return [Hostile("null-for-non-null", None)]
    if shape.kind == "list":
        item_type = unwrap(shape.type)
        assert isinstance(item_type, GraphQLList)
        one = build(world, operation, operation.leaves(), (*shape.path, "0", "\0"), None)
        item = _at(one, (*shape.path, "0"))
        copies = max(1, 40_000 // max(1, len(json.dumps(item, ensure_ascii=False).encode())))
        hostile = [Hostile("list-empty", []), Hostile(f"list-{copies}-items", [item] * copies)]
        if isinstance(item_type.of_type, GraphQLNonNull):
            hostile.append(Hostile("list-null-item", [None]))
        return hostile
    complete = build(world, operation, operation.leaves(), (*shape.path, "\0"), None)
    good = _at(complete, shape.path)
    assert isinstance(good, dict)
    return [
        Hostile("object-missing-fields", {}),
        Hostile("object-unknown-field", {**good, "__proto__": {"admin": True}, "nope": 1}),
        Hostile("object-as-string", "{}"),
    ]


def _at(variables: dict[str, Any], path: tuple[str, ...]) -> Any:
    node: Any = variables
    for step in path:
        node = node[int(step)] if isinstance(node, list) else node[step]
    return node


async def _forget_rate_limits(redis: Redis) -> None:
    """Rate limits are typed refusals too, but they would stop later values before the checks
    under test: each value starts with fresh counters."""
    keys = [key async for key in redis.scan_iter(match="rl:*")]
    if keys:
        await redis.delete(*keys)


def _refused_member(reply: Reply, root_field: str) -> bool:
    body = reply.body
    if not isinstance(body, dict) or not isinstance(body.get("data"), dict):
        return True
    payload = body["data"].get(root_field)
    return not (isinstance(payload, dict) and payload.get("__typename") in NOT_REFUSALS)


async def fuzz(
    http: httpx.AsyncClient,
    redis: Redis,
    world: World,
    operation: Operation,
    error_logs: ErrorLogs,
) -> list[Failure]:
    failures: dict[tuple[str, ...], Failure] = {}
    leaves = operation.leaves()
    writes = operation.kind != "query"
    staff = operation.document == "staff.graphql"
    roles = ("admin", "resident") if staff else ROLES
    for role in roles:
        sent: dict[tuple[str, ...], int] = {}
        for path, hostile in cases(world, operation):
            if role != roles[0] and hostile.kind in SCHEMA_REFUSED:
                continue
            if staff and role == "resident" and sent.get(path, 0) >= 3:
                continue  # refused as FORBIDDEN before any input is read: a few values show it
            sent[path] = sent.get(path, 0) + 1
            variables = build(world, operation, leaves, path, hostile.value)
            await _forget_rate_limits(redis)
            before = await row_counts() if writes else {}
            error_logs.take()
            reply = await send(http, operation.text, variables, world.tokens[role])
            logged = error_logs.take()
            verdict = judge(reply, operation.root_field, logged)
            problems = list(verdict.problems)
            if writes and verdict.refused and _refused_member(reply, operation.root_field):
                after = await row_counts()
                changed = {t: after[t] - before[t] for t in after if after[t] != before[t]}
                if changed:
                    problems.append(f"refused but rows changed {changed}")
            for problem in problems:
                server = exception_of(logged) if logged else "(nothing logged)"
                failure = Failure(
                    operation.name,
                    role,
                    ".".join(path),
                    hostile.kind,
                    problem,
                    server,
                    _sample(hostile.value),
                )
                key = (role, failure.position, hostile.kind, problem.split(":")[0], server[:60])
                failures.setdefault(key, failure)
    return list(failures.values())


def _write_report(failures: list[Failure]) -> None:
    if not REPORT:
        return
    with open(REPORT, "a", encoding="utf-8") as out:
        for failure in failures:
            out.write(json.dumps(failure.__dict__, ensure_ascii=False) + "\n")


def _summary(name: str, failures: list[Failure]) -> str:
    """One paragraph per class of failure (what came back, which server exception), listing the
    positions and value kinds that produced it."""
    classes: dict[tuple[str, str], list[Failure]] = {}
    for failure in failures:
        problem = failure.problem.split(":")[0].split(" {")[0]
        server = failure.server_exception.split(":")[0]
        classes.setdefault((problem, server), []).append(failure)
    lines = [f"{len(failures)} hostile input(s) of {name} not refused with a typed error:"]
    for (problem, server), members in sorted(classes.items()):
        lines.append(f"- {problem} (server: {server}), {len(members)} case(s):")
        lines += [f"    {m.role}: {m.position} = {m.value_kind} {m.sample}" for m in members[:12]]
        if len(members) > 12:
            lines.append(f"    … and {len(members) - 12} more")
    return "\n".join(lines)


def test_every_operation_of_the_contract_with_variables_is_fed_hostile_values() -> None:
    """The operations left out take no variables, so there is nothing of theirs to make hostile."""
    without = {name for name, operation in OPERATIONS.items() if not operation.variables}
    assert set(FUZZED) | without == set(OPERATIONS)
    assert without == {
        "Logout",
        "Estates",
        "InterestTags",
        "Viewer",
        "CheckIn",
        "MyPendingEstateChange",
        "PendingRoleGrants",
        "ProgrammeRules",
        "PrivacyPolicy",
        "AllEstates",
        "EstatePickupPoints",
        "AdminInterestTags",
        "SensitiveWords",
        "AuditLogChoices",
        "Brand",
        "UnreadNotificationCount",
        "NotificationPreferences",
        "NotificationAdded",
        "MyTrustLevel",
        "BadgeCatalogue",
        "AdminBadges",
        "HotSearches",
        "RequestDataExport",
        "MyDataExport",
        "EstateVerification",
        "PrivacyPolicyToAccept",
        "Playbooks",
    }
    assert len(FUZZED) >= 46


@pytest.mark.parametrize("name", FUZZED)
async def test_hostile_values_in_every_input_of_the_operation_get_typed_refusals(
    name: str,
    http: httpx.AsyncClient,
    collaborators: Collaborators,
    clock: FrozenClock,
    redis: Redis,
    error_logs: ErrorLogs,
) -> None:
    world = await build_world(http, collaborators, clock, OPERATIONS)
    failures = await fuzz(http, redis, world, OPERATIONS[name], error_logs)
    _write_report(failures)
    assert not failures, _summary(name, failures)


# -- point 16: bodies ----------------------------------------------------------------------------

_QUERY = b'"query": "query { estates { id } }"'
BODIES: dict[str, bytes] = {
    "json-string": b'"hello"',
    "json-number": b"123",
    "json-null": b"null",
    "json-true": b"true",
    "json-empty-list": b"[]",
    "json-batch-list": b'[{"query": "{ estates { id } }"}]',
    "empty-body": b"",
    "truncated-json": b'{"query": ',
    "not-json": b"query { estates { id } }",
    "invalid-utf8-in-variable": b"{" + _QUERY + b', "variables": {"x": "\xff\xfe\xc3"}}',
    "invalid-utf8-in-query": b'{"query": "query { estates { id } } # \xff\xfe"}',
    "nul-byte-in-query": b'{"query": "query { estates \\u0000 { id } }"}',
    "lone-surrogate-in-query": b'{"query": "query { estates { id } } # \\ud800"}',
    "nested-1100-lists": b"{"
    + _QUERY
    + b', "variables": {"x": '
    + b"[" * 1100
    + b"]" * 1100
    + b"}}",
    "nested-1100-objects": b"{"
    + _QUERY
    + b', "variables": '
    + b'{"a": ' * 1100
    + b"1"
    + b"}" * 1100
    + b"}",
    "nested-30000-lists": b"{"
    + _QUERY
    + b', "variables": {"x": '
    + b"[" * 30_000
    + b"]" * 30_000
    + b"}}",
    "variables-as-string": b"{" + _QUERY + b', "variables": "{}"}',
    "variables-as-list": b"{" + _QUERY + b', "variables": [1]}',
    "query-as-number": b'{"query": 1}',
    "query-missing": b'{"variables": {}}',
    "extensions-as-string": b"{" + _QUERY + b', "extensions": "x"}',
    "persisted-hash-garbage": b'{"extensions": {"persistedQuery": {"version": 1, '
    b'"sha256Hash": "\\u0000"}}}',
    "operation-name-unknown": b"{" + _QUERY + b', "operationName": "Nope"}',
    "operation-name-number": b"{" + _QUERY + b', "operationName": 5}',
    "huge-number": b"{" + _QUERY + b', "variables": {"x": 1' + b"0" * 5000 + b"}}",
    "over-the-size-limit": b"{"
    + _QUERY
    + b', "variables": {"x": "'
    + b"a" * (BODY_LIMIT + 10)
    + b'"}}',
}


GRAPHQL_LEVEL_REFUSALS = {"nul-byte-in-query", "persisted-hash-garbage"}


@pytest.mark.parametrize("case", sorted(BODIES))
async def test_a_hostile_body_is_answered_4xx_with_a_graphql_error_body(
    case: str, http: httpx.AsyncClient, collaborators: Collaborators, error_logs: ErrorLogs
) -> None:
    member = await make_member()
    token = (await identity.issue_api_tokens(collaborators, member)).access_token
    reply = await post_raw(http, BODIES[case], token)
    logged = error_logs.take()
    verdict = judge(reply, "estates", logged)
    problems = list(verdict.problems)
    # A JSON object that is a GraphQL request the server cannot run (its document does not
    # parse, its persisted hash is no hash) is answered 200 with a typed error, as
    # GraphQL-over-HTTP asks for application/json; anything that is no such request is a 4xx.
    expected = range(200, 201) if case in GRAPHQL_LEVEL_REFUSALS else range(400, 500)
    if reply.status not in expected:
        problems.append(f"HTTP {reply.status}, not {expected.start}")
    if isinstance(reply.body, dict) and not reply.body.get("errors"):
        problems.append("no GraphQL error")
    detail = f"{reply.status} {reply.content_type} {reply.text[:200]!r}; server: "
    assert not problems, f"{case}: {problems}; {detail}{exception_of(logged)}"


async def test_a_body_over_the_size_limit_sent_in_chunks_is_answered_413_with_a_graphql_error(
    http: httpx.AsyncClient, error_logs: ErrorLogs
) -> None:
    async def chunks() -> AsyncIterator[bytes]:
        yield b'{"query": "query { estates { id } }", "variables": {"x": "'
        for _ in range(20):
            yield b"a" * 8192
        yield b'"}}'

    response = await http.post(
        "/graphql", content=chunks(), headers={"content-type": "application/json"}
    )
    logged = error_logs.take()
    assert response.status_code == 413, response.text[:200]
    assert response.json()["errors"][0]["extensions"]["code"], response.text[:200]
    assert not logged, exception_of(logged)


async def test_hostile_values_reach_past_the_schema_with_well_formed_neighbours(
    http: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    """The harness itself: the well-formed variables of every fuzzed operation are accepted by
    the schema (no top-level error), so a hostile value in one position is judged by the
    resolvers, not stopped by a neighbour."""
    world = await build_world(http, collaborators, clock, OPERATIONS)
    refused: list[str] = []
    for name in FUZZED:
        operation = OPERATIONS[name]
        if operation.kind == "subscription":
            continue
        leaves = operation.leaves()
        variables = build(world, operation, leaves, ("\0",), None)
        await _forget_rate_limits(collaborators.redis)
        reply = await send(http, operation.text, variables, world.tokens["admin"])
        if not isinstance(reply.body, dict) or reply.body.get("errors"):
            refused.append(f"{name}: {reply.text[:200]}")
    assert not refused, "\n".join(refused)
