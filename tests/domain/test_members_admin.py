"""Roles and suspensions in the domain: who may, what each refusal says, what changed (and what did
not), the second admin for ADMIN, sessions ended by a suspension, and a suspension that lapses."""

from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

import pytest

from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError, PermissionDeniedError
from domain.events.models import Event
from domain.events.services import register_for_event
from domain.groups import admin as group_admin
from domain.groups.models import InterestGroup
from domain.identity import roles, services, suspensions
from domain.identity.errors import (
    AccountSuspendedError,
    InvalidTokenError,
    RoleGrantDecidedError,
    RoleGrantPendingError,
    SecondAdminRequiredError,
    StillHostsGroupsError,
)
from domain.identity.member_record import find_members, get_member_record
from domain.identity.models import (
    AuthToken,
    Member,
    Role,
    RoleGrantRequest,
    RoleGrantStatus,
    TokenKind,
)
from domain.posts.models import AuditLogEntry, PostKind
from domain.posts.services import PostDraft, add_comment, submit_post
from tests.domain.events_helpers import make_group
from tests.factories import make_member

ADMIN = (Role.RESIDENT, Role.ADMIN)
REFUSED_ROLES = [
    (Role.RESIDENT,),
    (Role.RESIDENT, Role.HOST),
    (Role.RESIDENT, Role.MODERATOR),
]


def field_of(error: InvalidInputError) -> list[str]:
    return [f.field for f in error.field_errors]


async def state() -> dict[str, Any]:
    """Everything these services may change."""
    return {
        "members": [
            (m.id, sorted(m.roles), m.suspended, m.suspended_until, m.suspension_reason)
            for m in await Member.all().order_by("id")
        ],
        "grants": await RoleGrantRequest.all().order_by("id").values_list("id", "status"),
        "tokens": await AuthToken.filter(revoked_at__isnull=True).count(),
        "audit": await AuditLogEntry.all().count(),
    }


# -- roles ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("role", [Role.HOST, Role.MODERATOR])
async def test_an_admin_grants_host_or_moderator_at_once_with_an_audit_of_before_and_after(
    collaborators: Collaborators, role: Role
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    await roles.grant_role(collaborators, admin, member.id, role.value)
    assert (await Member.get(id=member.id)).roles == ["RESIDENT", role.value]
    entry = await AuditLogEntry.get(action="ROLE_GRANTED")
    assert (entry.actor_id, entry.target_type, entry.target_id) == (admin.id, "MEMBER", member.id)
    assert entry.before == {"roles": ["RESIDENT"]}
    assert entry.after == {"roles": ["RESIDENT", role.value]}


async def test_granting_a_role_already_held_changes_nothing(collaborators: Collaborators) -> None:
    admin = await make_member(roles=ADMIN)
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    before = await state()
    await roles.grant_role(collaborators, admin, host.id, "HOST")
    assert await state() == before


async def test_granting_admin_waits_for_a_second_admin_and_asking_again_is_the_same_request(
    collaborators: Collaborators,
) -> None:
    first, second = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    member = await make_member()
    with pytest.raises(RoleGrantPendingError) as waiting:
        await roles.grant_role(collaborators, first, member.id, "ADMIN")
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]
    with pytest.raises(RoleGrantPendingError) as again:
        await roles.grant_role(collaborators, second, member.id, "ADMIN")
    assert again.value.request_id == waiting.value.request_id
    request = await RoleGrantRequest.get(id=waiting.value.request_id)
    assert (request.status, request.requested_by_id) == (RoleGrantStatus.PENDING, first.id)

    decided = await roles.decide_role_grant(collaborators, second, request.id, approve=True)
    assert (decided.status, decided.decided_by_id) == (RoleGrantStatus.APPROVED, second.id)
    assert (await Member.get(id=member.id)).roles == ["RESIDENT", "ADMIN"]
    granted = await AuditLogEntry.get(action="ROLE_GRANTED")
    assert (granted.actor_id, granted.after) == (second.id, {"roles": ["RESIDENT", "ADMIN"]})


async def test_neither_the_requester_nor_the_member_may_decide_an_admin_grant(
    collaborators: Collaborators,
) -> None:
    requester, member = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    candidate = await make_member()
    with pytest.raises(RoleGrantPendingError) as waiting:
        await roles.grant_role(collaborators, requester, candidate.id, "ADMIN")
    request_id = waiting.value.request_id
    before = await state()
    with pytest.raises(SecondAdminRequiredError):
        await roles.decide_role_grant(collaborators, requester, request_id, approve=True)
    await Member.filter(id=member.id).update(roles=["RESIDENT", "ADMIN"])
    with pytest.raises(RoleGrantPendingError):  # the candidate is not one yet: same request
        await roles.grant_role(collaborators, member, candidate.id, "ADMIN")
    candidate_as_admin = await Member.get(id=candidate.id)
    candidate_as_admin.roles = ["RESIDENT", "ADMIN"]  # even if they somehow were
    with pytest.raises(SecondAdminRequiredError):
        await roles.decide_role_grant(collaborators, candidate_as_admin, request_id, approve=True)
    assert await state() == before


async def test_a_declined_grant_leaves_the_roles_and_a_decided_one_cannot_be_decided_again(
    collaborators: Collaborators,
) -> None:
    requester, second = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    member = await make_member()
    with pytest.raises(RoleGrantPendingError) as waiting:
        await roles.grant_role(collaborators, requester, member.id, "ADMIN")
    declined = await roles.decide_role_grant(
        collaborators, second, waiting.value.request_id, approve=False
    )
    assert declined.status == RoleGrantStatus.DECLINED
    assert (await Member.get(id=member.id)).roles == ["RESIDENT"]
    assert await AuditLogEntry.filter(action="ROLE_GRANT_DECLINED").count() == 1
    before = await state()
    with pytest.raises(RoleGrantDecidedError):
        await roles.decide_role_grant(collaborators, second, waiting.value.request_id, True)
    assert await state() == before


async def test_resident_is_neither_granted_nor_revoked(collaborators: Collaborators) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    before = await state()
    for action in (roles.grant_role, roles.revoke_role):
        with pytest.raises(InvalidInputError) as refused:
            await action(collaborators, admin, member.id, "RESIDENT")
        assert field_of(refused.value) == ["role"]
    assert await state() == before


async def test_an_admin_cannot_revoke_their_own_admin_nor_remove_the_last_admin(
    collaborators: Collaborators,
) -> None:
    first, second = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    with pytest.raises(InvalidInputError) as own:
        await roles.revoke_role(collaborators, first, first.id, "ADMIN")
    assert field_of(own.value) == ["role"]
    await roles.revoke_role(collaborators, first, second.id, "ADMIN")
    assert (await Member.get(id=second.id)).roles == ["RESIDENT"]
    before = await state()
    # ``second`` still holds the ADMIN read before the revocation: the locked count refuses.
    with pytest.raises(InvalidInputError) as last:
        await roles.revoke_role(collaborators, second, first.id, "ADMIN")
    assert "最后一位管理员" in last.value.field_errors[0].message
    assert await state() == before
    revoked = await AuditLogEntry.get(action="ROLE_REVOKED")
    assert (revoked.before, revoked.after) == (
        {"roles": ["RESIDENT", "ADMIN"]},
        {"roles": ["RESIDENT"]},
    )


async def test_revoking_host_takes_it_away(collaborators: Collaborators) -> None:
    admin = await make_member(roles=ADMIN)
    host = await make_member(roles=(Role.RESIDENT, Role.HOST, Role.MODERATOR))
    await roles.revoke_role(collaborators, admin, host.id, "HOST")
    assert (await Member.get(id=host.id)).roles == ["RESIDENT", "MODERATOR"]


async def test_host_stays_while_they_host_a_group_so_no_group_is_left_without_one(
    collaborators: Collaborators,
) -> None:
    c = collaborators
    admin = await make_member(roles=ADMIN)
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    other = await make_member(roles=(Role.RESIDENT, Role.HOST))
    await make_group(host, "手冲咖啡", "pour-over")
    second = await make_group(other, "阳台种菜", "balcony")
    await group_admin.appoint_host(c, admin, second.id, host.id)
    before = await state()
    with pytest.raises(StillHostsGroupsError) as refused:
        await roles.revoke_role(c, admin, host.id, "HOST")
    assert refused.value.group_names == ["手冲咖啡", "阳台种菜"]
    assert "「手冲咖啡」" in refused.value.message
    assert await state() == before and (await Member.get(id=host.id)).has_role(Role.HOST)
    # Once removed as host of the second group and replaced in the first, HOST goes.
    await group_admin.remove_host(c, admin, second.id, host.id)
    first = await InterestGroup.get(slug="pour-over")
    await group_admin.appoint_host(c, admin, first.id, other.id)
    await group_admin.remove_host(c, admin, first.id, host.id)
    await roles.revoke_role(c, admin, host.id, "HOST")
    assert not (await Member.get(id=host.id)).has_role(Role.HOST)


@pytest.mark.parametrize("actor_roles", REFUSED_ROLES)
async def test_only_admins_grant_revoke_decide_suspend_or_lift(
    collaborators: Collaborators, actor_roles: tuple[Role, ...]
) -> None:
    actor = await make_member(roles=actor_roles)
    admin = await make_member(roles=ADMIN)
    member = await make_member(roles=(Role.RESIDENT, Role.HOST))
    with pytest.raises(RoleGrantPendingError) as waiting:
        await roles.grant_role(collaborators, admin, member.id, "ADMIN")
    until = collaborators.clock.now() + timedelta(days=3)
    await Member.filter(id=member.id).update(suspended=True, suspended_until=until)
    before = await state()
    attempts = [
        roles.grant_role(collaborators, actor, member.id, "MODERATOR"),
        roles.revoke_role(collaborators, actor, member.id, "HOST"),
        roles.decide_role_grant(collaborators, actor, waiting.value.request_id, True),
        suspensions.suspend_member(collaborators, actor, member.id, "刷广告", until),
        suspensions.lift_suspension(collaborators, actor, member.id),
    ]
    for attempt in attempts:
        with pytest.raises(PermissionDeniedError):
            await attempt
    assert await state() == before


async def test_an_unknown_member_or_request_is_not_found(collaborators: Collaborators) -> None:
    admin = await make_member(roles=ADMIN)
    until = collaborators.clock.now() + timedelta(days=1)
    for attempt in (
        roles.grant_role(collaborators, admin, 9999, "HOST"),
        roles.revoke_role(collaborators, admin, 9999, "HOST"),
        roles.decide_role_grant(collaborators, admin, 9999, True),
        suspensions.suspend_member(collaborators, admin, 9999, "刷广告", until),
        suspensions.lift_suspension(collaborators, admin, 9999),
    ):
        with pytest.raises(NotFoundError):
            await attempt


@pytest.mark.postgres_only
async def test_concurrent_approvals_of_one_admin_grant_decide_it_once(
    collaborators: Collaborators,
) -> None:
    requester = await make_member(roles=ADMIN)
    approvers = [await make_member(roles=ADMIN) for _ in range(8)]
    member = await make_member()
    with pytest.raises(RoleGrantPendingError) as waiting:
        await roles.grant_role(collaborators, requester, member.id, "ADMIN")
    results = await asyncio.gather(
        *(
            roles.decide_role_grant(collaborators, a, waiting.value.request_id, i % 2 == 0)
            for i, a in enumerate(approvers)
        ),
        return_exceptions=True,
    )
    won = [r for r in results if isinstance(r, RoleGrantRequest)]
    lost = [r for r in results if isinstance(r, RoleGrantDecidedError)]
    assert (len(won), len(lost)) == (1, 7), results
    decided = await RoleGrantRequest.get(id=waiting.value.request_id)
    assert decided.decided_by_id == won[0].decided_by_id
    has_admin = "ADMIN" in (await Member.get(id=member.id)).roles
    assert has_admin == (decided.status == RoleGrantStatus.APPROVED)
    audit = await AuditLogEntry.filter(action__in=["ROLE_GRANTED", "ROLE_GRANT_DECLINED"]).count()
    assert audit == 1


@pytest.mark.postgres_only
async def test_two_concurrent_admin_requests_for_one_member_make_one_pending_request(
    collaborators: Collaborators,
) -> None:
    admins = [await make_member(roles=ADMIN) for _ in range(6)]
    member = await make_member()
    results = await asyncio.gather(
        *(roles.grant_role(collaborators, a, member.id, "ADMIN") for a in admins),
        return_exceptions=True,
    )
    assert all(isinstance(r, RoleGrantPendingError) for r in results), results
    assert len({r.request_id for r in results if isinstance(r, RoleGrantPendingError)}) == 1
    assert await RoleGrantRequest.all().count() == 1


# -- suspensions ----------------------------------------------------------------------------------


async def test_suspending_records_reason_and_end_revokes_every_token_and_is_audited(
    collaborators: Collaborators,
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    other = await make_member()
    await services.issue_api_tokens(collaborators, member)
    await services.start_portal_session(collaborators, member)
    await services.issue_api_tokens(collaborators, other)
    until = collaborators.clock.now() + timedelta(days=7)
    await suspensions.suspend_member(collaborators, admin, member.id, "  连续刷广告  ", until)
    stored = await Member.get(id=member.id)
    assert (stored.suspended, stored.suspended_until, stored.suspension_reason) == (
        True,
        until,
        "连续刷广告",
    )
    assert await AuthToken.filter(member_id=member.id, revoked_at__isnull=True).count() == 0
    assert await AuthToken.filter(member_id=other.id, revoked_at__isnull=True).count() == 2
    entry = await AuditLogEntry.get(action="MEMBER_SUSPENDED")
    assert entry.before == {"suspended": False, "suspended_until": None, "suspension_reason": None}
    assert entry.after == {
        "suspended": True,
        "suspended_until": until.isoformat(),
        "suspension_reason": "连续刷广告",
    }


@pytest.mark.parametrize(
    ("reason", "offset", "fields"),
    [
        ("刷广告", timedelta(0), ["until"]),
        ("刷广告", -timedelta(days=1), ["until"]),
        ("", timedelta(days=1), ["reason"]),
        ("广" * 201, timedelta(days=1), ["reason"]),
        ("", -timedelta(days=1), ["reason", "until"]),
    ],
)
async def test_a_suspension_needs_a_reason_and_an_end_after_now(
    collaborators: Collaborators, reason: str, offset: timedelta, fields: list[str]
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    before = await state()
    with pytest.raises(InvalidInputError) as refused:
        await suspensions.suspend_member(
            collaborators, admin, member.id, reason, collaborators.clock.now() + offset
        )
    assert field_of(refused.value) == fields
    assert await state() == before


async def test_an_end_not_after_now_is_the_end_before_start_error(
    collaborators: Collaborators,
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    with pytest.raises(InvalidInputError) as refused:
        await suspensions.suspend_member(
            collaborators, admin, member.id, "刷广告", collaborators.clock.now()
        )
    assert "end before start" in refused.value.field_errors[0].message


async def test_admins_and_oneself_cannot_be_suspended(collaborators: Collaborators) -> None:
    admin, other_admin = await make_member(roles=ADMIN), await make_member(roles=ADMIN)
    until = collaborators.clock.now() + timedelta(days=1)
    before = await state()
    for target in (admin, other_admin):
        with pytest.raises(InvalidInputError) as refused:
            await suspensions.suspend_member(collaborators, admin, target.id, "刷广告", until)
        assert field_of(refused.value) == ["memberId"]
    assert await state() == before


async def test_a_suspension_lapses_at_its_end_and_lifting_clears_it(
    collaborators: Collaborators, clock: FrozenClock
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    until = clock.now() + timedelta(hours=2)
    stored = await suspensions.suspend_member(collaborators, admin, member.id, "刷广告", until)
    assert suspensions.is_suspended(stored, clock.now())
    clock.advance(hours=2)
    assert not suspensions.is_suspended(stored, clock.now())
    lifted = await suspensions.lift_suspension(collaborators, admin, member.id)
    assert (lifted.suspended, lifted.suspended_until, lifted.suspension_reason) == (
        False,
        None,
        None,
    )
    entry = await AuditLogEntry.get(action="SUSPENSION_LIFTED")
    assert entry.before is not None and entry.after is not None
    assert entry.before["suspended"] is True and entry.after["suspended"] is False
    with pytest.raises(InvalidInputError):
        await suspensions.lift_suspension(collaborators, admin, member.id)


async def test_a_suspended_member_reads_but_their_refresh_token_does_not_rotate(
    collaborators: Collaborators,
) -> None:
    admin, member = await make_member(roles=ADMIN), await make_member()
    until = collaborators.clock.now() + timedelta(days=1)
    await suspensions.suspend_member(collaborators, admin, member.id, "刷广告", until)
    fresh = await services.issue_api_tokens(collaborators, member)  # signed in again, to read
    assert await services.authenticate(collaborators, fresh.access_token, TokenKind.ACCESS)
    live = await AuthToken.filter(revoked_at__isnull=True).count()
    with pytest.raises(InvalidTokenError):
        await services.refresh_api_tokens(collaborators, fresh.refresh_token)
    assert await AuthToken.filter(revoked_at__isnull=True).count() == live


async def test_posting_commenting_and_registering_refuse_a_suspended_member_in_the_domain_too(
    collaborators: Collaborators,
) -> None:
    member = await make_member()
    await Member.filter(id=member.id).update(
        suspended=True, suspended_until=collaborators.clock.now() + timedelta(days=1)
    )
    member = await Member.get(id=member.id)
    event = await Event.create(
        title="包饺子",
        description="一起",
        location="会所",
        starts_at=collaborators.clock.now() + timedelta(days=2),
        ends_at=collaborators.clock.now() + timedelta(days=2, hours=2),
        capacity=10,
        created_by=member,
        created_at=collaborators.clock.now(),
    )
    for attempt in (
        submit_post(collaborators, member, PostDraft(PostKind.STORY, "标题", "正文")),
        add_comment(collaborators, member, 1, "好"),
        register_for_event(collaborators, member, event.id),
    ):
        with pytest.raises(AccountSuspendedError):
            await attempt


# -- reads ----------------------------------------------------------------------------------------


async def test_staff_find_a_member_by_name_or_the_last_four_digits_of_the_phone() -> None:
    wang = await make_member(display_name="王阿姨", phone="13811112222")
    await make_member(display_name="李叔", phone="13933334444")
    assert [m.id for m in await find_members("王")] == [wang.id]
    assert [m.id for m in await find_members("2222")] == [wang.id]
    assert await find_members("1111") == []  # not the middle of the number
    assert await find_members("   ") == []


async def test_staff_lists_by_role_find_only_holders_of_that_role() -> None:
    host = await make_member(roles=(Role.RESIDENT, Role.HOST))
    admin = await make_member(roles=ADMIN)
    await make_member()
    assert [m.id for m in await roles.members_with_role(Role.HOST)] == [host.id]
    assert [m.id for m in await roles.members_with_role(Role.ADMIN)] == [admin.id]
    assert await roles.members_with_role(Role.MODERATOR) == []


async def test_the_member_record_is_none_for_an_unknown_member() -> None:
    assert await get_member_record(4242) is None
