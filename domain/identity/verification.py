"""Estate verification (谁是真邻居): a member is verified in an estate by an order picked up at
its pickup point (the purchases import's ``pickup_estate`` column), by a host of the estate or an
admin attesting, or by an invite from a member verified there. Estate-only campaigns take votes
and estate-only groups' events take registrations from verified residents only
(``require_verified``); everything public stays open to everyone."""

from __future__ import annotations

from datetime import datetime

from tortoise.exceptions import IntegrityError
from tortoise.expressions import Subquery
from tortoise.transactions import in_transaction

from domain.audit import record_change
from domain.collaborators import Collaborators
from domain.errors import NotFoundError
from domain.identity import policies
from domain.identity.errors import AlreadyVerifiedError, EstateUnverifiedError
from domain.identity.models import EstateVerification, Member, Role, VerifiedBy

# What the portal and the mini-program tell a member who is not verified yet.
HOW_TO = (
    "在本小区的自提点取一次团购订单：商城订单导入后自动认证",
    "请本小区的主理人（群主）为你认证",
    "通过本小区已认证邻居的邀请码注册",
)


async def find_verification(member_id: int, estate_id: int) -> EstateVerification | None:
    return await EstateVerification.get_or_none(member_id=member_id, estate_id=estate_id)


async def is_verified(member_id: int, estate_id: int) -> bool:
    return await EstateVerification.filter(member_id=member_id, estate_id=estate_id).exists()


async def require_verified(member: Member, estate_id: int) -> None:
    """Raises EstateUnverifiedError unless ``member`` is verified in ``estate_id``."""
    if not await is_verified(member.id, estate_id):
        raise EstateUnverifiedError()


async def verify(
    member_id: int,
    estate_id: int,
    via: VerifiedBy,
    now: datetime,
    vouched_by_id: int | None = None,
    order_id: str | None = None,
) -> bool:
    """True when this made the member verified (the first evidence counts; later evidence for
    the same estate changes nothing). Safe under concurrency: the unique pair decides."""
    try:
        async with in_transaction():  # a savepoint: the unique pair may refuse it
            await EstateVerification.create(
                member_id=member_id,
                estate_id=estate_id,
                via=via,
                vouched_by_id=vouched_by_id,
                order_id=order_id,
                verified_at=now,
            )
    except IntegrityError:
        return False
    return True


async def verify_by_pickups(pickups: list[tuple[int, int, str]], now: datetime) -> None:
    """(member, estate, order id) of orders picked up at an estate's pickup point, inside the
    recording transaction; a member verified there already keeps their first evidence."""
    await EstateVerification.bulk_create(
        [
            EstateVerification(
                member_id=member_id,
                estate_id=estate_id,
                via=VerifiedBy.PURCHASE,
                order_id=order_id,
                verified_at=now,
            )
            for member_id, estate_id, order_id in pickups
        ],
        ignore_conflicts=True,
    )


async def verify_by_invite(c: Collaborators, member: Member) -> bool:
    """A member invited by someone verified in the estate they joined is verified too."""
    if member.referred_by_id is None or member.estate_id is None:
        return False
    if not await is_verified(member.referred_by_id, member.estate_id):
        return False
    return await verify(
        member.id, member.estate_id, VerifiedBy.INVITE, c.clock.now(), member.referred_by_id
    )


def may_attest(actor: Member, member: Member) -> bool:
    """Admins, and hosts of the member's estate; never the member themselves."""
    if actor.id == member.id or member.estate_id is None:
        return False
    if actor.has_role(Role.ADMIN):
        return True
    return actor.has_role(Role.HOST) and actor.estate_id == member.estate_id


async def attest_resident(c: Collaborators, actor: Member, member_id: int) -> EstateVerification:
    """A host of the member's estate, or an admin, vouches that they live there; audited. A
    member the actor may not attest looks like no member (NOT_FOUND); one verified already is
    ALREADY_VERIFIED and nothing is written."""
    policies.require_role(actor, Role.HOST, Role.ADMIN)
    member = await Member.get_or_none(id=member_id)
    if member is None or member.estate_id is None or not may_attest(actor, member):
        raise NotFoundError()
    now = c.clock.now()
    if not await verify(member.id, member.estate_id, VerifiedBy.ATTESTED, now, actor.id):
        raise AlreadyVerifiedError()
    await record_change(
        actor_id=actor.id,
        action="ESTATE_ATTESTED",
        target_type="MEMBER",
        target_id=member.id,
        now=now,
        after={"estate_id": member.estate_id, "verified": True},
        reason=f"小区 {member.estate_id} 居民认证",
    )
    return await EstateVerification.get(member_id=member.id, estate_id=member.estate_id)


RESIDENTS_PAGE = 50


def attesting_estate(actor: Member, asked: int | None) -> int | None:
    """The estate whose residents ``actor`` may verify: a host's own; for an admin the one
    asked for (None: none chosen yet)."""
    if actor.has_role(Role.ADMIN):
        return asked
    return actor.estate_id if actor.has_role(Role.HOST) else None


async def unverified_residents(estate_id: int, limit: int = RESIDENTS_PAGE) -> list[Member]:
    """The estate's residents not verified there, newest first (who most likely just moved in)."""
    verified = EstateVerification.filter(estate_id=estate_id).values("member_id")
    return list(
        await Member.filter(estate_id=estate_id)
        .exclude(id__in=Subquery(verified))
        .order_by("-created_at", "-id")
        .limit(limit)
    )
