"""Referrals: recorded at registration, refused for oneself, rewarded once on the invitee's first
recorded purchase. One level only: the inviter's own inviter is never looked at."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from domain.aftercommit import after_commit
from domain.collaborators import Collaborators
from domain.facts import announce
from domain.identity.errors import SelfReferralError
from domain.identity.models import Member, WechatIdentity
from domain.points.services import award_points
from domain.referrals import leaderboard
from domain.referrals.facts import ReferralRewarded
from domain.referrals.models import Referral, ReferralStatus
from domain.webhooks.models import EventKind
from domain.webhooks.outbox import enqueue


async def refuse_self_referral(
    inviter: Member | None,
    *,
    phone: str | None = None,
    openid: str | None = None,
    unionid: str | None = None,
) -> None:
    """A newcomer is "the inviter" when they share the inviter's phone or WeChat user: the same
    openid, or the same unionid (one WeChat user across the brand's apps)."""
    if inviter is None:
        return
    if phone and inviter.phone == phone:
        raise SelfReferralError()
    same_wechat = WechatIdentity.filter(member_id=inviter.id)
    if openid and await same_wechat.filter(openid=openid).exists():
        raise SelfReferralError()
    if unionid and await same_wechat.filter(unionid=unionid).exists():
        raise SelfReferralError()


async def record_referral(inviter: Member | None, invitee: Member, now: datetime) -> None:
    """Inside the registration's transaction: the invitee's one referral row."""
    if inviter is None or inviter.id == invitee.id:
        return
    await Referral.create(referrer_id=inviter.id, invitee_id=invitee.id, created_at=now)


@dataclass(frozen=True)
class Qualified:
    referral_id: int
    referrer_id: int
    invitee_id: int


async def pending_referrals(invitee_ids: list[int]) -> list[tuple[int, int, int]]:
    """(referral id, referrer id, invitee id) of these invitees' unrewarded referrals."""
    rows = await Referral.filter(
        invitee_id__in=invitee_ids, status=ReferralStatus.PENDING
    ).values_list("id", "referrer_id", "invitee_id")
    return sorted((int(r), int(m), int(i)) for r, m, i in rows)


async def qualify(
    first_purchase: dict[int, int], candidates: list[tuple[int, int, int]], now: datetime
) -> list[Qualified]:
    """Inside the purchases' transaction: mark referrals rewarded with one conditional UPDATE
    each, so two first purchases racing each other qualify a referral once. Rows are taken in
    referral-id order, the same in every transaction."""
    done: list[Qualified] = []
    for referral_id, referrer_id, invitee_id in sorted(candidates):
        updated = await Referral.filter(id=referral_id, status=ReferralStatus.PENDING).update(
            status=ReferralStatus.REWARDED,
            rewarded_at=now,
            first_purchase_id=first_purchase[invitee_id],
        )
        if updated:
            done.append(Qualified(referral_id, referrer_id, invitee_id))
            rewarded = {
                "referral_id": referral_id,
                "referrer_id": referrer_id,
                "invitee_id": invitee_id,
            }
            await enqueue(EventKind.REFERRAL_REWARDED, rewarded, now)
    return done


async def reward(c: Collaborators, qualified: Qualified) -> None:
    """+100 to each side, once per referral (the ledger key), and a star on the board."""
    ref = str(qualified.referral_id)
    awarded = await award_points(c, qualified.referrer_id, "referral", ref)
    await award_points(c, qualified.invitee_id, "referral", ref)
    referrer_id = qualified.referrer_id
    after_commit(
        lambda: leaderboard.record_qualified(c.redis, referrer_id),
        lambda: leaderboard.doubt_qualified(c.redis),
    )
    points = awarded.amount if awarded else 0
    announce(c, ReferralRewarded(qualified.referral_id, referrer_id, qualified.invitee_id, points))
