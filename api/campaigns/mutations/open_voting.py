"""openVoting: an admin opens a campaign's voting now instead of waiting for its start."""

from __future__ import annotations

from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.campaigns.types import OpenVotingSuccess, campaign_by_id
from api.context import Context
from api.errors import InvalidInput, NotFound, VotingAlreadyOpen, as_user_error
from api.permissions import require_role
from domain.campaigns import services
from domain.errors import DomainError
from domain.identity.models import Role
from web.ids import decode_required_id


@strawberry.input(description="The campaign whose voting opens now.")
class OpenVotingInput:
    campaign_id: strawberry.ID = strawberry.field(description="`Campaign.id`.")


OpenVotingResult = Annotated[
    OpenVotingSuccess | VotingAlreadyOpen | NotFound | InvalidInput,
    strawberry.union("OpenVotingResult", description="The outcome of `openVoting`."),
]


async def open_voting(info: Info[Context, Any], input: OpenVotingInput) -> OpenVotingResult:
    admin = require_role(info, Role.ADMIN)
    try:
        campaign_id = decode_required_id(input.campaign_id, "Campaign", "campaignId")
        await services.open_voting(info.context.collaborators, admin, campaign_id)
    except DomainError as error:
        return as_user_error(error, OpenVotingResult)
    return OpenVotingSuccess(campaign=await campaign_by_id(info, campaign_id))
