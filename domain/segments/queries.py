"""Staff reads of members with their tiers and RFM: one page of members, then one grouped
statement for the page's purchases; scores against the latest tier run's cuts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.segments.models import TierChange
from domain.segments.rfm import Cuts, MemberActivity, RfmRules, score_of
from domain.segments.tiers import latest_cuts, purchases_of


@dataclass(frozen=True)
class Rfm:
    recency_days: int | None
    frequency: int
    monetary_cents: int
    score: int  # R + F + M against the latest cuts; 0 before the first tier run


async def members_page(
    estate_id: int | None, tier: str | None, after_id: int | None, first: int
) -> list[Member]:
    """Members by id, optionally of one estate and one tier; ``first + 1`` rows."""
    query = Member.all()
    if estate_id is not None:
        query = query.filter(estate_id=estate_id)
    if tier is not None:
        query = query.filter(tier=tier)
    if after_id is not None:
        query = query.filter(id__gt=after_id)
    return list(await query.order_by("id").limit(first + 1))


async def rfm_of(
    c: Collaborators, member_ids: list[int], cuts: Cuts | None = None, rules: RfmRules = RfmRules()
) -> dict[int, Rfm]:
    """Each member's RFM over the window now, in one grouped statement (plus the latest cuts)."""
    if not member_ids:
        return {}
    now = c.clock.now()
    cuts = cuts or await latest_cuts() or Cuts((), (), ())
    bought = await purchases_of(member_ids, now - timedelta(days=rules.window_days))
    found = {}
    for member_id in member_ids:
        last, times, cents = bought.get(member_id, (None, 0, 0))
        days = None if last is None else max(0, (now - last).days)
        activity = MemberActivity(
            member_id=member_id,
            days_since_joined=0,
            days_since_last_purchase=days,
            frequency=times,
            monetary_cents=cents,
        )
        found[member_id] = Rfm(
            recency_days=days,
            frequency=activity.frequency,
            monetary_cents=activity.monetary_cents,
            score=sum(score_of(activity, cuts)),
        )
    return found


async def tier_history(member_id: int, first: int) -> list[TierChange]:
    return list(await TierChange.filter(member_id=member_id).order_by("-id").limit(first))
