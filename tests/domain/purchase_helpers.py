"""Shared setup for purchase and referral tests."""

from __future__ import annotations

from datetime import timedelta

from domain.collaborators import Collaborators
from domain.identity.models import Member, Role
from domain.purchases.rules import PurchaseRow
from domain.referrals.models import Referral
from tests.factories import make_member


async def make_admin() -> Member:
    return await make_member(display_name="运营", roles=(Role.RESIDENT, Role.ADMIN))


def order(
    c: Collaborators,
    order_id: str,
    member: Member,
    amount_cents: int = 12_345,
    *,
    line: int = 0,
    minutes_ago: int = 60,
) -> PurchaseRow:
    return PurchaseRow(
        line=line,
        order_id=order_id,
        amount_cents=amount_cents,
        purchased_at=c.clock.now() - timedelta(minutes=minutes_ago),
        phone=member.phone,
        items=["隅田川挂耳咖啡"],
    )


async def refer(c: Collaborators, referrer: Member, invitee: Member) -> Referral:
    """A referral as registration with an invite code leaves it."""
    invitee.referred_by_id = referrer.id
    await invitee.save(update_fields=["referred_by_id"])
    return await Referral.create(
        referrer_id=referrer.id, invitee_id=invitee.id, created_at=c.clock.now()
    )
