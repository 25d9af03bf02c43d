"""campaignTally: a campaign's live tally over graphql-transport-ws, pushed at most once a
second, first the current one. Hidden results push no counts."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from typing import Any

import strawberry
from strawberry import relay
from strawberry.types import Info

from api.campaigns.types import CampaignTally
from api.context import Context
from api.errors import ClientError
from api.fields import subscription
from domain.campaigns import live, models


@strawberry.type
class CampaignsSubscription:
    @subscription(
        description="The campaign's tally now, then on every change (at most once a second)."
    )
    async def campaign_tally(
        self, info: Info[Context, Any], campaign_id: relay.GlobalID
    ) -> AsyncGenerator[CampaignTally, None]:
        if campaign_id.type_name != "Campaign" or not campaign_id.node_id.isdigit():
            raise ClientError("编号无效")
        pk = int(campaign_id.node_id)
        if not await models.Campaign.filter(id=pk).exists():
            raise ClientError("没有找到", code="NOT_FOUND")
        async for tally in live.follow(info.context.collaborators.redis, pk):
            yield CampaignTally.of(tally)
