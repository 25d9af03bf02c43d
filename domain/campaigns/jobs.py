"""The closing job: campaigns whose voting window ended are closed by the due-jobs run."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from domain.campaigns.models import Campaign
from domain.campaigns.services import close_due_campaigns
from domain.clock import FrozenClock
from domain.collaborators import Collaborators


async def close_campaigns_due_at(c: Collaborators, now: datetime) -> int:
    """Close what is due at ``now``; points and tallies go through the job's collaborators,
    with the clock held at ``now`` so the run is the one a kick for that moment asks for."""
    if not await Campaign.filter(closed_at__isnull=True, voting_ends_at__lte=now).exists():
        return 0
    return await close_due_campaigns(replace(c, clock=FrozenClock(now)))
