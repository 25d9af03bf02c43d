"""Roles, suspensions and the member record over GraphQL (api/contract/backoffice_members.graphql):
the admin's success, every refused role and anonymous (top-level FORBIDDEN / UNAUTHENTICATED,
nothing changed), each typed error, and the ADMIN grant that needs a second admin."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.identity.models import AuthToken, Member, Role, RoleGrantRequest, RoleGrantStatus
from domain.posts.models import AuditLogEntry
from tests.api.test_identity_api import op
from tests.api.test_points_api import token_for
from tests.conftest import GraphQLClient
from tests.domain.events_helpers import make_group, make_host
from tests.factories import make_member
from tests.sqlcount import count_sql
from web.ids import encode_id

ADMIN = (Role.RESIDENT, Role.ADMIN)
REFUSED = {
    "resident": (Role.RESIDENT,),
    "host": (Role.RESIDENT, Role.HOST),
    "moderator": (Role.RESIDENT, Role.MODERATOR),
}


def mid(member: Member) -> str:
    return encode_id("Member", member.id)


async def state() -> dict[str, Any]:
    return {
        "members": [
            (m.id, sorted(m.roles), m.suspended, m.suspended_until, m.suspension_reason)
            for m in await Member.all().order_by("id")
        ],
        "grants": await RoleGrantRequest.all().order_by("id").values_list("id", "status"),
        "tokens": await AuthToken.filter(revoked_at__isnull=True).count(),
        "audit": await AuditLogEntry.all().count(),
    }


async def operations(clock: FrozenClock, member: Member, request_id: int) -> list[tuple[str, Any]]:
    until = (clock.now() + timedelta(days=3)).isoformat()
    grant = encode_id("RoleGrantRequest", request_id)
    return [
        ("GrantRole", {"memberId": mid(member), "role": "MODERATOR"}),
        ("RevokeRole", {"memberId": mid(member), "role": "HOST"}),
        ("DecideRoleGrant", {"requestId": grant, "approve": True}),
        ("SuspendMember", {"memberId": mid(member), "reason": "刷广告", "until": until}),
        ("LiftSuspension", {"memberId": mid(member)}),
        ("MemberRecord", {"memberId": mid(member)}),
        ("PendingRoleGrants", {}),
    ]


@pytest.mark.parametrize("who", [*REFUSED, "anonymous"])
async def test_every_operation_is_refused_to_non_admins_and_changes_nothing(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock, who: str
) -> None:
    admin = await make_member(roles=ADMIN)
    member = await make_member(roles=(Role.RESIDENT, Role.HOST))
    request = await RoleGrantRequest.create(
        member=member, role="ADMIN", requested_by=admin, created_at=clock.now()
    )
    token = None
    if who != "anonymous":
        token = await token_for(collaborators, await make_member(roles=REFUSED[who]))
    expected = "UNAUTHENTICATED" if who == "anonymous" else "FORBIDDEN"
    before = await state()
    for name, variables in await operations(clock, member, request.id):
        body = await gql(op(name), variables, token)
        assert body["errors"][0]["extensions"]["code"] == expected, (name, body)
    assert await state() == before


async def test_an_admin_grants_and_revokes_moderator(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    token = await token_for(collaborators, admin)
    body = await gql(op("GrantRole"), {"memberId": mid(member), "role": "MODERATOR"}, token)
    granted = body["data"]["grantRole"]
    assert (granted["__typename"], granted["roles"]) == (
        "GrantRoleSuccess",
        ["RESIDENT", "MODERATOR"],
    )
    assert (await Member.get(id=member.id)).roles == ["RESIDENT", "MODERATOR"]
    body = await gql(op("RevokeRole"), {"memberId": mid(member), "role": "MODERATOR"}, token)
    assert body["data"]["revokeRole"]["roles"] == ["RESIDENT"]
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]
    assert await AuditLogEntry.filter(action__in=["ROLE_GRANTED", "ROLE_REVOKED"]).count() == 2


async def test_host_is_not_revoked_from_a_member_who_still_hosts_a_group(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin, host = await make_member(roles=ADMIN), await make_host()
    await make_group(host, "手冲咖啡", "pour-over")
    token = await token_for(collaborators, admin)
    body = await gql(op("RevokeRole"), {"memberId": mid(host), "role": "HOST"}, token)
    refused = body["data"]["revokeRole"]
    assert (refused["__typename"], refused["code"]) == ("StillHostsGroups", "STILL_HOSTS_GROUPS")
    assert "「手冲咖啡」" in refused["message"]
    assert (await Member.get(id=host.id)).has_role(Role.HOST)
    assert not await AuditLogEntry.filter(action="ROLE_REVOKED").exists()


async def test_granting_admin_waits_for_a_second_admin_who_approves_it(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    first, second = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    member = await make_member()
    first_token, second_token = (
        await token_for(collaborators, first),
        await token_for(collaborators, second),
    )
    body = await gql(op("GrantRole"), {"memberId": mid(member), "role": "ADMIN"}, first_token)
    waiting = body["data"]["grantRole"]
    assert (waiting["__typename"], waiting["code"]) == (
        "RoleGrantPendingApproval",
        "APPROVAL_REQUIRED",
    )
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]

    pending = (await gql(op("PendingRoleGrants"), {}, second_token))["data"]["pendingRoleGrants"]
    assert [p["id"] for p in pending] == [waiting["requestId"]]
    assert pending[0]["member"]["phoneMasked"].count("*") == 4

    variables = {"requestId": waiting["requestId"], "approve": True}
    same = (await gql(op("DecideRoleGrant"), variables, first_token))["data"]["decideRoleGrant"]
    assert (same["__typename"], same["code"]) == ("SecondAdminRequired", "FORBIDDEN")
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]

    decided = (await gql(op("DecideRoleGrant"), variables, second_token))["data"]["decideRoleGrant"]
    assert decided["__typename"] == "DecideRoleGrantSuccess"
    assert decided["request"]["status"] == "APPROVED"
    assert (await Member.get(id=member.id)).roles == ["RESIDENT", "ADMIN"]
    again = (await gql(op("DecideRoleGrant"), variables, second_token))["data"]["decideRoleGrant"]
    assert (again["__typename"], again["code"]) == ("InvalidTransition", "INVALID_TRANSITION")
    request = await RoleGrantRequest.get()
    assert (request.status, request.decided_by_id) == (RoleGrantStatus.APPROVED, second.id)


async def test_typed_errors_for_resident_roles_the_last_admin_and_unknown_members(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    admin = await make_member(roles=ADMIN)
    token = await token_for(collaborators, admin)
    before = await state()
    resident = await gql(op("GrantRole"), {"memberId": mid(admin), "role": "RESIDENT"}, token)
    assert resident["data"]["grantRole"]["fieldErrors"][0]["field"] == "role"
    own = await gql(op("RevokeRole"), {"memberId": mid(admin), "role": "ADMIN"}, token)
    assert own["data"]["revokeRole"]["__typename"] == "InvalidInput"
    ghost = encode_id("Member", 99999)
    missing = await gql(op("GrantRole"), {"memberId": ghost, "role": "HOST"}, token)
    assert missing["data"]["grantRole"]["__typename"] == "NotFound"
    wrong_kind = await gql(op("DecideRoleGrant"), {"requestId": mid(admin), "approve": True}, token)
    assert wrong_kind["data"]["decideRoleGrant"]["fieldErrors"][0]["field"] == "requestId"
    assert await state() == before


async def test_an_admin_suspends_and_lifts_and_the_member_is_signed_out_at_once(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    token = await token_for(collaborators, admin)
    member_token = await token_for(collaborators, member)
    until = (clock.now() + timedelta(days=3)).isoformat()
    variables = {"memberId": mid(member), "reason": "连续刷广告", "until": until}
    body = (await gql(op("SuspendMember"), variables, token))["data"]["suspendMember"]
    assert body["__typename"] == "SuspendMemberSuccess"
    assert body["suspension"]["reason"] == "连续刷广告"
    viewer = await gql(op("Viewer"), {}, member_token)
    assert viewer["errors"][0]["extensions"]["code"] == "UNAUTHENTICATED"

    record = (await gql(op("MemberRecord"), {"memberId": mid(member)}, token))["data"]
    assert record["memberRecord"]["suspension"]["reason"] == "连续刷广告"
    assert record["memberRecord"]["moderationRecord"][0]["action"] == "MEMBER_SUSPENDED"

    lifted = (await gql(op("LiftSuspension"), {"memberId": mid(member)}, token))["data"]
    assert lifted["liftSuspension"]["__typename"] == "LiftSuspensionSuccess"
    assert not (await Member.get(id=member.id)).suspended
    again = (await gql(op("LiftSuspension"), {"memberId": mid(member)}, token))["data"]
    assert again["liftSuspension"]["__typename"] == "InvalidInput"


@pytest.mark.parametrize(
    ("offset", "target", "field"),
    [
        (timedelta(0), "member", "until"),
        (-timedelta(days=1), "member", "until"),
        (timedelta(days=1), "admin", "memberId"),
        (timedelta(days=1), "self", "memberId"),
    ],
)
async def test_suspension_refusals_are_typed_field_errors_and_change_nothing(
    gql: GraphQLClient,
    collaborators: Collaborators,
    clock: FrozenClock,
    offset: timedelta,
    target: str,
    field: str,
) -> None:
    admin, other_admin = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    member = await make_member()
    token = await token_for(collaborators, admin)
    whom = {"member": member, "admin": other_admin, "self": admin}[target]
    before = await state()
    variables = {
        "memberId": mid(whom),
        "reason": "刷广告",
        "until": (clock.now() + offset).isoformat(),
    }
    body = (await gql(op("SuspendMember"), variables, token))["data"]["suspendMember"]
    assert body["__typename"] == "InvalidInput"
    assert [e["field"] for e in body["fieldErrors"]] == [field]
    assert await state() == before


async def test_the_member_record_reads_in_a_fixed_number_of_statements(
    gql: GraphQLClient, collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin = await make_member(roles=ADMIN)
    token = await token_for(collaborators, admin)
    counts = []
    for history in (0, 3):
        member = await make_member()
        for n in range(history):
            await AuditLogEntry.create(
                actor=admin,
                action="ROLE_GRANTED",
                target_type="MEMBER",
                target_id=member.id,
                created_at=clock.now(),
            )
            await RoleGrantRequest.create(
                member=member,
                role=("ADMIN", "HOST", "MODERATOR")[n],
                requested_by=admin,
                created_at=clock.now(),
            )
        with count_sql() as statements:
            body = await gql(op("MemberRecord"), {"memberId": mid(member)}, token)
        record = body["data"]["memberRecord"]
        assert len(record["moderationRecord"]) == history
        assert len(record["pendingRoleGrants"]) == history
        counts.append(len(statements))
    # the token with its member, then the record's 16 (the estate through its loader: none here),
    # the staff read recorded
    assert counts == [18, 18]


async def test_the_member_record_of_an_unknown_member_is_null(
    gql: GraphQLClient, collaborators: Collaborators
) -> None:
    token = await token_for(collaborators, await make_member(roles=ADMIN))
    body = await gql(op("MemberRecord"), {"memberId": encode_id("Member", 4242)}, token)
    assert body["data"]["memberRecord"] is None
