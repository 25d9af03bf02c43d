"""Campaign reads for GraphQL and the portal: a fixed number of statements per page."""

from __future__ import annotations

from datetime import datetime

from tortoise.expressions import Q

from domain.campaigns.models import Ballot, Campaign, CampaignEntry, EntryStatus, Vote
from domain.campaigns.rules import CampaignStatus


def _status_filter(status: CampaignStatus, now: datetime) -> Q:
    open_ = Q(closed_at__isnull=True)
    if status == CampaignStatus.CLOSED:
        return Q(closed_at__isnull=False)
    if status == CampaignStatus.VOTING:
        return open_ & Q(voting_starts_at__lte=now)
    if status == CampaignStatus.DRAFT:
        return open_ & Q(voting_starts_at__gt=now) & Q(proposal_starts_at__gt=now)
    return (
        open_
        & Q(voting_starts_at__gt=now)
        & (Q(proposal_starts_at__isnull=True) | Q(proposal_starts_at__lte=now))
    )


async def campaigns_page(
    now: datetime, status: CampaignStatus | None, after: int | None, first: int
) -> list[Campaign]:
    """Newest first; ``first + 1`` rows so the caller knows whether there is a next page."""
    query = Campaign.all()
    if status is not None:
        query = query.filter(_status_filter(status, now))
    if after is not None:
        query = query.filter(id__lt=after)
    return await query.order_by("-id").limit(first + 1)


async def campaigns_before_voting(now: datetime, first: int) -> list[Campaign]:
    """Open campaigns whose voting has not started (announced or taking proposals), the
    soonest to vote first: those an admin may open voting for now."""
    query = Campaign.filter(closed_at__isnull=True, voting_starts_at__gt=now)
    return await query.order_by("voting_starts_at", "id").limit(first)


async def votes_left_by_campaign(
    member_id: int | None, campaigns: list[Campaign]
) -> dict[int, int]:
    """The member's votes left in each campaign (all of them before the first vote)."""
    left = {c.id: c.votes_per_member for c in campaigns}
    if member_id is None or not campaigns:
        return {c.id: 0 for c in campaigns}
    rows = await Ballot.filter(member_id=member_id, campaign_id__in=list(left)).values_list(
        "campaign_id", "votes_left"
    )
    left.update({int(cid): int(n) for cid, n in rows})
    return left


async def entries_page(
    campaign_id: int, viewer_id: int | None, staff: bool, after: int | None, first: int
) -> list[CampaignEntry]:
    """Approved entries oldest first with their proposers; staff and the proposer also see
    their pending ones."""
    visible = Q(status=EntryStatus.APPROVED)
    if staff:
        visible = Q(status__in=[EntryStatus.APPROVED, EntryStatus.PENDING])
    elif viewer_id is not None:
        visible = visible | Q(proposer_id=viewer_id, status=EntryStatus.PENDING)
    query = CampaignEntry.filter(Q(campaign_id=campaign_id) & visible)
    if after is not None:
        query = query.filter(id__gt=after)
    return await query.order_by("id").limit(first + 1).select_related("proposer")


async def entry_ids_voted(viewer_id: int | None, entry_ids: list[int]) -> set[int]:
    if viewer_id is None or not entry_ids:
        return set()
    rows = await Vote.filter(member_id=viewer_id, entry_id__in=entry_ids).values_list(
        "entry_id", "member_id"
    )
    return {int(entry_id) for entry_id, _ in rows}


async def entries_by_id(ids: list[int]) -> dict[int, CampaignEntry]:
    if not ids:
        return {}
    rows = await CampaignEntry.filter(id__in=ids).select_related("proposer")
    return {e.id: e for e in rows}


async def pending_entries(first: int) -> list[CampaignEntry]:
    """The entry moderation queue, oldest first."""
    return (
        await CampaignEntry.filter(status=EntryStatus.PENDING)
        .order_by("id")
        .limit(first)
        .select_related("proposer", "campaign")
    )


async def get_campaign(campaign_id: int) -> Campaign | None:
    return await Campaign.get_or_none(id=campaign_id)


async def campaign_exists(campaign_id: int) -> bool:
    return await Campaign.filter(id=campaign_id).exists()
