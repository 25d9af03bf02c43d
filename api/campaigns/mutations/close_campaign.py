"""closeCampaign: an admin closes a campaign now; the winner is named and paid once."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.campaigns.types import CloseCampaignSuccess, campaign_by_id
from api.context import Context
from api.errors import InvalidInput, NotFound, as_user_error
from api.permissions import require_role
from domain.campaigns import services
from domain.errors import DomainError
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The campaign to close.")
class CloseCampaignInput:
    campaign_id: strawberry.ID = strawberry.field(description="`Campaign.id`.")


CloseCampaignResult = Annotated[
    CloseCampaignSuccess | NotFound | InvalidInput,
    strawberry.union("CloseCampaignResult", description="The outcome of `closeCampaign`."),
]


async def close_campaign(
    info: Info[Context, Any], input: CloseCampaignInput
) -> CloseCampaignResult:
    admin = require_role(info, Role.ADMIN)
    try:
        campaign_id = decode_required_id(input.campaign_id, "Campaign", "campaignId")
        await services.close_campaign(info.context.collaborators, campaign_id, admin)
    except DomainError as error:
        return as_user_error(error, CloseCampaignResult)
    return CloseCampaignSuccess(campaign=await campaign_by_id(info, campaign_id))
