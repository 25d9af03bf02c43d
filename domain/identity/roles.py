"""Roles: admins grant and revoke MODERATOR, HOST and ADMIN.

MODERATOR and HOST take effect at once. ADMIN is the keys to everything, so granting it asks a
second admin, as a points adjustment above 1,000 does: the grant waits as a ``RoleGrantRequest``
(one PENDING per member and role, by a partial unique index) that an admin other than the
requester and the member approves or declines; a conditional update decides it once. RESIDENT is
what every member is and is never granted or taken. The last admin cannot be removed, nor can an
admin take away their own ADMIN (another admin does it, so there is always a witness)."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import RawSQL
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import InvalidInputError, NotFoundError
from domain.groups.models import InterestGroup
from domain.groups.policies import groups_hosted_by
from domain.identity.errors import (
    RoleGrantDecidedError,
    RoleGrantPendingError,
    SecondAdminRequiredError,
    StillHostsGroupsError,
)
from domain.identity.models import Member, Role, RoleGrantRequest, RoleGrantStatus
from domain.identity.policies import require_role
from domain.identity.suspensions import is_suspended

GRANTABLE = (Role.HOST, Role.MODERATOR, Role.ADMIN)


def members_with_role(role: Role) -> QuerySet[Member]:
    """Members holding ``role``. Roles are a JSON list; the text match works on SQLite and on
    PostgreSQL alike (``role`` is one of the enum's own values, never client text)."""
    pattern = f'%"{Role(role).value}"%'
    return Member.annotate(holds_role=RawSQL(f"CAST(\"roles\" AS TEXT) LIKE '{pattern}'")).filter(
        holds_role=True
    )


def _grantable(role: str) -> Role:
    if role not in {r.value for r in GRANTABLE}:
        raise InvalidInputError.single("role", "只能授予或撤销主持人、版主或管理员身份")
    return Role(role)


async def _locked(member_id: int) -> Member:
    member = await Member.filter(id=member_id).select_for_update().get_or_none()
    if member is None:
        raise NotFoundError()
    return member


async def _set_roles(
    actor: Member,
    member: Member,
    roles: list[str],
    action: str,
    now: datetime,
    reason: str | None = None,
) -> None:
    before = list(member.roles)
    member.roles = roles
    await member.save(update_fields=["roles"])
    await record_change(
        actor_id=actor.id,
        action=action,
        target_type="MEMBER",
        target_id=member.id,
        now=now,
        before={"roles": before},
        after={"roles": roles},
        reason=reason,
    )


async def grant_role(c: Collaborators, actor: Member, member_id: int, role: str) -> Member:
    """HOST and MODERATOR at once; ADMIN raises ``RoleGrantPendingError`` with the request a
    second admin decides (asking again answers the same pending request)."""
    require_role(actor, Role.ADMIN)
    granted = _grantable(role)
    now = c.clock.now()
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFoundError()
    if member.has_role(granted):
        return member  # nothing to change, nothing to audit
    if granted is Role.ADMIN:
        if is_suspended(member, now):
            raise InvalidInputError.single("memberId", "被暂停的成员不能成为管理员，请先解除暂停")
        raise RoleGrantPendingError(await _pending_admin_grant(actor, member_id, now))
    async with in_transaction():
        member = await _locked(member_id)
        if not member.has_role(granted):
            await _set_roles(actor, member, [*member.roles, granted.value], "ROLE_GRANTED", now)
    return member


async def _pending_admin_grant(actor: Member, member_id: int, now: datetime) -> int:
    pending = RoleGrantRequest.filter(
        member_id=member_id, role=Role.ADMIN.value, status=RoleGrantStatus.PENDING
    )
    if (existing := await pending.first()) is not None:
        return existing.id
    try:
        async with in_transaction():
            request = await RoleGrantRequest.create(
                member_id=member_id, role=Role.ADMIN.value, requested_by_id=actor.id, created_at=now
            )
            await record_change(
                actor_id=actor.id,
                action="ROLE_GRANT_REQUESTED",
                target_type="MEMBER",
                target_id=member_id,
                now=now,
                after={"role": Role.ADMIN.value, "request_id": request.id},
            )
            return request.id
    except IntegrityError:  # a concurrent request of the same grant was written first
        return (await pending.get()).id


async def decide_role_grant(
    c: Collaborators, actor: Member, request_id: int, approve: bool
) -> RoleGrantRequest:
    """A second admin (neither the requester nor the member) approves or declines, once."""
    require_role(actor, Role.ADMIN)
    request = await RoleGrantRequest.get_or_none(id=request_id)
    if request is None:
        raise NotFoundError()
    if actor.id in (request.requested_by_id, request.member_id):
        raise SecondAdminRequiredError()
    now = c.clock.now()
    status = RoleGrantStatus.APPROVED if approve else RoleGrantStatus.DECLINED
    async with in_transaction():
        decided = await RoleGrantRequest.filter(
            id=request_id, status=RoleGrantStatus.PENDING
        ).update(status=status, decided_by_id=actor.id, decided_at=now)
        if not decided:
            raise RoleGrantDecidedError()
        member = await _locked(request.member_id)
        if approve and is_suspended(member, now):
            raise InvalidInputError.single("memberId", "被暂停的成员不能成为管理员，请先解除暂停")
        if approve and not member.has_role(Role(request.role)):
            roles = [*member.roles, request.role]
            await _set_roles(actor, member, roles, "ROLE_GRANTED", now, f"申请 {request_id}")
        elif not approve:
            await record_change(
                actor_id=actor.id,
                action="ROLE_GRANT_DECLINED",
                target_type="MEMBER",
                target_id=member.id,
                now=now,
                before={"status": RoleGrantStatus.PENDING.value},
                after={"status": status.value, "role": request.role, "request_id": request_id},
            )
    await request.refresh_from_db()
    return request


async def revoke_role(c: Collaborators, actor: Member, member_id: int, role: str) -> Member:
    """Take a role away; never the actor's own ADMIN, never the last admin's."""
    require_role(actor, Role.ADMIN)
    revoked = _grantable(role)
    if revoked is Role.ADMIN and member_id == actor.id:
        raise InvalidInputError.single("role", "不能撤销自己的管理员身份，请另一位管理员操作")
    now = c.clock.now()
    async with in_transaction():
        if revoked is Role.ADMIN:
            # Lock every admin row first: two admins revoking each other at once stay one.
            admins = await members_with_role(Role.ADMIN).select_for_update()
        member = await _locked(member_id)
        if not member.has_role(revoked):
            return member
        if revoked is Role.ADMIN and len(admins) <= 1:
            raise InvalidInputError.single("role", "不能撤销最后一位管理员")
        if revoked is Role.HOST and (hosted := await _groups_hosted(member_id)):
            raise StillHostsGroupsError(hosted)
        roles = [r for r in member.roles if r != revoked.value]
        await _set_roles(actor, member, roles, "ROLE_REVOKED", now)
    return member


async def _groups_hosted(member_id: int) -> list[str]:
    """The names of the groups ``member_id`` holds a host seat of (archived ones too: restoring
    one must find a host). Read under the member's lock, the lock an appointment's role grant
    takes, so an appointment committing meanwhile is either seen here or grants HOST after."""
    return list(
        await column(InterestGroup.filter(groups_hosted_by(member_id)).order_by("id"), "name")
    )


async def list_pending_role_grants() -> list[RoleGrantRequest]:
    return (
        await RoleGrantRequest.filter(status=RoleGrantStatus.PENDING)
        .select_related("member", "requested_by")
        .order_by("id")
    )


async def list_members_with_role(role: Role, limit: int) -> list[Member]:
    """The first ``limit`` holders of ``role`` by id (the back office's staff lists)."""
    return list(await members_with_role(role).order_by("id").limit(limit))


async def get_role_grant_request(request_id: int) -> RoleGrantRequest | None:
    return await RoleGrantRequest.get_or_none(id=request_id)
