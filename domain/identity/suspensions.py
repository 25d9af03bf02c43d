"""Suspensions: an admin stops a member from changing anything until a date, with a reason.

A suspended member still reads everything; every write path refuses them (``is_suspended`` is the
one rule every reader of ``Member.suspended`` uses, so a suspension whose end has passed no longer
applies anywhere, without a job to clear it). Suspending revokes every token of the member at
once: the very next request of each of their sessions is signed out."""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from domain.audit import record_change, snapshot
from domain.clock import SHANGHAI
from domain.collaborators import Collaborators
from domain.errors import FieldError, InvalidInputError, NotFoundError
from domain.identity.errors import AccountSuspendedError
from domain.identity.models import AuthToken, Member, Role
from domain.identity.policies import require_role

SUSPENSION_FIELDS = ("suspended", "suspended_until", "suspension_reason")
REASON_MAX = 200


def is_suspended(member: Member, now: datetime) -> bool:
    """Suspended now: the flag is set and its end (if any) is still ahead."""
    if not member.suspended:
        return False
    return member.suspended_until is None or member.suspended_until > now


def suspended_until_text(member: Member) -> str | None:
    """The end of a suspension as people read it (Shanghai time), None for "until lifted"."""
    if member.suspended_until is None:
        return None
    return member.suspended_until.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M")


def refuse_if_suspended(member: Member, now: datetime) -> None:
    """Defence in depth for the services that create content or spend (posting, voting...)."""
    if is_suspended(member, now):
        raise AccountSuspendedError(member.suspended_until)


async def suspend_member(
    c: Collaborators, actor: Member, member_id: int, reason: str, until: datetime | None
) -> Member:
    """Admins: suspend a member until ``until`` (in the future) for ``reason``; their tokens die."""
    require_role(actor, Role.ADMIN)
    now = c.clock.now()
    reason = (reason or "").strip()
    errors = []
    if not 2 <= len(reason) <= REASON_MAX:
        errors.append(FieldError("reason", f"请填写 2–{REASON_MAX} 字的暂停原因"))
    if until is None:
        errors.append(FieldError("until", "请填写暂停结束时间"))
    elif until <= now:
        errors.append(FieldError("until", "结束时间须晚于现在（end before start）"))
    if errors:
        raise InvalidInputError(errors)
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFoundError()
    if member.id == actor.id:
        raise InvalidInputError.single("memberId", "不能暂停自己")
    if member.has_role(Role.ADMIN):
        raise InvalidInputError.single("memberId", "不能暂停管理员，请先撤销其管理员身份")
    async with in_transaction():
        member = await Member.filter(id=member_id).select_for_update().get()
        if member.has_role(Role.ADMIN):  # granted since the first read
            raise InvalidInputError.single("memberId", "不能暂停管理员，请先撤销其管理员身份")
        before = snapshot(member, SUSPENSION_FIELDS)
        member.suspended, member.suspended_until, member.suspension_reason = True, until, reason
        await member.save(update_fields=list(SUSPENSION_FIELDS))
        await AuthToken.filter(member_id=member_id, revoked_at__isnull=True).update(revoked_at=now)
        await record_change(
            actor_id=actor.id,
            action="MEMBER_SUSPENDED",
            target_type="MEMBER",
            target_id=member_id,
            now=now,
            before=before,
            after=snapshot(member, SUSPENSION_FIELDS),
            reason=reason,
        )
    return member


async def lift_suspension(c: Collaborators, actor: Member, member_id: int) -> Member:
    """Admins: end a member's suspension now (lifting one that has lapsed clears it too)."""
    require_role(actor, Role.ADMIN)
    now = c.clock.now()
    async with in_transaction():
        member = await Member.filter(id=member_id).select_for_update().get_or_none()
        if member is None:
            raise NotFoundError()
        if not member.suspended:
            raise InvalidInputError.single("memberId", "这位成员没有被暂停")
        before = snapshot(member, SUSPENSION_FIELDS)
        member.suspended, member.suspended_until, member.suspension_reason = False, None, None
        await member.save(update_fields=list(SUSPENSION_FIELDS))
        await record_change(
            actor_id=actor.id,
            action="SUSPENSION_LIFTED",
            target_type="MEMBER",
            target_id=member_id,
            now=now,
            before=before,
            after=snapshot(member, SUSPENSION_FIELDS),
        )
    return member
