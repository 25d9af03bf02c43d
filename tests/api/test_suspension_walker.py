"""Suspension is enforced on every GraphQL write path: every field of the built schema's Mutation
type (read from the schema, so a mutation added later is walked without a line here) is sent
well-formed by a suspended member and refused with ACCOUNT_SUSPENDED before it runs, changing
nothing in any table; only the exempt ones (signing out and the sign-in mutations) go through."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import httpx
import pytest_asyncio
from graphql import GraphQLField, GraphQLInputType, GraphQLNamedType, get_named_type
from redis.asyncio import Redis

from api.schema import build_schema
from asgi import create_app
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity import services as identity
from domain.identity.models import Member, Role
from domain.identity.suspensions import suspend_member
from domain.media.models import Image
from tests.factories import make_member
from tests.hostile.contract import Operation, operations
from tests.hostile.probe import send
from tests.hostile.world import World, build, build_world
from tests.portal.test_points_pages import log_in
from tests.suspension_walk import differences, table_contents

OPERATIONS = operations()
# The mutations a suspended member may still send: signing out, those without a viewer, and the
# member's rights over their own data.
EXEMPT = {
    "logout",
    "login",
    "register",
    "wechatLogin",
    "refreshToken",
    "requestDataExport",
    "requestAccountDeletion",
    "acceptPrivacyPolicy",
}


@pytest_asyncio.fixture
async def http(collaborators: Collaborators) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app(collaborators.settings, collaborators, manage_stores=False)
    transport = httpx.ASGITransport(
        app=app, client=("203.0.113.9", 50000), raise_app_exceptions=False
    )
    async with httpx.AsyncClient(transport=transport, base_url="http://testserver") as client:
        yield client


def mutation_fields() -> dict[str, GraphQLField]:
    mutation = build_schema()._schema.mutation_type
    assert mutation is not None
    return dict(mutation.fields)


def _generated(name: str, field: GraphQLField) -> Operation:
    """A well-formed operation for a mutation no contract document holds: its arguments as
    variables, ``__typename`` (and a code) as the selection."""
    declared = ", ".join(f"${arg}: {spec.type}" for arg, spec in field.args.items())
    passed = ", ".join(f"{arg}: ${arg}" for arg in field.args)
    target: GraphQLNamedType = get_named_type(field.type)
    selection = "__typename" + (" ... on UserError { code }" if target.name != "Boolean" else "")
    text = (
        f"mutation Walk{name[0].upper()}{name[1:]}{f'({declared})' if declared else ''} "
        f"{{ {name}{f'({passed})' if passed else ''} {{ {selection} }} }}"
    )
    variables: dict[str, GraphQLInputType] = {a: s.type for a, s in field.args.items()}
    return Operation(f"Walk{name}", "mutation", text, variables, name, "(generated)")


def operation_for(name: str, field: GraphQLField) -> Operation:
    for operation in OPERATIONS.values():
        if operation.kind == "mutation" and operation.root_field == name:
            return operation
    return _generated(name, field)


def well_formed(world: World, operation: Operation) -> dict[str, Any]:
    return build(world, operation, operation.leaves(), ("\0",), None)


async def suspended_tokens(
    collaborators: Collaborators, clock: FrozenClock, world: World
) -> dict[str, str]:
    """The world's resident suspended by an admin (which ends their sessions; they sign in again
    to read) and, set directly since the domain never suspends an admin, the admin too: the
    strongest actor, so a mutation the guard missed would show as a change."""
    resident = await Member.get(phone=world.resident_phone)
    admin = await Member.get(display_name="运营小林")
    until = clock.now() + timedelta(days=3)
    await suspend_member(collaborators, admin, resident.id, "连续刷广告", until)
    await Member.filter(id=admin.id).update(
        suspended=True, suspended_until=until, suspension_reason="核查"
    )
    return {
        role: (await identity.issue_api_tokens(collaborators, member)).access_token
        for role, member in (("resident", resident), ("admin", admin))
    }


async def test_every_mutation_of_the_schema_is_refused_to_a_suspended_member_and_changes_nothing(
    http: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock, redis: Redis
) -> None:
    world = await build_world(http, collaborators, clock, OPERATIONS)
    tokens = await suspended_tokens(collaborators, clock, world)
    fields = mutation_fields()
    assert len(fields) >= 38 and EXEMPT <= set(fields)
    # The exempt ones go last: signing out ends the session the others are sent with.
    order = sorted(fields, key=lambda name: (name in EXEMPT, name))
    went_through: set[str] = set()
    for name in order:
        operation = operation_for(name, fields[name])
        variables = well_formed(world, operation)
        for role, token in tokens.items():
            before = await table_contents()
            reply = await send(http, operation.text, variables, token)
            errors = reply.body.get("errors") or []
            codes = [e.get("extensions", {}).get("code") for e in errors]
            if codes != ["ACCOUNT_SUSPENDED"]:
                went_through.add(name)
                continue
            assert reply.body["data"] is None, (name, reply.text[:300])
            assert "暂停至" in errors[0]["message"], errors[0]
            assert errors[0]["extensions"]["suspendedUntil"], errors[0]
            changed = differences(before, await table_contents())
            assert not changed, f"{name} as {role} was refused but changed {changed}"
    assert went_through == EXEMPT


async def test_a_lapsed_suspension_lets_the_member_write_again(
    http: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    world = await build_world(http, collaborators, clock, OPERATIONS)
    resident = await Member.get(phone=world.resident_phone)
    admin = await Member.get(display_name="运营小林")
    await suspend_member(
        collaborators, admin, resident.id, "刷广告", clock.now() + timedelta(hours=1)
    )
    token = (await identity.issue_api_tokens(collaborators, resident)).access_token
    check_in = OPERATIONS["CheckIn"].text
    refused = (await send(http, check_in, {}, token)).body
    assert refused["errors"][0]["extensions"]["code"] == "ACCOUNT_SUSPENDED"
    clock.advance(hours=1)
    token = (await identity.issue_api_tokens(collaborators, resident)).access_token
    allowed = (await send(http, check_in, {}, token)).body
    assert allowed["data"]["checkIn"]["__typename"] in ("CheckInSuccess", "AlreadyCheckedIn")


async def test_a_suspended_member_cannot_upload_a_photo_with_a_bearer_token_or_a_session(
    http: httpx.AsyncClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin = await make_member(roles=(Role.RESIDENT, Role.ADMIN))
    member = await make_member()
    await suspend_member(collaborators, admin, member.id, "刷广告", clock.now() + timedelta(days=1))
    token = (await identity.issue_api_tokens(collaborators, member)).access_token
    files = {"file": ("photo.jpg", b"\xff\xd8\xff" + b"0" * 64, "image/jpeg")}
    by_token = await http.post(
        "/api/uploads", files=files, headers={"Authorization": f"Bearer {token}"}
    )
    assert by_token.status_code == 403 and by_token.json()["code"] == "ACCOUNT_SUSPENDED"
    csrf = await log_in(http, member)
    by_session = await http.post("/api/uploads", files=files, headers={"X-CSRF-Token": csrf})
    assert by_session.status_code == 403 and by_session.json()["code"] == "ACCOUNT_SUSPENDED"
    assert await Image.all().count() == 0
