"""Honours actions: award rule badges (after commit, and as the nightly sweep), grant and revoke
manual badges (audited), choose the badge shown by one's name.

A badge is awarded once: the award is an insert that does nothing when the (member, code) pair
exists, so concurrent awards of the same badge leave one row and a revoked badge stays revoked."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError

from domain.aftercommit import atomic
from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.columns import column
from domain.errors import NotFoundError
from domain.honours import queries, rules
from domain.honours.errors import (
    BadgeAlreadyHeldError,
    BadgeNotHeldError,
    not_manual,
    reason_missing,
)
from domain.honours.models import BadgeAward
from domain.identity.models import Member, Role
from domain.identity.policies import require_role


def _reason(code: str, now: datetime) -> str:
    if code == rules.KOC_QUARTER:
        return f"{rules.quarter_label(now)}的关键意见消费者"
    return rules.CATALOGUE[code].description


async def _insert_once(member_ids: list[int], code: str, now: datetime) -> None:
    if member_ids:
        reason = _reason(code, now)
        await BadgeAward.bulk_create(
            [BadgeAward(member_id=m, code=code, awarded_at=now, reason=reason) for m in member_ids],
            ignore_conflicts=True,
        )


async def award_due(c: Collaborators, member_id: int, codes: tuple[str, ...]) -> None:
    """Award the member each of ``codes`` whose rule they now meet (and do not hold yet)."""
    now = c.clock.now()
    held = set(await column(BadgeAward.filter(member_id=member_id), "code"))
    for code in codes:
        if code not in held and await queries.QUALIFIERS[code](member_id):
            await _insert_once([member_id], code, now)


async def sweep_badges(c: Collaborators, now: datetime) -> int:
    """The nightly sweep: every rule badge to everyone who meets its rule; returns how many
    awards the sweep made."""
    before = await BadgeAward.all().count()
    for code in rules.RULE_CODES:
        await _insert_once(await queries.QUALIFIERS[code](None), code, now)
    return await BadgeAward.all().count() - before


def _manual_code(code: str) -> str:
    if code not in rules.MANUAL_CODES:
        raise not_manual()
    return code


def _clean_reason(reason: str) -> str:
    reason = reason.strip()
    if not reason:
        raise reason_missing()
    return reason[:200]


async def _member(member_id: int) -> Member:
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFoundError("会员不存在")
    return member


async def grant_badge(
    c: Collaborators, staff: Member, member_id: int, code: str, reason: str
) -> BadgeAward:
    """An admin grants a manual badge with a reason (audited); a revoked one is granted again."""
    require_role(staff, Role.ADMIN)
    code, reason = _manual_code(code), _clean_reason(reason)
    member = await _member(member_id)
    now = c.clock.now()
    try:
        async with atomic():
            regranted = await BadgeAward.filter(
                member_id=member.id, code=code, revoked_at__isnull=False
            ).update(awarded_at=now, reason=reason, granted_by_id=staff.id, revoked_at=None)
            if not regranted:
                await BadgeAward.create(
                    member_id=member.id,
                    code=code,
                    manual=True,
                    awarded_at=now,
                    reason=reason,
                    granted_by_id=staff.id,
                )
            await record_change(
                actor_id=staff.id,
                action="BADGE_GRANTED",
                target_type="MEMBER",
                target_id=member.id,
                now=now,
                before={"badge": None},
                after={"badge": code},
                reason=reason,
            )
    except IntegrityError as error:  # an active award of this badge exists
        raise BadgeAlreadyHeldError() from error
    return await BadgeAward.get(member_id=member.id, code=code)


async def revoke_badge(
    c: Collaborators, staff: Member, member_id: int, code: str, reason: str
) -> None:
    """An admin revokes a manual badge with a reason (audited); it is no longer shown."""
    require_role(staff, Role.ADMIN)
    code, reason = _manual_code(code), _clean_reason(reason)
    now = c.clock.now()
    async with atomic():
        revoked = await BadgeAward.filter(
            member_id=member_id, code=code, revoked_at__isnull=True
        ).update(revoked_at=now)
        if not revoked:
            raise BadgeNotHeldError()
        await Member.filter(id=member_id, shown_badge=code).update(shown_badge=None)
        await record_change(
            actor_id=staff.id,
            action="BADGE_REVOKED",
            target_type="MEMBER",
            target_id=member_id,
            now=now,
            before={"badge": code},
            after={"badge": None},
            reason=reason,
        )


async def choose_badge(c: Collaborators, member: Member, code: str | None) -> Member:
    """The badge shown next to the member's name: one they hold, or none."""
    if code is not None and (
        code not in rules.CATALOGUE or not await queries.holds(member.id, code)
    ):
        raise BadgeNotHeldError()
    await Member.filter(id=member.id).update(shown_badge=code)
    member.shown_badge = code
    return member
