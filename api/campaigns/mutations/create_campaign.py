"""createCampaign: an admin announces a naming or photo campaign."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

import strawberry
from strawberry.types import Info

from api.campaigns.types import CampaignKind, CreateCampaignSuccess, campaign_by_id
from api.context import Context
from api.errors import InvalidInput, as_user_error
from api.permissions import require_role
from domain.campaigns import models, services
from domain.errors import DomainError, FieldError, InvalidInputError
from domain.identity.models import Role
from web.ids import decode_id


@strawberry.input(description="A new campaign with its windows.")
class CreateCampaignInput:
    kind: CampaignKind = strawberry.field(description="Names or photos.")
    title: str = strawberry.field(description="4–60 characters.")
    description: str = strawberry.field(description="1–2000 characters: the rules and prize.")
    estate_id: strawberry.ID | None = strawberry.field(
        default=None, description="Only this estate's residents take part; omit for everyone."
    )
    proposal_starts_at: datetime | None = strawberry.field(
        default=None, description="When proposals open; omit to open now."
    )
    proposal_ends_at: datetime | None = strawberry.field(
        default=None, description="When proposals close; omit for the start of voting."
    )
    voting_starts_at: datetime = strawberry.field(description="When voting opens.")
    voting_ends_at: datetime = strawberry.field(description="When voting closes (the job closes).")
    votes_per_member: int | None = strawberry.field(
        default=None, description="Votes per member, 1–20; 3 when omitted."
    )
    hide_results_until_close: bool | None = strawberry.field(
        default=None, description="Show no counts anywhere until the campaign closes."
    )


CreateCampaignResult = Annotated[
    CreateCampaignSuccess | InvalidInput,
    strawberry.union("CreateCampaignResult", description="The outcome of `createCampaign`."),
]


async def create_campaign(
    info: Info[Context, Any], input: CreateCampaignInput
) -> CreateCampaignResult:
    admin = require_role(info, Role.ADMIN)
    errors: list[FieldError] = []
    estate_id = decode_id(input.estate_id, "Estate", "estateId", errors)
    try:
        if errors:
            raise InvalidInputError(errors)
        campaign = await services.create_campaign(
            info.context.collaborators,
            admin,
            services.NewCampaign(
                kind=models.CampaignKind(input.kind.name),
                title=input.title,
                description=input.description,
                voting_starts_at=input.voting_starts_at,
                voting_ends_at=input.voting_ends_at,
                estate_id=estate_id,
                proposal_starts_at=input.proposal_starts_at,
                proposal_ends_at=input.proposal_ends_at,
                votes_per_member=input.votes_per_member or 3,
                hide_results=bool(input.hide_results_until_close),
            ),
        )
    except DomainError as error:
        return as_user_error(error, CreateCampaignResult)
    return CreateCampaignSuccess(campaign=await campaign_by_id(info, campaign.id))
