"""Staff reads of members with their tiers and RFM: one page of members, then one grouped
statement for the page's purchases; scores against the latest tier run's cuts."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from tortoise.functions import Count, Max, Sum

from domain.collaborators import Collaborators
from domain.identity.models import Member
from domain.purchases.models import Purchase
from domain.segments.models import TierChange
from domain.segments.rfm import Cuts, MemberActivity, RfmRules, score_of
from domain.segments.tiers import latest_cuts


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
    rows = (
        await Purchase.filter(
            member_id__in=member_ids, purchased_at__gte=now - timedelta(days=rules.window_days)
        )
        .group_by("member_id")
        .annotate(times=Count("id"), cents=Sum("amount_cents"), last=Max("purchased_at"))
        .values("member_id", "times", "cents", "last")
    )
    bought = {int(r["member_id"]): r for r in rows}
    found = {}
    for member_id in member_ids:
        row = bought.get(member_id)
        days = max(0, (now - row["last"]).days) if row else None
        activity = MemberActivity(
            member_id=member_id,
            days_since_joined=0,
            days_since_last_purchase=days,
            frequency=int(row["times"]) if row else 0,
            monetary_cents=int(row["cents"] or 0) if row else 0,
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
