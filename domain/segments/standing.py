"""A member's own standing: their tier, their R/F/M scores against the latest tier run's cuts and
how many more purchases would move them up. Reads only that member's rows."""

from __future__ import annotations

from dataclasses import dataclass

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.segments.rfm import RfmRules, Tier, assign, purchases_to_move_up
from domain.segments.tiers import _activities, latest_cuts

NEXT_TIER = {
    Tier.NEWCOMER: Tier.HIGH_VALUE,
    Tier.DORMANT: Tier.HIGH_VALUE,
    Tier.POTENTIAL: Tier.HIGH_VALUE,
    Tier.HIGH_VALUE: Tier.KOC,
}


@dataclass(frozen=True)
class Standing:
    tier: Tier | None  # as the last tier run set it; None before the first run
    r: int
    f: int
    m: int
    purchases_to_move_up: int | None  # None: no cuts yet, at the top, or out of reach
    next_tier: Tier | None

    @property
    def score(self) -> int:
        return self.r + self.f + self.m


async def member_standing(c: Collaborators, member: Member) -> Standing:
    tier = Tier(member.tier) if member.tier else None
    cuts = await latest_cuts()
    if cuts is None:
        return Standing(tier, 0, 0, 0, None, None)
    row = {"id": member.id, "created_at": member.created_at, "tier": member.tier}
    rules = RfmRules()
    (activity,) = await _activities([row], c.clock.now(), rules, with_contributions=True)
    scored = assign(activity, cuts, rules)
    more = purchases_to_move_up(activity, cuts)
    return Standing(
        tier=tier,
        r=scored.r,
        f=scored.f,
        m=scored.m,
        purchases_to_move_up=more,
        next_tier=NEXT_TIER.get(scored.tier) if more is not None else None,
    )
