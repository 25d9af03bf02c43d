"""Campaign root fields."""

from __future__ import annotations

from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.campaigns.types import (
    Campaign,
    CampaignConnection,
    CampaignStatus,
    campaign_seen_by,
    campaigns_of,
)
from api.context import Context
from api.fields import field
from api.pagination import after_id, check_first, connection_of
from domain.campaigns import queries
from domain.campaigns.rules import CampaignStatus as Status


@strawberry.type
class CampaignsQuery:
    @field(
        description="Campaigns, newest first, optionally of one status; `first` is 1–50. Open "
        "to everyone; `viewerVotesLeft` is 0 when signed out."
    )
    async def campaigns(
        self,
        info: Info[Context, Any],
        first: int,
        status: CampaignStatus | None = None,
        after: str | None = None,
    ) -> CampaignConnection:
        check_first(first)
        now = info.context.collaborators.clock.now()
        wanted = Status(status.name) if status is not None else None
        rows = await queries.campaigns_page(now, wanted, after_id(after), first)
        shown = {c.id: c for c in await campaigns_of(info, rows[:first]) if c is not None}
        return connection_of(CampaignConnection, rows, first, after, lambda r: shown[r.id])

    @field(description="One campaign by its ID; null when there is none.")
    async def campaign(self, info: Info[Context, Any], id: relay.GlobalID) -> Campaign | None:
        if id.type_name != "Campaign" or not id.node_id.isdigit():
            return None
        now = info.context.collaborators.clock.now()
        viewer = info.context.member
        return await campaign_seen_by(viewer.id if viewer else None, now, int(id.node_id))
