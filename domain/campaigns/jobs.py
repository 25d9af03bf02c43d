"""The campaigns' due jobs: campaigns whose voting window ended are closed; campaigns whose
voting started are heard as open (each run for a day after the start: the listener tells each
member once, also after an admin opened voting early)."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timedelta

from domain.campaigns.facts import VotingOpened
from domain.campaigns.models import Campaign
from domain.campaigns.services import close_due_campaigns
from domain.clock import FrozenClock
from domain.collaborators import Collaborators
from domain.facts import hear

VOTING_OPENED_SEARCH = timedelta(days=1)


async def close_campaigns_due_at(c: Collaborators, now: datetime) -> int:
    """Close what is due at ``now``; points and tallies go through the job's collaborators,
    with the clock held at ``now`` so the run is the one a kick for that moment asks for."""
    if not await Campaign.filter(closed_at__isnull=True, voting_ends_at__lte=now).exists():
        return 0
    return await close_due_campaigns(replace(c, clock=FrozenClock(now)))


async def hear_voting_opened(c: Collaborators, now: datetime) -> int:
    """Hear the open campaigns whose voting started in the last day; returns how many."""
    opened = await Campaign.filter(
        closed_at__isnull=True,
        voting_starts_at__lte=now,
        voting_starts_at__gt=now - VOTING_OPENED_SEARCH,
        voting_ends_at__gt=now,
    ).only("id", "estate_id", "title")
    for campaign in opened:
        await hear(c, VotingOpened(campaign.id, campaign.estate_id, campaign.title))
    return len(opened)
