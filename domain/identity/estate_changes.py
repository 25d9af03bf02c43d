"""Moving to another estate. The estate is an access boundary (staff scope, estate-only groups,
campaigns, events), so a member asks and a host or admin of the target estate decides; an admin
may also set it directly. Until then the member keeps the estate they have."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import InvalidInputError, NotFoundError
from domain.identity import policies
from domain.identity.errors import EstateArchivedError, EstateChangeDecidedError
from domain.identity.estates import refuse_archived_estate
from domain.identity.models import (
    Estate,
    EstateChangeRequest,
    EstateChangeStatus,
    Member,
    Role,
    VerifiedBy,
)
from domain.identity.verification import verify, verify_by_invite

PENDING = EstateChangeStatus.PENDING
PENDING_PAGE_MAX = 50


async def pending_estate_change(member_id: int) -> EstateChangeRequest | None:
    """The member's waiting request, or None."""
    return await EstateChangeRequest.filter(member_id=member_id, status=PENDING).first()


async def change_estate(c: Collaborators, member: Member, estate_id: int) -> bool:
    """What a member's own choice of estate does; True when the estate itself changed.

    The same estate withdraws a waiting request. A resident without an estate (a first WeChat
    login) chooses freely, as at registration. Anyone else asks: the request waits for a
    decision and replaces one that was waiting. An archived estate takes neither choice nor
    request (ESTATE_ARCHIVED). Runs inside the caller's transaction."""
    now = c.clock.now()
    if estate_id == member.estate_id:
        await _cancel_pending(member.id, None, now)
        return False
    await refuse_archived_estate(estate_id)
    if member.estate_id is None and not policies.is_staff(member):
        await _cancel_pending(member.id, None, now)
        await Member.filter(id=member.id).update(estate_id=estate_id)
        member.estate_id = estate_id
        await verify_by_invite(c, member)  # a WeChat newcomer's inviter may vouch for them
        return True
    waiting = await EstateChangeRequest.get_or_none(member_id=member.id, status=PENDING)
    if waiting is not None and waiting.to_estate_id == estate_id:
        return False  # asked again for the same estate: the request stands as it was
    await _cancel_pending(member.id, None, now)
    try:
        async with in_transaction():  # a savepoint: the unique pending index may refuse it
            await EstateChangeRequest.create(
                member_id=member.id,
                from_estate_id=member.estate_id,
                to_estate_id=estate_id,
                created_at=now,
            )
    except IntegrityError:
        pass  # a concurrent request of the same member is the one waiting now
    return False


async def _cancel_pending(member_id: int, actor_id: int | None, now: datetime) -> None:
    await EstateChangeRequest.filter(member_id=member_id, status=PENDING).update(
        status=EstateChangeStatus.CANCELLED, decided_by_id=actor_id, decided_at=now
    )


async def list_pending_estate_changes(
    actor: Member, after_id: int | None, first: int
) -> list[EstateChangeRequest]:
    """Requests waiting for ``actor``: admins see all, hosts those into their own estate (never
    their own request). Oldest first, ``first + 1`` rows, the member joined."""
    policies.require_role(actor, Role.HOST, Role.ADMIN)
    query = EstateChangeRequest.filter(status=PENDING)
    if not actor.has_role(Role.ADMIN):
        if actor.estate_id is None:
            return []
        query = query.filter(to_estate_id=actor.estate_id).exclude(member_id=actor.id)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return await query.select_related("member").order_by("id").limit(first + 1)


async def decide_estate_change(
    c: Collaborators, actor: Member, request_id: int, approve: bool
) -> EstateChangeRequest:
    """Approve (the member moves) or decline (they stay); audited. A request someone else may
    decide, or none, is NOT_FOUND alike; one already decided is INVALID_TRANSITION."""
    policies.require_role(actor, Role.HOST, Role.ADMIN)
    request = await EstateChangeRequest.get_or_none(id=request_id)
    if request is None or not policies.may_decide_estate_change(actor, request):
        raise NotFoundError()
    now = c.clock.now()
    status = EstateChangeStatus.APPROVED if approve else EstateChangeStatus.DECLINED
    async with in_transaction():
        # The conditional update decides once: a concurrent decision finds it no longer pending.
        decided = await EstateChangeRequest.filter(id=request_id, status=PENDING).update(
            status=status, decided_by_id=actor.id, decided_at=now
        )
        if not decided:
            raise EstateChangeDecidedError()
        if approve:  # archived since the member asked: declining is still possible
            await refuse_archived_estate(request.to_estate_id)
            await Member.filter(id=request.member_id).update(estate_id=request.to_estate_id)
            # Whoever lets them in vouches that they live there: a verified resident at once.
            await verify(
                request.member_id, request.to_estate_id, VerifiedBy.ATTESTED, now, actor.id
            )
        await _audit(actor, "ESTATE_APPROVED" if approve else "ESTATE_DECLINED", request, now)
    return await EstateChangeRequest.get(id=request_id).select_related("member")


async def set_member_estate(
    c: Collaborators, actor: Member, member_id: int, estate_id: int
) -> EstateChangeRequest:
    """Admins: move a member at once. Recorded as an approved request by the admin (a waiting
    one is cancelled) and audited. Not into an archived estate (ESTATE_ARCHIVED)."""
    policies.require_role(actor, Role.ADMIN)
    estate = await Estate.get_or_none(id=estate_id)
    if estate is None:
        raise InvalidInputError.single("estateId", "小区不存在")
    member = await Member.get_or_none(id=member_id)
    if member is None:
        raise NotFoundError()
    if estate.archived and member.estate_id != estate.id:
        raise EstateArchivedError()
    now = c.clock.now()
    async with in_transaction():
        await _cancel_pending(member_id, actor.id, now)
        request = await EstateChangeRequest.create(
            member_id=member_id,
            from_estate_id=member.estate_id,
            to_estate_id=estate_id,
            status=EstateChangeStatus.APPROVED,
            decided_by_id=actor.id,
            decided_at=now,
            created_at=now,
        )
        await Member.filter(id=member_id).update(estate_id=estate_id)
        await verify(member_id, estate_id, VerifiedBy.ATTESTED, now, actor.id)
        await _audit(actor, "ESTATE_SET", request, now)
    return request


async def _audit(actor: Member, action: str, request: EstateChangeRequest, now: datetime) -> None:
    """The member's estate before and after (a declined request leaves it as it was); for a
    decision on a member's request, that request's status too."""
    declined = action == "ESTATE_DECLINED"
    before: dict[str, object] = {"estate_id": request.from_estate_id}
    after: dict[str, object] = {
        "estate_id": request.from_estate_id if declined else request.to_estate_id
    }
    if action != "ESTATE_SET":  # an admin's setting makes its request already approved
        before["request_status"] = PENDING
        after["request_status"] = (
            EstateChangeStatus.DECLINED if declined else EstateChangeStatus.APPROVED
        )
    await record_change(
        actor_id=actor.id,
        action=action,
        target_type="MEMBER",
        target_id=request.member_id,
        now=now,
        before=before,
        after=after,
        reason=f"小区 {request.from_estate_id or '-'} → {request.to_estate_id}"
        f"（申请 {request.id}）",
    )
